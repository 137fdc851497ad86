#include "models/catalog.hpp"

#include <cmath>
#include <sstream>

#include "common/registry.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "models/backends.hpp"

namespace hone::models {


std::vector<std::string> quantizable_algorithms() {
    std::vector<std::string> names;
    for (const auto& a : algorithms())
        if (a.quantizable) names.push_back(a.name);
    return names;
}

std::vector<std::string> distributed_algorithms() {
    std::vector<std::string> names;
    for (const auto& a : algorithms())
        if (a.distributed) names.push_back(a.name);
    return names;
}

bool AlgorithmSpec::supports(Task t) const {
    for (auto s : tasks)
        if (s == t) return true;
    return false;
}

std::vector<std::string> AlgorithmSpec::param_names() const {
    std::vector<std::string> names;
    for (const auto& p : params) names.push_back(p.name);
    return names;
}

const ParamSpec* AlgorithmSpec::find_param(std::string_view n) const {
    for (const auto& p : params) {
        if (p.name == n) return &p;
        for (const auto& a : p.aliases)
            if (a == n) return &p;
    }
    return nullptr;
}

const Registry<AlgorithmSpec>& algorithm_registry() {
    static const Registry<AlgorithmSpec> registry("algorithm", "unknown_algorithm", [] {
        std::vector<AlgorithmSpec> out;
        for (auto part : {xgboost_algorithms(), linear_algorithms(), svm_algorithms(), torch_algorithms(),
                          recommender_algorithms(), text_algorithms(), cluster_algorithms()})
            for (auto& a : part) out.push_back(std::move(a));
        return out;
    }());
    return registry;
}

const std::vector<AlgorithmSpec>& algorithms() { return algorithm_registry().entries(); }

namespace {

bool iequal(std::string_view a, std::string_view b) { return to_lower(a) == to_lower(b); }

std::string describe_value(const Json& v) { return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); }

// Whole numbers print whole ("100000", not "1e+05").
std::string bound_text(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return format_double(v);
}

std::string range_text(const ParamSpec& p) {
    std::string out;
    if (p.type == ParamType::string) return "one of " + join_or(p.choices, "'");
    if (p.type == ParamType::boolean) return "true or false";
    if (p.type == ParamType::integer_list) {
        out = "a list of integers";
        if (p.min) out += " >= " + bound_text(*p.min);
        if (p.max) out += std::string(p.min ? " and" : "") + " <= " + bound_text(*p.max);
        return out + " (or one integer)";
    }
    out = p.type == ParamType::integer ? "an integer" : "a number";
    if (p.min && p.max)
        out += std::string(" in ") + (p.min_exclusive ? "(" : "[") + bound_text(*p.min) + ", " + bound_text(*p.max) + "]";
    else if (p.min)
        out += std::string(p.min_exclusive ? " > " : " >= ") + bound_text(*p.min);
    else if (p.max)
        out += " <= " + bound_text(*p.max);
    if (!p.choices.empty()) out += ", or " + join_or(p.choices, "'");
    if (p.nullable) out += ", or null";
    return out;
}

[[noreturn]] void bad_value(const AlgorithmSpec& algo, const ParamSpec& p, const std::string& written, const Json& v,
                            const std::string& why = "") {
    std::string name = written == p.name ? "'" + p.name + "'" : "'" + written + "' (" + p.name + ")";
    throw Error(ErrorKind::validation, "invalid_hyperparameter",
                "hyperparameter " + name + " of " + algo.name + " must be " + range_text(p) + ", got " +
                    describe_value(v) + why);
}

// The libraries take integer parameters as C int: a larger value would wrap.
constexpr double kLargestIntegerParam = 2147483647.0;

Json check_integer(const AlgorithmSpec& algo, const ParamSpec& p, const std::string& written, const Json& whole,
                   const Json& v) {
    if (!v.is_number()) bad_value(algo, p, written, whole);
    double d = v.get<double>();
    if (d != std::floor(d) || std::fabs(d) > kLargestIntegerParam) bad_value(algo, p, written, whole);
    if ((p.min && d < *p.min) || (p.max && d > *p.max)) bad_value(algo, p, written, whole);
    return Json(static_cast<std::int64_t>(d));
}

// A list of integers, or one integer, each in range.
Json check_integer_list(const AlgorithmSpec& algo, const ParamSpec& p, const std::string& written, const Json& v) {
    if (!v.is_array()) return check_integer(algo, p, written, v, v);
    Json out = Json::array();
    for (const auto& item : v) out.push_back(check_integer(algo, p, written, v, item));
    return out;
}

// The value, checked and converted to the parameter's type.
Json check_value(const AlgorithmSpec& algo, const ParamSpec& p, const std::string& written, const Json& v) {
    if (v.is_null()) {
        if (p.nullable) return v;
        bad_value(algo, p, written, v);
    }
    if (v.is_string()) {
        for (const auto& c : p.choices)
            if (c == v.get<std::string>()) return v;
        bad_value(algo, p, written, v);
    }
    switch (p.type) {
        case ParamType::integer_list: return check_integer_list(algo, p, written, v);
        case ParamType::boolean:
            if (v.is_boolean()) return v;
            bad_value(algo, p, written, v);
        case ParamType::string: bad_value(algo, p, written, v);
        case ParamType::integer:
        case ParamType::number: {
            if (!v.is_number()) bad_value(algo, p, written, v);
            double d = v.get<double>();
            if (p.type == ParamType::integer && d != std::floor(d)) bad_value(algo, p, written, v);
            if (p.min && (p.min_exclusive ? d <= *p.min : d < *p.min)) bad_value(algo, p, written, v);
            if (p.max && d > *p.max) bad_value(algo, p, written, v);
            if (p.type == ParamType::integer && std::fabs(d) > kLargestIntegerParam)
                bad_value(algo, p, written, v, " (beyond the largest integer parameter, 2147483647)");
            return p.type == ParamType::integer ? Json(static_cast<std::int64_t>(d)) : Json(d);
        }
    }
    return v;
}

}  // namespace

