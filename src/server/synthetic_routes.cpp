// POST /api/training/synthetic-data: the training-service API's synthetic data,
// of two kinds.
//
// "text" (the default): samples from prompt templates. hone has no language
// model, so a sample is a template with its {placeholders} filled from the
// request's `variables`, chosen at random under a seed: data for tests and demos
// of text jobs, not generated text. The training-service API's generation
// settings that need a model (temperature, max_tokens, quality_filter) are
// accepted and named in `warnings`.
//
// "interactions": synthetic user-item interactions (data::synthetic_interactions),
// answered as the interactions format's document, which a client can save and
// train a recommender on as it is.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/interactions.hpp"
#include "data/interactions_document.hpp"
#include "server/context.hpp"

namespace hone::server {

namespace {

// The most one answer may hold: the samples as JSON text, in bytes. A few
// templates with long values times many samples would otherwise turn a small
// request into hundreds of megabytes.
constexpr std::size_t kMaxSyntheticBytes = 16u << 20;
constexpr long long kMaxSyntheticSamples = 100000;
// Interactions in one answer: about 110 bytes each as JSON, some 11 MB in all,
// under the samples' bound. Items cost memory before any is drawn (a weight
// each), so they have their own bound.
constexpr std::uint64_t kMaxSyntheticInteractions = 100000;
constexpr std::uint64_t kMaxSyntheticItems = 1000000;

// A template split at its {placeholders}: text[0] names[0] text[1] ... text[n].
struct Template {
    std::vector<std::string> text, names;

