// The HTTP plumbing: cpp-httplib accepts connections on its thread pool and
// hands every request to one dispatcher, which matches the route table, checks
// the token, runs the handler and turns every failure into the JSON error shape.
#include "server/server.hpp"

#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <thread>

#include "common/error.hpp"
#include "common/text.hpp"
#include "server/compression.hpp"
#include "server/context.hpp"
#include "server/predict_listener.hpp"
#include "server/transport.hpp"

namespace hone::server {

int http_status(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::syntax:
        case ErrorKind::validation: return 400;
        case ErrorKind::not_found: return 404;
        case ErrorKind::conflict:
        case ErrorKind::cancelled: return 409;
        case ErrorKind::busy: return 429;
        case ErrorKind::data: return 422;
        case ErrorKind::io: return 503;
        case ErrorKind::internal: return 500;
    }
    return 500;
}

namespace {

using Clock = std::chrono::steady_clock;

Response error_response(const Error& e) {
    Json details = Json::array();
    const Location& w = e.where();
    if (!w.empty()) {
        Json d{{"location", w.to_string()}};
        if (!w.file.empty()) d["file"] = w.file;
        if (w.line > 0) d["line"] = w.line;
        if (w.col > 0) d["col"] = w.col;
        if (w.row >= 0) d["row"] = w.row;
        if (!w.column.empty()) d["column"] = w.column;
        details.push_back(d);
    }
    Response r;
    r.status = http_status(e.kind());
    r.body = error_body(e.code(), e.message(), details, e.hint());
    if (r.status == 429) r.headers.emplace_back("Retry-After", "5");
    return r;
}

// "/api/training/jobs/x" -> {"api", "training", "jobs", "x"}; a trailing slash is ignored.
std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        std::size_t end = path.find('/', i);
        if (end == std::string_view::npos) end = path.size();
        out.emplace_back(path.substr(i, end - i));
        i = end;
    }
    return out;
}

struct CompiledRoute {
    const Route* route = nullptr;
    std::vector<std::string> segments;  // "{name}" for a parameter
    int literals = 0;

    static bool is_param(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

    bool match(const std::vector<std::string>& path, std::map<std::string, std::string>* params) const {
        if (path.size() != segments.size()) return false;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (is_param(segments[i])) {
                if (params) (*params)[segments[i].substr(1, segments[i].size() - 2)] = path[i];
            } else if (segments[i] != path[i]) {
                return false;
            }
        }
        return true;
    }
};

// Compares in time independent of where the strings differ. `expected` is not empty.
bool same_secret(std::string_view given, std::string_view expected) {
    std::size_t diff = given.size() ^ expected.size();
    for (std::size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i]) ^ static_cast<unsigned char>(expected[i % expected.size()]);
    return diff == 0;
}

// The reason phrase of the statuses the library answers by itself.
std::string status_text(int status) {
    switch (status) {
        case 400: return "bad request";
        case 404: return "not found";
        case 405: return "method not allowed";
        case 408: return "request timeout";
        case 413: return "payload too large";
        case 414: return "URI too long";
        case 416: return "range not satisfiable";
        case 431: return "request header fields too large";
        default: return "HTTP error " + std::to_string(status);
    }
}

std::string format_ms(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", ms);
    return buf;
}

// cpp-httplib's server with hone owning the accepted sockets: the library
// accepts, parses requests, calls the handlers and writes answers, but a
// connection waits for its requests in the HeadReactor (transport.hpp) and takes
// a worker thread only once a whole request has arrived.
class HttpFront : public httplib::Server {
public:
    std::function<void(socket_t)> on_accept;

    // One request read from `strm`, routed to the handlers and answered.
    bool serve_one(httplib::Stream& strm, bool close_connection, bool& connection_closed) {
        return process_request(strm, close_connection, connection_closed, nullptr);
    }

private:
    bool process_and_close_socket(socket_t sock) override {
        on_accept(sock);
        return true;
    }
};

// Runs the library's per-connection task on the accepting thread: all it does
// is hand the socket to the reactor.
class InlineQueue : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

int poll_ms(TransportClock::duration d) {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, std::numeric_limits<int>::max()));
}

