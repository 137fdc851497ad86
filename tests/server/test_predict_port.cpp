// The prediction port (server/predict_listener.hpp) end to end: the real server
// with --predict-port, a model trained over HTTP, and requests over real sockets,
// both through cpp-httplib's client and as raw bytes for what a client library
// would not send (pipelining, HTTP/1.0, chunked bodies, oversized headers).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "lang/job_file.hpp"
#include "server/server.hpp"
#include "../train/churn_workspace.hpp"
#include "http_client.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;

namespace {

const char* kToken = "predict-token";


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

// Connects to the loopback port, sends `data` (then closes its sending side when
// `half_close`), and answers everything received until the server closes.
std::string send_raw(int port, const std::string& data, bool half_close = true) {
    int fd = connect_to(port);
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    if (half_close) ::shutdown(fd, SHUT_WR);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::string post(const std::string& path, const std::string& body, const std::string& extra_headers = "") {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           extra_headers + "\r\n" + body;
}

class PredictPortTest : public ::testing::Test {
protected:
    void SetUp() override {
        server::ServerOptions options;
        options.port = 0;
        options.predict_port = 0;
        options.token = kToken;
        options.run.model_root = (ws.dir / "models").string();
        options.max_body_bytes = 100000;
        server = std::make_unique<server::Server>(
            std::vector<lang::JobFile>{ws.job("    algorithm: xgboost\n", "    hyperparameters:\n        n_estimators: 20\n")},
            *ws.store, options);
        server->start();
        ASSERT_GT(server->predict_port(), 0);
        ASSERT_NE(server->predict_port(), server->port());
        http = std::make_unique<Client>(server->port(), kToken);
        fast = std::make_unique<Client>(server->predict_port(), kToken);
        Reply trained = http->post_json("/api/training/jobs/baseline_churn_model/run");
        ASSERT_EQ(trained.status, 200) << trained.raw;
        key = trained.body["registry_key"];
        path = "/api/training/models/" + key + "/predict";
    }
    void TearDown() override { server->stop(); }

    test_support::Workspace ws;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<Client> http, fast;
    std::string key, path;
    const std::string row = R"({"records": [{"tenure": 3, "monthly_spend": 80.5, "support_calls": 4, "contract_type": "monthly"}]})";
};

}  // namespace

TEST_F(PredictPortTest, AnswersPredictionsAndHealthAsTheMainPortDoes) {
    for (const std::string& body :
         {row, std::string(R"({"instances": [[40, 20.0, 0, "annual"], [1, 99.9, 7, "monthly"]]})"),
          std::string(R"({"dataframe_split": {"columns": ["tenure", "monthly_spend", "support_calls", "contract_type"], "data": [[12, 50, 1, "two_year"]]}})")}) {
        Reply a = http->post(path, body), b = fast->post(path, body);
        ASSERT_EQ(b.status, 200) << b.raw;
        EXPECT_EQ(b.body, a.body);
        EXPECT_EQ(b.headers.find("Content-Type")->second, "application/json");
        // Written as text, it reads exactly as the JSON library would write it.
        EXPECT_EQ(b.raw, b.body.dump());
    }
    Reply health = Client(server->predict_port()).get("/api/training/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body["data"]["status"], "ok");
    // Errors answer in the same shape and status as on the main port.
    for (const std::string& body : {std::string("{\"records\": ["), std::string(R"({"records": [{"tenure": 3}]})")}) {
        Reply a = http->post(path, body), b = fast->post(path, body);
        EXPECT_EQ(b.status, a.status);
        EXPECT_EQ(b.body, a.body);
    }
    EXPECT_EQ(fast->post("/api/training/models/nope/predict", row).status, 404);
}

TEST_F(PredictPortTest, ServesOnlyTheDataPlaneAndChecksTheToken) {
    Reply anonymous = Client(server->predict_port()).post(path, row);
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.body["message"], "this endpoint needs 'Authorization: Bearer <token>' (missing bearer token)");
    Reply wrong = Client(server->predict_port(), "nope").post(path, row);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(ws.store->audit_log(1).front()["action"], "unauthorized");

    Reply jobs = fast->get("/api/training/jobs");
    EXPECT_EQ(jobs.status, 404);
    EXPECT_EQ(jobs.body["message"], "no endpoint GET /api/training/jobs on the prediction port");
    EXPECT_EQ(jobs.body["hint"], "it answers GET /api/training/health, POST /api/training/models/{key}/predict, "
              "POST /api/training/models/{key}/recommend; the "
                                 "rest of the API is on port " + std::to_string(server->port()));
    Reply method = fast->get(path);
    EXPECT_EQ(method.status, 405);
    EXPECT_EQ(fast->get("/nothing/here").status, 404);
}

TEST_F(PredictPortTest, PipelinedRequestsAreAnsweredInOrder) {
    std::string bad = R"({"records": [{"tenure": 3}]})";
    std::string out = send_raw(server->predict_port(), post(path, row) + post(path, bad) + post(path, row));
    EXPECT_EQ(count(out, "HTTP/1.1 "), 3u) << out;
    std::size_t first = out.find("HTTP/1.1 200"), second = out.find("HTTP/1.1 422"),
                third = out.find("HTTP/1.1 200", first + 1);
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_NE(third, std::string::npos) << out;

    // Two hundred at once: more output than one write takes.
    std::string many;
    for (int i = 0; i < 200; ++i) many += post(path, row);
    std::string answers = send_raw(server->predict_port(), many);
    EXPECT_EQ(count(answers, "HTTP/1.1 200 OK\r\n"), 200u);
    EXPECT_EQ(count(answers, "\"predictions\":[true]"), 200u);
}

TEST_F(PredictPortTest, ProtocolEdges) {
    int port = server->predict_port();
    // HTTP/1.0 closes after its answer unless asked to keep the connection.
    std::string old = send_raw(port, "GET /api/training/health HTTP/1.0\r\n\r\n", false);
    EXPECT_EQ(old.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << old;
    EXPECT_NE(old.find("Connection: close\r\n"), std::string::npos);

    // A chunked body is read as the API port reads it (it answered 411 before).
    char size[16];
    std::snprintf(size, sizeof size, "%zx", row.size() - 10);
    std::string chunks = "a\r\n" + row.substr(0, 10) + "\r\n" + size + "\r\n" + row.substr(10) + "\r\n0\r\n\r\n";
    std::string chunked = send_raw(port, "POST " + path + " HTTP/1.1\r\nAuthorization: Bearer " + kToken +
                                             "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
    EXPECT_EQ(chunked.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << chunked;
    EXPECT_NE(chunked.find(R"("predictions":[true])"), std::string::npos) << chunked;

    std::string big = send_raw(port, "POST " + path + " HTTP/1.1\r\nContent-Length: 100001\r\n\r\n");
    EXPECT_EQ(big.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << big;
    EXPECT_NE(big.find("the body is larger than the limit of 100000 bytes"), std::string::npos);

    std::string garbage = send_raw(port, "hello\r\n\r\n");
    EXPECT_EQ(garbage.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << garbage;
    EXPECT_NE(garbage.find("the request line does not parse as METHOD TARGET HTTP/1.x"), std::string::npos);

    std::string huge = send_raw(port, "GET /api/training/health HTTP/1.1\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n");
    EXPECT_EQ(huge.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u) << huge.substr(0, 200);

    std::string bad_length = send_raw(port, "POST " + path + " HTTP/1.1\r\nContent-Length: 12x\r\n\r\n");
    EXPECT_EQ(bad_length.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << bad_length;

    // Expect: 100-continue gets its interim answer before the body is sent, then the real one.
    std::string full = post(path, row, "Expect: 100-continue\r\n");
    std::string head = full.substr(0, full.size() - row.size());
    int fd = connect_to(port);
    ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
    char buf[256];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_EQ(::send(fd, row.data(), row.size(), 0), static_cast<ssize_t>(row.size()));
    n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    ::close(fd);

    // A query string and percent-encoded path reach the same route.
    std::string encoded = path;
    encoded.replace(encoded.find("/predict"), 8, "/pre%64ict");
    std::string q = send_raw(port, post(encoded + "?verbose=1", row));
    EXPECT_EQ(q.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << q;
}
