// How both ports receive requests (server/transport.hpp), as a hostile but fair
// client sees it: raw bytes over real sockets to a real server with small
// limits, so each case takes at most a couple of seconds. Body limits hold
// whatever the framing or content type, a refused request's body is never
// read, slow clients get 408 without holding threads, connections per address
// and idle connections are bounded, and every malformed request is answered
// alike on the API port and the prediction port.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "lang/job_file.hpp"
#include "server/server.hpp"
#include "../train/churn_workspace.hpp"
#include "http_client.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;
using Clock = std::chrono::steady_clock;

namespace {

const char* kToken = "transport-token";
const std::string kSearch = "/api/training/models/search";
const std::string kPredict = "/api/training/models/nope/predict";

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

bool send_all(int fd, const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// Everything the server sends until it closes (or 5 s pass).
std::string read_until_closed(int fd) {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

// One answer with a Content-Length body, leaving the connection open.
std::string read_one(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        std::size_t head = out.find("\r\n\r\n");
        if (head != std::string::npos) {
            std::size_t at = out.find("Content-Length: ");
            std::size_t length = at < head ? std::stoul(out.substr(at + 16)) : 0;
            if (out.size() >= head + 4 + length) return out;
        }
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

// Sends `data` on a new connection and reads until the server closes.
std::string round_trip(int port, const std::string& data) {
    int fd = connect_to(port);
    send_all(fd, data);
    std::string out = read_until_closed(fd);
    ::close(fd);
    return out;
}

struct Answer {
    int status = 0;
    std::string status_line, head;
    Json body;
};

Answer parse_answer(const std::string& raw) {
    Answer a;
    std::size_t line_end = raw.find("\r\n"), head_end = raw.find("\r\n\r\n");
    if (line_end == std::string::npos || head_end == std::string::npos) return a;
    a.status_line = raw.substr(0, line_end);
    a.status = std::atoi(raw.substr(9, 3).c_str());
    a.head = raw.substr(0, head_end + 2);
    a.body = Json::parse(raw.substr(head_end + 4), nullptr, false);
    return a;
}

std::string head(const std::string& method, const std::string& path, const std::string& headers, bool token = true) {
    return method + " " + path + " HTTP/1.1\r\nHost: x\r\n" +
           (token ? std::string("Authorization: Bearer ") + kToken + "\r\n" : std::string()) + headers + "\r\n";
}

std::string chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
}

class TransportTest : public ::testing::Test {
protected:
    void start(server::ServerOptions options) {
        options.port = 0;
        options.predict_port = 0;
        options.token = kToken;
        options.run.model_root = (ws.dir / "models").string();
        server = std::make_unique<server::Server>(std::vector<lang::JobFile>{ws.job("    algorithm: xgboost\n")},
                                                  *ws.store, options);
        server->start();
        api = server->port();
        fast = server->predict_port();
    }
    void SetUp() override {
        server::ServerOptions options;
        options.max_body_bytes = 100000;
        options.max_header_bytes = 4096;
        options.request_timeout_seconds = 1;
        options.keep_alive_timeout_seconds = 1;
        // Few threads: were slow clients to hold them, nothing else would be answered.
        options.threads = 4;
        options.max_connections_per_address = 1000;
        start(options);
    }
    void TearDown() override { server->stop(); }

    test_support::Workspace ws;
    std::unique_ptr<server::Server> server;
    int api = 0, fast = 0;
};

}  // namespace

TEST_F(TransportTest, AChunkedBodyIsHeldToTheLimitWhileItArrives) {
    // Under the limit, chunked works as a Content-Length body does.
    std::string small = head("POST", kSearch, "Transfer-Encoding: chunked\r\nConnection: close\r\n") +
                        chunk(std::string(50000, ' ')) + chunk("{}") + chunk("");
    Answer ok = parse_answer(round_trip(api, small));
    EXPECT_EQ(ok.status, 200) << ok.body;

    // Over it, the answer comes while the client is still sending: the body's
    // end has not been sent, so waiting for it would have ended in 408.
    int fd = connect_to(api);
    auto t0 = Clock::now();
    std::string big = head("POST", kSearch, "Transfer-Encoding: chunked\r\n");
    for (int i = 0; i < 15; ++i) big += chunk(std::string(10000, ' '));
    ASSERT_TRUE(send_all(fd, big));
    Answer a = parse_answer(read_until_closed(fd));
    ::close(fd);
    EXPECT_LT(seconds_since(t0), 0.9);
    EXPECT_EQ(a.status_line, "HTTP/1.1 413 Payload Too Large");
    EXPECT_EQ(a.body["error"], "payload_too_large");
    EXPECT_EQ(a.body["message"], "the body is larger than the limit of 100000 bytes (--max-body-bytes)");
    EXPECT_NE(a.head.find("Connection: close\r\n"), std::string::npos) << a.head;
}

TEST_F(TransportTest, WithoutTheTokenTheBodyIsNeverRead) {
    for (const std::string& framing : {std::string("Transfer-Encoding: chunked\r\n"), std::string("Content-Length: 90000\r\n")})
    for (int port : {api, fast}) {
        // Only the head (and for chunked, one chunk of a huge body) is sent: an
        // answer proves the server did not wait for the rest.
        int fd = connect_to(port);
        auto t0 = Clock::now();
        std::string data = head("POST", port == api ? kSearch : kPredict, framing, false);
        if (framing.find("chunked") != std::string::npos) data += chunk(std::string(1000, 'x'));
        ASSERT_TRUE(send_all(fd, data));
        Answer a = parse_answer(read_until_closed(fd));
        ::close(fd);
        EXPECT_LT(seconds_since(t0), 0.9) << framing;
        EXPECT_EQ(a.status, 401) << framing;
        EXPECT_EQ(a.body["message"], "this endpoint needs 'Authorization: Bearer <token>' (missing bearer token)");
        EXPECT_NE(a.head.find("Connection: close\r\n"), std::string::npos) << a.head;
    }
}

TEST_F(TransportTest, TheContentTypeDoesNotChangeTheLimit) {
    // curl -d sends application/x-www-form-urlencoded; cpp-httplib held such
    // bodies to 8192 bytes. The API reads JSON whatever the type says.
    std::string body = "{}" + std::string(10000, ' ');
    for (const std::string& type : {std::string("application/x-www-form-urlencoded"), std::string("multipart/form-data"),
                                    std::string("text/plain")}) {
        std::string headers = "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n";
        Answer a = parse_answer(round_trip(api, head("POST", kSearch, headers) + body));
        EXPECT_EQ(a.status, 200) << type << ": " << a.body;
        Answer on_api = parse_answer(round_trip(api, head("POST", kPredict, headers) + body));
        Answer on_fast = parse_answer(round_trip(fast, head("POST", kPredict, headers) + body));
        EXPECT_EQ(on_api.status, 404) << on_api.body;
        EXPECT_EQ(on_fast.status, 404);
        EXPECT_EQ(on_fast.body, on_api.body);
    }
}

TEST_F(TransportTest, MalformedRequestsAreAnsweredAlikeOnBothPorts) {
    struct Case {
        std::string request;
        int status;
        std::string message;
    };
    std::string post = "POST " + kPredict + " HTTP/1.1\r\nHost: x\r\n";
    // Bodies are read only with the token (else 401 before the body).
    std::string authed = post + "Authorization: Bearer " + kToken + "\r\n";
    std::vector<Case> cases = {
        {authed + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "the chunked body does not parse"},
        {authed + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello!\r\n0\r\n\r\n", 400, "the chunked body does not parse"},
        {authed + "Transfer-Encoding: chunked\r\n\r\n" + chunk(std::string(60000, ' ')) + chunk(std::string(50000, ' ')),
         413, "the body is larger than the limit of 100000 bytes (--max-body-bytes)"},
        {post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400,
         "conflicting Content-Length headers: '5' and '6'"},
        {post + "Content-Length: 12x\r\n\r\n", 400, "Content-Length '12x' is not a number"},
        {post + "Content-Length: -1\r\n\r\n", 400, "Content-Length '-1' is not a number"},
        {post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         "a request has both Content-Length and Transfer-Encoding; send one of them"},
        {post + "Transfer-Encoding: gzip\r\n\r\n", 501,
         "Transfer-Encoding 'gzip' is not supported; send chunked or a Content-Length"},
        {post + "Content-Length: 100001\r\n\r\n", 413,
         "the body is larger than the limit of 100000 bytes (--max-body-bytes)"},
        {post + "Content-Length: 99999999999999999999999\r\n\r\n", 413,
         "the body is larger than the limit of 100000 bytes (--max-body-bytes)"},
        {post + "X-Big: " + std::string(5000, 'a') + "\r\n\r\n", 431,
         "the request's headers are larger than the limit of 4096 bytes (--max-header-bytes)"},
        {post + "X-Big: " + std::string(5000, 'a'), 431,
         "the request's headers are larger than the limit of 4096 bytes (--max-header-bytes)"},
        {"hello\r\n\r\n", 400, "the request line does not parse as METHOD TARGET HTTP/1.x"},
        {"GET / HTTP/1.1 extra\r\n\r\n", 400, "the request line does not parse as METHOD TARGET HTTP/1.x"},
        {"GET /api/training/health HTTP/2.0\r\n\r\n", 505,
         "HTTP version 'HTTP/2.0' is not supported; send HTTP/1.1 or HTTP/1.0"},
        {"BREW /api/training/health HTTP/1.1\r\n\r\n", 501, "method 'BREW' is not implemented"},
        {post + "no colon here\r\n\r\n", 400, "a header line has no name: 'no colon here'"},
        {post + "Bad Name: x\r\n\r\n", 400, "a header name contains white space: 'Bad Name'"},
    };
    for (const Case& c : cases) {
        std::string from_api = round_trip(api, c.request), from_fast = round_trip(fast, c.request);
        Answer a = parse_answer(from_api), b = parse_answer(from_fast);
        EXPECT_EQ(a.status, c.status) << c.request.substr(0, 120) << "\n" << from_api;
        EXPECT_EQ(a.body["message"], c.message) << c.request.substr(0, 120);
        EXPECT_EQ(a.body["status"], "error");
        EXPECT_NE(a.head.find("Content-Type: application/json\r\n"), std::string::npos);
        EXPECT_NE(a.head.find("Connection: close\r\n"), std::string::npos);
        // The same bytes from the prediction port.
        EXPECT_EQ(from_fast, from_api) << c.request.substr(0, 120);
        EXPECT_EQ(b.status, c.status);
    }
}

TEST_F(TransportTest, SlowClientsHoldNoThreadAndTimeOut) {
    for (int port : {api, fast}) {
        // 200 clients sending their headers a byte every 100 ms: a per-read
        // timeout never fires; only the 1 s limit on the whole request does.
        std::vector<int> slow;
        for (int i = 0; i < 200; ++i) {
            slow.push_back(connect_to(port));
            send_all(slow.back(), "GET /api/training/health HTTP/1.1\r\nX-Slow: ");
        }
        Client client(port);
        double worst = 0;
        auto t0 = Clock::now();
        while (seconds_since(t0) < 1.5) {
            for (int fd : slow) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            auto r0 = Clock::now();
            Reply health = client.get("/api/training/health");
            worst = std::max(worst, seconds_since(r0));
            EXPECT_EQ(health.status, 200);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slow clients' pace
        }
        EXPECT_LT(worst, 0.25) << "port " << port;
        int timed_out = 0;
        for (int fd : slow) {
            Answer a = parse_answer(read_until_closed(fd));
            ::close(fd);
            if (a.status != 408) continue;
            ++timed_out;
            EXPECT_EQ(a.body["error"], "request_timeout");
            EXPECT_EQ(a.body["message"], "the request did not arrive whole within the limit of 1 s (--request-timeout)");
        }
        EXPECT_EQ(timed_out, 200) << "port " << port;
    }
}

TEST_F(TransportTest, IdleConnectionsCloseAfterTheKeepAliveTimeout) {
    for (int port : {api, fast}) {
        int fd = connect_to(port);
        ASSERT_TRUE(send_all(fd, "GET /api/training/health HTTP/1.1\r\nHost: x\r\n\r\n"));
        Answer a = parse_answer(read_one(fd));
        EXPECT_EQ(a.status, 200);
        auto t0 = Clock::now();
        char byte;
        EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "port " << port;  // the server closed it
        double idle = seconds_since(t0);
        EXPECT_GT(idle, 0.8) << "port " << port;
        EXPECT_LT(idle, 1.6) << "port " << port;
        ::close(fd);
    }
}

TEST_F(TransportTest, PipelinedRequestsOnTheApiPortAreAnsweredInOrder) {
    std::string get = "GET /api/training/health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string body = "{}";
    std::string search = head("POST", kSearch, "Content-Length: 2\r\n") + body;
    std::string last = "GET /nothing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kToken) +
                       "\r\nConnection: close\r\n\r\n";
    std::string out = round_trip(api, get + search + last);
    std::size_t first = out.find("HTTP/1.1 200"), second = out.find("HTTP/1.1 200", first + 1),
                third = out.find("HTTP/1.1 404");
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_NE(third, std::string::npos) << out;
}

TEST_F(TransportTest, TheTokenRuleIsTheSameOnBothPorts) {
    // Health and the API's description answer without the token; /metrics
    // and everything else need it, on either port.
    Client anonymous_api(api), anonymous_fast(fast), api_client(api, kToken), fast_client(fast, kToken);
    EXPECT_EQ(anonymous_api.get("/api/training/health").status, 200);
    EXPECT_EQ(anonymous_fast.get("/api/training/health").status, 200);
    Reply metrics = anonymous_api.get("/metrics"), fast_metrics = anonymous_fast.get("/metrics");
    EXPECT_EQ(metrics.status, 401);
    EXPECT_EQ(fast_metrics.status, 401);
    EXPECT_EQ(fast_metrics.body, metrics.body);
    httplib::Client raw_api("127.0.0.1", api);
    auto docs = raw_api.Get("/api/docs");
    ASSERT_TRUE(docs);
    EXPECT_EQ(docs->status, 200);
    auto spec = raw_api.Get("/api/openapi.json");
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->status, 200);
    EXPECT_EQ(Json::parse(spec->body)["paths"]["/metrics"]["get"]["security"],
              Json::parse(R"([{"bearer": []}])"));
    // The prediction port does not serve them, and says so without the token
    // for the description, only with it for the metrics.
    Reply fast_docs = anonymous_fast.get("/api/docs");
    EXPECT_EQ(fast_docs.status, 404);
    EXPECT_EQ(fast_docs.body["message"], "no endpoint GET /api/docs on the prediction port");
    httplib::Client with_token("127.0.0.1", api);
    with_token.set_bearer_token_auth(kToken);
    auto m = with_token.Get("/metrics");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, 200);
    Reply fast_with_token = fast_client.get("/metrics");
    EXPECT_EQ(fast_with_token.status, 404);
    EXPECT_EQ(fast_with_token.body["message"], "no endpoint GET /metrics on the prediction port");
    EXPECT_EQ(api_client.get("/api/training/health").status, 200);
}

TEST_F(TransportTest, ConnectionsPerAddressAreBoundedOnBothPortsTogether) {
    server->stop();
    server::ServerOptions options;
    options.max_connections_per_address = 3;
    start(options);
    const std::string get = "GET /api/training/health HTTP/1.1\r\nHost: x\r\n\r\n";
    // Three connections, each answered once (so surely counted) and kept open.
    std::vector<int> open;
    for (int port : {api, api, fast}) {
        open.push_back(connect_to(port));
        ASSERT_TRUE(send_all(open.back(), get));
        ASSERT_EQ(parse_answer(read_one(open.back())).status, 200);
    }
    for (int port : {api, fast}) {
        Answer a = parse_answer(round_trip(port, get));
        EXPECT_EQ(a.status_line, "HTTP/1.1 429 Too Many Requests") << "port " << port;
        EXPECT_EQ(a.body["error"], "too_many_connections");
        EXPECT_EQ(a.body["message"], "this address already has the limit of 3 open connections (--max-connections-per-address)");
        EXPECT_NE(a.head.find("Retry-After: 1\r\n"), std::string::npos) << a.head;
    }
    // One closes: once the server has seen it go, a new connection is served.
    ::close(open.back());
    open.pop_back();
    int status = 0;
    for (auto t0 = Clock::now(); status != 200 && seconds_since(t0) < 3;)
        status = parse_answer(round_trip(api, "GET /api/training/health HTTP/1.1\r\nConnection: close\r\n\r\n")).status;
    EXPECT_EQ(status, 200);
    for (int fd : open) ::close(fd);
}

TEST_F(TransportTest, SlowBodiesHoldNoThreadEither) {
    // Whole heads, then bodies that never finish: a worker thread would wait
    // on each; the four there are stay free for others.
    std::vector<int> slow;
    for (int i = 0; i < 50; ++i) {
        slow.push_back(connect_to(api));
        send_all(slow.back(), head("POST", kSearch, "Content-Length: 1000\r\n") + "{ ");
        slow.push_back(connect_to(api));
        send_all(slow.back(), head("POST", kSearch, "Transfer-Encoding: chunked\r\n") + chunk("{ "));
    }
    Client client(api);
    auto t0 = Clock::now();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(client.get("/api/training/health").status, 200);
    EXPECT_LT(seconds_since(t0), 0.5);
    for (int fd : slow) {
        Answer a = parse_answer(read_until_closed(fd));
        ::close(fd);
        EXPECT_EQ(a.status, 408);
    }
}

TEST_F(TransportTest, ExpectContinueIsAnsweredOnceBeforeTheBody) {
    for (int port : {api, fast}) {
        std::string body = "{}";
        int fd = connect_to(port);
        std::string path = port == api ? kSearch : kPredict;
        ASSERT_TRUE(send_all(fd, head("POST", path, "Content-Length: 2\r\nExpect: 100-continue\r\n")));
        char buf[256];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        ASSERT_GT(n, 0);
        EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
        ASSERT_TRUE(send_all(fd, body));
        Answer a = parse_answer(read_one(fd));
        EXPECT_EQ(a.status, port == api ? 200 : 404) << a.status_line << " " << a.body;
        ::close(fd);
    }
}

// `curl -X POST URL` sends neither a body nor a Content-Length: the request
// has an empty body, the same as `{}`, on both ports alike.
TEST_F(TransportTest, APostWithoutBodyOrLengthHasAnEmptyBody) {
    Answer started = parse_answer(
        round_trip(api, head("POST", "/api/training/jobs/baseline_churn_model/start", "Connection: close\r\n")));
    EXPECT_EQ(started.status, 202) << started.status_line << " " << started.body.dump();
    EXPECT_EQ(started.body["data"]["status"], "pending");
    Answer searched = parse_answer(round_trip(api, head("POST", kSearch, "Connection: close\r\n")));
    EXPECT_EQ(searched.status, 200) << searched.body.dump();
    // The prediction port reads it as empty too: the model is unknown, not the body malformed.
    Answer predicted = parse_answer(round_trip(fast, head("POST", kPredict, "Connection: close\r\n")));
    EXPECT_EQ(predicted.status, 404) << predicted.body.dump();
}