void socket_name(int fd, bool peer, std::string& ip, int& port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                  : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    if (rc != 0) return;
    char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
    ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV);
    ip = host;
    port = std::atoi(serv);
}

// One request's connection as cpp-httplib reads and writes it: reads take what
// the reactor already received (the whole request, unless its body is not to be
// read), then wait on the socket no later than the request's deadline
// (cpp-httplib's own timeout is per read, so a client sending a byte at a time
// would never reach it); writes wait at most write_timeout for room.
class ConnectionStream : public httplib::Stream {
public:
    ConnectionStream(PendingConnection& c, TransportClock::time_point deadline) : c_(c), deadline_(deadline) {}

    bool must_close = false;   // input may be left unread: close after the answer
    bool timed_out = false;    // a read waited past the deadline
    bool ended = false;        // the client closed its side
    std::size_t consumed = 0;  // bytes of the connection's buffer read

    bool is_readable() const override {
        pollfd p{c_.fd, POLLIN, 0};
        return consumed < c_.in.size() || ::poll(&p, 1, 0) > 0;
    }
    bool is_writable() const override {
        pollfd p{c_.fd, POLLOUT | POLLRDHUP, 0};
        int r = ::poll(&p, 1, poll_ms(write_timeout));
        return r > 0 && !(p.revents & (POLLERR | POLLHUP | POLLRDHUP));
    }
    ssize_t read(char* ptr, size_t size) override {
        if (consumed == c_.in.size()) {
            c_.in.clear();
            consumed = 0;
            if (!receive()) return ended ? 0 : -1;
        }
        std::size_t n = std::min(size, c_.in.size() - consumed);
        std::memcpy(ptr, c_.in.data() + consumed, n);
        consumed += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        std::size_t done = 0;
        while (done < size) {
            ssize_t n = ::send(c_.fd, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                pollfd p{c_.fd, POLLOUT, 0};
                if (::poll(&p, 1, poll_ms(write_timeout)) > 0) continue;
            }
            return -1;
        }
        return static_cast<ssize_t>(size);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override { socket_name(c_.fd, true, ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { socket_name(c_.fd, false, ip, port); }
    socket_t socket() const override { return c_.fd; }

private:
    // Appends what arrives before the deadline; false at the deadline, the end or an error.
    bool receive() {
        char buf[16384];
        for (;;) {
            auto left = deadline_ - TransportClock::now();
            pollfd p{c_.fd, POLLIN, 0};
            int r = left > TransportClock::duration::zero() ? ::poll(&p, 1, poll_ms(left)) : 0;
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) {
                timed_out = true;
                return false;
            }
            if (r < 0) return false;
            ssize_t n = ::recv(c_.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c_.in.append(buf, static_cast<std::size_t>(n));
                return true;
            }
            if (n == 0) {
                ended = true;
                return false;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
        }
    }

    PendingConnection& c_;
    TransportClock::time_point deadline_;
};

// The stream of the request a worker thread is serving, for the handlers.
thread_local ConnectionStream* current_stream = nullptr;

TransportLimits transport_limits(const ServerOptions& o) {
    auto ms = [](double seconds) { return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)); };
    TransportLimits l;
    l.max_body_bytes = o.max_body_bytes;
    l.max_header_bytes = o.max_header_bytes;
    l.request_timeout = ms(o.request_timeout_seconds);
    l.keep_alive_timeout = ms(o.keep_alive_timeout_seconds);
    l.max_connections_per_address = o.max_connections_per_address;
    return l;
}

}  // namespace

struct Server::Impl {
    Impl(std::vector<lang::JobFile> files, registry::Store& store, ServerOptions options)
        : ctx(std::move(files), store, std::move(options)) {
        restore_created_jobs(ctx);
        for (auto& r : job_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : run_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : pipeline_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : model_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : synthetic_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : dataset_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : dashboard_routes()) routes.push_back(std::move(r));
        // Last: the OpenAPI document describes every route, its own included.
        for (auto& r : meta_routes(ctx, routes)) routes.push_back(std::move(r));
        for (const auto& r : routes) {
            CompiledRoute c;
            c.route = &r;
            c.segments = split_path(r.pattern);
            for (const auto& s : c.segments) c.literals += CompiledRoute::is_param(s) ? 0 : 1;
            compiled.push_back(std::move(c));
        }
        for (const auto& c : compiled) {
            all_compiled.push_back(&c);
            if (c.route->data_plane) data_plane_compiled.push_back(&c);
        }
    }

