#pragma once
// The route table: what the server answers, as data. Handlers see a Request and
// return a Response without knowing the HTTP library; the OpenAPI generator and
// the docs page read method, pattern and summary from the same table.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::server {

using Json = nlohmann::ordered_json;

struct Request {
    std::string method;  // GET, POST, PUT, DELETE
    std::string path;    // decoded, without the query
    std::map<std::string, std::string> params;  // {name} in the pattern -> its value
    std::multimap<std::string, std::string> query;
    // Looks a header up by name (any case); set by the server for the request's life.
    std::function<std::string(const std::string&)> header_source;
    std::string body;
    std::string actor;   // who, for the audit log: "http:<remote address>"

    // The value of query parameter `name`, or `fallback`.
    std::string query_value(const std::string& name, const std::string& fallback = "") const;
    // A header's value, or "" (the name in any case).
    std::string header(const std::string& name) const;
    // A path parameter (always present once a route matched).
    const std::string& param(const std::string& name) const { return params.at(name); }
};

// Writes one chunk of a streamed answer; false once the client has gone.
using ChunkWriter = std::function<bool(std::string_view)>;

struct Response {
    int status = 200;
    Json body;                 // sent as JSON unless content_type is set
    std::string content_type;  // set: `text` is sent as is with this type
    std::string text;
    std::vector<std::pair<std::string, std::string>> headers;
    // Set: the answer is streamed (chunked, with content_type): called once on a
    // server thread, it writes chunks until it returns. For Server-Sent Events.
    std::function<void(const ChunkWriter&)> stream;
};

struct Route {
    std::string method;
    std::string pattern;  // "/api/training/jobs/{name}": a {name} matches one non-empty segment
    std::string summary;  // one line, for OpenAPI and the docs page
    bool needs_token = true;  // false: answered without the bearer token (health)
    std::function<Response(const Request&)> handler;
    // A POST that only reads (predict, search, compare, evaluate): not audited.
    bool reads_only = false;
    // Also answered on the prediction port (predict_listener.hpp): the handler
    // never blocks, so it may run on an event loop thread.
    bool data_plane = false;
    // The JSON schema of the request body, for the OpenAPI document; null: "an
    // object", described no further.
    Json request_schema;
    // The body's media type when it is not JSON (a bundle: application/
    // octet-stream): OpenAPI then describes it as bytes, not request_schema.
    std::string request_media_type;

    bool changes_state() const { return method != "GET" && !reads_only; }
};

// Bodies: "" is an empty object; anything but a JSON object is
// hone::Error(syntax, "invalid_json") saying where it failed (line, column),
// and so are nesting deeper than kMaxJsonDepth (64) and numbers out of range
// (common/json.hpp).
Json parse_body(const Request& req);

// A window of a list route's items: ?offset=N (from 0) and ?limit=N (1 to
// kMaxPageLimit). Without either, the whole list, as those routes answered
// before they were paged; with one, the answer also carries the list's length
// in an X-Total-Count header, so a page can say "51-100 of 10000".
inline constexpr std::size_t kMaxPageLimit = 100000;
struct Page {
    std::size_t offset = 0;
    std::size_t limit = kMaxPageLimit;
    bool asked = false;  // ?offset or ?limit was given

    // The window's first and one-past-last index in a list of `total` items.
    std::size_t first(std::size_t total) const { return offset < total ? offset : total; }
    std::size_t last(std::size_t total) const { return total - first(total) > limit ? first(total) + limit : total; }
    // Sets X-Total-Count on `r` when the page was asked for.
    void describe(Response& r, std::size_t total) const;
};

// ?NAME as a whole number from `min` to `max`, `fallback` when absent; anything
// else is hone::Error(validation, "invalid_query") naming it and the range.
std::size_t query_number(const Request& req, const std::string& name, std::size_t fallback, std::size_t min,
                         std::size_t max);

// Reads ?offset and ?limit; anything else than whole numbers in range is
// hone::Error(validation, "invalid_query") naming the parameter and the value.
Page page_of(const Request& req);

// ?fields=a,b: the top-level fields a list route's items keep (a chart needs a
// few numbers of each of 10,000 items, not their whole documents). Empty: every
// field. A name not in `known` is hone::Error(validation, "invalid_query")
// naming it ("did you mean") and the known ones.
std::vector<std::string> fields_of(const Request& req, const std::vector<std::string>& known);
// `item` with only `fields` (all of it when `fields` is empty).
Json keep_fields(Json item, const std::vector<std::string>& fields);

// ?sort=FIELD or -FIELD (descending) over a list route's items, stable; nothing
// when `sort` is empty. A field not among `fields` is hone::Error(validation,
// "invalid_query") saying "cannot sort <what> by ..." and naming the fields.
void sort_items(std::vector<Json>& items, const std::string& sort, const std::vector<std::string>& fields,
                const std::string& what);

// The training-service API's answer shape: {"data": data}.
Response wrapped(Json data, int status = 200);

// The one error shape, {"status": "error", "error": code, "message": message,
// "details": details, "hint": hint (absent when empty)}, as a body and as an answer.
Json error_body(const std::string& code, const std::string& message, const Json& details = Json::array(),
                const std::string& hint = "");
Response error_response(int status, const std::string& code, const std::string& message,
                        const std::string& hint = "");

// A JSON body as sent: compact, invalid UTF-8 replaced rather than thrown on.
std::string json_text(const Json& j);

// Names of jobs and models created over HTTP follow the one rule for names
// that become paths (common/names.hpp); else hone::Error(validation,
// "invalid_name") saying so about `what`.
void check_name(const std::string& name, const std::string& what);

// The most one request may leave in the store or the model root, as compact
// JSON (a registration's description, a model's metadata, a created job):
// many times what any of them needs, and a bound on what a client can make
// the server keep.
inline constexpr std::size_t kMaxStoredDocumentBytes = 256u << 10;

// Throws hone::Error(validation, "document_too_large") naming `what`, its
// size and the limit when `document` is larger than kMaxStoredDocumentBytes.
void check_stored_size(const Json& document, const std::string& what);

// Keys of `body` must be among `allowed`; else hone::Error(validation,
// "unknown_field") naming the key ("did you mean") and the allowed ones.
void check_fields(const Json& body, const std::vector<std::string>& allowed, const std::string& what);

}  // namespace hone::server
