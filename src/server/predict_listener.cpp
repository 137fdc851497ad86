#include "server/predict_listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::server {

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
    int fd = -1;
    std::string remote;
    bool counted = false;  // holds one of its address's connections
    std::string in;
    std::size_t parsed = 0;  // bytes of `in` consumed by answered requests
    std::string out;
    std::size_t written = 0;
    bool close_after_write = false;
    bool sent_continue = false;
    std::uint32_t interest = EPOLLIN | EPOLLRDHUP;  // the events registered for it
    bool eof = false;  // the client closed its side: only writing is left
    Clock::time_point last_active = Clock::now();
    Clock::time_point started{};       // the first byte of the request being received; {} = none
    Clock::time_point linger_until{};  // set: answered and closing, input dropped
    std::size_t scanned = 0;           // bytes after `parsed` searched for the head's end

    bool lingering() const { return linger_until != Clock::time_point{}; }
};

// The outcome of looking at the unparsed bytes of a connection.
enum class Parse { need_more, request, error };

}  // namespace

struct PredictListener::Impl {
    ListenerOptions options;
    RawHandler handler;
    int listen_fd = -1;
    int bound_port = 0;
    std::vector<std::thread> loops;
    std::vector<int> wake_fds;
    std::atomic<bool> stopping{false};
    std::mutex lifecycle_mu;

    // Parses one request from c.in at c.parsed. On `request`, fills `req` and
    // advances c.parsed past it; on `error`, `err` is the answer (the connection
    // closes after it). `keep_alive` says whether the connection stays open.
    Parse parse(Connection& c, RawRequest& req, bool& keep_alive, Response& err) {
        std::string_view data(c.in);
        data.remove_prefix(c.parsed);
        std::size_t head_end = find_head_end(data, c.scanned);
        if (head_end == std::string_view::npos) {
            c.scanned = data.size();
            if (auto e = check_partial_head(data, options.limits)) {
                err = std::move(*e);
                return Parse::error;
            }
            return Parse::need_more;
        }
        BodyFraming framing;
        if (auto e = parse_head(data.substr(0, head_end - 4), options.limits, req, framing, keep_alive)) {
            err = std::move(*e);
            return Parse::error;
        }
        if (framing.has_body() && options.reads_body && !options.reads_body(req)) {
            req.remote = c.remote;
            keep_alive = false;  // the body is left unread: the connection closes after the answer
            c.parsed = c.in.size();
            return Parse::request;
        }
        std::size_t total = head_end + framing.length;
        ChunkedScan scan = ChunkedScan::done;
        if (framing.chunked) {
            total = head_end;
            scan = scan_chunked(data, head_end, total, options.limits.max_body_bytes);
            if (scan == ChunkedScan::malformed || scan == ChunkedScan::too_large) {
                err = scan == ChunkedScan::malformed ? malformed_chunked() : body_too_large(options.limits);
                return Parse::error;
            }
        }
        if (data.size() < total || scan == ChunkedScan::need_more) {
            if (!c.sent_continue && to_lower(req.header("expect")) == "100-continue") {
                c.out += "HTTP/1.1 100 Continue\r\n\r\n";
                c.sent_continue = true;
            }
            return Parse::need_more;
        }
        if (framing.chunked) {
            std::size_t at = head_end;
            scan_chunked(data, head_end, at, options.limits.max_body_bytes, &req.body);
        } else {
            req.body = std::string(data.substr(head_end, framing.length));
        }
        req.remote = c.remote;
        c.parsed += total;
        c.scanned = 0;
        c.sent_continue = false;
        return Parse::request;
    }

    // Appends an error answer; the connection closes once it is written.
    void refuse(Connection& c, const Response& err) {
        append_response(c.out, err, true);
        c.close_after_write = true;
        if (options.log) options.log(std::to_string(err.status) + " from " + c.remote + ": " + err.body.value("message", std::string()));
    }

    // Answers every complete request buffered on `c`, appending to its output.
    void answer_buffered(Connection& c) {
        while (!c.close_after_write) {
            RawRequest req;
            bool keep_alive = true;
            Response err;
            Parse p = parse(c, req, keep_alive, err);
            if (p == Parse::need_more) break;
            if (p == Parse::error) {
                refuse(c, err);
                break;
            }
            c.started = Clock::time_point{};  // the next request's clock starts when its bytes are seen
            Response res;
            try {
                res = handler(req);
            } catch (const std::exception& e) {  // the handler's contract says never; a loop thread must not die
                res = error_response(500, "internal_error", std::string("internal error: ") + e.what());
            }
            append_response(c.out, res, !keep_alive);
            if (!keep_alive) c.close_after_write = true;
        }
        if (c.parsed > 0 && c.parsed == c.in.size()) {
            c.in.clear();
            c.parsed = 0;
        } else if (c.parsed > 64 * 1024) {
            c.in.erase(0, c.parsed);
            c.parsed = 0;
        }
    }

