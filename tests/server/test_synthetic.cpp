// POST /api/training/synthetic-data for synthetic interactions: a real server on
// a free loopback port, answers checked exactly, and the route's request body as
// the OpenAPI document and docs page describe it.
#include <gtest/gtest.h>

#include "data/interactions.hpp"
#include "data/interactions_document.hpp"
#include "data/seed_formats.hpp"
#include "registry/store.hpp"
#include "server/server.hpp"
#include "../support/files.hpp"
#include "http_client.hpp"

using namespace hone;
using test_support::Client;
using test_support::Reply;
using Json = nlohmann::ordered_json;

namespace {

class SyntheticTest : public ::testing::Test {
protected:
    void SetUp() override {
        store = registry::serialized(registry::open_store((dir.path / "hone.db").string()));
        server::ServerOptions options;
        options.port = 0;
        options.run.model_root = (dir.path / "models").string();
        server = std::make_unique<server::Server>(std::vector<lang::JobFile>{}, *store, options);
        server->start();
        ASSERT_GT(server->port(), 0);
        http = std::make_unique<Client>(server->port());
    }
    void TearDown() override { server->stop(); }

    Reply post(const std::string& body) { return http->post("/api/training/synthetic-data", body); }

    // The error's code and message, as one line.
    std::string refusal(const std::string& body) {
        Reply r = post(body);
        EXPECT_EQ(r.status, 400) << r.raw;
        return r.body.value("error", "") + ": " + r.body.value("message", "");
    }

    test_support::TempDir dir{"hone-synthetic"};
    std::unique_ptr<registry::Store> store;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<Client> http;
};

}  // namespace

TEST_F(SyntheticTest, InteractionsAnswerTheFormatsDocument) {
    Reply r = post(R"({"kind": "interactions", "users": 50, "items": 200, "density": 0.1, "skew": 1.0, "seed": 7})");
    ASSERT_EQ(r.status, 200) << r.raw;
    const Json& doc = r.body["data"];
    // The same document `hone data synthesize` writes for the same options.
    data::SyntheticInteractions o{.users = 50, .items = 200, .density = 0.1, .skew = 1.0, .seed = 7};
    EXPECT_EQ(doc, data::interactions_document(data::synthetic_interactions(o)));
    EXPECT_EQ(doc["metadata"]["num_interactions"], 1000);
    EXPECT_EQ(doc["interactions"].size(), 1000u);
    nlohmann::json plain = doc;
    EXPECT_TRUE(data::validate_data_format(plain, "interactions").empty());
    // The same request, the same answer.
    EXPECT_EQ(post(R"({"kind": "interactions", "users": 50, "items": 200, "density": 0.1, "seed": 7})").body, r.body);
}

TEST_F(SyntheticTest, InteractionsTakeTheGeneratorsDefaults) {
    Reply r = post(R"({"kind": "interactions"})");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["data"], data::interactions_document(data::synthetic_interactions({})));
    EXPECT_EQ(r.body["data"]["metadata"]["num_interactions"], 10000);
}

TEST_F(SyntheticTest, TextStaysTheDefaultKind) {
    const char* body = R"({"template_prompts": ["a {x}"], "variables": {"x": ["y"]},
                           "generation_config": {"num_samples": 2}})";
    Reply plain = post(body);
    ASSERT_EQ(plain.status, 200) << plain.raw;
    EXPECT_EQ(plain.body["data"]["content"], "{\"text\":\"a y\",\"template\":0,\"variables\":{\"x\":\"y\"}}\n"
                                             "{\"text\":\"a y\",\"template\":0,\"variables\":{\"x\":\"y\"}}\n");
    Reply text = post(R"({"kind": "text", "template_prompts": ["a {x}"], "variables": {"x": ["y"]},
                          "generation_config": {"num_samples": 2}})");
    EXPECT_EQ(text.body, plain.body);
}

TEST_F(SyntheticTest, BadKindsAndValuesAreRefusedNamingTheField) {
    EXPECT_EQ(refusal(R"({"kind": "images"})"), "invalid_field: 'kind' must be 'text' or 'interactions', got \"images\"");
    EXPECT_EQ(refusal(R"({"kind": 3})"), "invalid_field: 'kind' must be 'text' or 'interactions', got 3");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "users": 0})"),
              "invalid_field: 'users' must be a whole number from 1 to 50000, got 0");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "users": -4})"),
              "invalid_field: 'users' must be a whole number from 1 to 50000, got -4");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "items": 2.5})"),
              "invalid_field: 'items' must be a whole number from 2 to 1000000, got 2.5");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "density": 0})"),
              "invalid_field: 'density' must be a number above 0 and at most 1, got 0");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "density": "high"})"),
              "invalid_field: 'density' must be a number above 0 and at most 1, got \"high\"");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "skew": -1})"),
              "invalid_field: 'skew' must be a number 0 or more, got -1");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "seed": -1})"),
              "invalid_field: 'seed' must be a whole number from 0 to 18446744073709551615, got -1");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "template_prompts": ["a"]})"),
              "unknown_field: unknown field 'template_prompts' in an interactions request");
    EXPECT_EQ(refusal(R"({"kind": "interactions", "users": 50000, "items": 1000, "density": 0.5})"),
              "output_too_large: the request would make 25000000 interactions (density * users * items, at least 2 "
              "per user); the limit is 100000");
}

TEST_F(SyntheticTest, TheOpenApiDocumentDescribesTheBody) {
    Reply api = http->get("/api/openapi.json");
    ASSERT_EQ(api.status, 200);
    const Json& schema =
        api.body["paths"]["/api/training/synthetic-data"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    std::vector<std::string> fields;
    for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) fields.push_back(it.key());
    EXPECT_EQ(fields, (std::vector<std::string>{"kind", "template_prompts", "variables", "generation_config",
                                                "output_format", "users", "items", "density", "skew", "seed"}));
    EXPECT_EQ(schema["properties"]["kind"]["enum"], Json::array({"text", "interactions"}));
    EXPECT_EQ(schema["properties"]["users"]["maximum"], 50000);
    EXPECT_EQ(schema["properties"]["items"]["maximum"], 1000000);
    httplib::Client raw("127.0.0.1", server->port());
    auto page = raw.Get("/api/docs");
    ASSERT_TRUE(page);
    EXPECT_NE(page->body.find("<td><code>density</code></td><td>number</td><td><code>0.02</code></td><td>(0, 1]</td>"),
              std::string::npos)
        << page->body.substr(0, 4000);
}
