#include "train/cluster_training.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "common/error.hpp"
#include "common/text.hpp"
#include "metrics/registry.hpp"

namespace hone::train {
namespace {

bool numeric(const data::Column& c) { return c.type() != data::DType::string; }

// The features listed, each numeric; or every numeric column but the target.
std::vector<std::string> cluster_features(const TrainingSetup& s, const data::Frame& frame) {
    std::vector<std::string> features;
    for (const auto& name : s.spec.features) {
        const data::Column* c = frame.find(name);
        if (!c)
            throw Error(ErrorKind::validation, "missing_feature",
                        "feature column '" + name + "' is not in dataset '" + s.dataset.name + "'" +
                            did_you_mean(name, frame.names()),
                        {}, "its columns are: " + join(frame.names()));
        if (!numeric(*c))
            throw Error(ErrorKind::validation, "feature_not_numeric",
                        "feature '" + name + "' holds text; clustering measures distances between numbers and does "
                        "not encode text on its own",
                        {}, "leave it out of features (it is still profiled per cluster), or encode it as numbers "
                            "in the data");
        features.push_back(name);
    }
    if (s.spec.features.empty())
        for (const auto& c : frame.columns())
            if (numeric(c) && c.name() != s.spec.target) features.push_back(c.name());
    if (features.empty())
        throw Error(ErrorKind::validation, "no_numeric_features",
                    "dataset '" + s.dataset.name + "' has no numeric column to cluster on", {},
                    "its columns are: " + join(frame.names()));
    return features;
}

// Class indices of the target, -1 where it is null.
void encode_classes(TrainingSetup& s, const data::Frame& frame) {
    const data::Column* target = frame.find(s.spec.target);
    if (!target)
        throw Error(ErrorKind::validation, "missing_target",
                    "target column '" + s.spec.target + "' is not in dataset '" + s.dataset.name + "'" +
                        did_you_mean(s.spec.target, frame.names()),
                    {}, "a clustering job needs no target; one given is used for the external metrics only");
    s.target = encode_target(*target, true);
    s.y_train.assign(frame.rows(), -1.0f);
    for (std::size_t i = 0; i < s.target.rows.size(); ++i) s.y_train[s.target.rows[i]] = s.target.y[i];
    s.target_type = target->type();
}

std::vector<double> doubles_of(const data::Matrix& x, const std::vector<std::size_t>& rows) {
    std::vector<double> out;
    out.reserve(rows.size() * x.cols);
    for (auto r : rows) out.insert(out.end(), x.data.begin() + r * x.cols, x.data.begin() + (r + 1) * x.cols);
    return out;
}

// Internal metrics on the clustered rows (noise left out), external ones on the
// rows with a class (noise kept as a label).
Json measure(const TrainingSetup& s, const std::vector<std::int32_t>& labels, const models::EstimatorConfig& config,
             std::size_t* silhouette_rows) {
    std::vector<std::size_t> clustered, classed;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= 0) clustered.push_back(i);
        if (!s.y_train.empty() && s.y_train[i] >= 0) classed.push_back(i);
    }
    std::vector<double> x = doubles_of(s.x_train, clustered);
    std::vector<int> kept, pred, truth;
    for (auto r : clustered) kept.push_back(labels[r]);
    metrics::ClusterData data{{x, clustered.size(), s.x_train.cols, kept}};
    data.seed = config.seed;
    data.threads = config.threads;
    *silhouette_rows = std::min(clustered.size(), data.silhouette_sample);
    Json internal = metrics::evaluate_clustering(s.metric_names, data);
    for (auto r : classed) {
        pred.push_back(labels[r]);
        truth.push_back(static_cast<int>(s.y_train[r]));
    }
    metrics::ClusterData against{{{}, classed.size(), 0, pred}, truth};
    Json out = Json::object();
    for (const auto& name : s.metric_names) {
        const auto& m = metrics::find_metric(name, models::Task::clustering);
        if (!m.needs_target) out[m.name] = internal[m.name];
        else if (!truth.empty()) out[m.name] = metrics::evaluate_clustering({m.name}, against)[m.name];
    }
    return out;
}

std::vector<std::size_t> cluster_sizes(const std::vector<std::int32_t>& labels, int clusters, std::size_t* noise) {
    std::vector<std::size_t> sizes(static_cast<std::size_t>(std::max(0, clusters)), 0);
    *noise = 0;
    for (auto l : labels) {
        if (l < 0) ++*noise;
        else ++sizes[static_cast<std::size_t>(l)];
    }
    return sizes;
}

}  // namespace