    // Writes what it can; false when the connection is done (error or closed after its answer).
    bool flush(Connection& c) {
        while (c.written < c.out.size()) {
            ssize_t n = ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
            if (n > 0) {
                c.written += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            return false;
        }
        c.out.clear();
        c.written = 0;
        return !c.close_after_write;
    }

    // Reads everything available; false on EOF or error.
    static bool fill(Connection& c) {
        char buf[16384];
        for (;;) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                if (static_cast<std::size_t>(n) < sizeof buf) return true;
                continue;
            }
            if (n == 0) return false;
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
    }

    struct Loop;
    void loop(int wake_fd);
};

// One event loop's connections.
struct PredictListener::Impl::Loop {
    Impl& s;
    int ep = -1;
    int wake_fd = -1;
    std::unordered_map<int, Connection> conns;

    void close_conn(int fd) {
        auto it = conns.find(fd);
        if (it == conns.end()) return;
        if (it->second.counted && s.options.limiter) s.options.limiter->release(it->second.remote);
        ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        conns.erase(it);
    }

    // Reading until the client closes its side (after that a level-triggered
    // EPOLLRDHUP would fire on every wait), writing while output is pending.
    void update_interest(Connection& c) {
        std::uint32_t want = (c.eof ? 0u : EPOLLIN | EPOLLRDHUP) | (c.out.empty() ? 0u : EPOLLOUT);
        if (want == c.interest) return;
        epoll_event e{};
        e.events = want;
        e.data.fd = c.fd;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e);
        c.interest = want;
    }

    // Its answers written, a connection that closes shuts its write side and
    // drops input for lingering_close (closing with input unread would reset it
    // and could discard the answer before the client reads it); false when it
    // can close at once.
    bool start_lingering(Connection& c) {
        if (c.eof) return false;
        ::shutdown(c.fd, SHUT_WR);
        c.linger_until = Clock::now() + lingering_close;
        c.in.clear();
        c.parsed = 0;
        return true;
    }

    void accept_all() {
        for (;;) {
            int cfd = ::accept4(s.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (cfd < 0) break;
            int one = 1;
            ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            Connection& c = conns[cfd];
            c.fd = cfd;
            c.remote = peer_address(cfd);
            epoll_event e{};
            e.events = EPOLLIN | EPOLLRDHUP;
            e.data.fd = cfd;
            ::epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &e);
            c.counted = !s.options.limiter || s.options.limiter->acquire(c.remote);
            if (!c.counted) {
                s.refuse(c, too_many_connections(s.options.limits));
                settle(c);
            }
        }
    }

    // After reading or answering: writes what it can, then closes, lingers or
    // waits for more. False once the connection is gone.
    bool settle(Connection& c) {
        int fd = c.fd;
        if (!s.flush(c)) {
            if (c.out.empty() && c.close_after_write && start_lingering(c)) {
                update_interest(c);
                return true;
            }
            close_conn(fd);
            return false;
        }
        // Pipelined requests left unanswered while output was pending go now.
        if (c.out.empty() && c.parsed < c.in.size()) {
            s.answer_buffered(c);
            if (!s.flush(c)) return settle(c);
        }
        if (c.parsed < c.in.size()) {
            if (c.started == Clock::time_point{}) c.started = Clock::now();
        } else {
            c.started = Clock::time_point{};
        }
        update_interest(c);
        return true;
    }

    // Drops what a lingering connection sends; closes it at its end.
    void drain(Connection& c) {
        char buf[16384];
        for (int i = 0; i < 64; ++i) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            if (n < 0 && errno == EINTR) continue;
            return close_conn(c.fd);
        }
    }

    void on_event(int fd, std::uint32_t events) {
        auto it = conns.find(fd);
        if (it == conns.end()) return;
        Connection& c = it->second;
        c.last_active = Clock::now();
        if (c.lingering()) return drain(c);
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            bool readable = fill(c);
            if (c.out.empty() || c.written == c.out.size()) s.answer_buffered(c);
            // A client that sends without reading its answers is cut off
            // once more than a request's worth of input is waiting.
            if (!c.close_after_write &&
                c.in.size() - c.parsed > s.options.limits.max_body_bytes + s.options.limits.max_header_bytes)
                return close_conn(fd);
            if (!readable) {
                c.eof = c.close_after_write = true;
                if (c.out.empty()) return close_conn(fd);
            }
        }
        settle(c);
    }

    // Closes what lingered or idled long enough; answers 408 to requests that
    // have not arrived whole within request_timeout.
    void sweep() {
        auto now = Clock::now();
        const TransportLimits& l = s.options.limits;
        std::vector<int> done, late;
        for (auto& [fd, c] : conns) {
            if (c.lingering()) {
                if (now >= c.linger_until) done.push_back(fd);
            } else if (c.started != Clock::time_point{} && !c.close_after_write && now - c.started >= l.request_timeout) {
                late.push_back(fd);
            } else if (now - c.last_active >= l.keep_alive_timeout) {
                done.push_back(fd);
            }
        }
        for (int fd : done) close_conn(fd);
        for (int fd : late) {
            Connection& c = conns[fd];
            s.refuse(c, request_timed_out(l));
            if (c.written == 0) settle(c);  // else the pending output's EPOLLOUT writes it
        }
    }
};

