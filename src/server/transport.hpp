#pragma once
// What both ports of `hone serve` share below routing: the rules a request's
// bytes must follow and the limits on receiving them, so that the API port
// (cpp-httplib behind server.cpp's connection loop) and the prediction port
// (predict_listener.hpp) refuse the same malformed or oversized request with
// the same status, message and JSON error shape.
//
// Limits (their defaults are ServerOptions' in server.hpp):
//   head: request line and headers up to the blank line, at most
//         max_header_bytes (431); the request line and each header line at most
//         max_line_bytes (414 / 431).
//   body: Content-Length or chunked (never both); at most max_body_bytes (413)
//         as sent (a chunked body's framing included) and once decoded (a
//         Content-Encoding), checked as it arrives.
//   time: a request's head and body must arrive within request_timeout of its
//         first byte (408); a connection with no request pending is closed after
//         keep_alive_timeout.
//   connections: at most max_connections_per_address open at once from one
//         client address, both ports together (429).
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/route.hpp"

namespace hone::server {

// One request as a listener read it, before routing.
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

// Filled from ServerOptions, which states each default.
struct TransportLimits {
    std::size_t max_body_bytes = 0;
    std::size_t max_header_bytes = 0;
    std::chrono::milliseconds request_timeout{0};
    std::chrono::milliseconds keep_alive_timeout{0};
    unsigned max_connections_per_address = 0;
};

// The request line and each header line: cpp-httplib's own fixed limits
// (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH, CPPHTTPLIB_HEADER_MAX_LENGTH), applied to
// both ports so neither accepts what the other refuses.
constexpr std::size_t max_line_bytes = 8192;
// An answer is written within this long or the connection is dropped.
constexpr std::chrono::seconds write_timeout{5};
// After an error answer that leaves input unread, the connection's write side
// is shut and input is read and dropped for at most this long before closing:
// closing at once would reset the connection and could discard the answer
// before the client reads it.
constexpr std::chrono::seconds lingering_close{2};

// How a request's body is delimited, from its head.
struct BodyFraming {
    bool chunked = false;
    std::size_t length = 0;  // with Content-Length

