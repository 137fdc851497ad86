#include "server/transport.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>

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
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 414: return "URI Too Long";
        case 422: return "Unprocessable Entity";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

Response body_too_large(const TransportLimits& limits) {
    return error_response(413, "payload_too_large",
                          "the body is larger than the limit of " + std::to_string(limits.max_body_bytes) +
                              " bytes (--max-body-bytes)");
}

Response headers_too_large(const TransportLimits& limits) {
    return error_response(431, "headers_too_large",
                          "the request's headers are larger than the limit of " +
                              std::to_string(limits.max_header_bytes) + " bytes (--max-header-bytes)");
}

Response request_timed_out(const TransportLimits& limits) {
    return error_response(408, "request_timeout",
                          "the request did not arrive whole within the limit of " +
                              format_seconds(limits.request_timeout) + " (--request-timeout)",
                          "send the request's headers and body without pauses");
}

Response too_many_connections(const TransportLimits& limits) {
    Response r = error_response(429, "too_many_connections",
                                "this address already has the limit of " +
                                    std::to_string(limits.max_connections_per_address) +
                                    " open connections (--max-connections-per-address)",
                                "reuse open connections (keep-alive) instead of opening more");
    r.headers.emplace_back("Retry-After", "1");
    return r;
}

std::string format_seconds(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms) / 1000);
    return buf;
}

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

std::size_t find_head_end(std::string_view data, std::size_t from) {
    std::size_t at = data.find("\r\n\r\n", from >= 3 ? from - 3 : 0);
    return at == std::string_view::npos ? at : at + 4;
}

std::optional<Response> check_partial_head(std::string_view data, const TransportLimits& limits) {
    if (data.size() > limits.max_header_bytes) return headers_too_large(limits);
    return std::nullopt;
}

Response malformed_chunked() { return error_response(400, "bad_request", "the chunked body does not parse"); }

ChunkedScan scan_chunked(std::string_view data, std::size_t body_start, std::size_t& pos, std::size_t max_bytes,
                         std::string* decoded) {
    for (;;) {
        std::size_t eol = data.find("\r\n", pos);
        if (eol == std::string_view::npos)
            return data.size() - pos > max_line_bytes ? ChunkedScan::malformed : ChunkedScan::need_more;
        std::string_view size_text = trim(data.substr(pos, eol - pos).substr(0, data.substr(pos, eol - pos).find(';')));
        bool hex = !size_text.empty() && size_text.size() <= 15 &&
                   std::all_of(size_text.begin(), size_text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (!hex) return ChunkedScan::malformed;
        std::size_t size = std::stoull(std::string(size_text), nullptr, 16);
        if (size == 0) {  // the last chunk; trailer lines up to an empty one
            for (std::size_t t = eol + 2;;) {
                std::size_t e = data.find("\r\n", t);
                if (e == std::string_view::npos)
                    return data.size() - t > max_line_bytes ? ChunkedScan::malformed : ChunkedScan::need_more;
                if (e == t) {
                    pos = e + 2;
                    return ChunkedScan::done;
                }
                t = e + 2;
            }
        }
        std::size_t data_at = eol + 2;
        if (data_at - body_start + size + 2 > max_bytes) return ChunkedScan::too_large;
        if (data.size() < data_at + size + 2) return ChunkedScan::need_more;
        if (data.substr(data_at + size, 2) != "\r\n") return ChunkedScan::malformed;
        if (decoded) decoded->append(data.substr(data_at, size));
        pos = data_at + size + 2;
    }
}

namespace {

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
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
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

Response bad_request(const std::string& message) { return error_response(400, "bad_request", message); }

std::string in_quotes(std::string_view s) { return "'" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "...'" : "'"); }

// The methods cpp-httplib parses; the prediction port refuses the same others.
bool known_method(std::string_view m) {
    static const char* const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    return std::any_of(std::begin(methods), std::end(methods), [&](const char* k) { return m == k; });
}

std::optional<Response> parse_request_line(std::string_view line, RawRequest& req, bool& http11) {
    if (line.size() > max_line_bytes)
        return error_response(414, "uri_too_long",
                              "the request line is longer than the limit of " + std::to_string(max_line_bytes) + " bytes");
    std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1 || line.substr(sp1 + 1, sp2 - sp1 - 1).find(' ') != std::string_view::npos ||
        sp1 == 0 || sp2 == sp1 + 1 || line.substr(sp2 + 1).substr(0, 5) != "HTTP/")
        return bad_request("the request line does not parse as METHOD TARGET HTTP/1.x");
    std::string_view method = line.substr(0, sp1), version = line.substr(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return error_response(505, "http_version_not_supported",
                              "HTTP version " + in_quotes(version) + " is not supported; send HTTP/1.1 or HTTP/1.0");
    if (!known_method(method))
        return error_response(501, "method_not_implemented", "method " + in_quotes(method) + " is not implemented");
    http11 = version == "HTTP/1.1";
    req.method = std::string(method);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t q = target.find('?');
    req.path = percent_decode(target.substr(0, q), false);
    if (q == std::string_view::npos) return std::nullopt;
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
    return std::nullopt;
}

std::optional<Response> parse_header_lines(std::string_view head, std::size_t pos, RawRequest& req) {
    while (pos < head.size()) {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string_view::npos) end = head.size();
        std::string_view h = head.substr(pos, end - pos);
        if (h.size() > max_line_bytes)
            return error_response(431, "headers_too_large",
                                  "a header line is longer than the limit of " + std::to_string(max_line_bytes) + " bytes");
        std::size_t colon = h.find(':');
        if (colon == std::string_view::npos || colon == 0) return bad_request("a header line has no name: " + in_quotes(h));
        std::string_view name = h.substr(0, colon);
        if (name.find_first_of(" \t") != std::string_view::npos)
            return bad_request("a header name contains white space: " + in_quotes(name));
        req.headers.emplace_back(to_lower(name), std::string(trim(h.substr(colon + 1))));
        pos = end + 2;
    }
    return std::nullopt;
}