void prepare_clusters(TrainingSetup& s, data::Frame frame, unsigned threads) {
    if (frame.rows() == 0) throw Error(ErrorKind::data, "no_rows", "dataset '" + s.dataset.name + "' has no rows");
    s.features = cluster_features(s, frame);
    if (!s.spec.target.empty()) {
        encode_classes(s, frame);
        if (s.spec.metrics.empty())  // a target asks for the comparison with it too
            for (const auto& m : metrics::metrics())
                if (m.needs_target && std::find(s.metric_names.begin(), s.metric_names.end(), m.name) == s.metric_names.end())
                    s.metric_names.push_back(m.name);
    }
    s.parts.train.resize(frame.rows());
    for (std::size_t i = 0; i < frame.rows(); ++i) s.parts.train[i] = i;
    s.pre = data::Preprocessor::fit(s.spec.preprocessing, s.features, frame);
    for (const auto& w : s.pre.warnings()) s.warnings.push_back(w.message);
    s.x_train = s.pre.transform(frame, threads);
    s.clustered_rows = std::make_shared<const data::Frame>(std::move(frame));
}

void fit_clusters(const TrainingSetup& s, models::EstimatorConfig config, const models::Callbacks& callbacks,
                  FitResult& out) {
    auto model = models::make_clusterer(*s.algo, config);
    const std::vector<float> no_target;
    model->fit(models::FitInput{s.x_train, no_target}, callbacks);
    const std::vector<std::int32_t>& labels = model->labels();
    std::size_t noise = 0, silhouette_rows = 0;
    const int clusters = model->num_clusters();
    auto sizes = cluster_sizes(labels, clusters, &noise);
    if (clusters == 0)
        out.warnings.push_back("every row is noise: no row has min_samples rows within eps, so there is no cluster "
                               "and the internal metrics are undefined; raise eps or lower min_samples");
    out.test_metrics = measure(s, labels, config, &silhouette_rows);
    out.clustering = Json{{"n_clusters", clusters},
                          {"cluster_sizes", sizes},
                          {"noise", noise},
                          {"rows", labels.size()},
                          {"silhouette_sample_size", silhouette_rows},
                          {"fit", model->fit_summary()},
                          {"identifiers", identifier_columns(*s.clustered_rows, s.features)}};
    out.clustering["profiles"] = cluster_profiles(*s.clustered_rows, labels, clusters, out.clustering["identifiers"]);
    out.estimator = std::move(model);
}

namespace {

Json mean_of(const data::Column& c, const std::vector<std::size_t>& rows) {
    double sum = 0;
    std::size_t n = 0;
    for (auto r : rows)
        if (!c.is_null(r)) {
            sum += c.as_double(r);
            ++n;
        }
    return n ? Json(sum / static_cast<double>(n)) : Json();
}

Json top_values(const data::Column& c, const std::vector<std::size_t>& rows) {
    std::map<std::string, std::size_t> counts;
    for (auto r : rows)
        if (!c.is_null(r)) ++counts[c.to_text(r)];
    std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    Json top = Json::array();
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i)
        top.push_back(Json{{"value", ranked[i].first}, {"count", ranked[i].second}});
    return top;
}

}  // namespace

std::vector<std::string> identifier_columns(const data::Frame& rows, const std::vector<std::string>& features) {
    std::vector<std::string> ids;
    if (rows.rows() < 2) return ids;
    for (const auto& c : rows.columns()) {
        if (std::find(features.begin(), features.end(), c.name()) != features.end()) continue;
        if (c.type() != data::DType::int64 && c.type() != data::DType::string) continue;
        std::unordered_set<std::string> seen;
        bool repeated = false;
        for (std::size_t r = 0; r < rows.rows() && !repeated; ++r)
            if (!c.is_null(r)) repeated = !seen.insert(c.to_text(r)).second;
        if (!repeated && seen.size() >= 2) ids.push_back(c.name());
    }
    return ids;
}

Json cluster_profiles(const data::Frame& rows, const std::vector<std::int32_t>& labels, int clusters,
                      const std::vector<std::string>& skip) {
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(clusters) + 1);  // last: noise
    for (std::size_t i = 0; i < labels.size(); ++i)
        members[labels[i] < 0 ? members.size() - 1 : static_cast<std::size_t>(labels[i])].push_back(i);
    Json profiles = Json::array();
    for (std::size_t k = 0; k < members.size(); ++k) {
        if (members[k].empty() && k + 1 == members.size()) continue;  // no noise
        Json p{{"cluster", k + 1 == members.size() ? -1 : static_cast<int>(k)},
               {"size", members[k].size()},
               {"share", labels.empty() ? 0.0 : static_cast<double>(members[k].size()) / static_cast<double>(labels.size())},
               {"means", Json::object()},
               {"top_values", Json::object()}};
        for (const auto& c : rows.columns()) {
            if (std::find(skip.begin(), skip.end(), c.name()) != skip.end()) continue;
            if (c.type() == data::DType::float64 || c.type() == data::DType::int64)
                p["means"][c.name()] = mean_of(c, members[k]);
            else
                p["top_values"][c.name()] = top_values(c, members[k]);
        }
        profiles.push_back(std::move(p));
    }
    return profiles;
}

}  // namespace hone::train
