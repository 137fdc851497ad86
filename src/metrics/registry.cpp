#include "metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "common/error.hpp"
#include "common/text.hpp"
#include "metrics/input.hpp"

namespace hone::metrics {

namespace {

using Labels = std::function<double(const LabelData&)>;
using Values = std::function<double(const ValueData&)>;

MetricSpec classification(std::string name, std::vector<std::string> aliases, Direction direction, bool needs_proba,
                          std::string doc, Labels score) {
    MetricSpec m;
    m.name = std::move(name);
    m.aliases = std::move(aliases);
    m.task = Task::classification;
    m.direction = direction;
    m.needs_proba = needs_proba;
    m.doc = std::move(doc);
    m.score_labels = std::move(score);
    return m;
}

MetricSpec regression(std::string name, std::vector<std::string> aliases, Direction direction, std::string doc,
                      Values score) {
    MetricSpec m;
    m.name = std::move(name);
    m.aliases = std::move(aliases);
    m.task = Task::regression;
    m.direction = direction;
    m.doc = std::move(doc);
    m.score_values = std::move(score);
    return m;
}

// precision/recall/f1 with a fixed average, or the task's default when none.
template <double (*Fn)(std::span<const int>, std::span<const int>, int, Average)>
Labels averaged(std::optional<Average> average) {
    return [average](const LabelData& d) {
        return Fn(d.y_true, d.y_pred, d.num_classes, average.value_or(default_average(d.num_classes)));
    };
}

MetricSpec clustering(std::string name, std::vector<std::string> aliases, Direction direction, bool needs_target,
                      std::string doc, std::function<double(const ClusterData&)> score) {
    MetricSpec m;
    m.name = std::move(name);
    m.aliases = std::move(aliases);
    m.task = Task::clustering;
    m.direction = direction;
    m.needs_target = needs_target;
    m.doc = std::move(doc);
    m.score_clusters = std::move(score);
    return m;
}

std::vector<MetricSpec> clustering_metrics() {
    constexpr auto max = Direction::maximize;
    constexpr auto min = Direction::minimize;
    using D = const ClusterData&;
    return {
        clustering("silhouette", {"silhouette_score"}, max, false,
                   "mean silhouette coefficient, -1..1 (exact up to 10,000 rows, on a seeded sample of 10,000 above)",
                   [](D d) { return silhouette(d.rows, d.silhouette_sample, d.seed, d.threads); }),
        clustering("davies_bouldin", {"davies_bouldin_score"}, min, false,
                   "mean over clusters of the worst (spread + spread) / separation; lower is better",
                   [](D d) { return davies_bouldin(d.rows); }),
        clustering("calinski_harabasz", {"calinski_harabasz_score", "variance_ratio"}, max, false,
                   "between-cluster over within-cluster dispersion, each per degree of freedom",
                   [](D d) { return calinski_harabasz(d.rows); }),
        clustering("inertia", {"sse", "within_cluster_sum_of_squares"}, min, false,
                   "sum of squared distances of the rows to their cluster's mean",
                   [](D d) { return inertia(d.rows); }),
        clustering("adjusted_rand", {"adjusted_rand_score", "ari"}, max, true,
                   "agreement of clusters and true classes over pairs of rows, 0 by chance, 1 identical",
                   [](D d) { return adjusted_rand(d.labels_true, d.rows.labels); }),
        clustering("normalized_mutual_info", {"normalized_mutual_info_score", "nmi"}, max, true,
                   "mutual information of clusters and classes over the mean of their entropies",
                   [](D d) { return normalized_mutual_info(d.labels_true, d.rows.labels); }),
        clustering("homogeneity", {"homogeneity_score"}, max, true, "1 when each cluster holds one class only",
                   [](D d) { return homogeneity_completeness_v(d.labels_true, d.rows.labels).homogeneity; }),
        clustering("completeness", {"completeness_score"}, max, true, "1 when each class is in one cluster only",
                   [](D d) { return homogeneity_completeness_v(d.labels_true, d.rows.labels).completeness; }),
        clustering("v_measure", {"v_measure_score"}, max, true, "harmonic mean of homogeneity and completeness",
                   [](D d) { return homogeneity_completeness_v(d.labels_true, d.rows.labels).v_measure; }),
    };
}

std::vector<MetricSpec> declare() {
    constexpr auto max = Direction::maximize;
    constexpr auto min = Direction::minimize;
    std::vector<MetricSpec> v;
    v.push_back(classification("accuracy", {"acc", "accuracy_score"}, max, false,
                               "fraction of rows whose predicted class is the true class",
                               [](const LabelData& d) { return accuracy(d.y_true, d.y_pred); }));
    v.push_back(classification("balanced_accuracy", {"balanced_accuracy_score"}, max, false,
                               "mean recall over the classes present in y_true",
                               [](const LabelData& d) { return balanced_accuracy(d.y_true, d.y_pred, d.num_classes); }));
    v.push_back(classification("precision", {"precision_score"}, max, false,
                               "precision of class 1 for two classes, macro average for more",
                               averaged<precision>(std::nullopt)));
    v.push_back(classification("recall", {"recall_score"}, max, false,
                               "recall of class 1 for two classes, macro average for more", averaged<recall>(std::nullopt)));
    v.push_back(classification("f1", {"f1_score"}, max, false, "F1 of class 1 for two classes, macro average for more",
                               averaged<f1>(std::nullopt)));
    v.push_back(classification("f1_micro", {}, max, false, "F1 from the counts pooled over all classes",
                               averaged<f1>(Average::micro)));
    v.push_back(classification("f1_macro", {}, max, false, "unweighted mean of the per-class F1",
                               averaged<f1>(Average::macro)));
    v.push_back(classification("f1_weighted", {}, max, false, "mean of the per-class F1 weighted by class support",
                               averaged<f1>(Average::weighted)));
    v.push_back(classification("precision_micro", {}, max, false, "precision from the counts pooled over all classes",
                               averaged<precision>(Average::micro)));
    v.push_back(classification("precision_macro", {}, max, false, "unweighted mean of the per-class precision",
                               averaged<precision>(Average::macro)));
    v.push_back(classification("precision_weighted", {}, max, false,
                               "mean of the per-class precision weighted by class support",
                               averaged<precision>(Average::weighted)));
    v.push_back(classification("recall_micro", {}, max, false, "recall from the counts pooled over all classes",
                               averaged<recall>(Average::micro)));
    v.push_back(classification("recall_macro", {}, max, false, "unweighted mean of the per-class recall",
                               averaged<recall>(Average::macro)));
    v.push_back(classification("recall_weighted", {}, max, false,
                               "mean of the per-class recall weighted by class support",
                               averaged<recall>(Average::weighted)));
    v.push_back(classification("auc", {"roc_auc", "roc_auc_score", "auc_roc", "roc_auc_ovr"}, max, true,
                               "ROC AUC of class 1 for two classes, one-vs-rest macro average for more",
                               [](const LabelData& d) { return roc_auc(d.y_true, d.proba, d.num_classes); }));
    v.push_back(classification("log_loss", {"logloss", "mlogloss", "cross_entropy", "neg_log_loss", "loss"}, min, true,
                               "mean negative log-likelihood of the true class (cross-entropy)",
                               [](const LabelData& d) { return log_loss(d.y_true, d.proba, d.num_classes); }));

    v.push_back(regression("rmse", {"root_mean_squared_error", "neg_root_mean_squared_error"}, min,
                           "root of the mean squared error", [](const ValueData& d) { return rmse(d.y_true, d.y_pred); }));
    v.push_back(regression("mse", {"mean_squared_error", "neg_mean_squared_error", "loss"}, min,
                           "mean squared error", [](const ValueData& d) { return mse(d.y_true, d.y_pred); }));
    v.push_back(regression("mae", {"mean_absolute_error", "neg_mean_absolute_error"}, min, "mean absolute error",
                           [](const ValueData& d) { return mae(d.y_true, d.y_pred); }));
    v.push_back(regression("r2", {"r2_score", "r_squared"}, max, "coefficient of determination",
                           [](const ValueData& d) { return r2(d.y_true, d.y_pred); }));
    for (auto [name, aliases, doc] : std::vector<std::tuple<std::string, std::vector<std::string>, std::string>>{
             {"hr@k", {"hit_rate@k", "hitrate@k", "hit_ratio@k"}, "share of users whose held-out item is in their top K"},
             {"ndcg@k", {}, "normalized discounted cumulative gain of the top K"},
             {"precision@k", {"p@k"}, "share of each user's top K that is relevant, averaged over users"},
             {"recall@k", {"r@k"}, "share of each user's relevant items in their top K, averaged over users"},
             {"map@k", {}, "mean average precision of the top K"},
             {"mrr", {"mean_reciprocal_rank"}, "mean of 1 / the rank of the first relevant item"},
             {"coverage@k", {"catalog_coverage@k"}, "share of the catalog recommended in some user's top K"}}) {
        MetricSpec m;
        m.name = name;
        m.aliases = aliases;
        m.task = Task::recommendation;
        m.doc = doc + " (K: any whole number, as in ndcg@10)";
        v.push_back(std::move(m));
    }
    // Text classification's names differ from classification's (micro_f1, not
    // f1_micro) so that a name without a task means one metric.
    for (auto [name, aliases, doc] : std::vector<std::tuple<std::string, std::vector<std::string>, std::string>>{
             {"subset_accuracy", {"exact_match"}, "share of texts whose predicted label set is exactly the true one"},
             {"micro_f1", {}, "F1 from the counts pooled over every (text, label) decision"},
             {"micro_precision", {}, "precision pooled over every (text, label) decision"},
             {"micro_recall", {}, "recall pooled over every (text, label) decision"},
             {"macro_f1", {}, "unweighted mean of each label's F1"},
             {"macro_precision", {}, "unweighted mean of each label's precision"},
             {"macro_recall", {}, "unweighted mean of each label's recall"},
             {"samples_f1", {"f1_samples"}, "mean over texts of each text's F1"},
             {"samples_precision", {"precision_samples"}, "mean over texts of each text's precision"},
             {"samples_recall", {"recall_samples"}, "mean over texts of each text's recall"},
             {"hamming_loss", {}, "share of (text, label) decisions that are wrong"},
             {"label_precision@k", {"top_label_precision@k"},
              "share of each text's K most probable labels that are true, averaged over texts"}}) {
        MetricSpec m;
        m.name = name;
        m.aliases = aliases;
        m.task = Task::text_classification;
        m.direction = name == "hamming_loss" ? min : max;
        m.doc = doc;
        v.push_back(std::move(m));
    }
    for (auto& m : clustering_metrics()) v.push_back(std::move(m));
    v.push_back(regression("mape", {"mean_absolute_percentage_error", "neg_mean_absolute_percentage_error"}, min,
                           "mean absolute percentage error, as a fraction",
                           [](const ValueData& d) { return mape(d.y_true, d.y_pred); }));
    return v;
}

// "ndcg@10" -> ("ndcg@k", 10): ranking metrics are declared once for every
// cut-off K. nullopt when `name` has no "@<digits>" ending.
std::optional<std::pair<std::string, int>> split_cutoff(std::string_view name) {
    const auto at = name.rfind('@');
    if (at == std::string_view::npos || at + 1 == name.size() || name.size() - at > 7) return std::nullopt;
    int k = 0;
    for (char c : name.substr(at + 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        k = k * 10 + (c - '0');
    }
    if (k < 1) return std::nullopt;
    return std::pair{to_lower(name.substr(0, at + 1)) + "k", k};
}

std::string valid_list(std::optional<Task> task) {
    if (task) return "valid " + std::string(to_string(*task)) + " metrics: " + join(metric_names(task));
    return "valid metrics: " + join(metric_names(Task::classification)) + " (classification); " +
           join(metric_names(Task::regression)) + " (regression); " + join(metric_names(Task::recommendation)) +
           " (recommendation); " + join(metric_names(Task::text_classification)) + " (text_classification); " +
           join(metric_names(Task::clustering)) + " (clustering)";
}

// find_metric with `context` ("objective 'x'") put before every message.
const MetricSpec& lookup(std::string_view name, std::optional<Task> task, const std::string& context) {
    std::string prefix = context.empty() ? "" : context + ": ";
    const auto& registry = metric_registry();
    const auto cutoff = split_cutoff(name);
    std::vector<const MetricSpec*> found = registry.all_meaning(cutoff ? std::string_view(cutoff->first) : name);
    std::string quoted = "'" + std::string(name) + "'";

    if (found.empty()) {
        Registry<MetricSpec>::Keep of_task;
        if (task) of_task = [&](const MetricSpec& m) { return m.task == *task; };
        // "did you mean" keeps a ranking metric's cut-off: 'ndgc@10' is near 'ndcg@10'.
        std::vector<std::string> spellings = registry.spellings(of_task);
        if (cutoff)
            for (auto& s : spellings)
                if (s.ends_with("@k")) s = s.substr(0, s.size() - 1) + std::to_string(cutoff->second);
        Error unknown = unknown_name_error("unknown_metric", "metric", name, registry.names(of_task), {}, spellings);
        throw Error(unknown.kind(), unknown.code(), prefix + unknown.message(), {}, valid_list(task));
    }
    if (task) {
        for (const auto* m : found)
            if (m->task == *task) return *m;
        throw Error(ErrorKind::validation, "wrong_task_metric",
                    prefix + quoted + " is a " + std::string(to_string(found.front()->task)) + " metric, not a " +
                        std::string(to_string(*task)) + " one",
                    {}, valid_list(task));
    }
    if (found.size() > 1) {
        std::vector<std::string> meanings, names;
        for (const auto* m : found) {
            meanings.push_back(m->name + " for " + std::string(to_string(m->task)));
            names.push_back(m->name);
        }
        throw Error(ErrorKind::validation, "ambiguous_metric",
                    prefix + quoted + " means " + join_or(meanings) + "; the task decides", {},
                    "name the metric itself: " + join_or(names));
    }
    return *found.front();
}

Json value_json(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

// The distinct metrics asked for, in order, all checked before any is computed.
std::vector<const MetricSpec*> select(Task task, const std::vector<std::string>& names) {
    std::vector<std::string> asked = names.empty() ? default_metrics(task) : names;
    std::vector<const MetricSpec*> out;
    for (const auto& n : asked) {
        const MetricSpec* m = &find_metric(n, task);
        if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
    return out;
}

std::vector<int> to_labels(std::span<const double> values, int num_classes, const char* which) {
    std::vector<int> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        double v = values[i];
        if (!(v >= 0.0 && v < static_cast<double>(num_classes)) || v != std::floor(v))
            throw_invalid_input(std::string(which) + "[" + std::to_string(i) + "] = " + format_double(v) +
                                " is not a class index 0.." + std::to_string(num_classes - 1));
        out[i] = static_cast<int>(v);
    }
    return out;
}

struct Parsed {
    std::optional<Direction> direction;
    bool validation = false;
    std::string name;
};

Parsed parse_objective(std::string_view text) {
    std::string whole(trim(text));
    if (whole.empty())
        throw Error(ErrorKind::validation, "invalid_objective", "empty objective", {},
                    "write a metric name, optionally after maximize_ or minimize_ (maximize_accuracy)");
    Parsed p;
    std::string_view rest = whole;
    auto strip = [&](std::string_view prefix) {
        if (rest.size() >= prefix.size() && to_lower(rest.substr(0, prefix.size())) == prefix) {
            rest.remove_prefix(prefix.size());
            return true;
        }
        return false;
    };
    if (strip("maximize_") || strip("maximise_")) p.direction = Direction::maximize;
    else if (strip("minimize_") || strip("minimise_")) p.direction = Direction::minimize;
    p.validation = strip("validation_") || strip("val_");
    if (rest.empty())
        throw Error(ErrorKind::validation, "invalid_objective", "objective '" + whole + "' names no metric", {},
                    valid_list(std::nullopt));
    p.name = std::string(rest);
    return p;
}

Direction opposite(Direction d) { return d == Direction::maximize ? Direction::minimize : Direction::maximize; }

}  // namespace


std::string_view to_string(Direction direction) {
    return direction == Direction::maximize ? "maximize" : "minimize";
}

const Registry<MetricSpec>& metric_registry() {
    static const Registry<MetricSpec> registry("metric", "unknown_metric", declare());
    return registry;
}

const std::vector<MetricSpec>& metrics() { return metric_registry().entries(); }

std::vector<std::string> metric_names(std::optional<Task> task) {
    std::vector<std::string> out;
    for (const auto& m : metrics())
        if (!task || m.task == *task) out.push_back(m.name);
    return out;
}

const MetricSpec& find_metric(std::string_view name, std::optional<Task> task) { return lookup(name, task, ""); }

std::string metric_key(std::string_view name, std::optional<Task> task) {
    const MetricSpec& m = find_metric(name, task);
    const auto cutoff = split_cutoff(name);
    if (!cutoff) return m.name;
    return m.name.substr(0, m.name.size() - 1) + std::to_string(cutoff->second);
}

std::vector<std::string> default_metrics(Task task) {
    if (task == Task::classification) return {"accuracy", "precision", "recall", "f1", "auc", "log_loss"};
    if (task == Task::recommendation)
        return {"hr@10", "ndcg@10", "precision@10", "recall@10", "map@10", "mrr", "coverage@10"};
    if (task == Task::clustering) return {"silhouette", "davies_bouldin", "calinski_harabasz", "inertia"};
    if (task == Task::text_classification)
        return {"subset_accuracy", "micro_f1", "micro_precision", "micro_recall", "macro_f1", "samples_f1",
                "hamming_loss"};
    return {"rmse", "mse", "mae", "r2"};
}

Json evaluate_classification(const std::vector<std::string>& names, std::span<const int> y_true,
                             std::span<const int> y_pred, std::span<const double> proba, int num_classes,
                             std::vector<std::string>* skipped) {
    auto selected = select(Task::classification, names);
    check_labels(y_true, y_pred, num_classes);
    if (!proba.empty()) check_proba(y_true.size(), proba, num_classes);
    LabelData data{y_true, y_pred, proba, num_classes};
    Json out = Json::object();
    for (const auto* m : selected) {
        if (m->needs_proba && proba.empty()) {
            if (skipped) skipped->push_back(m->name);
            continue;
        }
        out[m->name] = value_json(m->score_labels(data));
    }
    return out;
}

Json evaluate_regression(const std::vector<std::string>& names, std::span<const double> y_true,
                         std::span<const double> y_pred) {
    auto selected = select(Task::regression, names);
    check_same_length(y_true.size(), y_pred.size());
    ValueData data{y_true, y_pred};
    Json out = Json::object();
    for (const auto* m : selected) out[m->name] = value_json(m->score_values(data));
    return out;
}

Json evaluate(Task task, const std::vector<std::string>& names, std::span<const double> y_true,
              std::span<const double> y_pred, std::span<const double> proba, int num_classes,
              std::vector<std::string>* skipped) {
    if (task == Task::regression) return evaluate_regression(names, y_true, y_pred);
    int k = num_classes;
    if (k == 0) {
        if (!proba.empty() && !y_true.empty()) {
            k = static_cast<int>(proba.size() / y_true.size());
        } else {
            double top = 1.0;
            for (double v : y_true) top = std::max(top, v);
            for (double v : y_pred) top = std::max(top, v);
            // A label that is not an integer fails in to_labels below.
            k = std::isfinite(top) && top < 1e9 ? static_cast<int>(top) + 1 : 2;
        }
    }
    if (k < 2) throw_invalid_input("classification needs at least 2 classes, got " + std::to_string(k));
    auto t = to_labels(y_true, k, "y_true");
    auto p = to_labels(y_pred, k, "y_pred");
    return evaluate_classification(names, t, p, proba, k, skipped);
}

Json evaluate_clustering(const std::vector<std::string>& names, const ClusterData& data,
                         std::vector<std::string>* skipped) {
    auto selected = select(Task::clustering, names);
    if (!data.labels_true.empty()) check_same_length(data.labels_true.size(), data.rows.labels.size());
    Json out = Json::object();
    for (const auto* m : selected) {
        if (m->needs_target && data.labels_true.empty()) {
            if (skipped) skipped->push_back(m->name);
            continue;
        }
        out[m->name] = value_json(m->score_clusters(data));
    }
    return out;
}

Objective resolve_objective(std::string_view text, std::optional<Task> task) {
    Parsed p = parse_objective(text);
    std::string context = "objective '" + std::string(trim(text)) + "'";
    const MetricSpec& m = lookup(p.name, task, context);
    Objective o;
    o.metric = metric_key(p.name, m.task);
    o.validation = p.validation;
    if (!p.direction) {
        o.direction = m.direction;
        return o;
    }
    // Maximizing a negated metric is minimizing the metric hone reports.
    bool negated = to_lower(p.name).starts_with("neg_");
    o.direction = negated ? opposite(*p.direction) : *p.direction;
    if (o.direction != m.direction)
        o.warning = context + " " + (o.direction == Direction::maximize ? "maximizes " : "minimizes ") + m.name +
                    ", which is better when " + (m.direction == Direction::maximize ? "higher" : "lower");
    return o;
}

void check_objective(std::string_view text) {
    Parsed p = parse_objective(text);
    std::string context = "objective '" + std::string(trim(text)) + "'";
    for (Task t : {Task::classification, Task::regression, Task::recommendation, Task::text_classification,
                   Task::clustering}) {
        try {
            lookup(p.name, t, context);
            return;
        } catch (const Error& e) {
            if (e.code() != "wrong_task_metric") throw;
        }
    }
}

bool improves(Direction direction, double candidate, double best, double min_delta) {
    if (std::isnan(candidate)) return false;
    if (std::isnan(best)) return true;
    return direction == Direction::maximize ? candidate - min_delta > best : candidate + min_delta < best;
}

}  // namespace hone::metrics