// Content-Length and Transfer-Encoding: one way to delimit the body, no doubt
// about its length (two lengths or both ways are how requests get smuggled).
std::optional<Response> parse_framing(const RawRequest& req, const TransportLimits& limits, BodyFraming& framing) {
    std::string length, coding;
    int codings = 0;
    for (const auto& [k, v] : req.headers) {
        if (k == "transfer-encoding") {
            ++codings;
            coding = v;
        } else if (k == "content-length") {
            bool digits = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
            if (!digits) return bad_request("Content-Length " + in_quotes(v) + " is not a number");
            if (!length.empty() && length != v)
                return bad_request("conflicting Content-Length headers: " + in_quotes(length) + " and " + in_quotes(v));
            length = v;
        }
    }
    if (codings > 0 && !length.empty())
        return bad_request("a request has both Content-Length and Transfer-Encoding; send one of them");
    if (codings > 0) {
        if (codings > 1 || to_lower(coding) != "chunked")
            return error_response(501, "transfer_encoding_not_implemented",
                                  "Transfer-Encoding " + in_quotes(coding) + " is not supported; send chunked or a Content-Length");
        framing.chunked = true;
        return std::nullopt;
    }
    if (length.empty()) return std::nullopt;
    std::string_view digits = length;
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits.size() > 19 || std::stoull(std::string(digits)) > limits.max_body_bytes) return body_too_large(limits);
    framing.length = static_cast<std::size_t>(std::stoull(std::string(digits)));
    return std::nullopt;
}

}  // namespace

std::optional<Response> parse_head(std::string_view head, const TransportLimits& limits, RawRequest& req,
                                   BodyFraming& framing, bool& keep_alive) {
    if (head.size() > limits.max_header_bytes) return headers_too_large(limits);
    req = RawRequest{};
    req.headers.reserve(8);
    framing = BodyFraming{};
    std::size_t line_end = head.find("\r\n");
    bool http11 = true;
    if (auto err = parse_request_line(head.substr(0, line_end), req, http11)) return err;
    if (line_end != std::string_view::npos)
        if (auto err = parse_header_lines(head, line_end + 2, req)) return err;
    std::string connection = to_lower(req.header("connection"));
    keep_alive = http11 ? connection != "close" : connection == "keep-alive";
    return parse_framing(req, limits, framing);
}

bool ConnectionLimiter::acquire(const std::string& address) {
    std::lock_guard lock(mu_);
    unsigned& n = open_[address];
    if (n >= max_) return false;
    ++n;
    return true;
}

void ConnectionLimiter::release(const std::string& address) {
    std::lock_guard lock(mu_);
    auto it = open_.find(address);
    if (it == open_.end()) return;
    if (--it->second == 0) open_.erase(it);
}

std::string peer_address(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
    char host[NI_MAXHOST] = "";
    ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
    return host;
}

struct HeadReactor::Impl {
    TransportLimits limits;
    ConnectionLimiter& limiter;
    ReadsBody reads_body;
    Ready ready;
    Log log;
    int ep = -1;
    int wake_fd = -1;
    std::thread thread;
    std::atomic<bool> stopping{false};
    bool stopped = false;  // under mu: hand-backs close at once
    std::mutex mu;         // guards conns and stopped
    std::unordered_map<int, PendingConnection> conns;

    Impl(TransportLimits l, ConnectionLimiter& lim, ReadsBody rb, Ready r, Log lg)
        : limits(l), limiter(lim), reads_body(std::move(rb)), ready(std::move(r)), log(std::move(lg)) {}

