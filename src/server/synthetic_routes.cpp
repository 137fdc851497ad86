// POST /api/training/synthetic-data: the training-service API's synthetic data from prompt
// templates. hone has no language model, so a sample is a template with its
// {placeholders} filled from the request's `variables`, chosen at random under a
// seed: data for tests and demos of text jobs, not generated text. The training-service API's
// generation settings that need a model (temperature, max_tokens, quality_filter)
// are accepted and named in `warnings`.
#include <random>
#include <set>
#include <string>

#include "common/error.hpp"
#include "common/text.hpp"
#include "server/context.hpp"

namespace hone::server {

namespace {

// The most one answer may hold: the samples as JSON text, in bytes. A few
// templates with long values times many samples would otherwise turn a small
// request into hundreds of megabytes.
constexpr std::size_t kMaxSyntheticBytes = 16u << 20;
constexpr long long kMaxSyntheticSamples = 100000;

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

Response synthetic_data(Context&, const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"template_prompts", "variables", "generation_config", "output_format"}, "the request");
    if (!body.contains("template_prompts"))
        throw Error(ErrorKind::validation, "invalid_field", "the request needs 'template_prompts'");
    std::vector<Template> templates;
    for (const auto& t : strings_of(body["template_prompts"], "'template_prompts'")) templates.emplace_back(t);
    std::map<std::string, std::vector<std::string>> variables;
    if (body.contains("variables")) {
        if (!body["variables"].is_object())
            throw Error(ErrorKind::validation, "invalid_field",
                        "'variables' must map each placeholder to its values, e.g. {\"topic\": [\"billing\"]}");
        for (auto it = body["variables"].begin(); it != body["variables"].end(); ++it)
            variables[it.key()] = strings_of(it.value(), "variables." + it.key());
    }
    std::set<std::string> missing;
    for (const auto& t : templates)
        for (const auto& name : t.names)
            if (!variables.count(name)) missing.insert(name);
    if (!missing.empty())
        throw Error(ErrorKind::validation, "missing_variables",
                    "the templates use placeholders with no values: " + join(std::vector<std::string>(missing.begin(), missing.end())),
                    {}, "give their values in \"variables\": {\"name\": [\"value\", ...]}");

    Json config = body.value("generation_config", Json::object());
    if (!config.is_object()) throw Error(ErrorKind::validation, "invalid_field", "'generation_config' must be an object");
    check_fields(config, {"num_samples", "temperature", "max_tokens", "quality_filter", "seed"}, "generation_config");
    Json samples_value = config.value("num_samples", Json(100));
    if (!samples_value.is_number_integer() || samples_value.get<long long>() < 1 ||
        samples_value.get<long long>() > kMaxSyntheticSamples)
        throw Error(ErrorKind::validation, "invalid_field",
                    "num_samples must be a whole number from 1 to " + std::to_string(kMaxSyntheticSamples));
    auto n = samples_value.get<std::size_t>();
    Json seed_value = config.value("seed", Json(42));
    if (!seed_value.is_number_integer()) throw Error(ErrorKind::validation, "invalid_field", "seed must be a whole number");
    std::string format = body.value("output_format", std::string("jsonl"));
    if (format != "jsonl" && format != "json")
        throw Error(ErrorKind::validation, "invalid_field", "output_format must be 'jsonl' or 'json', got '" + format + "'");
    Json warnings = Json::array();
    for (const char* k : {"temperature", "max_tokens", "quality_filter"})
        if (config.contains(k))
            warnings.push_back(std::string(k) + " has no effect: samples are filled templates, not generated text");

    std::mt19937_64 rng(seed_value.get<std::uint64_t>());
    auto pick = [&](std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(rng); };
    Json samples = Json::array();
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t which = pick(templates.size());
        const Template& t = templates[which];
        std::string text = t.text[0];
        Json filled = Json::object();
        for (std::size_t k = 0; k < t.names.size(); ++k) {
            const auto& values = variables.at(t.names[k]);
            const std::string& v = values[pick(values.size())];
            text += v + t.text[k + 1];
            filled[t.names[k]] = v;
        }
        samples.push_back(Json{{"text", text}, {"template", which}, {"variables", filled}});
        bytes += json_text(samples.back()).size() + 1;
        if (bytes > kMaxSyntheticBytes)
            throw Error(ErrorKind::validation, "output_too_large",
                        "the samples would pass the limit of " + std::to_string(kMaxSyntheticBytes) +
                            " bytes of output after " + std::to_string(i + 1) + " of " + std::to_string(n) + " samples",
                        {}, "ask for fewer samples (num_samples) or use shorter templates and values");
    }
    if (format == "json")
        return wrapped(Json{{"num_samples", n}, {"format", "json"}, {"samples", samples}, {"warnings", warnings}});
    std::string lines;
    for (const auto& s : samples) lines += json_text(s) + "\n";
    return wrapped(Json{{"num_samples", n}, {"format", "jsonl"}, {"content", lines}, {"warnings", warnings}});
}

}  // namespace

std::vector<Route> synthetic_routes(Context& ctx) {
    Context* c = &ctx;
    return {
        {"POST", "/api/training/synthetic-data",
         "Samples from prompt templates with their {placeholders} filled from \"variables\" (no language model)", true,
         [c](const Request& req) { return synthetic_data(*c, req); }, true},
    };
}

}  // namespace hone::server