    bool has_body() const { return chunked || length > 0; }
};

// Parses a request head (`head` ends before the blank line) into `req` (no
// body) and `framing`. `keep_alive` says whether the connection may serve
// another request after this one. Returns the error answer when the head is
// malformed or over a limit: 400 (request line, header line, Content-Length
// not a number, conflicting Content-Length headers, Content-Length with
// Transfer-Encoding), 414, 431, 413 (Content-Length over max_body_bytes), 501
// (a transfer coding other than chunked).
std::optional<Response> parse_head(std::string_view head, const TransportLimits& limits, RawRequest& req,
                                   BodyFraming& framing, bool& keep_alive);

// Finds where a chunked body ends. `data` holds the request from its start;
// the body begins at `body_start`; `pos` is where the next chunk-size line
// starts (body_start at first) and is advanced past each whole chunk, so a
// scan resumes where the last stopped. On `done`, `pos` is just past the
// body's end (trailers included). The body's bytes as sent, framing included,
// count against `max_bytes`. `decoded`, when not null, gets the chunks' data.
enum class ChunkedScan { need_more, done, malformed, too_large };
ChunkedScan scan_chunked(std::string_view data, std::size_t body_start, std::size_t& pos, std::size_t max_bytes,
                         std::string* decoded = nullptr);
Response malformed_chunked();  // 400 bad_request

// Where a request head ends in `data` (the index just past "\r\n\r\n"), or
// npos. `from` is where to resume a search that found nothing before.
std::size_t find_head_end(std::string_view data, std::size_t from = 0);

// Checks a head that has not ended yet: 431 once it is already too long.
std::optional<Response> check_partial_head(std::string_view data, const TransportLimits& limits);

// The answers of the transport's limits, in the one error shape.
Response body_too_large(const TransportLimits& limits);     // 413 payload_too_large
Response headers_too_large(const TransportLimits& limits);  // 431 headers_too_large
Response request_timed_out(const TransportLimits& limits);  // 408 request_timeout
Response too_many_connections(const TransportLimits& limits);  // 429 too_many_connections

// "60 s", "1.5 s": a limit's duration as messages name it.
std::string format_seconds(std::chrono::milliseconds d);

// Appends `r` as an HTTP/1.1 response to `out` (with Connection: close when `close`).
void append_response(std::string& out, const Response& r, bool close);

// The reason phrase HTTP gives a status ("OK", "Not Found", ...).
const char* reason_phrase(int status);

// Open connections per client address, counted across both ports.
class ConnectionLimiter {
public:
    explicit ConnectionLimiter(unsigned max_per_address) : max_(max_per_address) {}
    // Counts one more connection from `address`; false (and not counted) when
    // that address already has the maximum open.
    bool acquire(const std::string& address);
    void release(const std::string& address);

private:
    unsigned max_;
    std::mutex mu_;
    std::unordered_map<std::string, unsigned> open_;
};

// The numeric address of a connected socket's peer ("" when it has none).
std::string peer_address(int fd);

using TransportClock = std::chrono::steady_clock;

// A connection of the API port while no worker thread serves it.
struct PendingConnection {
    int fd = -1;
    std::string remote;
    bool counted = false;  // holds one of its address's connections (ConnectionLimiter)
    bool ended = false;    // the client has closed its side
    std::string in;        // received, not consumed: the start of the next request
    std::size_t scanned = 0;  // bytes of `in` already searched for the head's end
    TransportClock::time_point started{};  // the next request's first byte; {} = none yet
    TransportClock::time_point last_active = TransportClock::now();
    TransportClock::time_point linger_until{};  // set: closing after an error answer
    // Once the head is whole and checked, while its body arrives:
    std::size_t head_end = 0;  // where the body starts; 0 = the head is not whole yet
    std::size_t body_end = 0;  // with Content-Length: where the body ends
    bool chunked = false;
    std::size_t chunk_at = 0;  // chunked: where the next chunk-size line starts
};

// The API port's connections between requests. One epoll thread reads what
// arrives until a connection holds a whole request, its head checked with
// parse_head and its body (Content-Length or chunked) within max_body_bytes,
// and only then hands it to `ready` (a worker thread); so a client that sends
// a byte at a time, or idles between requests, holds a socket and a buffer but
// no thread. A body that `reads_body` says will not be read (the request is
// refused without it: no route, no token) is not waited for: the request goes
// on at once. It also enforces request_timeout (408), keep_alive_timeout,
// max_header_bytes (431) and the per-address limit (429), answers malformed
// requests itself, in the one error shape, and answers "Expect: 100-continue".
class HeadReactor {
public:
    using Ready = std::function<void(PendingConnection)>;
    using ReadsBody = std::function<bool(const RawRequest&)>;
    using Log = std::function<void(const std::string&)>;
    HeadReactor(TransportLimits limits, ConnectionLimiter& limiter, ReadsBody reads_body, Ready ready, Log log);
    ~HeadReactor();  // stops
    HeadReactor(const HeadReactor&) = delete;
    HeadReactor& operator=(const HeadReactor&) = delete;

    void start();
    // Closes every connection it holds; later hand-backs are closed at once. Idempotent.
    void stop();
    // A newly accepted socket (made non-blocking here).
    void accept(int fd);
    // A connection back from a worker after its answer, to wait for its next request.
    void resume(PendingConnection c);
    // A connection whose answer said it closes while input may be unread: its
    // write side is shut, then input is dropped until the client closes or
    // lingering_close passes.
    void linger(PendingConnection c);
    // Closes a connection for good and uncounts it.
    void close(PendingConnection& c);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hone::server