    void close_fd(PendingConnection& c) {
        if (c.fd < 0) return;
        ::close(c.fd);
        c.fd = -1;
        if (c.counted) limiter.release(c.remote);
        c.counted = false;
    }

    // Under mu: stops watching `fd` and forgets it.
    PendingConnection take(int fd) {
        auto it = conns.find(fd);
        PendingConnection c = std::move(it->second);
        conns.erase(it);
        ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        return c;
    }

    // Under mu: watches `c` (lingering or waiting for a request), or closes
    // it when its client has ended and it waits for more.
    void watch(PendingConnection c) {
        if (c.ended) return close_fd(c);
        int fd = c.fd;
        conns[fd] = std::move(c);
        epoll_event e{};
        e.events = EPOLLIN | EPOLLRDHUP;
        e.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    }

    // Under mu: shuts the write side and drops input until the client closes.
    void start_lingering(PendingConnection& c) {
        ::shutdown(c.fd, SHUT_WR);
        c.in.clear();
        c.linger_until = TransportClock::now() + lingering_close;
    }

    // Under mu, `c` not watched: writes an error answer and lingers.
    void refuse(PendingConnection c, const Response& r) {
        std::string out;
        append_response(out, r, true);
        // Small, on a connection with no answer pending: the socket buffer takes it whole.
        [[maybe_unused]] auto n = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (log) log(std::to_string(r.status) + " from " + c.remote + ": " + r.body.value("message", std::string()));
        start_lingering(c);
        if (stopped) return close_fd(c);
        watch(std::move(c));
    }

    // Under mu, `c` not watched: hands it on once its request is whole (or its
    // body will not be read), answers a bad or oversized one, or keeps waiting.
    void examine(PendingConnection c) {
        if (c.head_end == 0) {
            std::size_t end = find_head_end(c.in, c.scanned);
            if (end == std::string::npos) {
                c.scanned = c.in.size();
                if (auto err = check_partial_head(c.in, limits)) return refuse(std::move(c), *err);
                return watch(std::move(c));
            }
            RawRequest req;
            BodyFraming framing;
            bool keep_alive = true;
            if (auto err = parse_head(std::string_view(c.in).substr(0, end - 4), limits, req, framing, keep_alive))
                return refuse(std::move(c), *err);
            if (!framing.has_body() || !reads_body(req)) return hand_on(std::move(c));
            c.head_end = c.chunk_at = end;
            c.chunked = framing.chunked;
            c.body_end = end + framing.length;
            if (to_lower(req.header("expect")) == "100-continue") continue_now(c);
        }
        if (!c.chunked) return c.in.size() >= c.body_end ? hand_on(std::move(c)) : watch(std::move(c));
        switch (scan_chunked(c.in, c.head_end, c.chunk_at, limits.max_body_bytes)) {
            case ChunkedScan::need_more: return watch(std::move(c));
            case ChunkedScan::done: return hand_on(std::move(c));
            case ChunkedScan::malformed: return refuse(std::move(c), malformed_chunked());
            case ChunkedScan::too_large: return refuse(std::move(c), body_too_large(limits));
        }
    }

    void hand_on(PendingConnection c) {
        c.scanned = c.head_end = c.body_end = c.chunk_at = 0;
        c.chunked = false;
        ready(std::move(c));
    }

    // The client waits for this before it sends the body. The header is then
    // renamed in place, so that cpp-httplib, reading the head again, does not
    // answer 100 a second time.
    void continue_now(PendingConnection& c) {
        static const char reply[] = "HTTP/1.1 100 Continue\r\n\r\n";
        [[maybe_unused]] auto n = ::send(c.fd, reply, sizeof reply - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        std::string lower = to_lower(std::string_view(c.in).substr(0, c.head_end));
        std::size_t at = lower.find("\r\nexpect:");
        if (at != std::string::npos) c.in.replace(at + 2, 6, "X-Sent");
    }

    // Reads what `fd` has, up to `cap` bytes at a time (the rest waits for the
    // next wake-up: level-triggered); false once the client has closed or failed.
    static bool fill(PendingConnection& c, bool drop, std::size_t cap) {
        char buf[16384];
        for (std::size_t got = 0; got < cap;) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                if (!drop) c.in.append(buf, static_cast<std::size_t>(n));
                got += static_cast<std::size_t>(n);
                continue;
            }
            if (n == 0) return false;
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        return true;
    }