    explicit Template(const std::string& t) {
        for (std::size_t at = 0;;) {
            std::size_t open = t.find('{', at);
            std::size_t close = open == std::string::npos ? open : t.find('}', open);
            if (close == std::string::npos) {
                text.push_back(t.substr(at));
                return;
            }
            text.push_back(t.substr(at, open - at));
            names.push_back(t.substr(open + 1, close - open - 1));
            at = close + 1;
        }
    }
};

std::vector<std::string> strings_of(const Json& value, const std::string& what) {
    std::vector<std::string> out;
    if (value.is_array())
        for (const auto& v : value)
            if (v.is_string()) out.push_back(v.get<std::string>());
    if (!value.is_array() || out.size() != value.size() || out.empty())
        throw Error(ErrorKind::validation, "invalid_field", what + " must be a non-empty list of strings");
    return out;
}

// A text request, checked.
struct TextRequest {
    std::vector<Template> templates;
    std::map<std::string, std::vector<std::string>> variables;
    std::size_t samples = 100;
    std::uint64_t seed = 42;
    std::string format = "jsonl";
    Json warnings = Json::array();
};

// The templates and every placeholder's values; a placeholder without values is refused.
void read_templates(const Json& body, TextRequest& r) {
    if (!body.contains("template_prompts"))
        throw Error(ErrorKind::validation, "invalid_field", "the request needs 'template_prompts'");
    for (const auto& t : strings_of(body["template_prompts"], "'template_prompts'")) r.templates.emplace_back(t);
    if (body.contains("variables")) {
        if (!body["variables"].is_object())
            throw Error(ErrorKind::validation, "invalid_field",
                        "'variables' must map each placeholder to its values, e.g. {\"topic\": [\"billing\"]}");
        for (auto it = body["variables"].begin(); it != body["variables"].end(); ++it)
            r.variables[it.key()] = strings_of(it.value(), "variables." + it.key());
    }
    std::set<std::string> missing;
    for (const auto& t : r.templates)
        for (const auto& name : t.names)
            if (!r.variables.count(name)) missing.insert(name);
    if (!missing.empty())
        throw Error(ErrorKind::validation, "missing_variables",
                    "the templates use placeholders with no values: " + join(std::vector<std::string>(missing.begin(), missing.end())),
                    {}, "give their values in \"variables\": {\"name\": [\"value\", ...]}");
}

// generation_config and output_format.
void read_config(const Json& body, TextRequest& r) {
    Json config = body.value("generation_config", Json::object());
    if (!config.is_object()) throw Error(ErrorKind::validation, "invalid_field", "'generation_config' must be an object");
    check_fields(config, {"num_samples", "temperature", "max_tokens", "quality_filter", "seed"}, "generation_config");
    Json samples_value = config.value("num_samples", Json(100));
    if (!samples_value.is_number_integer() || samples_value.get<long long>() < 1 ||
        samples_value.get<long long>() > kMaxSyntheticSamples)
        throw Error(ErrorKind::validation, "invalid_field",
                    "num_samples must be a whole number from 1 to " + std::to_string(kMaxSyntheticSamples));
    r.samples = samples_value.get<std::size_t>();
    Json seed_value = config.value("seed", Json(42));
    if (!seed_value.is_number_integer()) throw Error(ErrorKind::validation, "invalid_field", "seed must be a whole number");
    r.seed = seed_value.get<std::uint64_t>();
    r.format = body.value("output_format", std::string("jsonl"));
    if (r.format != "jsonl" && r.format != "json")
        throw Error(ErrorKind::validation, "invalid_field", "output_format must be 'jsonl' or 'json', got '" + r.format + "'");
    for (const char* k : {"temperature", "max_tokens", "quality_filter"})
        if (config.contains(k))
            r.warnings.push_back(std::string(k) + " has no effect: samples are filled templates, not generated text");
}

// The samples, refused as soon as their text passes kMaxSyntheticBytes.
Json fill_templates(const TextRequest& r) {
    std::mt19937_64 rng(r.seed);
    auto pick = [&](std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(rng); };
    Json samples = Json::array();
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < r.samples; ++i) {
        std::size_t which = pick(r.templates.size());
        const Template& t = r.templates[which];
        std::string text = t.text[0];
        Json filled = Json::object();
        for (std::size_t k = 0; k < t.names.size(); ++k) {
            const auto& values = r.variables.at(t.names[k]);
            const std::string& v = values[pick(values.size())];
            text += v + t.text[k + 1];
            filled[t.names[k]] = v;
        }
        samples.push_back(Json{{"text", text}, {"template", which}, {"variables", filled}});
        bytes += json_text(samples.back()).size() + 1;
        if (bytes > kMaxSyntheticBytes)
            throw Error(ErrorKind::validation, "output_too_large",
                        "the samples would pass the limit of " + std::to_string(kMaxSyntheticBytes) +
                            " bytes of output after " + std::to_string(i + 1) + " of " + std::to_string(r.samples) +
                            " samples",
                        {}, "ask for fewer samples (num_samples) or use shorter templates and values");
    }
    return samples;
}

Response text_samples(const Json& body) {
    check_fields(body, {"kind", "template_prompts", "variables", "generation_config", "output_format"}, "the request");
    TextRequest r;
    read_templates(body, r);
    read_config(body, r);
    Json samples = fill_templates(r);
    if (r.format == "json")
        return wrapped(Json{{"num_samples", r.samples}, {"format", "json"}, {"samples", samples}, {"warnings", r.warnings}});
    std::string lines;
    for (const auto& s : samples) lines += json_text(s) + "\n";
    return wrapped(Json{{"num_samples", r.samples}, {"format", "jsonl"}, {"content", lines}, {"warnings", r.warnings}});
}

// A whole number in [least, most], or `fallback` when absent.
std::uint64_t whole_field(const Json& body, const char* name, std::uint64_t fallback, std::uint64_t least,
                          std::uint64_t most) {
    auto it = body.find(name);
    if (it == body.end()) return fallback;
    // Non-negative integers parse as unsigned; a negative one, a fraction or a string fails here.
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() < least || it->get<std::uint64_t>() > most)
        throw Error(ErrorKind::validation, "invalid_field",
                    "'" + std::string(name) + "' must be a whole number from " + std::to_string(least) + " to " +
                        std::to_string(most) + ", got " + json_text(*it));
    return it->get<std::uint64_t>();
}

// A number, or `fallback` when absent; `in_range` says whether it is allowed, `range` says what is.
double number_field(const Json& body, const char* name, double fallback, bool (*in_range)(double),
                    const char* range) {
    auto it = body.find(name);
    if (it == body.end()) return fallback;
    if (!it->is_number() || !in_range(it->get<double>()))
        throw Error(ErrorKind::validation, "invalid_field",
                    "'" + std::string(name) + "' must be a number " + range + ", got " + json_text(*it));
    return it->get<double>();
}