    Context ctx;
    std::vector<Route> routes;            // never resized after construction
    std::vector<CompiledRoute> compiled;  // points into routes
    std::vector<const CompiledRoute*> all_compiled, data_plane_compiled;  // into compiled
    HttpFront http;
    TransportLimits limits;
    std::unique_ptr<ConnectionLimiter> limiter;  // both ports' connections per address
    std::unique_ptr<HeadReactor> reactor;        // the API port's connections between requests
    // Worker threads: each serves one connection with a whole request head at a time.
    std::vector<std::thread> workers;
    std::mutex work_mu;
    std::condition_variable work_cv;
    std::deque<PendingConnection> work;
    bool workers_stopping = false;  // under work_mu
    std::thread thread;
    std::atomic<bool> listen_ended{false};
    int port = 0;
    socket_t listen_sock = -1;
    std::mutex lifecycle_mu;
    std::unique_ptr<PredictListener> predict;  // the data plane, when asked for

    void log(const std::string& line) const {
        if (ctx.options.log) ctx.options.log(line);
    }

    // Why the request is not authorised, or "" when it is.
    std::string auth_failure(const RawRequest& req) const {
        const std::string& token = ctx.options.token;
        if (token.empty()) return "";
        std::string header = req.header("authorization");
        if (header.empty()) return "missing bearer token";
        if (header.size() < 7 || to_lower(header.substr(0, 7)) != "bearer ") return "not a bearer token";
        std::string given(trim(std::string_view(header).substr(7)));
        return same_secret(given, token) ? "" : "wrong bearer token";
    }

    // Handlers audit what they change; refused changes and refused credentials
    // are audited here, so every mutating call leaves a row whatever its outcome.
    void audit_refusal(const RawRequest& raw, const Route* route, const Response& res) {
        if (res.status < 400) return;
        bool unauthorized = res.status == 401;
        if (!unauthorized && (!route || !route->changes_state())) return;
        std::string code = res.body.is_object() ? res.body.value("error", std::string()) : std::string();
        try {
            ctx.store.audit("http:" + raw.remote, unauthorized ? "unauthorized" : route->method + " " + route->pattern,
                            raw.path, "error", Json{{"status", res.status}, {"error", code}});
        } catch (const std::exception& e) {
            log("audit failed: " + std::string(e.what()));
        }
    }

    // The routes the prediction port answers, for its 404s.
    std::string data_plane_routes() const {
        std::vector<std::string> names;
        for (const auto& r : routes)
            if (r.data_plane) names.push_back(r.method + " " + r.pattern);
        return join(names);
    }

    // The route `method` and `path` name among the prediction port's
    // (`data_plane`) or all routes, or null; `allowed` gets the methods of the
    // routes the path matches with another method.
    const CompiledRoute* find_route(const std::string& method, const std::vector<std::string>& path, bool data_plane,
                                    std::vector<std::string>* allowed = nullptr) const {
        const CompiledRoute* best = nullptr;
        for (const CompiledRoute* cp : data_plane ? data_plane_compiled : all_compiled) {
            const CompiledRoute& c = *cp;
            if (!c.match(path, nullptr)) continue;
            if (c.route->method != method) {
                if (allowed && std::find(allowed->begin(), allowed->end(), c.route->method) == allowed->end())
                    allowed->push_back(c.route->method);
                continue;
            }
            if (!best || c.literals > best->literals) best = &c;
        }
        return best;
    }

    // One rule on both ports: the token is asked of every request except those
    // naming a route marked !needs_token. The prediction port judges a route of
    // the API port by the same flag (then answers that it is on the other port),
    // so neither port reveals more, or less, without the token.
    bool token_required(const CompiledRoute* best, const std::string& method, const std::vector<std::string>& path,
                        bool data_plane) const {
        if (!best && data_plane) best = find_route(method, path, false);
        return !best || best->route->needs_token;
    }

