// The HTTP plumbing: cpp-httplib accepts connections on its thread pool and
// hands every request to one dispatcher, which matches the route table, checks
// the token, runs the handler and turns every failure into the JSON error shape.
#include "server/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

#include "common/error.hpp"
#include "common/text.hpp"
#include "server/context.hpp"
#include "server/predict_listener.hpp"

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

}  // namespace

struct Server::Impl {
    Impl(std::vector<lang::JobFile> files, registry::Store& store, ServerOptions options)
        : ctx(std::move(files), store, std::move(options)) {
        restore_created_jobs(ctx);
        for (auto& r : job_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : run_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : model_routes(ctx)) routes.push_back(std::move(r));
        for (auto& r : synthetic_routes(ctx)) routes.push_back(std::move(r));
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
    httplib::Server http;
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

    // `matched` is set to the route the path and method matched, if any. On the
    // prediction port (`data_plane`) only data-plane routes match.
    Response dispatch(RawRequest& raw, bool data_plane, std::string& note, const Route*& matched) {
        std::string method = raw.method == "HEAD" ? "GET" : raw.method;
        std::vector<std::string> path = split_path(raw.path);
        const CompiledRoute* best = nullptr;
        std::vector<std::string> allowed;
        for (const CompiledRoute* cp : data_plane ? data_plane_compiled : all_compiled) {
            const CompiledRoute& c = *cp;
            if (!c.match(path, nullptr)) continue;
            if (c.route->method != method) {
                if (std::find(allowed.begin(), allowed.end(), c.route->method) == allowed.end())
                    allowed.push_back(c.route->method);
                continue;
            }
            if (!best || c.literals > best->literals) best = &c;
        }
        if (best) matched = best->route;
        if (!best || best->route->needs_token) {
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
        Response res;
        try {
            res = dispatch(raw, data_plane, note, matched);
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
        audit_refusal(raw, matched, res);
        // The line is built only when someone reads it: the hot path is one row a request.
        if (ctx.options.log)
            log(raw.method + " " + raw.path + " " + std::to_string(res.status) + " " + format_ms(ms) + " ms" +
                (note.empty() ? "" : " (" + note + ")") + (data_plane ? " [prediction port]" : ""));
        return res;
    }

    void handle(const httplib::Request& hreq, httplib::Response& hres) {
        RawRequest raw;
        raw.method = hreq.method;
        raw.path = hreq.path;
        for (const auto& [k, v] : hreq.params) raw.query.emplace(k, v);
        for (const auto& [k, v] : hreq.headers) raw.headers.emplace_back(to_lower(k), v);
        raw.body = hreq.body;
        raw.remote = hreq.remote_addr;
        Response res = serve(raw, false);
        hres.status = res.status;
        for (const auto& [k, v] : res.headers) hres.set_header(k.c_str(), v);
        if (res.stream) {
            hres.set_chunked_content_provider(res.content_type, [stream = res.stream](std::size_t, httplib::DataSink& sink) {
                stream([&sink](std::string_view chunk) { return sink.is_writable() && sink.write(chunk.data(), chunk.size()); });
                sink.done();
                return true;
            });
        } else if (!res.content_type.empty())
            hres.set_content(res.text, res.content_type.c_str());
        else
            hres.set_content(json_text(res.body), "application/json");
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
    auto handler = [&s](const httplib::Request& req, httplib::Response& res) { s.handle(req, res); };
    s.http.Get(".*", handler);
    s.http.Post(".*", handler);
    s.http.Put(".*", handler);
    s.http.Patch(".*", handler);
    s.http.Delete(".*", handler);
    s.http.Options(".*", handler);
    // Errors the library answers itself (413, a malformed request line, ...) get the JSON shape too.
    s.http.set_error_handler(httplib::Server::HandlerWithResponse([&s](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string code = res.status == 413 ? "payload_too_large" : res.status == 404 ? "route_not_found" : "bad_request";
        std::string message = res.status == 413
                                  ? "the body is larger than the limit of " + std::to_string(s.ctx.options.max_body_bytes) + " bytes"
                                  : status_text(res.status);
        res.set_content(json_text(error_body(code, message)), "application/json");
        s.log(req.method + " " + req.path + " " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
    }));
    s.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(json_text(error_body("internal_error", "internal error")), "application/json");
    });
    s.http.set_payload_max_length(o.max_body_bytes);
    s.http.set_tcp_nodelay(true);
    // SO_REUSEADDR only: the library's default adds SO_REUSEPORT, which would let a
    // second server bind the same port and silently take half its connections.
    // The socket is kept to raise its listen backlog once bound (below).
    s.listen_sock = -1;
    s.http.set_socket_options([&s](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        s.listen_sock = sock;
    });
    // A connection serves requests until it idles out: closing busy ones after a
    // count made all clients reconnect in bursts.
    s.http.set_keep_alive_max_count(std::numeric_limits<int>::max());
    {
        unsigned n = o.threads > 0 ? o.threads : std::max(64u, 4 * std::max(1u, std::thread::hardware_concurrency()));
        s.http.new_task_queue = [n] { return new httplib::ThreadPool(n); };
    }

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
    s.listen_ended = false;
    s.thread = std::thread([&s] {
        s.http.listen_after_bind();
        s.listen_ended = true;
    });
    while (!s.http.is_running() && !s.listen_ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (s.listen_ended) {
        s.thread.join();
        throw Error(ErrorKind::io, "bind_failed", "the server stopped as it started on " + url());
    }
    if (o.predict_port >= 0) {
        ListenerOptions lo;
        lo.host = o.host;
        lo.port = o.predict_port;
        lo.threads = o.predict_threads;
        lo.max_body_bytes = o.max_body_bytes;
        s.predict = std::make_unique<PredictListener>(lo, [&s](RawRequest& r) { return s.serve(r, true); });
        try {
            s.predict->start();
        } catch (...) {
            s.http.stop();
            s.thread.join();
            s.predict.reset();
            throw;
        }
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
