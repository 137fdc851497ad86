#pragma once
// A server under test on real loopback sockets, and one training through the
// training-service routes on it: a job of JSON blocks created, started and
// followed through its events to the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "registry/store.hpp"
#include "server/server.hpp"
#include "http_client.hpp"

namespace hone::test_support {

// A started server over `store` with the API and the prediction port each on
// a free loopback port, its models under dir/models and its data root `dir`.
inline std::unique_ptr<server::Server> start_on_both_ports(registry::Store& store, const std::filesystem::path& dir) {
    server::ServerOptions options;
    options.port = 0;
    options.predict_port = 0;
    options.run.model_root = (dir / "models").string();
    options.data_root = dir.string();
    auto server = std::make_unique<server::Server>(std::vector<lang::JobFile>{}, store, options);
    server->start();
    return server;
}

// The same POST on the server's API port and its prediction port: the same
// status and document from both; the API port's reply.
inline Reply post_on_both_ports(const server::Server& server, const std::string& path, const std::string& body) {
    Reply main = Client(server.port()).post(path, body);
    Reply fast = Client(server.predict_port()).post(path, body);
    EXPECT_EQ(fast.status, main.status) << body;
    EXPECT_EQ(fast.body, main.body) << body;
    return main;
}

struct TrainedOverHttp {
    std::vector<SseEvent> events;  // the run's, to its end
    Json result;                   // the finished run's result
    std::string key;               // its registry key; empty when the run did not complete
};

// Creates the jobs of `body` (one training, `job`), starts it and reads its
// events to the end; a step that fails is a test failure and leaves `key` empty.
inline TrainedOverHttp train_over_http(int port, const Json& body, const std::string& job) {
    TrainedOverHttp out;
    Client http(port);
    Reply created = http.post_json("/api/training/jobs", body);
    EXPECT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body["data"]["jobs"], Json::array({{{"job_id", job}, {"kind", "training"}}}));
    Reply started = http.post_json("/api/training/jobs/" + job + "/start");
    EXPECT_EQ(started.status, 202) << started.raw;
    if (started.status != 202) return out;
    const std::string id = started.body["data"]["run_id"];
    out.events = http.events("/api/training/runs/" + id + "/events");
    Reply run = http.get("/api/training/runs/" + id);
    EXPECT_EQ(run.status, 200) << run.raw;
    out.result = run.body["data"]["result"];
    EXPECT_EQ(run.body["data"]["status"], "completed") << run.raw;
    if (run.body["data"]["status"] == "completed") out.key = out.result["registry_key"].get<std::string>();
    return out;
}

}  // namespace hone::test_support
