#pragma once
// The data plane: a second port that answers only the routes marked
// `data_plane` (prediction and health), on an epoll event loop per core.
//
// Why a second listener: the API port hands each request to a worker thread
// (server.cpp), so every request wakes a thread and switches to it; for a
// prediction that takes microseconds that costs more than the prediction. Here a
// few loop threads each watch many connections, read whatever requests have
// arrived, answer them inline (a data-plane handler never blocks: it predicts and
// returns) and write the answers back, so under load one wake-up serves many
// requests. The control plane (jobs, runs, registry, SSE) stays on the API
// port, whose thread per request suits handlers that wait for a run or stream events.
//
// HTTP/1.1 as clients of a prediction endpoint speak it: requests with a
// Content-Length or chunked body, keep-alive by default
// (HTTP/1.0 closes unless asked), pipelined requests answered in order,
// "Expect: 100-continue" honoured. Heads are checked and limits enforced by the
// same rules as the API port's (transport.hpp: parse_head, request_timeout,
// keep_alive_timeout, connections per address), answering in the server's JSON
// error shape and closing the connection.
#include <functional>
#include <memory>
#include <string>

#include "server/route.hpp"
#include "server/transport.hpp"

namespace hone::server {

// Answers one request; must not throw (errors are answers) and must not block.
using RawHandler = std::function<Response(RawRequest&)>;

struct ListenerOptions {
    std::string host = "127.0.0.1";
    int port = 0;          // 0 = any free port
    unsigned threads = 0;  // event loops; 0 = one per core
    TransportLimits limits;
    ConnectionLimiter* limiter = nullptr;  // shared with the API port; null = no per-address limit
    std::function<void(const std::string&)> log;  // a line per refused request; null = none
    // Whether a request's body is read: false when the request is refused
    // without it (no route, no token); it is then answered from its head and
    // the connection closes, the body unread. Null = always read.
    std::function<bool(const RawRequest&)> reads_body;
};

class PredictListener {
public:
    PredictListener(ListenerOptions options, RawHandler handler);
    ~PredictListener();  // stops
    PredictListener(const PredictListener&) = delete;
    PredictListener& operator=(const PredictListener&) = delete;

    // Binds and starts the loops; hone::Error(io, "bind_failed") when the port
    // cannot be bound.
    void start();
    // Closes the listening socket and every connection; requests being answered
    // finish first. Idempotent.
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hone::server
