#pragma once
// The algorithm catalog: each algorithm declared once, with its names, tasks and
// every hyperparameter (type, default, range, aliases, one line of doc).
// Validation of hyperparameters, `hone algorithms`, docs/algorithms.md and default
// tuning ranges all read these declarations; nothing else lists parameters.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/registry.hpp"
#include "models/estimator.hpp"
#include "models/cluster/clusterer.hpp"
#include "models/recommender.hpp"
#include "models/text_classifier.hpp"

namespace hone::models {

// integer_list: a list of integers, each within [min, max] (hidden_layer_sizes:
// [64, 32]); one integer is accepted as it is written, and the algorithm says
// what it means (scikit-learn: one layer of that width).
enum class ParamType { integer, number, boolean, string, integer_list };

struct ParamSpec {
    std::string name;                  // canonical: scikit-learn's name where it has one
    ParamType type = ParamType::number;
    Json default_value;                // null = none (e.g. max_depth: None)
    std::optional<double> min;         // inclusive bounds for integer/number
    std::optional<double> max;
    bool min_exclusive = false;        // (min, ...] instead of [min, ...]
    bool nullable = false;             // null is a valid value
    // For string parameters, the valid values. For integer/number parameters,
    // strings that are also accepted (e.g. gamma: 'scale', max_features: 'sqrt').
    std::vector<std::string> choices;
    std::vector<std::string> aliases;  // other names users write (XGBoost's, LightGBM's)
    std::string doc;
    // Range for default tuning spaces, when it differs from [min, max].
    std::optional<double> tune_min, tune_max;
    bool tune_log = false;
    // For a list parameter (hidden_layer_sizes), the values a study tries when
    // its search space names the parameter alone.
    std::vector<Json> tune_values;
};

// A name that selects an algorithm; class names imply the task
// (RandomForestClassifier -> classification).
struct AlgorithmName {
    std::string name;
    std::optional<Task> task;
};

struct AlgorithmSpec {
    std::string name;                    // catalog name, e.g. random_forest
    std::vector<AlgorithmName> aliases;  // scikit-learn class names and short names
    std::vector<Task> tasks;
    std::string library;                 // XGBoost, LIBLINEAR, LIBSVM, Eigen
    std::string doc;                     // one line
    std::vector<ParamSpec> params;
    bool iterative = false;              // trains in rounds; early stopping applies
    bool quantizable = false;            // Estimator::quantize stores its weights at int8/float16
    bool checkpoints = false;            // trains by epochs and honours EstimatorConfig::checkpoints
    // Trains data-parallel across worker processes (compute.backend: distributed):
    // boosting with tree_method 'hist' (models/xgboost/distributed.hpp), the
    // mlp (models/torch/distributed.hpp).
    bool distributed = false;
    // Exactly one of the four factories is set, by what the algorithm learns
    // from: a feature matrix with a target (classification, regression),
    // interactions (recommendation), texts (text_classification) or a feature
    // matrix alone (clustering).
    std::function<std::unique_ptr<Estimator>(EstimatorConfig)> make;
    std::function<std::unique_ptr<Recommender>(EstimatorConfig)> make_recommender;
    std::function<std::unique_ptr<TextClassifier>(EstimatorConfig)> make_text_classifier;
    std::function<std::unique_ptr<Clusterer>(EstimatorConfig)> make_clusterer;
    // Checks of resolved parameters together with the task, which no single
    // parameter's range can say (mlp: a loss_function that does not fit the task);
    // throws hone::Error(validation). Empty when there are none.
    std::function<void(const Json& params, Task task)> check;

    bool supports(Task t) const;
    const ParamSpec* find_param(std::string_view name) const;  // by name or alias
    std::vector<std::string> param_names() const;               // canonical, in declaration order
};

// Every algorithm by name: its catalog name and aliases, class names included.
const Registry<AlgorithmSpec>& algorithm_registry();
// Its entries, in declaration order.
const std::vector<AlgorithmSpec>& algorithms();

// What a tuning study searches for a parameter its search space names alone:
// the parameter's tuning range (tune_min..tune_max, log when tune_log); else, for
// a float bounded both ways (a fraction), its bounds; true and false for a bool;
// a string's choices. nullopt when there is none (an unbounded count, a seed).
struct TuningRange {
    ParamType type = ParamType::number;  // integer or number: low..high; else `values`
    double low = 0, high = 0;
    bool log = false;
    std::vector<Json> values;
};
std::optional<TuningRange> default_tuning_range(const ParamSpec& p);
// "2..12", "0.01..0.3 log", "true, false", "gbtree, dart"; "" when none.
std::string tuning_range_text(const ParamSpec& p);

// By catalog name or alias, case-insensitively. Unknown: hone::Error(validation,
// "unknown_algorithm") listing the valid names, with the nearest one. A model
// hub's pretrained model (names_pretrained_model) is hone::Error(validation,
// "pretrained_model_unavailable"): nothing can be downloaded here; the message
// names the algorithms that train `task` (every algorithm when none is given).
const AlgorithmSpec& find_algorithm(std::string_view name, std::optional<Task> task = std::nullopt);
// "org/model", or a well-known pretrained family alone or with its variant
// ("bert-base-uncased", "distilbert-base-uncased", "gpt2"), any case.
bool names_pretrained_model(std::string_view name);
// The names of the algorithms whose models can be quantized.
std::vector<std::string> quantizable_algorithms();
// The names of the algorithms that train data-parallel (AlgorithmSpec::distributed).
std::vector<std::string> distributed_algorithms();
// The task a name implies (a class name such as LinearRegression), if any.
std::optional<Task> task_implied_by(std::string_view name);

struct ResolvedParams {
    Json params = Json::object();            // every parameter, canonical names, defaults filled
    std::vector<std::string> ignored;        // given names the algorithm does not take
};

// Validates `given` against the algorithm's parameters: aliases map to canonical
// names, values are type- and range-checked (hone::Error(validation,
// "invalid_hyperparameter") naming the parameter, the value and the valid range),
// defaults fill the rest. A name the algorithm does not take is listed in
// `ignored`, or is an error under `strict`.
ResolvedParams resolve_params(const AlgorithmSpec& algo, const Json& given, bool strict);

// Builds an estimator for a resolved configuration (after the algorithm's `check`).
// A clusterer is an estimator too: this makes one for prediction from a saved model.
std::unique_ptr<Estimator> make_estimator(const AlgorithmSpec& algo, EstimatorConfig config);
// The same for recommenders and text classifiers. Each throws
// hone::Error(validation, "unsupported_task") when the algorithm learns from
// something else (make_estimator on ncf: "ncf is a recommender ...").
std::unique_ptr<Recommender> make_recommender(const AlgorithmSpec& algo, EstimatorConfig config);
std::unique_ptr<TextClassifier> make_text_classifier(const AlgorithmSpec& algo, EstimatorConfig config);
std::unique_ptr<Clusterer> make_clusterer(const AlgorithmSpec& algo, EstimatorConfig config);
// "a classifier or regressor", "a recommender", "a text classifier", "a clusterer": what the
// algorithm is, by the factory it has.
std::string kind_of(const AlgorithmSpec& algo);

// docs/algorithms.md, generated from the declarations above.
std::string algorithms_markdown();

// {"xgboost": "2.0.3", "liblinear": "2.30", "libsvm": "3.24"}: the libraries
// that train the catalog's algorithms, as linked into this build.
Json library_versions();

}  // namespace hone::models