    void on_readable(int fd) {
        std::lock_guard lock(mu);
        auto it = conns.find(fd);
        if (it == conns.end()) return;
        PendingConnection& c = it->second;
        bool lingering = c.linger_until != TransportClock::time_point{};
        // A head longer than the limit is refused once seen, a body once whole
        // or over its limit: more is not needed yet.
        std::size_t cap = lingering        ? std::size_t{1} << 20
                          : c.head_end == 0 ? limits.max_header_bytes + 1 - std::min(c.in.size(), limits.max_header_bytes)
                          : c.chunked       ? std::size_t{1} << 20
                                            : c.body_end - std::min(c.in.size(), c.body_end);
        cap = std::max<std::size_t>(cap, 1);
        bool open = fill(c, lingering, cap);
        if (lingering || (!open && c.in.empty())) {
            if (open) return;
            PendingConnection gone = take(fd);
            return close_fd(gone);
        }
        // The client has ended its side: a whole request already here is still answered.
        if (!open) c.ended = true;
        auto now = TransportClock::now();
        c.last_active = now;
        if (!c.in.empty() && c.started == TransportClock::time_point{}) c.started = now;
        examine(take(fd));
    }

    // Closes what lingered or idled long enough; answers 408 to requests too slow.
    void sweep() {
        std::lock_guard lock(mu);
        auto now = TransportClock::now();
        std::vector<int> done, late;
        for (auto& [fd, c] : conns) {
            if (c.linger_until != TransportClock::time_point{}) {
                if (now >= c.linger_until) done.push_back(fd);
            } else if (c.started != TransportClock::time_point{}) {
                if (now - c.started >= limits.request_timeout) late.push_back(fd);
            } else if (now - c.last_active >= limits.keep_alive_timeout) {
                done.push_back(fd);
            }
        }
        for (int fd : done) {
            PendingConnection c = take(fd);
            close_fd(c);
        }
        for (int fd : late) refuse(take(fd), request_timed_out(limits));
    }

    void loop() {
        std::vector<epoll_event> events(256);
        auto last_sweep = TransportClock::now();
        // Deadlines are checked this often: a 408 comes at most this late.
        constexpr auto tick = std::chrono::milliseconds(100);
        while (!stopping) {
            int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), static_cast<int>(tick.count()));
            for (int i = 0; i < n; ++i) {
                if (events[i].data.fd == wake_fd) continue;
                on_readable(events[i].data.fd);
            }
            if (TransportClock::now() - last_sweep >= tick) {
                last_sweep = TransportClock::now();
                sweep();
            }
        }
    }
};

HeadReactor::HeadReactor(TransportLimits limits, ConnectionLimiter& limiter, ReadsBody reads_body, Ready ready, Log log)
    : impl_(std::make_unique<Impl>(limits, limiter, std::move(reads_body), std::move(ready), std::move(log))) {}

HeadReactor::~HeadReactor() { stop(); }

void HeadReactor::start() {
    Impl& s = *impl_;
    s.ep = ::epoll_create1(EPOLL_CLOEXEC);
    s.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = s.wake_fd;
    ::epoll_ctl(s.ep, EPOLL_CTL_ADD, s.wake_fd, &e);
    s.thread = std::thread([&s] { s.loop(); });
}

void HeadReactor::stop() {
    Impl& s = *impl_;
    {
        std::lock_guard lock(s.mu);
        if (s.stopped) return;
        s.stopped = true;
    }
    s.stopping = true;
    if (s.thread.joinable()) {
        std::uint64_t one = 1;
        [[maybe_unused]] auto r = ::write(s.wake_fd, &one, sizeof one);
        s.thread.join();
    }
    std::lock_guard lock(s.mu);
    for (auto& [fd, c] : s.conns) s.close_fd(c);
    s.conns.clear();
    if (s.ep >= 0) ::close(s.ep);
    if (s.wake_fd >= 0) ::close(s.wake_fd);
    s.ep = s.wake_fd = -1;
}

void HeadReactor::accept(int fd) {
    Impl& s = *impl_;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    PendingConnection c;
    c.fd = fd;
    c.remote = peer_address(fd);
    std::lock_guard lock(s.mu);
    if (s.stopped) return s.close_fd(c);
    c.counted = s.limiter.acquire(c.remote);
    if (!c.counted) return s.refuse(std::move(c), too_many_connections(s.limits));
    s.watch(std::move(c));
}

void HeadReactor::resume(PendingConnection c) {
    Impl& s = *impl_;
    std::lock_guard lock(s.mu);
    if (s.stopped) return s.close_fd(c);
    s.examine(std::move(c));
}

void HeadReactor::linger(PendingConnection c) {
    Impl& s = *impl_;
    std::lock_guard lock(s.mu);
    if (s.stopped) return s.close_fd(c);
    s.start_lingering(c);
    s.watch(std::move(c));
}

void HeadReactor::close(PendingConnection& c) {
    Impl& s = *impl_;
    std::lock_guard lock(s.mu);
    s.close_fd(c);
}

}  // namespace hone::server
