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

const char* reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 422: return "Unprocessable Entity";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        default: return "Unknown";
    }
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t max_header_bytes = 64 * 1024;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded; `plus_is_space` for query strings.
std::string percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// Appends `r` as an HTTP/1.1 response to `out`, the connection's output.
void append_response(std::string& out, const Response& r, bool close) {
    std::string dumped;
    if (r.content_type.empty()) dumped = json_text(r.body);
    const std::string& body = r.content_type.empty() ? dumped : r.text;
    out.reserve(out.size() + body.size() + 160);
    out += "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\nContent-Type: ";
    out += r.content_type.empty() ? "application/json" : r.content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
    for (const auto& [k, v] : r.headers) {
        out += k;
        out += ": ";
        out += v;
        out += "\r\n";
    }
    if (close) out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
}

struct Connection {
    int fd = -1;
    std::string remote;
    std::string in;
    std::size_t parsed = 0;  // bytes of `in` consumed by answered requests
    std::string out;
    std::size_t written = 0;
    bool close_after_write = false;
    bool sent_continue = false;
    std::uint32_t interest = EPOLLIN | EPOLLRDHUP;  // the events registered for it
    bool eof = false;  // the client closed its side: only writing is left
    Clock::time_point last_active = Clock::now();
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
        std::size_t head_end = data.find("\r\n\r\n");
        if ((head_end == std::string_view::npos ? data.size() : head_end) > max_header_bytes) {
            err = error_response(431, "headers_too_large",
                                 "the request's headers exceed " + std::to_string(max_header_bytes) + " bytes");
            return Parse::error;
        }
        if (head_end == std::string_view::npos) return Parse::need_more;
        std::string_view head = data.substr(0, head_end);
        std::size_t line_end = head.find("\r\n");
        std::string_view line = head.substr(0, line_end);
        std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 == sp1 || line.substr(sp2 + 1).substr(0, 5) != "HTTP/") {
            err = error_response(400, "bad_request", "the request line does not parse as METHOD TARGET HTTP/1.x");
            return Parse::error;
        }
        req = RawRequest{};
        req.headers.reserve(8);
        req.method = std::string(line.substr(0, sp1));
        std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        std::string_view version = line.substr(sp2 + 1);
        std::size_t q = target.find('?');
        req.path = percent_decode(target.substr(0, q), false);
        if (q != std::string_view::npos) {
            std::string_view query = target.substr(q + 1);
            while (!query.empty()) {
                std::size_t amp = query.find('&');
                std::string_view pair = query.substr(0, amp);
                std::size_t eq = pair.find('=');
                if (!pair.empty())
                    req.query.emplace(percent_decode(pair.substr(0, eq), true),
                                      eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true));
                if (amp == std::string_view::npos) break;
                query.remove_prefix(amp + 1);
            }
        }
        std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
            std::size_t end = head.find("\r\n", pos);
            if (end == std::string_view::npos) end = head.size();
            std::string_view h = head.substr(pos, end - pos);
            std::size_t colon = h.find(':');
            if (colon == std::string_view::npos || colon == 0) {
                err = error_response(400, "bad_request", "a header line has no name: '" + std::string(h.substr(0, 80)) + "'");
                return Parse::error;
            }
            req.headers.emplace_back(to_lower(h.substr(0, colon)), std::string(trim(h.substr(colon + 1))));
            pos = end + 2;
        }
        std::string connection = to_lower(req.header("connection"));
        keep_alive = version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive";
        if (!req.header("transfer-encoding").empty()) {
            err = error_response(411, "length_required", "send the body with a Content-Length (chunked bodies are not read)");
            return Parse::error;
        }
        std::size_t length = 0;
        std::string cl = req.header("content-length");
        if (!cl.empty()) {
            char* end = nullptr;
            errno = 0;
            unsigned long long v = std::strtoull(cl.c_str(), &end, 10);
            if (errno != 0 || *end != '\0' || !std::isdigit(static_cast<unsigned char>(cl[0]))) {
                err = error_response(400, "bad_request", "Content-Length '" + cl + "' is not a number");
                return Parse::error;
            }
            if (v > options.max_body_bytes) {
                err = error_response(413, "payload_too_large",
                                   "the body is larger than the limit of " + std::to_string(options.max_body_bytes) +
                                       " bytes");
                return Parse::error;
            }
            length = static_cast<std::size_t>(v);
        }
        std::size_t total = head_end + 4 + length;
        if (data.size() < total) {
            if (!c.sent_continue && to_lower(req.header("expect")) == "100-continue") {
                c.out += "HTTP/1.1 100 Continue\r\n\r\n";
                c.sent_continue = true;
            }
            return Parse::need_more;
        }
        req.body = std::string(data.substr(head_end + 4, length));
        req.remote = c.remote;
        c.parsed += total;
        c.sent_continue = false;
        return Parse::request;
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
                append_response(c.out, err, true);
                c.close_after_write = true;
                break;
            }
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

    void loop(int wake_fd) {
        int ep = ::epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.fd = listen_fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
        ev.events = EPOLLIN;
        ev.data.fd = wake_fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, wake_fd, &ev);
        std::unordered_map<int, Connection> conns;
        auto close_conn = [&](int fd) {
            ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
            ::close(fd);
            conns.erase(fd);
        };
        // Reading until the client closes its side (after that a level-triggered
        // EPOLLRDHUP would fire on every wait), writing while output is pending.
        auto update_interest = [&](Connection& c) {
            std::uint32_t want = (c.eof ? 0u : EPOLLIN | EPOLLRDHUP) | (c.out.empty() ? 0u : EPOLLOUT);
            if (want == c.interest) return;
            epoll_event e{};
            e.events = want;
            e.data.fd = c.fd;
            ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e);
            c.interest = want;
        };
        std::vector<epoll_event> events(256);
        auto last_sweep = Clock::now();
        while (!stopping) {
            int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
            for (int i = 0; i < n; ++i) {
                int fd = events[i].data.fd;
                if (fd == wake_fd) continue;
                if (fd == listen_fd) {
                    for (;;) {
                        sockaddr_storage addr{};
                        socklen_t len = sizeof addr;
                        int cfd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len,
                                            SOCK_NONBLOCK | SOCK_CLOEXEC);
                        if (cfd < 0) break;
                        int one = 1;
                        ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                        char host[NI_MAXHOST] = "";
                        ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, nullptr, 0,
                                      NI_NUMERICHOST);
                        Connection& c = conns[cfd];
                        c.fd = cfd;
                        c.remote = host;
                        epoll_event e{};
                        e.events = EPOLLIN | EPOLLRDHUP;
                        e.data.fd = cfd;
                        ::epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &e);
                    }
                    continue;
                }
                auto it = conns.find(fd);
                if (it == conns.end()) continue;
                Connection& c = it->second;
                c.last_active = Clock::now();
                bool open = true;
                if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
                    bool readable = fill(c);
                    // A client that sends without reading its answers is cut off
                    // once a request's worth of input is waiting.
                    if (c.in.size() - c.parsed > options.max_body_bytes + max_header_bytes) {
                        close_conn(fd);
                        continue;
                    }
                    if (c.out.empty() || c.written == c.out.size()) answer_buffered(c);
                    if (!readable && c.out.empty()) open = false;
                    if (!readable) c.close_after_write = c.eof = true;
                }
                if (open) open = flush(c);
                if (!open) {
                    close_conn(fd);
                    continue;
                }
                // Pipelined requests left unanswered while output was pending go now.
                if (c.out.empty() && c.parsed < c.in.size()) {
                    answer_buffered(c);
                    if (!flush(c)) {
                        close_conn(fd);
                        continue;
                    }
                }
                update_interest(c);
            }
            auto now = Clock::now();
            if (now - last_sweep >= std::chrono::seconds(1)) {
                last_sweep = now;
                std::vector<int> idle;
                for (const auto& [cfd, c] : conns)
                    if (now - c.last_active > options.idle_timeout) idle.push_back(cfd);
                for (int cfd : idle) close_conn(cfd);
            }
        }
        for (auto& [cfd, c] : conns) ::close(cfd);
        ::close(ep);
    }
};

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
