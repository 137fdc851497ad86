#include "server/route.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::server {

std::string Request::query_value(const std::string& name, const std::string& fallback) const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
}

std::string Request::header(const std::string& name) const { return header_source ? header_source(name) : ""; }

Response wrapped(Json data, int status) {
    Response r;
    r.status = status;
    r.body = Json{{"data", std::move(data)}};
    return r;
}

Json error_body(const std::string& code, const std::string& message, const Json& details, const std::string& hint) {
    Json j{{"status", "error"}, {"error", code}, {"message", message}, {"details", details}};
    if (!hint.empty()) j["hint"] = hint;
    return j;
}

Response error_response(int status, const std::string& code, const std::string& message, const std::string& hint) {
    Response r;
    r.status = status;
    r.body = error_body(code, message, Json::array(), hint);
    return r;
}

std::string json_text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void check_name(const std::string& name, const std::string& what) {
    bool ok = !name.empty() && name.size() <= 128;
    for (char ch : name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-');
    if (!ok)
        throw Error(ErrorKind::validation, "invalid_name",
                    what + " '" + name + "' is not a name: use 1 to 128 of A-Z a-z 0-9 _ . -");
}

Json parse_body(const Request& req) {
    if (trim(req.body).empty()) return Json::object();
    Json body;
    try {
        body = Json::parse(req.body);
    } catch (const Json::parse_error& e) {
        // nlohmann's message starts with "[json.exception.parse_error.101] "; the rest is for users.
        std::string msg = e.what();
        if (auto close = msg.find("] "); !msg.empty() && msg.front() == '[' && close != std::string::npos)
            msg = msg.substr(close + 2);
        Location where;
        where.file = "request body";
        // e.byte is 1-based and points just past the failing character.
        std::size_t end = std::min<std::size_t>(e.byte ? e.byte - 1 : 0, req.body.size());
        where.line = 1;
        where.col = 1;
        for (std::size_t i = 0; i < end; ++i) {
            if (req.body[i] == '\n') {
                ++where.line;
                where.col = 1;
            } else {
                ++where.col;
            }
        }
        throw Error(ErrorKind::syntax, "invalid_json", "invalid JSON body: " + msg, where);
    }
    if (!body.is_object()) {
        Location where;
        where.file = "request body";
        throw Error(ErrorKind::syntax, "invalid_json",
                    "the body must be a JSON object, got " + std::string(body.type_name()), where);
    }
    return body;
}

void check_fields(const Json& body, const std::vector<std::string>& allowed, const std::string& what) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
        std::string msg = "unknown field '" + it.key() + "' in " + what;
        std::string near = nearest(it.key(), allowed);
        if (!near.empty()) msg += "; did you mean '" + near + "'?";
        throw Error(ErrorKind::validation, "unknown_field", msg, {}, "expected " + join_or(allowed, "'"));
    }
}

}  // namespace hone::server
