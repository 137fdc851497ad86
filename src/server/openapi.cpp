#include "server/openapi.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>
#include <string_view>
#include <utility>

#include "common/text.hpp"
#include "models/catalog.hpp"

namespace hone::server {

namespace {

constexpr std::string_view kApiPrefix = "/api/training/";
constexpr const char* kSegmentPattern = "^[A-Za-z0-9_.-]+$";

// ---- the document ----

// The names inside {...} in a pattern, in order.
std::vector<std::string> path_params(const std::string& pattern) {
    std::vector<std::string> names;
    for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
        auto close = pattern.find('}', open);
        if (close == std::string::npos) break;
        names.push_back(pattern.substr(open + 1, close - open - 1));
    }
    return names;
}

// Lower-case letters and digits, every run of anything else one "_", none at the ends.
std::string operation_id(const std::string& method, const std::string& pattern) {
    std::string id;
    bool gap = false;
    for (char ch : method + " " + pattern) {
        auto c = static_cast<unsigned char>(ch);
        if (!std::isalnum(c)) {
            gap = true;
            continue;
        }
        if (gap && !id.empty()) id += '_';
        id += static_cast<char>(std::tolower(c));
        gap = false;
    }
    return id;
}

// Generators need operationIds unique; a clash (only from odd patterns such as
// "/a/{x}" beside "/a/x") is numbered in table order so the result stays stable.
std::string unique_id(std::string id, std::set<std::string>& taken) {
    std::string candidate = id;
    for (int n = 2; !taken.insert(candidate).second; ++n) candidate = id + "_" + std::to_string(n);
    return candidate;
}

// A segment is a resource (a tag) only when something lives under it: "jobs" has
// /jobs/{name}, while health, the docs and metrics are single endpoints ("meta").
std::string tag_for(const std::string& pattern, const std::vector<Route>& routes) {
    if (!pattern.starts_with(kApiPrefix)) return "meta";
    std::string segment = pattern.substr(kApiPrefix.size());
    segment = segment.substr(0, segment.find('/'));
    if (segment.empty() || segment.front() == '{') return "meta";
    std::string deeper = std::string(kApiPrefix) + segment + "/";
    for (const auto& r : routes)
        if (r.pattern.starts_with(deeper) && r.pattern.size() > deeper.size()) return segment;
    return "meta";
}

bool takes_body(const std::string& method) { return method == "post" || method == "put" || method == "patch"; }

Json json_content(Json schema) {
    Json content;
    content["application/json"]["schema"] = std::move(schema);
    return content;
}

Json responses() {
    Json out;
    out["200"] = Json{{"description", "Success"}};
    out["default"] = Json{{"description", "An error, with the HTTP status of its kind"},
                          {"content", json_content(Json{{"$ref", "#/components/schemas/Error"}})}};
    return out;
}

Json operation(const Route& r, const std::string& method, const std::string& id, const std::string& tag) {
    Json op;
    op["tags"] = Json::array({tag});
    op["summary"] = r.summary;
    op["operationId"] = id;
    Json params = Json::array();
    for (const auto& name : path_params(r.pattern))
        params.push_back(Json{{"name", name},
                              {"in", "path"},
                              {"required", true},
                              {"schema", Json{{"type", "string"}, {"pattern", kSegmentPattern}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (takes_body(method) && !r.request_media_type.empty())
        op["requestBody"] = Json{{"required", true},
                                 {"content", Json{{r.request_media_type,
                                                   Json{{"schema", Json{{"type", "string"}, {"format", "binary"}}}}}}}};
    else if (takes_body(method))
        op["requestBody"] = Json{{"required", false},
                                 {"content", json_content(r.request_schema.is_null() ? Json{{"type", "object"}}
                                                                                     : r.request_schema)}};
    // An empty list (not an absent key) says explicitly that no token is needed.
    op["security"] = Json::array();
    if (r.needs_token) op["security"].push_back(Json{{"bearer", Json::array()}});
    if (r.data_plane) op["x-hone-prediction-port"] = true;
    op["responses"] = responses();
    return op;
}

// ---- components ----

Json error_schema() {
    Json detail{{"type", "object"},
                {"properties", Json{{"location", Json{{"type", "string"}}},
                                    {"file", Json{{"type", "string"}}},
                                    {"line", Json{{"type", "integer"}}},
                                    {"col", Json{{"type", "integer"}}},
                                    {"row", Json{{"type", "integer"}}},
                                    {"column", Json{{"type", "string"}}}}}};
    Json props{{"status", Json{{"type", "string"}, {"enum", Json::array({"error"})}}},
               {"error", Json{{"type", "string"}, {"description", "Machine-readable code, e.g. job_not_found"}}},
               {"message", Json{{"type", "string"}}},
               {"details", Json{{"type", "array"}, {"items", std::move(detail)}}},
               {"hint", Json{{"type", "string"}, {"description", "What to do about it; absent when none"}}}};
    return Json{{"type", "object"},
                {"required", Json::array({"status", "error", "message", "details"})},
                {"properties", std::move(props)}};
}

const char* type_name(models::ParamType t) {
    switch (t) {
        case models::ParamType::integer: return "integer";
        case models::ParamType::number: return "number";
        case models::ParamType::boolean: return "boolean";
        case models::ParamType::string: return "string";
        case models::ParamType::integer_list: return "array";
    }
    return "string";
}

// Whole bounds print whole ("1", not "1.0").
Json number_json(double v) {
    if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return static_cast<std::int64_t>(v);
    return v;
}

Json param_schema(const models::ParamSpec& p) {
    Json typed{{"type", type_name(p.type)}};
    if (p.type == models::ParamType::integer_list) {
        // A list of integers, or one integer (OpenAPI 3.0 has no type unions but oneOf).
        Json item{{"type", "integer"}};
        if (p.min) item["minimum"] = number_json(*p.min);
        if (p.max) item["maximum"] = number_json(*p.max);
        Json s{{"oneOf", Json::array({Json{{"type", "array"}, {"items", item}}, item})}};
        if (!p.default_value.is_null()) s["default"] = p.default_value;
        if (p.nullable) s["nullable"] = true;
        if (!p.doc.empty()) s["description"] = p.doc;
        if (!p.aliases.empty()) s["x-aliases"] = p.aliases;
        return s;
    }
    if (p.min) {
        typed["minimum"] = number_json(*p.min);
        if (p.min_exclusive) typed["exclusiveMinimum"] = true;  // OpenAPI 3.0: a flag beside minimum
    }
    if (p.max) typed["maximum"] = number_json(*p.max);
    Json s;
    if (p.type == models::ParamType::string) {
        s = std::move(typed);
        if (!p.choices.empty()) {
            s["enum"] = p.choices;
            if (p.nullable) s["enum"].push_back(nullptr);  // 3.0.3: an enum must list null itself
        }
    } else if (!p.choices.empty()) {
        // A number or one of some words (gamma: 'scale'): OpenAPI 3.0 has no type unions.
        s["oneOf"] = Json::array({std::move(typed), Json{{"type", "string"}, {"enum", p.choices}}});
    } else {
        s = std::move(typed);
    }
    if (p.nullable) s["nullable"] = true;
    if (!p.default_value.is_null() || p.nullable) s["default"] = p.default_value;
    if (!p.doc.empty()) s["description"] = p.doc;
    if (!p.aliases.empty()) s["x-aliases"] = p.aliases;
    return s;
}

Json algorithm_schema(const models::AlgorithmSpec& a) {
    Json props = Json::object();
    for (const auto& p : a.params) props[p.name] = param_schema(p);
    Json tasks = Json::array();
    for (auto t : a.tasks) tasks.push_back(std::string(models::to_string(t)));
    Json aliases = Json::array();
    for (const auto& alias : a.aliases) aliases.push_back(alias.name);
    return Json{{"type", "object"},   {"description", a.doc}, {"x-library", a.library}, {"x-tasks", tasks},
                {"x-aliases", aliases}, {"properties", std::move(props)}};
}

Json components() {
    Json c;
    c["securitySchemes"]["bearer"] = Json{{"type", "http"}, {"scheme", "bearer"}};
    Json& schemas = c["schemas"];
    schemas["Error"] = error_schema();
    Json names = Json::array();
    for (const auto& a : models::algorithms()) names.push_back(a.name);
    schemas["Algorithm"] = Json{{"type", "string"},
                                {"description", "A catalog algorithm (its aliases are accepted too)"},
                                {"enum", std::move(names)}};
    for (const auto& a : models::algorithms()) schemas["Hyperparameters." + a.name] = algorithm_schema(a);
    return c;
}

}  // namespace

Json openapi_document(const std::vector<Route>& routes, const std::string& version) {
    Json doc;
    doc["openapi"] = "3.0.3";
    doc["info"] = Json{{"title", "hone"},
                       {"version", version},
                       {"description", "Trains, tunes, registers and serves models. Operations that need the token "
                                       "take it as 'Authorization: Bearer <token>'. Operations marked x-hone-prediction-port are "
                                       "also answered on the port of 'hone serve --predict-port'."}};
    Json tags = Json::array();
    Json paths = Json::object();
    std::set<std::string> ids, tagged;
    for (const auto& r : routes) {
        std::string method = to_lower(r.method);
        Json& item = paths[r.pattern];
        if (item.contains(method)) continue;  // a repeated route is never reached: the first answers
        std::string tag = tag_for(r.pattern, routes);
        if (tagged.insert(tag).second) tags.push_back(Json{{"name", tag}});
        item[method] = operation(r, method, unique_id(operation_id(method, r.pattern), ids), tag);
    }
    doc["tags"] = std::move(tags);
    doc["paths"] = std::move(paths);
    doc["components"] = components();
    return doc;
}

// ---- the docs page ----

namespace {

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string to_upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// The page reads any document, so a missing or mistyped key is "" rather than an exception.
std::string str(const Json& j, const char* key) {
    if (!j.is_object()) return "";
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& member(const Json& j, const char* key) {
    static const Json none;
    if (!j.is_object()) return none;
    auto it = j.find(key);
    return it == j.end() ? none : *it;
}

struct Operation {
    std::string method;  // upper case
    std::string path;
    const Json* op;
};
using Groups = std::vector<std::pair<std::string, std::vector<Operation>>>;

std::vector<Operation>& group(Groups& groups, const std::string& tag) {
    for (auto& g : groups)
        if (g.first == tag) return g.second;
    return groups.emplace_back(tag, std::vector<Operation>{}).second;
}

// The document's tag order first, then any tag only an operation names.
Groups operations_by_tag(const Json& api) {
    Groups groups;
    for (const auto& t : member(api, "tags"))
        if (!str(t, "name").empty()) group(groups, str(t, "name"));
    const Json& paths = member(api, "paths");
    if (paths.is_object())
        for (auto p = paths.begin(); p != paths.end(); ++p)
            for (auto m = p->begin(); p->is_object() && m != p->end(); ++m) {
                if (!kMethods.count(m.key()) || !m->is_object()) continue;
                const Json& tags = member(*m, "tags");
                std::string tag = tags.is_array() && !tags.empty() && tags[0].is_string() ? tags[0].get<std::string>()
                                                                                         : "meta";
                group(groups, tag).push_back({to_upper(m.key()), p.key(), &*m});
            }
    std::erase_if(groups, [](const auto& g) { return g.second.empty(); });
    return groups;
}

std::string param_row(const std::string& name, const Json& s);

// "Body: a JSON object.", then its fields when the schema names them; a body
// of another media type, named.
std::string body_html(const Json& op) {
    const Json& content = member(member(op, "requestBody"), "content");
    if (content.is_object() && !content.empty() && !content.contains("application/json"))
        return "<p class=\"body\">Body: the file's bytes (" + esc(content.begin().key()) + ").</p>\n";
    std::string out = "<p class=\"body\">Body: a JSON object.</p>\n";
    const Json& schema = member(member(member(member(op, "requestBody"), "content"), "application/json"), "schema");
    const Json& props = member(schema, "properties");
    if (!props.is_object() || props.empty()) return out;
    out += "<table>\n<tr><th>Field</th><th>Type</th><th>Default</th><th>Range</th><th>Description</th></tr>\n";
    for (auto p = props.begin(); p != props.end(); ++p) out += param_row(p.key(), *p);
    return out + "</table>\n";
}

std::string operation_html(const Operation& o) {
    const Json& op = *o.op;
    const Json& security = member(op, "security");
    bool token = security.is_array() && !security.empty();
    std::string method = to_lower(o.method);
    std::string out = "<div class=\"op\" id=\"op-" + esc(str(op, "operationId")) + "\">\n";
    out += "<p class=\"line\"><span class=\"method m-" + esc(method) + "\">" + esc(o.method) + "</span> <code>" +
           esc(o.path) + "</code> " +
           (token ? "<span class=\"auth\">token</span>" : "<span class=\"open\">no token</span>") + "</p>\n";
    if (!str(op, "summary").empty()) out += "<p>" + esc(str(op, "summary")) + "</p>\n";
    const Json& params = member(op, "parameters");
    if (params.is_array() && !params.empty()) {
        out += "<ul class=\"params\">\n";
        for (const auto& p : params) {
            const Json& schema = member(p, "schema");
            out += "<li><code>" + esc(str(p, "name")) + "</code> in " + esc(str(p, "in")) +
                   (member(p, "required") == true ? ", required" : ", optional");
            if (!str(schema, "type").empty()) out += ", " + esc(str(schema, "type"));
            if (!str(schema, "pattern").empty()) out += " matching <code>" + esc(str(schema, "pattern")) + "</code>";
            out += "</li>\n";
        }
        out += "</ul>\n";
    }
    if (op.is_object() && op.contains("requestBody")) out += body_html(op);
    return out + "</div>\n";
}

std::string type_text(const Json& s) {
    std::string t = str(s, "type");
    if (t.empty() && member(s, "oneOf").is_array()) {
        std::vector<std::string> kinds;
        for (const auto& alt : member(s, "oneOf")) kinds.push_back(str(alt, "type"));
        t = join(kinds, " or ");
    }
    if (member(s, "nullable") == true) t += " or null";
    return t;
}

// "[1, 10]", "(0, 1]", ">= 1", "> 0", "<= 5", "one of 'a', 'b'", joined for oneOf.
std::string range_text(const Json& s) {
    if (member(s, "oneOf").is_array()) {
        std::vector<std::string> parts;
        for (const auto& alt : member(s, "oneOf"))
            if (auto r = range_text(alt); !r.empty()) parts.push_back(r);
        return join(parts, ", or ");
    }
    const Json& enums = member(s, "enum");
    if (enums.is_array()) {
        std::vector<std::string> values;
        for (const auto& v : enums) values.push_back(v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump());
        return "one of " + join(values);
    }
    const Json& lo = member(s, "minimum");
    const Json& hi = member(s, "maximum");
    bool open = member(s, "exclusiveMinimum") == true;
    if (lo.is_number() && hi.is_number())
        return (open ? "(" : "[") + lo.dump() + ", " + hi.dump() + "]";
    if (lo.is_number()) return (open ? "> " : ">= ") + lo.dump();
    if (hi.is_number()) return "<= " + hi.dump();
    return "";
}

std::string param_row(const std::string& name, const Json& s) {
    std::string out = "<tr><td><code>" + esc(name) + "</code>";
    const Json& aliases = member(s, "x-aliases");
    if (aliases.is_array() && !aliases.empty()) {
        std::vector<std::string> names;
        for (const auto& a : aliases)
            if (a.is_string()) names.push_back(a.get<std::string>());
        out += "<br><small>also " + esc(join(names)) + "</small>";
    }
    std::string def = s.is_object() && s.contains("default") ? member(s, "default").dump() : "";
    out += "</td><td>" + esc(type_text(s)) + "</td><td><code>" + esc(def) + "</code></td><td>" + esc(range_text(s)) +
           "</td><td>" + esc(str(s, "description")) + "</td></tr>\n";
    return out;
}

std::string algorithms_html(const Json& api) {
    const Json& schemas = member(member(api, "components"), "schemas");
    constexpr std::string_view prefix = "Hyperparameters.";
    std::string out;
    for (auto it = schemas.begin(); schemas.is_object() && it != schemas.end(); ++it) {
        if (!it.key().starts_with(prefix)) continue;
        std::string name = it.key().substr(prefix.size());
        const Json& s = *it;
        out += "<h3 id=\"algo-" + esc(name) + "\">" + esc(name) + "</h3>\n";
        if (!str(s, "description").empty()) out += "<p>" + esc(str(s, "description")) + "</p>\n";
        std::vector<std::string> facts;
        if (!str(s, "x-library").empty()) facts.push_back(str(s, "x-library"));
        for (const auto& key : {"x-tasks", "x-aliases"})
            for (const auto& v : member(s, key))
                if (v.is_string()) facts.push_back(v.get<std::string>());
        if (!facts.empty()) out += "<p class=\"facts\">" + esc(join(facts)) + "</p>\n";
        out += "<table>\n<tr><th>Hyperparameter</th><th>Type</th><th>Default</th><th>Range</th><th>Description</th></tr>\n";
        const Json& props = member(s, "properties");
        for (auto p = props.begin(); props.is_object() && p != props.end(); ++p) out += param_row(p.key(), *p);
        out += "</table>\n";
    }
    if (out.empty()) return "";
    return "<section id=\"algorithms\">\n<h2>Algorithms</h2>\n" + out + "</section>\n";
}

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.4; }
code { font-family: ui-monospace, monospace; font-size: 0.95em; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
.op { border: 1px solid #ddd; border-radius: 4px; padding: 0.3rem 0.8rem; margin: 0.6rem 0; }
.op p { margin: 0.3rem 0; }
.method { display: inline-block; min-width: 4.5em; font-weight: bold; font-family: ui-monospace, monospace; }
.m-get { color: #1a6; } .m-post { color: #26b; } .m-delete { color: #c33; } .m-put, .m-patch { color: #b70; }
.auth, .open { font-size: 0.8em; padding: 0 0.4em; border-radius: 3px; }
.auth { background: #fde8c8; } .open { background: #dff3e4; }
.facts { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
)";

}  // namespace

std::string docs_page(const Json& api) {
    const Json& info = member(api, "info");
    std::string title = (str(info, "title").empty() ? std::string("API") : str(info, "title") + " API");
    if (!str(info, "version").empty()) title += " " + str(info, "version");
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                      esc(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" + esc(title) +
                      "</h1>\n";
    if (!str(info, "description").empty()) out += "<p>" + esc(str(info, "description")) + "</p>\n";
    Groups groups = operations_by_tag(api);
    std::string algorithms = algorithms_html(api);
    out += "<nav><ul>\n";
    for (const auto& g : groups) out += "<li><a href=\"#tag-" + esc(g.first) + "\">" + esc(g.first) + "</a></li>\n";
    if (!algorithms.empty()) out += "<li><a href=\"#algorithms\">algorithms</a></li>\n";
    out += "</ul></nav>\n";
    for (const auto& [tag, ops] : groups) {
        out += "<section id=\"tag-" + esc(tag) + "\">\n<h2>" + esc(tag) + "</h2>\n";
        for (const auto& o : ops) out += operation_html(o);
        out += "</section>\n";
    }
    return out + algorithms + "</body>\n</html>\n";
}

}  // namespace hone::server
