#include "models/xgboost/rabit_tracker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>

#include "common/error.hpp"

namespace hone::models::xgb {

namespace {

// The number a worker and the tracker exchange first (tracker.py's MAGIC_NUM).
constexpr std::int32_t kMagic = 0xff99;
// How long one worker may take to answer the tracker once it has connected.
constexpr int kAnswerSeconds = 30;

[[noreturn]] void fail(const std::string& message) {
    throw Error(ErrorKind::internal, "distributed_failed", "rabit tracker: " + message);
}

// A blocking connection to one worker, with a bound on every send and receive.
class Conn {
public:
    explicit Conn(int fd) : fd_(fd) {
        timeval tv{kAnswerSeconds, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    ~Conn() { ::close(fd_); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    void read(void* out, std::size_t n) {
        auto* p = static_cast<char*>(out);
        while (n > 0) {
            ssize_t got = ::recv(fd_, p, n, 0);
            if (got == 0) fail("a worker closed its connection in the middle of the handshake");
            if (got < 0) {
                if (errno == EINTR) continue;
                fail(errno == EAGAIN || errno == EWOULDBLOCK
                         ? "a worker did not answer within " + std::to_string(kAnswerSeconds) + " s"
                         : std::string("reading from a worker: ") + std::strerror(errno));
            }
            p += got;
            n -= static_cast<std::size_t>(got);
        }
    }
    void write(const void* data, std::size_t n) {
        const auto* p = static_cast<const char*>(data);
        while (n > 0) {
            ssize_t sent = ::send(fd_, p, n, MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR) continue;
                fail(std::string("writing to a worker: ") + std::strerror(errno));
            }
            p += sent;
            n -= static_cast<std::size_t>(sent);
        }
    }
    // Integers travel as 4 bytes in the host's order (struct "@i"), strings as
    // their length then their bytes.
    std::int32_t read_int() {
        std::int32_t v = 0;
        read(&v, sizeof v);
        return v;
    }
    void write_int(std::int32_t v) { write(&v, sizeof v); }
    std::string read_string() {
        std::int32_t n = read_int();
        if (n < 0 || n > (1 << 20)) fail("a worker sent a string of " + std::to_string(n) + " bytes");
        std::string s(static_cast<std::size_t>(n), '\0');
        read(s.data(), s.size());
        return s;
    }
    void write_string(const std::string& s) {
        write_int(static_cast<std::int32_t>(s.size()));
        write(s.data(), s.size());
    }

private:
    int fd_;
};

std::vector<int> tree_neighbours(int rank, int n) {
    int r = rank + 1;
    std::vector<int> out;
    if (r > 1) out.push_back(r / 2 - 1);
    if (r * 2 - 1 < n) out.push_back(r * 2 - 1);
    if (r * 2 < n) out.push_back(r * 2);
    return out;
}

// A ring that tends to share links with the tree, starting at `rank`: each
// subtree in turn, the last one reversed (tracker.py's find_share_ring).
std::vector<int> share_ring(const std::vector<std::vector<int>>& tree, const std::vector<int>& parent, int rank) {
    std::set<int> children(tree[rank].begin(), tree[rank].end());
    children.erase(parent[rank]);
    std::vector<int> out{rank};
    std::size_t count = 0;
    for (int child : children) {
        std::vector<int> sub = share_ring(tree, parent, child);
        if (++count == children.size()) std::reverse(sub.begin(), sub.end());
        out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
}

// Numbers in numeric order, then other ids as text.
bool task_before(const std::string& a, const std::string& b) {
    auto numeric = [](const std::string& s) {
        return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    bool na = numeric(a), nb = numeric(b);
    if (na && nb) return std::stol(a) < std::stol(b);
    if (na != nb) return na;
    return a < b;
}

}  // namespace

std::vector<RankLinks> link_map(int n) {
    std::vector<std::vector<int>> tree(n);
    std::vector<int> parent(n);
    for (int r = 0; r < n; ++r) {
        tree[r] = tree_neighbours(r, n);
        parent[r] = (r + 1) / 2 - 1;
    }
    std::vector<int> ring = share_ring(tree, parent, 0);
    std::vector<int> prev(n), next(n);
    for (int i = 0; i < n; ++i) {
        prev[ring[i]] = ring[(i + n - 1) % n];
        next[ring[i]] = ring[(i + 1) % n];
    }
    // Relabel so that the ring reads 0, 1, ..., n - 1.
    std::vector<int> label(n, 0);
    for (int i = 0, k = 0; i < n - 1; ++i) {
        k = next[k];
        label[k] = i + 1;
    }
    std::vector<RankLinks> out(n);
    for (int r = 0; r < n; ++r) {
        RankLinks& l = out[label[r]];
        l.parent = r == 0 ? -1 : label[parent[r]];
        for (int t : tree[r]) l.tree.push_back(label[t]);
        l.ring_prev = label[prev[r]];
        l.ring_next = label[next[r]];
    }
    return out;
}

struct RabitTracker::Worker {
    std::unique_ptr<Conn> conn;
    std::string host;
    std::string task_id;
    int asked_rank = -1;
    int port = 0;         // where it accepts its peers
    int wait_accept = 0;  // peers that still have to connect to it
};

RabitTracker::RabitTracker(int workers) : workers_(workers), links_(link_map(workers)) {
    if (workers < 1) fail("needs at least one worker");
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) fail(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 256) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        std::string why = std::strerror(errno);
        ::close(listen_fd_);
        fail("cannot listen on 127.0.0.1: " + why);
    }
    port_ = ntohs(addr.sin_port);
    for (int r = 0; r < workers; ++r) todo_.push_back(r);
    shut_down_.assign(static_cast<std::size_t>(workers), false);
}

RabitTracker::~RabitTracker() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::vector<std::string> RabitTracker::messages() const {
    std::lock_guard lock(messages_mutex_);
    return messages_;
}

void RabitTracker::run(std::chrono::milliseconds start_timeout) {
    auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (!stop_ && shutdowns_ < workers_) {
        if (!all_started() && std::chrono::steady_clock::now() > deadline)
            fail(std::to_string(started_.load()) + " of " + std::to_string(workers_) +
                 " workers started within " + std::to_string(start_timeout.count() / 1000) + " s");
        pollfd p{listen_fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) fail(std::string("poll: ") + std::strerror(errno));
        if (ready <= 0) continue;
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
        if (fd < 0) continue;
        char text[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
        handle(fd, text);
    }
}

void RabitTracker::handle(int fd, const std::string& peer) {
    auto w = std::make_unique<Worker>();
    w->conn = std::make_unique<Conn>(fd);
    w->host = peer;
    Conn& c = *w->conn;
    std::int32_t magic = c.read_int();
    if (magic != kMagic) fail("a connection from " + peer + " sent " + std::to_string(magic) + ", not the magic number");
    c.write_int(kMagic);
    w->asked_rank = c.read_int();
    int world = c.read_int();
    w->task_id = c.read_string();
    std::string cmd = c.read_string();
    if (cmd == "print") {
        std::string text = c.read_string();
        std::lock_guard lock(messages_mutex_);
        messages_.push_back(std::move(text));
        return;
    }
    if (cmd == "shutdown") {
        int r = w->asked_rank;
        if (r < 0 || r >= workers_ || shut_down_[r]) fail("unexpected shutdown from rank " + std::to_string(r));
        shut_down_[r] = true;
        ++shutdowns_;
        return;
    }
    if (cmd != "start" && cmd != "recover") fail("unknown command '" + cmd + "' from " + peer);
    if (world > 0 && world != workers_)
        fail("a worker expects " + std::to_string(world) + " workers, the tracker " + std::to_string(workers_));
    int rank = w->asked_rank;
    if (rank < 0 && w->task_id != "NULL" && rank_of_task_.contains(w->task_id)) rank = rank_of_task_[w->task_id];
    Worker& ref = *w;
    owned_.push_back(std::move(w));
    if (rank >= 0) {
        if (rank >= workers_) fail("a worker asks for rank " + std::to_string(rank));
        std::erase(todo_, rank);
        assign(ref, rank);
        return;
    }
    pending_.push_back(&ref);
    if (pending_.size() < todo_.size()) return;
    // Everyone without a rank is here: ranks in the order of task ids.
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Worker* a, const Worker* b) { return task_before(a->task_id, b->task_id); });
    for (Worker* p : pending_) {
        int r = todo_.front();
        todo_.erase(todo_.begin());
        if (p->task_id != "NULL") rank_of_task_[p->task_id] = r;
        assign(*p, r);
    }
    pending_.clear();
}

// Sends a worker its rank and links, then which peers to connect to.
void RabitTracker::assign(Worker& w, int rank) {
    Conn& c = *w.conn;
    const RankLinks& l = links_[rank];
    c.write_int(rank);
    c.write_int(l.parent);
    c.write_int(workers_);
    c.write_int(static_cast<std::int32_t>(l.tree.size()));
    for (int t : l.tree) c.write_int(t);
    for (int neighbour : {l.ring_prev, l.ring_next}) c.write_int(neighbour == rank ? -1 : neighbour);
    connect_peers(w, rank);
    ++started_;
    w.conn.reset();  // the worker closes its side once it has its peers
}

// The worker says which of its links are up; it is told the address of each
// missing peer that already listens, and waits for the others to connect to it.
// It retries until it reports no failed connection (tracker.py's _get_remote).
void RabitTracker::connect_peers(Worker& w, int rank) {
    Conn& c = *w.conn;
    const RankLinks& l = links_[rank];
    std::set<int> links(l.tree.begin(), l.tree.end());
    for (int neighbour : {l.ring_prev, l.ring_next})
        if (neighbour != -1 && neighbour != rank) links.insert(neighbour);
    while (true) {
        int good_count = c.read_int();
        std::set<int> good;
        for (int i = 0; i < good_count; ++i) good.insert(c.read_int());
        std::vector<int> bad, to_connect;
        for (int r : links)
            if (!good.contains(r)) bad.push_back(r);
        for (int r : bad)
            if (waiting_accept_.contains(r)) to_connect.push_back(r);
        c.write_int(static_cast<std::int32_t>(to_connect.size()));
        c.write_int(static_cast<std::int32_t>(bad.size() - to_connect.size()));
        for (int r : to_connect) {
            c.write_string(waiting_accept_[r]->host);
            c.write_int(waiting_accept_[r]->port);
            c.write_int(r);
        }
        if (c.read_int() != 0) continue;  // some connection failed: again
        w.port = c.read_int();
        for (int r : to_connect)
            if (--waiting_accept_[r]->wait_accept == 0) waiting_accept_.erase(r);
        w.wait_accept = static_cast<int>(bad.size() - to_connect.size());
        if (w.wait_accept > 0) waiting_accept_[rank] = &w;
        return;
    }
}

}  // namespace hone::models::xgb
