#include "server/route.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/json.hpp"
#include "common/names.hpp"
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

namespace {

// A query parameter as a whole number from `min` to `max`.
std::size_t whole_query_number(const std::string& name, const std::string& text, std::size_t min, std::size_t max) {
    bool digits = !text.empty() && text.size() <= 12 &&
                  std::all_of(text.begin(), text.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    std::size_t n = digits ? std::stoull(text) : 0;
    if (!digits || n < min || n > max)
        throw Error(ErrorKind::validation, "invalid_query",
                    name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                        ", got '" + text + "'");
    return n;
}

}  // namespace

std::size_t query_number(const Request& req, const std::string& name, std::size_t fallback, std::size_t min,
                         std::size_t max) {
    return req.query.count(name) ? whole_query_number(name, req.query_value(name), min, max) : fallback;
}

Page page_of(const Request& req) {
    Page p;
    std::string offset = req.query_value("offset"), limit = req.query_value("limit");
    p.asked = req.query.count("offset") > 0 || req.query.count("limit") > 0;
    if (req.query.count("offset")) p.offset = whole_query_number("offset", offset, 0, 1000000000);
    if (req.query.count("limit")) p.limit = whole_query_number("limit", limit, 1, kMaxPageLimit);
    return p;
}

void Page::describe(Response& r, std::size_t total) const {
    if (asked) r.headers.emplace_back("X-Total-Count", std::to_string(total));
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

std::string json_text(const Json& j) { return json_dump(j); }

void check_name(const std::string& name, const std::string& what) { check_safe_name(name, what); }

Json parse_body(const Request& req) {
    if (trim(req.body).empty()) return Json::object();
    Json body = parse_json(req.body, "request body");
    if (!body.is_object()) {
        Location where;
        where.file = "request body";
        throw Error(ErrorKind::syntax, "invalid_json",
                    "the body must be a JSON object, got " + std::string(body.type_name()), where);
    }
    return body;
}

void check_stored_size(const Json& document, const std::string& what) {
    std::size_t bytes = json_text(document).size();
    if (bytes > kMaxStoredDocumentBytes)
        throw Error(ErrorKind::validation, "document_too_large",
                    what + " is " + std::to_string(bytes) + " bytes of JSON, over the limit of " +
                        std::to_string(kMaxStoredDocumentBytes) + " bytes stored for one request",
                    {}, "keep descriptions, tags and metadata short; link to larger documents");
}

std::vector<std::string> fields_of(const Request& req, const std::vector<std::string>& known) {
    std::vector<std::string> fields;
    std::string list = req.query_value("fields");
    for (std::size_t from = 0; from <= list.size() && !list.empty();) {
        std::size_t comma = std::min(list.find(',', from), list.size());
        std::string name(trim(std::string_view(list).substr(from, comma - from)));
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw Error(ErrorKind::validation, "invalid_query",
                        "fields: unknown field '" + name + "'" + did_you_mean(name, known), {},
                        "expected a comma-separated list of " + join_or(known, "'"));
        fields.push_back(std::move(name));
        from = comma + 1;
    }
    return fields;
}

Json keep_fields(Json item, const std::vector<std::string>& fields) {
    if (fields.empty()) return item;
    Json out = Json::object();
    for (const auto& f : fields)
        if (auto it = item.find(f); it != item.end()) out[f] = std::move(*it);
    return out;
}

void sort_items(std::vector<Json>& items, const std::string& sort, const std::vector<std::string>& fields,
                const std::string& what) {
    if (sort.empty()) return;
    bool descending = sort.front() == '-';
    std::string field = descending ? sort.substr(1) : sort;
    if (std::find(fields.begin(), fields.end(), field) == fields.end())
        throw Error(ErrorKind::validation, "invalid_query",
                    "cannot sort " + what + " by '" + field + "'" + did_you_mean(field, fields), {},
                    "sort by " + join_or(fields, "'") + ", with a leading '-' for descending");
    auto key = [&](const Json& item) {
        auto it = item.find(field);
        return it == item.end() ? Json() : *it;
    };
    std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
        return descending ? key(b) < key(a) : key(a) < key(b);
    });
}

void check_fields(const Json& body, const std::vector<std::string>& allowed, const std::string& what) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
        std::string msg = "unknown field '" + it.key() + "' in " + what;
        msg += did_you_mean(it.key(), allowed);
        throw Error(ErrorKind::validation, "unknown_field", msg, {}, "expected " + join_or(allowed, "'"));
    }
}

}  // namespace hone::server