    // Whether a request with a body is answered without reading it: no route
    // takes it (404, 405) or the token is missing or wrong (401).
    bool answers_before_body(const RawRequest& raw, bool data_plane) const {
        std::string method = raw.method == "HEAD" ? "GET" : raw.method;
        std::vector<std::string> path = split_path(raw.path);
        const CompiledRoute* best = find_route(method, path, data_plane);
        return !best || (token_required(best, method, path, data_plane) && !auth_failure(raw).empty());
    }

    // `matched` is set to the route the path and method matched, if any, and
    // `model` to the {key} of a data-plane route (each serves one model) once the
    // token was accepted. On the prediction port (`data_plane`) only data-plane
    // routes match.
    Response dispatch(RawRequest& raw, bool data_plane, std::string& note, const Route*& matched,
                      std::string& model) {
        std::string method = raw.method == "HEAD" ? "GET" : raw.method;
        std::vector<std::string> path = split_path(raw.path);
        std::vector<std::string> allowed;
        const CompiledRoute* best = find_route(method, path, data_plane, &allowed);
        if (best) matched = best->route;
        if (token_required(best, method, path, data_plane)) {
            if (std::string why = auth_failure(raw); !why.empty()) {
                note = why;
                Response r = error_response(401, "unauthorized", "this endpoint needs 'Authorization: Bearer <token>' (" + why + ")");
                r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"hone\"");
                return r;
            }
        }
        if (!best) {
            if (!allowed.empty()) {
                Response r = error_response(405, "method_not_allowed",
                                            method + " is not allowed on " + raw.path + "; allowed: " + join(allowed));
                r.headers.emplace_back("Allow", join(allowed));
                return r;
            }
            bool elsewhere = data_plane && std::any_of(compiled.begin(), compiled.end(), [&](const CompiledRoute& c) {
                return c.match(path, nullptr);
            });  // a route of the API port would answer
            if (elsewhere)
                return error_response(404, "route_not_found",
                                      "no endpoint " + method + " " + raw.path + " on the prediction port", 
                                      "it answers " + data_plane_routes() + "; the rest of the API is on port " +
                                          std::to_string(port));
            return error_response(404, "route_not_found", "no endpoint " + method + " " + raw.path);
        }