void PredictListener::Impl::loop(int wake_fd) {
    Loop l{*this};
    l.wake_fd = wake_fd;
    l.ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listen_fd;
    ::epoll_ctl(l.ep, EPOLL_CTL_ADD, listen_fd, &ev);
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd;
    ::epoll_ctl(l.ep, EPOLL_CTL_ADD, wake_fd, &ev);
    std::vector<epoll_event> events(256);
    auto last_sweep = Clock::now();
    // Deadlines are checked this often: a 408 comes at most this late.
    constexpr auto tick = std::chrono::milliseconds(100);
    while (!stopping) {
        int n = ::epoll_wait(l.ep, events.data(), static_cast<int>(events.size()), static_cast<int>(tick.count()));
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == wake_fd) continue;
            if (fd == listen_fd)
                l.accept_all();
            else
                l.on_event(fd, events[i].events);
        }
        if (Clock::now() - last_sweep >= tick) {
            last_sweep = Clock::now();
            l.sweep();
        }
    }
    std::vector<int> fds;
    for (auto& [cfd, c] : l.conns) fds.push_back(cfd);
    for (int cfd : fds) l.close_conn(cfd);
    ::close(l.ep);
}

PredictListener::PredictListener(ListenerOptions options, RawHandler handler) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
}

PredictListener::~PredictListener() { stop(); }

void PredictListener::start() {
    std::lock_guard lock(impl_->lifecycle_mu);
    Impl& s = *impl_;
    if (!s.loops.empty()) return;
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    std::string port = std::to_string(s.options.port);
    auto fail = [&](const std::string& why) {
        return Error(ErrorKind::io, "bind_failed",
                     "cannot listen on " + s.options.host + ":" + port + " for predictions: " + why, {},
                     "is another process using the port? choose another with --predict-port");
    };
    if (int rc = ::getaddrinfo(s.options.host.c_str(), port.c_str(), &hints, &res); rc != 0) throw fail(gai_strerror(rc));
    int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, res->ai_protocol);
    int yes = 1;
    if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    bool ok = fd >= 0 && ::bind(fd, res->ai_addr, res->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0;
    ::freeaddrinfo(res);
    if (!ok) {
        std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw fail(why);
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    s.bound_port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                                    : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    s.listen_fd = fd;
    s.stopping = false;
    unsigned n = s.options.threads > 0 ? s.options.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        int wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        s.wake_fds.push_back(wake);
        s.loops.emplace_back([&s, wake] { s.loop(wake); });
    }
}

void PredictListener::stop() {
    std::lock_guard lock(impl_->lifecycle_mu);
    Impl& s = *impl_;
    if (s.loops.empty()) return;
    s.stopping = true;
    for (int w : s.wake_fds) {
        std::uint64_t one = 1;
        [[maybe_unused]] auto r = ::write(w, &one, sizeof one);
    }
    for (auto& t : s.loops) t.join();
    for (int w : s.wake_fds) ::close(w);
    s.loops.clear();
    s.wake_fds.clear();
    ::close(s.listen_fd);
    s.listen_fd = -1;
}

int PredictListener::port() const { return impl_->bound_port; }

}  // namespace hone::server
