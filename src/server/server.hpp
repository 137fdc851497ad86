#pragma once
// `hone serve`: the HTTP API over the job files it was started with and the
// registry. JSON in and out; every failure answers
//   {"status": "error", "error": "<code>", "message": "...", "details": [...]}
// with the HTTP status of the hone::Error kind (see http_status). The job-run
// API's endpoints answer flat JSON as its examples show; the training-service
// API's wrap their answer in {"data": ...}.
//
// The HTTP library stays inside this folder's .cpp files: this header and
// route.hpp are all other code sees.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/run_context.hpp"
#include "common/error.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"
#include "server/route.hpp"

namespace hone::server {

struct ServerOptions {
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    int port = 8080;                 // 0 = any free port; Server::port() tells which
    std::string token;               // "" = no authentication; else "Authorization: Bearer <token>"
    // What every run, upload and dataset load of the server starts from (model
    // root, threads, PostgreSQL fallback); each request sets its own `who`
    // (the caller) and cancellation (its run's control).
    RunContext run;
    // HTTP worker threads of the API port: requests answered at once; 0 =
    // max(64, 4 * cores). A connection takes one only once a whole request has
    // arrived, and gives it back after the answer: idle keep-alive connections
    // and clients still sending hold none. A run answered when it ends, or an
    // event stream, holds one throughout.
    unsigned threads = 0;
    std::size_t model_cache = 8;     // loaded models kept for prediction (least recently used go)
    // Prediction batching (server/batcher.hpp): the most rows predicted at once,
    // and how long the first request of a batch waits for others (0 = never).
    std::size_t batch_max_rows = 1024;
    unsigned batch_max_wait_us = 0;
    // Limits on receiving requests, the same on both ports (server/transport.hpp).
    // A body's bytes, as sent (a chunked body's framing included) and once
    // decoded (a Content-Encoding), whatever its content type, checked as they
    // arrive: 413 and the connection closes.
    std::size_t max_body_bytes = std::size_t{64} << 20;
    // The request line and headers together: 431.
    std::size_t max_header_bytes = std::size_t{64} << 10;
    // From a request's first byte until its head and body have arrived whole: 408
    // and the connection closes. Bounds what a client sending slowly holds.
    double request_timeout_seconds = 60;
    // A connection with no request pending is closed after this long.
    double keep_alive_timeout_seconds = 60;
    // Connections open at once from one client address, both ports together;
    // more are answered 429 and closed.
    unsigned max_connections_per_address = 256;
    // A second port for predictions and health only (predict_listener.hpp: an
    // event loop per core instead of a thread per connection): -1 = none, 0 = any
    // free port (Server::predict_port() tells which). predict_threads 0 = one per core.
    int predict_port = -1;
    unsigned predict_threads = 0;
    int max_concurrent_jobs = 1;     // runs executing at once; more wait in the queue
    std::size_t max_queued_runs = 64;  // runs waiting beyond it: 429 with Retry-After
    double job_timeout_seconds = 0;  // a run longer than this fails with that reason; 0 = none
    // Where datasets of jobs created over HTTP must live (their relative paths
    // resolve against it); "" = the working directory.
    std::string data_root;
    // One line per request (method, path, status, milliseconds, and why a 401),
    // called from worker threads; null = no log.
    std::function<void(const std::string&)> log;
};

class Server {
public:
    // `files` are loaded, error-free job files. A job name defined in two files is
    // hone::Error(validation, "duplicate_job"). `store` must outlive the server and
    // be safe to share between threads (registry::serialized): runs and requests
    // use it at once. Runs the store shows unfinished are marked interrupted.
    Server(std::vector<lang::JobFile> files, registry::Store& store, ServerOptions options = {});
    ~Server();  // stops
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and serves on a thread pool; returns once requests are accepted.
    // A port that cannot be bound is hone::Error(io, "bind_failed").
    void start();
    // Graceful: runs in progress see a cancellation at their next round or trial,
    // requests being answered finish, then the workers end. Idempotent.
    void stop();

    int port() const;         // the bound port (after start)
    int predict_port() const; // the prediction port (after start), or 0 when there is none
    std::string url() const;  // http://host:port

    // Every route: method, pattern, summary, whether it needs the token.
    const std::vector<Route>& routes() const;

    // Requests load a model once and keep it; these say how often that happened.
    std::size_t models_loaded() const;  // loads from the registry since start
    std::size_t models_cached() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// HTTP status for an error kind: validation and syntax 400, not_found 404,
// conflict and cancelled 409, busy 429, data 422, io 503, internal 500.
int http_status(ErrorKind kind);

}  // namespace hone::server
