#pragma once
// The data plane: a second port that answers only the routes marked
// `data_plane` (prediction and health), on an epoll event loop per core.
//
// Why a second listener: cpp-httplib gives each keep-alive connection a thread
// of its own, so every request wakes a thread and switches to it; for a
// prediction that takes microseconds that costs more than the prediction. Here a
// few loop threads each watch many connections, read whatever requests have
// arrived, answer them inline (a data-plane handler never blocks: it predicts and
// returns) and write the answers back, so under load one wake-up serves many
// requests. The control plane (jobs, runs, registry, SSE) stays on cpp-httplib,
// whose thread per request suits handlers that wait for a run or stream events.
//
// HTTP/1.1 as clients of a prediction endpoint speak it: requests with a
// Content-Length body (chunked request bodies answer 411), keep-alive by default
// (HTTP/1.0 closes unless asked), pipelined requests answered in order,
// "Expect: 100-continue" honoured. Limits answer in the server's JSON error
// shape and close the connection: a header block over 64 KiB is 431, a body
// over max_body_bytes is 413, a request line that does not parse is 400.
// Connections idle for `idle_timeout` are closed.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/route.hpp"

namespace hone::server {

// One request as the listener read it, before routing.
struct RawRequest {
    std::string method;
    std::string path;  // percent-decoded, without the query
    std::multimap<std::string, std::string> query;
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names lower-cased
    std::string body;
    std::string remote;  // the peer's address

    // The first value of a header, or "".
    std::string header(const std::string& lower_name) const {
        for (const auto& [k, v] : headers)
            if (k == lower_name) return v;
        return std::string();
    }
};

// Answers one request; must not throw (errors are answers) and must not block.
using RawHandler = std::function<Response(RawRequest&)>;

struct ListenerOptions {
    std::string host = "127.0.0.1";
    int port = 0;          // 0 = any free port
    unsigned threads = 0;  // event loops; 0 = one per core
    std::size_t max_body_bytes = std::size_t{64} << 20;
    std::chrono::seconds idle_timeout{60};
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

// The reason phrase HTTP gives a status ("OK", "Not Found", ...).
const char* reason_phrase(int status);

}  // namespace hone::server
