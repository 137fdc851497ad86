#pragma once
// The HTTP client of the server tests: cpp-httplib's, over a real socket to the
// server under test, with JSON answers parsed and Server-Sent Events read to
// their end.
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::test_support {

using Json = nlohmann::ordered_json;

struct Reply {
    int status = 0;
    Json body;
    std::string raw;
    httplib::Headers headers;
};

struct SseEvent {
    std::string id, type;
    Json data;
};

class Client {
public:
    explicit Client(int port, const std::string& token = "") : cli_("127.0.0.1", port) {
        cli_.set_read_timeout(300, 0);
        if (!token.empty()) cli_.set_bearer_token_auth(token.c_str());
    }

    Reply get(const std::string& path) { return reply(cli_.Get(path.c_str())); }
    Reply del(const std::string& path) { return reply(cli_.Delete(path.c_str())); }
    // `body` as sent, JSON or not.
    Reply post(const std::string& path, const std::string& body) {
        return reply(cli_.Post(path.c_str(), body, "application/json"));
    }
    Reply post_json(const std::string& path, const Json& body = Json::object()) { return post(path, body.dump()); }
    // A file's answer: `raw` holds the body's bytes, `body` stays null unless
    // the answer is JSON (an error).
    Reply get_file(const std::string& path) { return reply(cli_.Get(path.c_str()), false); }
    // `bytes` sent as they are, with `content_type`.
    Reply post_bytes(const std::string& path, const std::string& bytes,
                     const std::string& content_type = "application/octet-stream") {
        return reply(cli_.Post(path.c_str(), bytes, content_type.c_str()));
    }
    Reply put_json(const std::string& path, const Json& body) {
        return reply(cli_.Put(path.c_str(), body.dump(), "application/json"));
    }

    // Reads a text/event-stream to its end and parses its frames (comments skipped).
    std::vector<SseEvent> events(const std::string& path, std::string* content_type = nullptr) {
        std::string text;
        auto res = cli_.Get(path.c_str(), [&](const char* data, std::size_t n) {
            text.append(data, n);
            return true;
        });
        EXPECT_TRUE(res) << httplib::to_string(res.error());
        if (res && content_type) *content_type = res->get_header_value("Content-Type");
        std::vector<SseEvent> out;
        for (std::size_t at = 0, end; (end = text.find("\n\n", at)) != std::string::npos; at = end + 2) {
            std::string frame = text.substr(at, end - at);
            if (frame.rfind(":", 0) == 0) continue;
            SseEvent e;
            for (std::size_t line = 0, nl; line < frame.size(); line = nl + 1) {
                nl = frame.find('\n', line);
                if (nl == std::string::npos) nl = frame.size();
                std::string l = frame.substr(line, nl - line);
                if (l.rfind("id: ", 0) == 0) e.id = l.substr(4);
                if (l.rfind("event: ", 0) == 0) e.type = l.substr(7);
                if (l.rfind("data: ", 0) == 0) e.data = Json::parse(l.substr(6));
            }
            out.push_back(std::move(e));
        }
        return out;
    }

private:
    static Reply reply(const httplib::Result& res, bool json = true) {
        Reply r;
        EXPECT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
        if (!res) return r;
        r.status = res->status;
        r.raw = res->body;
        r.headers = res->headers;
        if (!json && res->get_header_value("Content-Type") != "application/json") return r;
        r.body = Json::parse(res->body, nullptr, false);
        EXPECT_FALSE(r.body.is_discarded()) << "not JSON: " << res->body;
        return r;
    }

    httplib::Client cli_;
};

}  // namespace hone::test_support
