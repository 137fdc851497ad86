#pragma once
// The metric registry: every metric declared once (name, aliases, task, direction,
// whether it needs probabilities, one line of doc), looked up by name, evaluated
// by name, and objectives ("maximize_accuracy", "val_loss") resolved against it.
//
// Names are matched case-insensitively. Aliases belong to a task, so one alias can
// mean different metrics per task:
//   loss      log_loss for classification, mse for regression (what estimators
//             report per round as "loss": the quantity they minimize)
//   neg_*     scikit-learn's scorer names (neg_log_loss, neg_mean_squared_error,
//             neg_root_mean_squared_error, neg_mean_absolute_error,
//             neg_mean_absolute_percentage_error) name the positive metric: hone
//             reports log_loss, mse, ... as positive values to minimize, never
//             negated ones.
// Results are keyed by canonical name: asking for f1_score reports "f1".
// Ranking metrics (task recommendation: hr@k, ndcg@k, ...) are declared once for
// every cut-off: "ndcg@10" finds "ndcg@k" and is reported as "ndcg@10"
// (metric_key). They are computed by metrics/ranking.hpp, not by evaluate().
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/registry.hpp"
#include "common/task.hpp"
#include "metrics/clustering.hpp"
#include "metrics/metrics.hpp"

namespace hone::metrics {

using Json = nlohmann::ordered_json;

using hone::Task;  // common/task.hpp
using hone::to_string;
enum class Direction { maximize, minimize };

std::string_view to_string(Direction direction);

// What a classification metric is computed from. proba is empty when the model
// gives no probabilities.
struct LabelData {
    std::span<const int> y_true;
    std::span<const int> y_pred;
    std::span<const double> proba;
    int num_classes = 0;
};

struct ValueData {
    std::span<const double> y_true;
    std::span<const double> y_pred;
};

// What a clustering metric is computed from: the rows and their clusters, and
// for the external metrics the true classes (empty when there is no target).
// The silhouette is exact up to silhouette_sample rows, on a seeded sample of
// that many above.
struct ClusterData {
    ClusterRows rows;
    std::span<const int> labels_true;
    std::size_t silhouette_sample = 10000;
    std::uint64_t seed = 42;
    unsigned threads = 0;
};

struct MetricSpec {
    std::string name;                  // canonical, the key in results
    std::vector<std::string> aliases;  // within this metric's task
    Task task = Task::classification;
    Direction direction = Direction::maximize;
    bool needs_proba = false;
    std::string doc;                   // one line
    std::function<double(const LabelData&)> score_labels;  // classification metrics
    std::function<double(const ValueData&)> score_values;  // regression metrics
    std::function<double(const ClusterData&)> score_clusters;  // clustering metrics
    bool needs_target = false;  // clustering: compares with true classes (external)
};

// Every metric by name. One alias may belong to a metric of each task
// ("loss"): find_metric below resolves that.
const Registry<MetricSpec>& metric_registry();
// Its entries, classification first, in declaration order.
const std::vector<MetricSpec>& metrics();
// Canonical names, of one task or all.
std::vector<std::string> metric_names(std::optional<Task> task = std::nullopt);

// By name or alias. Errors are hone::Error(validation, ...):
//   unknown_metric    no metric has that name: the message suggests the nearest
//                     name, the hint lists the valid ones (of `task` when given);
//   wrong_task_metric the name is a metric of the other task only;
//   ambiguous_metric  no task given and the name means different metrics per task
//                     ("loss").
const MetricSpec& find_metric(std::string_view name, std::optional<Task> task = std::nullopt);

// The key a metric's value is reported under: its canonical name, with the
// cut-off of a ranking metric written in ("NDCG@10" and "ndcg@10" give
// "ndcg@10", "hit_rate@5" gives "hr@5"). Errors as find_metric.
std::string metric_key(std::string_view name, std::optional<Task> task = std::nullopt);

// Metrics reported when a job lists none: accuracy, precision, recall, f1, auc,
// log_loss for classification (the last two only with probabilities); rmse, mse,
// mae, r2 for regression; silhouette, davies_bouldin, calinski_harabasz, inertia
// for clustering (the external metrics are added by whoever has a target).
std::vector<std::string> default_metrics(Task task);

// {name: value} in the order asked (duplicates once, under the canonical name);
// an empty `names` means default_metrics(task). A metric that needs probabilities
// is left out when `proba` is empty and its name appended to `skipped` (when
// given). An undefined value (NaN, see metrics.hpp) is null. Unknown names and
// names of the other task throw as find_metric, before anything is computed.
Json evaluate_classification(const std::vector<std::string>& names, std::span<const int> y_true,
                             std::span<const int> y_pred, std::span<const double> proba, int num_classes,
                             std::vector<std::string>* skipped = nullptr);
Json evaluate_regression(const std::vector<std::string>& names, std::span<const double> y_true,
                         std::span<const double> y_pred);
// Either of the above from what Estimator::predict gives: for classification,
// y_true and y_pred hold class indices as doubles (an index that is not an integer
// in 0..num_classes-1 is hone::Error(internal, "invalid_metric_input")); for
// regression `proba` and `num_classes` are ignored. num_classes 0 means: the
// number of probability columns when given, else the largest label + 1 (at least 2).
Json evaluate(Task task, const std::vector<std::string>& names, std::span<const double> y_true,
              std::span<const double> y_pred, std::span<const double> proba = {}, int num_classes = 0,
              std::vector<std::string>* skipped = nullptr);

// Clustering metrics of `data` by name, as evaluate_classification; an external
// metric is left out (and named in `skipped`) when there are no true classes.
Json evaluate_clustering(const std::vector<std::string>& names, const ClusterData& data,
                         std::vector<std::string>* skipped = nullptr);

// A metric to optimize and which way.
struct Objective {
    std::string metric;   // canonical name
    Direction direction = Direction::maximize;
    bool validation = false;  // written with a val_ / validation_ prefix
    // Set when the direction contradicts the metric's own (minimize_accuracy): the
    // objective is honoured as written, and this says so for the result's warnings.
    std::string warning;
};

// Reads an objective: "[maximize_|minimize_][val_|validation_]<metric>", the
// direction also spelled maximise_/minimise_. Without a direction, the metric's
// own. A neg_* name turns a written direction around (maximize_neg_log_loss is
// minimize log_loss). `task` resolves task-dependent names such as val_loss;
// without it those are ambiguous_metric. Errors as find_metric, and
// hone::Error(validation, "invalid_objective") for an empty text.
Objective resolve_objective(std::string_view text, std::optional<Task> task = std::nullopt);
// Checks an objective before the task is known (a job file, before its data is
// read): throws what resolve_objective would, except that names meaning different
// metrics per task (val_loss) pass.
void check_objective(std::string_view text);

// Whether `candidate` beats `best` by more than `min_delta` in `direction`
// (Keras' early-stopping rule). NaN never improves; anything beats a NaN best.
bool improves(Direction direction, double candidate, double best, double min_delta = 0.0);

}  // namespace hone::metrics