data::SyntheticInteractions interaction_options(const Json& body) {
    check_fields(body, {"kind", "users", "items", "density", "skew", "seed"}, "an interactions request");
    data::SyntheticInteractions o;
    o.users = whole_field(body, "users", o.users, 1, kMaxSyntheticInteractions / 2);
    o.items = whole_field(body, "items", o.items, 2, kMaxSyntheticItems);
    o.density = number_field(body, "density", o.density, [](double d) { return d > 0.0 && d <= 1.0; },
                             "above 0 and at most 1");
    o.skew = number_field(body, "skew", o.skew, [](double s) { return s >= 0.0 && std::isfinite(s); }, "0 or more");
    o.seed = whole_field(body, "seed", o.seed, 0, std::numeric_limits<std::uint64_t>::max());
    return o;
}

Response interactions(const Json& body) {
    data::SyntheticInteractions o = interaction_options(body);
    // Refused before anything is generated: the count is known from the options.
    std::size_t rows = data::synthetic_interaction_count(o);
    if (rows > kMaxSyntheticInteractions)
        throw Error(ErrorKind::validation, "output_too_large",
                    "the request would make " + std::to_string(rows) + " interactions (density * users * items, at "
                    "least 2 per user); the limit is " + std::to_string(kMaxSyntheticInteractions),
                    {}, "lower 'users', 'items' or 'density'");
    return wrapped(data::interactions_document(data::synthetic_interactions(o)));
}

Response synthetic_data(Context&, const Request& req) {
    Json body = parse_body(req);
    Json kind = body.value("kind", Json("text"));
    if (kind == "interactions") return interactions(body);
    if (kind == "text") return text_samples(body);
    throw Error(ErrorKind::validation, "invalid_field",
                "'kind' must be 'text' or 'interactions', got " + json_text(kind));
}

// The request body, for the OpenAPI document: every field of both kinds.
Json synthetic_request_schema() {
    auto field = [](const char* type, const std::string& doc) { return Json{{"type", type}, {"description", doc}}; };
    Json props;
    props["kind"] = Json{{"type", "string"},
                         {"enum", Json::array({"text", "interactions"})},
                         {"default", "text"},
                         {"description", "text: samples from prompt templates; interactions: user-item interactions "
                                         "in the interactions format"}};
    props["template_prompts"] = field("array", "text: templates with {placeholders}");
    props["template_prompts"]["items"] = Json{{"type", "string"}};
    props["variables"] = field("object", "text: each placeholder's values, e.g. {\"topic\": [\"billing\"]}");
    props["generation_config"] = field("object", "text: num_samples (1 to " + std::to_string(kMaxSyntheticSamples) +
                                                     ", default 100) and seed (default 42)");
    props["output_format"] = Json{{"type", "string"}, {"enum", Json::array({"jsonl", "json"})}, {"default", "jsonl"},
                                  {"description", "text: samples as JSON lines or a JSON array"}};
    props["users"] = Json{{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxSyntheticInteractions / 2},
                          {"default", 1000}, {"description", "interactions: users"}};
    props["items"] = Json{{"type", "integer"}, {"minimum", 2}, {"maximum", kMaxSyntheticItems},
                          {"default", 500}, {"description", "interactions: items"}};
    props["density"] = Json{{"type", "number"}, {"minimum", 0}, {"exclusiveMinimum", true}, {"maximum", 1},
                            {"default", 0.02},
                            {"description", "interactions: share of user-item pairs that interact; round(density * "
                                            "users * items) interactions, at least 2 per user, at most " +
                                                std::to_string(kMaxSyntheticInteractions)}};
    props["skew"] = Json{{"type", "number"}, {"minimum", 0}, {"default", 1.0},
                         {"description", "interactions: Zipf exponent of item popularity; 0 is uniform"}};
    props["seed"] = Json{{"type", "integer"}, {"minimum", 0}, {"default", 42},
                         {"description", "interactions: random seed; the same request answers the same data"}};
    return Json{{"type", "object"}, {"properties", std::move(props)}};
}

}  // namespace

std::vector<Route> synthetic_routes(Context& ctx) {
    Context* c = &ctx;
    Route route{"POST", "/api/training/synthetic-data",
                "Synthetic data: samples from prompt templates with their {placeholders} filled from \"variables\" "
                "(kind text, no language model), or user-item interactions in the interactions format (kind "
                "interactions)",
                true, [c](const Request& req) { return synthetic_data(*c, req); }, true};
    route.request_schema = synthetic_request_schema();
    return {std::move(route)};
}

}  // namespace hone::server