        Request req;
        req.method = method;
        req.path = raw.path;
        best->match(path, &req.params);
        if (best->route->data_plane) model = req.params["key"];
        req.query = std::move(raw.query);
        req.header_source = [&raw](const std::string& name) { return raw.header(to_lower(name)); };
        req.body = std::move(raw.body);
        req.actor = "http:" + raw.remote;
        return best->route->handler(req);
    }

    // One request, whichever port it came on: routed, answered (every failure in
    // the JSON error shape), measured, audited when refused, logged.
    Response serve(RawRequest& raw, bool data_plane) {
        auto t0 = Clock::now();
        std::string note;
        const Route* matched = nullptr;
        std::string model;
        Response res;
        try {
            res = dispatch(raw, data_plane, note, matched, model);
        } catch (const Error& e) {
            res = error_response(e);
        } catch (const std::exception& e) {
            res = error_response(500, "internal_error", std::string("internal error: ") + e.what(),
                                 "this is a bug in hone; please report it with the request");
        }
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        // The route's pattern, not the path, labels the metrics: series stay bounded
        // whatever paths clients send.
        ctx.metrics.record_request(raw.method, matched ? matched->pattern : "unmatched", res.status, ms / 1000);
        // A 404 names no registered model: counting it would let any client add series.
        if (!model.empty() && res.status != 404) ctx.metrics.record_model_request(model, res.status, ms / 1000);
        audit_refusal(raw, matched, res);
        // The line is built only when someone reads it: the hot path is one row a request.
        if (ctx.options.log)
            log(raw.method + " " + raw.path + " " + std::to_string(res.status) + " " + format_ms(ms) + " ms" +
                (note.empty() ? "" : " (" + note + ")") + (data_plane ? " [prediction port]" : ""));
        return res;
    }

    static RawRequest raw_request(const httplib::Request& hreq) {
        RawRequest raw;
        raw.method = hreq.method;
        raw.path = hreq.path;
        for (const auto& [k, v] : hreq.params) raw.query.emplace(k, v);
        for (const auto& [k, v] : hreq.headers) raw.headers.emplace_back(to_lower(k), v);
        raw.remote = hreq.remote_addr;
        return raw;
    }

    // `gzip_ok`: the client takes gzip (compression.hpp); answers from the size of
    // a TCP segment up go gzipped, unless the route sent its own Content-Encoding.
    static void write_answer(const Response& res, httplib::Response& hres, bool gzip_ok) {
        hres.status = res.status;
        bool encoded = false;
        for (const auto& [k, v] : res.headers) {
            hres.set_header(k.c_str(), v);
            encoded = encoded || to_lower(k) == "content-encoding";
        }
        auto set = [&](std::string text, const char* type) {
            if (gzip_ok && !encoded && text.size() >= kCompressFromBytes) {
                text = gzip(text);
                hres.set_header("Content-Encoding", "gzip");
                hres.set_header("Vary", "Accept-Encoding");
            }
            hres.set_content(text, type);
        };
        if (res.stream) {
            hres.set_chunked_content_provider(res.content_type, [stream = res.stream](std::size_t, httplib::DataSink& sink) {
                stream([&sink](std::string_view chunk) { return sink.is_writable() && sink.write(chunk.data(), chunk.size()); });
                sink.done();
                return true;
            });
        } else if (!res.content_type.empty())
            set(res.text, res.content_type.c_str());
        else
            set(json_text(res.body), "application/json");
    }

    // Reads the body through cpp-httplib (chunked and Content-Encoding decoded),
    // stopping as soon as it passes max_body_bytes whatever its framing or
    // content type; the error answer when it cannot be read whole.
    std::optional<Response> read_body(const httplib::Request& hreq, const httplib::ContentReader& reader,
                                      std::string& body, const ConnectionStream& strm) const {
        // The library would parse a multipart/form-data body into parts; the API
        // takes the body as sent whatever its type says. The request is the
        // library's own non-const object, lent to the handler as const.
        if (hreq.is_multipart_form_data()) const_cast<httplib::Request&>(hreq).headers.erase("Content-Type");
        bool too_large = false;
        bool ok = reader([&](const char* data, std::size_t n) {
            if (n > limits.max_body_bytes - body.size()) return !(too_large = true);
            body.append(data, n);
            return true;
        });
        if (ok) return std::nullopt;
        if (too_large) return body_too_large(limits);
        if (strm.timed_out) return request_timed_out(limits);
        if (strm.ended) return error_response(400, "bad_request", "the connection closed before the body ended");
        std::string coding = hreq.get_header_value("Content-Encoding");
        if (!coding.empty() && to_lower(coding) != "identity")
            return error_response(400, "bad_request", "the body does not decode as Content-Encoding '" + coding + "'");
        return error_response(400, "bad_request", "the chunked body does not parse");
    }

    // Every request of the API port. A body is read only once the route exists
    // and the token is right, so a refused client cannot make the server read
    // (or wait for) a body; the connection then closes, the body unread.
    void handle(const httplib::Request& hreq, httplib::Response& hres, const httplib::ContentReader* reader) {
        RawRequest raw = raw_request(hreq);
        // hone compresses its answers itself (compression.hpp): the library must
        // not see that the client takes compression. The request is the
        // library's own non-const object, lent to the handler as const.
        bool gzip_ok = accepts_gzip(hreq.get_header_value("Accept-Encoding"));
        const_cast<httplib::Request&>(hreq).headers.erase("Accept-Encoding");
        ConnectionStream* strm = current_stream;
        std::string length = hreq.get_header_value("Content-Length");
        bool has_body = hreq.has_header("Transfer-Encoding") || (!length.empty() && std::stoull(length) > 0);
        if (has_body && strm) {
            if (!reader || answers_before_body(raw, false)) {
                strm->must_close = true;
            } else if (auto err = read_body(hreq, *reader, raw.body, *strm)) {
                strm->must_close = true;
                log(raw.method + " " + raw.path + " " + std::to_string(err->status) + " (" +
                    err->body.value("message", std::string()) + ")");
                write_answer(*err, hres, gzip_ok);
                hres.set_header("Connection", "close");
                return;
            }
        }
        Response res = serve(raw, false);
        write_answer(res, hres, gzip_ok);
        if (strm && strm->must_close) hres.set_header("Connection", "close");
    }

    // A worker serves one request of `c`, then hands the connection back to
    // the reactor to wait for the next, or closes it.
    void serve_connection(PendingConnection c) {
        if (c.started == TransportClock::time_point{}) c.started = TransportClock::now();
        ConnectionStream strm(c, c.started + limits.request_timeout);
        current_stream = &strm;
        bool closed = false;
        bool ok = http.serve_one(strm, ctx.stopping, closed);
        current_stream = nullptr;
        c.in.erase(0, strm.consumed);
        auto now = TransportClock::now();
        c.last_active = now;
        c.started = c.in.empty() ? TransportClock::time_point{} : now;
        c.scanned = 0;
        if (ok && strm.must_close) return reactor->linger(std::move(c));
        if (!ok || closed || strm.must_close || ctx.stopping) return reactor->close(c);
        reactor->resume(std::move(c));
    }

    void worker() {
        for (;;) {
            PendingConnection c;
            {
                std::unique_lock lock(work_mu);
                work_cv.wait(lock, [&] { return workers_stopping || !work.empty(); });
                // Stopping: what has arrived is still answered (with Connection: close).
                if (work.empty()) return;
                c = std::move(work.front());
                work.pop_front();
            }
            serve_connection(std::move(c));
        }
    }

    // cpp-httplib's part of the API port: handlers, error shapes, the socket.
    void configure_http() {
        const ServerOptions& o = ctx.options;
        limits = transport_limits(o);
        auto plain = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res, nullptr); };
        // With a content reader the handler runs after the head, before the body:
        // the library's own body reading has no limit on chunked bodies and a
        // smaller one on form-encoded bodies.
        auto reading = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
            handle(req, res, &reader);
        };
        http.Get(".*", plain);
        http.Post(".*", reading);
        http.Put(".*", reading);
        http.Patch(".*", reading);
        http.Delete(".*", reading);
        http.Options(".*", plain);
        // Errors the library answers itself (a request it cannot parse) get the JSON shape too.
        http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            if (res.status == 413) {
                res.set_content(json_text(body_too_large(limits).body), "application/json");
            } else {
                std::string code = res.status == 404 ? "route_not_found" : "bad_request";
                res.set_content(json_text(error_body(code, status_text(res.status))), "application/json");
            }
            log(req.method + " " + req.path + " " + std::to_string(res.status));
            return httplib::Server::HandlerResponse::Handled;
        }));
        http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
            res.status = 500;
            res.set_content(json_text(error_body("internal_error", "internal error")), "application/json");
        });
        http.set_payload_max_length(o.max_body_bytes);
        http.set_tcp_nodelay(true);
        // What the Keep-Alive header tells clients; the reactor enforces it.
        http.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(o.keep_alive_timeout_seconds)));
        // SO_REUSEADDR only: the library's default adds SO_REUSEPORT, which would let a
        // second server bind the same port and silently take half its connections.
        // The socket is kept to raise its listen backlog once bound.
        listen_sock = -1;
        http.set_socket_options([this](socket_t sock) {
            int yes = 1;
            ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            listen_sock = sock;
        });
        // A connection serves requests until it idles out: closing busy ones after a
        // count made all clients reconnect in bursts.
        http.set_keep_alive_max_count(std::numeric_limits<int>::max());
        http.new_task_queue = [] { return new InlineQueue; };
        http.on_accept = [this](socket_t sock) { reactor->accept(sock); };
    }

    // The reactor that holds connections between requests and the workers that answer them.
    void start_connections() {
        const ServerOptions& o = ctx.options;
        limiter = std::make_unique<ConnectionLimiter>(o.max_connections_per_address);
        reactor = std::make_unique<HeadReactor>(
            limits, *limiter, [this](const RawRequest& head) { return !answers_before_body(head, false); },
            [this](PendingConnection c) { enqueue(std::move(c)); }, [this](const std::string& line) { log(line); });
        reactor->start();
        unsigned n = o.threads > 0 ? o.threads : std::max(64u, 4 * std::max(1u, std::thread::hardware_concurrency()));
        workers_stopping = false;
        for (unsigned i = 0; i < n; ++i) workers.emplace_back([this] { worker(); });
    }

    void start_predict_port() {
        const ServerOptions& o = ctx.options;
        ListenerOptions lo;
        lo.host = o.host;
        lo.port = o.predict_port;
        lo.threads = o.predict_threads;
        lo.limits = limits;
        lo.limiter = limiter.get();
        lo.log = [this](const std::string& line) { log(line + " [prediction port]"); };
        lo.reads_body = [this](const RawRequest& head) { return !answers_before_body(head, true); };
        predict = std::make_unique<PredictListener>(lo, [this](RawRequest& r) { return serve(r, true); });
        predict->start();
    }

    // After the listener: idle connections close, requests being answered finish.
    void stop_connections() {
        if (reactor) reactor->stop();
        {
            std::lock_guard lock(work_mu);
            workers_stopping = true;
        }
        work_cv.notify_all();
        for (auto& t : workers) t.join();
        workers.clear();
    }

    void enqueue(PendingConnection c) {
        {
            std::lock_guard lock(work_mu);
            work.push_back(std::move(c));
        }
        work_cv.notify_one();
    }
};