namespace {

// "a text classifier trains with tfidf_linear or fasttext": what does train
// here, for a task or (none given) for any.
std::string what_trains(std::optional<Task> task) {
    std::vector<std::string> names;
    for (const auto& a : algorithms())
        if (!task || a.supports(*task)) names.push_back(a.name);
    if (!task) return "hone's algorithms are " + join_or(names);
    const char* noun = *task == Task::classification   ? "a classifier"
                       : *task == Task::regression     ? "a regressor"
                       : *task == Task::recommendation ? "a recommender"
                                                       : "a text classifier";
    return std::string(noun) + " trains with " + join_or(names);
}

}  // namespace

bool names_pretrained_model(std::string_view name) {
    if (name.find('/') != std::string_view::npos) return true;  // "org/model"
    static const std::vector<std::string> families = {
        "bert", "distilbert", "roberta", "distilroberta", "xlm", "xlnet", "albert", "electra", "deberta", "camembert",
        "flaubert", "longformer", "bigbird", "mpnet", "minilm", "gpt", "gpt2", "t5", "bart", "llama", "mistral"};
    const std::string lower = to_lower(name);
    for (const auto& f : families)
        if (lower == f || lower.rfind(f + "-", 0) == 0) return true;
    return false;
}

const AlgorithmSpec& find_algorithm(std::string_view name, std::optional<Task> task) {
    const auto& registry = algorithm_registry();
    if (const auto* a = registry.try_find(name)) return *a;
    if (names_pretrained_model(name))
        throw Error(ErrorKind::validation, "pretrained_model_unavailable",
                    "'" + std::string(name) + "' names a pretrained model of a model hub; nothing pretrained can be "
                    "downloaded here: every model is trained from your own data, and " + what_trains(task),
                    {}, "name one of those as the model's algorithm, or as base_model in a configuration template");
    throw registry.unknown(name, "(or their scikit-learn class names; see 'hone algorithms')");
}

std::optional<Task> task_implied_by(std::string_view name) {
    for (const auto& a : algorithms())
        for (const auto& alias : a.aliases)
            if (iequal(alias.name, name)) return alias.task;
    return std::nullopt;
}

ResolvedParams resolve_params(const AlgorithmSpec& algo, const Json& given, bool strict) {
    ResolvedParams out;
    for (const auto& p : algo.params) out.params[p.name] = p.default_value;
    if (given.is_null()) return out;
    std::vector<std::string> set_by;  // which written name set each canonical one
    for (auto it = given.begin(); it != given.end(); ++it) {
        const ParamSpec* p = algo.find_param(it.key());
        if (!p) {
            if (strict) {
                std::vector<std::string> names = algo.param_names();
                std::string msg = "hyperparameter '" + it.key() + "' is not taken by " + algo.name;
                msg += did_you_mean(it.key(), names);
                throw Error(ErrorKind::validation, "unknown_hyperparameter", msg, {},
                            "its hyperparameters: " + join(names));
            }
            out.ignored.push_back(it.key());
            continue;
        }
        out.params[p->name] = check_value(algo, *p, it.key(), it.value());
    }
    return out;
}

std::string kind_of(const AlgorithmSpec& algo) {
    if (algo.make_recommender) return "a recommender";
    if (algo.make_text_classifier) return "a text classifier";
    if (algo.make_clusterer) return "a clusterer";
    return "a classifier or regressor";
}

namespace {

[[noreturn]] void wrong_kind(const AlgorithmSpec& algo, const char* wanted) {
    throw Error(ErrorKind::validation, "unsupported_task",
                algo.name + " is " + kind_of(algo) + ", not " + wanted);
}

}  // namespace

std::unique_ptr<Recommender> make_recommender(const AlgorithmSpec& algo, EstimatorConfig config) {
    if (!algo.make_recommender) wrong_kind(algo, "a recommender");
    if (algo.check) algo.check(config.params, config.task);
    return algo.make_recommender(std::move(config));
}

std::unique_ptr<TextClassifier> make_text_classifier(const AlgorithmSpec& algo, EstimatorConfig config) {
    if (!algo.make_text_classifier) wrong_kind(algo, "a text classifier");
    if (algo.check) algo.check(config.params, config.task);
    return algo.make_text_classifier(std::move(config));
}