Server::Server(std::vector<lang::JobFile> files, registry::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(files), store, std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
    std::lock_guard lock(impl_->lifecycle_mu);
    Impl& s = *impl_;
    if (s.thread.joinable()) return;
    const ServerOptions& o = s.ctx.options;
    s.configure_http();
    if (o.port == 0) {
        s.port = s.http.bind_to_any_port(o.host);
        if (s.port < 0) s.port = 0;
    } else if (s.http.bind_to_port(o.host, o.port)) {
        s.port = o.port;
    }
    // The library listens with a backlog of 5: a burst of new connections beyond
    // it had its handshakes dropped and retried a second later. Listening again on
    // the bound socket raises the backlog (Linux keeps the socket, new length).
    if (s.port != 0 && s.listen_sock >= 0) ::listen(s.listen_sock, SOMAXCONN);
    if (s.port == 0)
        throw Error(ErrorKind::io, "bind_failed",
                    "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + std::strerror(errno), {},
                    "is another process using the port? choose another with --port");
    s.start_connections();
    s.listen_ended = false;
    s.thread = std::thread([&s] {
        s.http.listen_after_bind();
        s.listen_ended = true;
    });
    while (!s.http.is_running() && !s.listen_ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (s.listen_ended) {
        s.thread.join();
        s.stop_connections();
        throw Error(ErrorKind::io, "bind_failed", "the server stopped as it started on " + url());
    }
    if (o.predict_port < 0) return;
    try {
        s.start_predict_port();
    } catch (...) {
        s.http.stop();
        s.thread.join();
        s.stop_connections();
        s.predict.reset();
        throw;
    }
}

void Server::stop() {
    std::lock_guard lock(impl_->lifecycle_mu);
    Impl& s = *impl_;
    s.ctx.stopping = true;
    s.ctx.runner.stop();  // running jobs end cancelled, queued ones never start
    if (s.predict) s.predict->stop();
    if (!s.thread.joinable()) return;
    s.http.stop();
    s.thread.join();
    s.stop_connections();
}

int Server::port() const { return impl_->port; }

int Server::predict_port() const { return impl_->predict ? impl_->predict->port() : 0; }

std::string Server::url() const {
    const std::string& host = impl_->ctx.options.host;
    return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port());
}

const std::vector<Route>& Server::routes() const { return impl_->routes; }

std::size_t Server::models_loaded() const { return impl_->ctx.models.loads(); }
std::size_t Server::models_cached() const { return impl_->ctx.models.size(); }

}  // namespace hone::server