std::unique_ptr<Clusterer> make_clusterer(const AlgorithmSpec& algo, EstimatorConfig config) {
    if (!algo.make_clusterer) wrong_kind(algo, "a clusterer");
    if (algo.check) algo.check(config.params, config.task);
    return algo.make_clusterer(std::move(config));
}

std::unique_ptr<Estimator> make_estimator(const AlgorithmSpec& algo, EstimatorConfig config) {
    if (algo.make_clusterer && config.task == Task::clustering) return make_clusterer(algo, std::move(config));
    if (!algo.make) wrong_kind(algo, "a classifier or regressor");
    if (config.task == Task::classification && config.num_classes < 2)
        throw Error(ErrorKind::data, "single_class", "a classifier needs at least two classes in the training data");
    if (!algo.supports(config.task))
        throw Error(ErrorKind::validation, "unsupported_task",
                    algo.name + " does not do " + std::string(to_string(config.task)));
    if (algo.check) algo.check(config.params, config.task);
    return algo.make(std::move(config));
}

Json library_versions() {
    return Json{{"xgboost", xgboost_version()},
                {"liblinear", liblinear_version()},
                {"libsvm", libsvm_version()},
                {"libtorch", libtorch_version()},
                {"fasttext", fasttext_version()}};
}

std::optional<TuningRange> default_tuning_range(const ParamSpec& p) {
    TuningRange r;
    r.type = p.type;
    if (p.type == ParamType::boolean) {
        r.values = {false, true};
        return r;
    }
    if (p.type == ParamType::integer_list) {  // lists to try, when the catalog names some
        if (p.tune_values.empty()) return std::nullopt;
        r.values = p.tune_values;
        return r;
    }
    if (p.type == ParamType::string) {
        if (p.choices.empty()) return std::nullopt;
        if (p.nullable) r.values.push_back(nullptr);  // class_weight: null or 'balanced'
        r.values.insert(r.values.end(), p.choices.begin(), p.choices.end());
        return r;
    }
    std::optional<double> lo = p.tune_min, hi = p.tune_max;
    // A float bounded both ways is a fraction worth searching whole; an
    // integer's bounds (a seed's 0..2^32-1) are no search.
    if (!lo && !hi && p.type == ParamType::number && !p.min_exclusive) {
        lo = p.min;
        hi = p.max;
    }
    if (!lo || !hi) return std::nullopt;
    r.low = *lo;
    r.high = *hi;
    r.log = p.tune_log;
    return r;
}

std::string tuning_range_text(const ParamSpec& p) {
    auto r = default_tuning_range(p);
    if (!r) return "";
    if (!r->values.empty()) {
        std::vector<std::string> values;
        for (const auto& v : r->values) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        return join(values);
    }
    return format_double(r->low) + ".." + format_double(r->high) + (r->log ? " log" : "");
}

std::string algorithms_markdown() {
    std::ostringstream md;
    md << "# Algorithms\n\n"
       << "Generated from the catalog (`src/models/`) by `hone algorithms --markdown`; a test fails when this file "
          "is stale.\n\n"
       << "A model block names one with `algorithm:` (the catalog name, or a scikit-learn class name). "
          "Hyperparameters take scikit-learn's names and defaults; the aliases are other names accepted for the "
          "same parameter. A tuning search space that names a parameter alone searches its \"tuned over\" range.\n\n";
    md << "| algorithm | names | tasks | library |\n| --- | --- | --- | --- |\n";
    for (const auto& a : algorithms()) {
        std::vector<std::string> names, tasks;
        for (const auto& n : a.aliases) names.push_back("`" + n.name + "`");
        for (auto t : a.tasks) tasks.emplace_back(to_string(t));
        md << "| [" << a.name << "](#" << a.name << ") | " << join(names) << " | " << join(tasks) << " | " << a.library
           << " |\n";
    }
    for (const auto& a : algorithms()) {
        md << "\n## " << a.name << "\n\n" << a.doc << (a.iterative ? " Trains in rounds: early stopping applies." : "")
           << (a.quantizable ? " Its weights can be quantized to int8 or float16 (`hone models compress`)." : "")
           << "\n\n| parameter | type | default | valid | tuned over | aliases | meaning |\n"
              "| --- | --- | --- | --- | --- | --- | --- |\n";
        for (const auto& p : a.params) {
            std::vector<std::string> aliases;
            for (const auto& al : p.aliases) aliases.push_back("`" + al + "`");
            const char* type = p.type == ParamType::integer        ? "int"
                               : p.type == ParamType::number       ? "float"
                               : p.type == ParamType::boolean      ? "bool"
                               : p.type == ParamType::integer_list ? "int list"
                                                                   : "string";
            md << "| `" << p.name << "` | " << type << " | " << (p.default_value.is_null() ? "null" : p.default_value.dump())
               << " | " << range_text(p) << " | " << tuning_range_text(p) << " | " << join(aliases) << " | " << p.doc
               << " |\n";
        }
    }
    return md.str();
}

}  // namespace hone::models
