#include "train/recommender_training.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "registry/artifacts.hpp"
#include "train/manifest.hpp"
#include "train/served_recommender.hpp"

namespace hone::train {

namespace {

// The cut-offs to compute: the evaluation's, then any other K that the
// metrics or the objective name (ndcg@5 with k: [10] still reports ndcg@5).
std::vector<int> cutoffs(const lang::TrainingSpec& spec, const std::vector<std::string>& metric_keys) {
    std::vector<int> ks = spec.evaluation.k;
    for (const auto& key : metric_keys) {
        const auto at = key.find('@');
        if (at == std::string::npos) continue;
        const int k = std::stoi(key.substr(at + 1));
        if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
    }
    return ks;
}

// The metric keys to report: the job's (or every ranking metric at each K),
// the objective's included.
std::vector<std::string> reported_keys(const lang::TrainingSpec& spec, const metrics::Objective& objective) {
    std::vector<std::string> keys;
    for (const auto& name : spec.metrics) keys.push_back(metrics::metric_key(name, models::Task::recommendation));
    if (!keys.empty() && std::find(keys.begin(), keys.end(), objective.metric) == keys.end())
        keys.push_back(objective.metric);
    return keys;
}

void check_cutoffs(const RecommenderSetup& s) {
    const auto items = static_cast<int>(s.num_items());
    const bool sampled = s.spec.evaluation.protocol == "leave_one_out";
    for (int k : s.spec.evaluation.k) {
        if (k > items)
            throw Error(ErrorKind::validation, "k_exceeds_catalog",
                        "evaluation k " + std::to_string(k) + " is larger than the catalog: dataset '" +
                            s.dataset.name + "' has " + std::to_string(items) + " items",
                        {}, "use a k of at most " + std::to_string(items));
        if (sampled && k > s.spec.evaluation.negatives)
            throw Error(ErrorKind::validation, "k_exceeds_candidates",
                        "evaluation k " + std::to_string(k) + " ranks more items than leave_one_out gives each user (" +
                            std::to_string(s.spec.evaluation.negatives) + " negatives and the held-out item): hr@" +
                            std::to_string(k) + " would be 1 for everyone",
                        {}, "lower k, or raise evaluation.negatives");
    }
}

data::InteractionColumns columns_of(const lang::TrainingSpec& spec, const data::Frame& frame) {
    data::InteractionColumns c;
    c.user = spec.interactions.user;
    c.item = spec.interactions.item;
    c.rating = spec.interactions.rating;
    c.rating_threshold = spec.interactions.rating_threshold;
    c.timestamp = spec.interactions.timestamp;
    if (c.timestamp.empty() && frame.find("timestamp")) c.timestamp = "timestamp";
    return c;
}

void warn_dropped(RecommenderSetup& s) {
    const data::Interactions& a = s.all;
    auto warn = [&](std::size_t n, const std::string& why) {
        if (n > 0) s.warnings.push_back(std::to_string(n) + " rows " + why);
    };
    warn(a.missing_ids, "with no " + s.columns.user + " or " + s.columns.item + " were left out");
    warn(a.missing_ratings, "with no " + s.columns.rating + " were left out");
    if (s.columns.rating_threshold)
        warn(a.below_threshold, "rated below " + format_double(*s.columns.rating_threshold) + " were left out");
    warn(a.duplicates, "repeated a user-item pair; the latest of each was kept");
}

// Splits by time and draws the sampled protocol's negatives.
void split_and_sample(RecommenderSetup& s) {
    s.test_split = data::leave_one_out(s.all);
    if (s.test_split.evaluated_users() == 0)
        throw Error(ErrorKind::data, "too_few_interactions",
                    "no user of dataset '" + s.dataset.name + "' has two interactions: nothing can be held out to "
                    "evaluate on", {}, "a recommender needs users with at least 2 interactions (3 to also validate)");
    s.valid_split = data::leave_one_out(s.test_split.train);
    if (s.valid_split.evaluated_users() == 0)
        s.warnings.push_back("no user has three interactions, so none is held out for validation: no per-epoch "
                             "validation and no early stopping");
    s.seen_all = data::user_items(s.all);
    s.seen_train = data::user_items(s.valid_split.train);
    std::mt19937_64 rng(s.spec.split.seed);
    const int count = s.spec.evaluation.negatives;
    s.valid_negatives = data::evaluation_negatives(s.valid_split, s.seen_all, s.num_items(), count, rng);
    if (s.spec.evaluation.protocol == "leave_one_out")
        s.test_negatives = data::evaluation_negatives(s.test_split, s.seen_all, s.num_items(), count, rng);
}

}  // namespace

RecommenderSetup prepare_recommender(const lang::JobFile& file, const lang::TrainingSpec& spec,
                                     const PrepareOptions& options) {
    RecommenderSetup s;
    static_cast<JobBasis&>(s) = resolve_job(file, spec);
    std::vector<std::string> keys = reported_keys(spec, s.objective);
    keys.push_back(s.objective.metric);
    s.spec.evaluation.k = cutoffs(spec, keys);
    if (!spec.target.empty())
        s.warnings.push_back("'target' is not used by a recommender: it learns from the user and item columns");

    if (options.on_stage) options.on_stage("loading");
    data::Frame frame = data::load_dataset(s.dataset, options.load);
    for (const auto& w : frame.warnings()) s.warnings.push_back(w.message);
    s.provenance = provenance_of(spec, s.dataset, frame);
    s.columns = columns_of(spec, frame);
    s.all = data::interactions_from(frame, s.columns, s.dataset.name);
    warn_dropped(s);
    check_cutoffs(s);
    if (options.on_stage) options.on_stage("preprocessing");
    split_and_sample(s);
    return s;
}

namespace {

Json metrics_json(const std::vector<std::pair<std::string, double>>& values, const std::vector<std::string>& keys) {
    Json out = Json::object();
    auto wanted = [&](const std::string& name) {
        return keys.empty() || std::find(keys.begin(), keys.end(), name) != keys.end();
    };
    for (const auto& [name, value] : values)
        if (wanted(name)) out[name] = std::isnan(value) ? Json() : Json(value);
    return out;
}

// The test items ranked as the protocol says.
std::vector<std::pair<std::string, double>> test_metrics(const RecommenderSetup& s, const models::Recommender& model) {
    const auto items = static_cast<std::int64_t>(s.num_items());
    if (s.spec.evaluation.protocol == "full")
        return models::full_ranking_metrics(model, s.test_split.held_out, s.seen_all, s.spec.evaluation.k, items);
    models::SampledEvaluation e{&s.test_split.held_out, &s.test_negatives, s.spec.evaluation.k, items};
    return models::sampled_ranking_metrics(model, e);
}

Json popularity_baseline(const RecommenderSetup& s, const models::RecommenderFitInput& input,
                         const std::vector<std::string>& keys) {
    const models::AlgorithmSpec& algo = models::find_algorithm("popularity");
    models::EstimatorConfig config;
    config.task = models::Task::recommendation;
    auto baseline = models::make_recommender(algo, config);
    baseline->fit({.train = input.train, .seen = input.seen}, {});
    return Json{{"algorithm", algo.name}, {"metrics", metrics_json(test_metrics(s, *baseline), keys)}};
}

}  // namespace

RecommenderFit fit_recommender(const RecommenderSetup& s, const Json& hyperparameters, const FitHooks& hooks) {
    RecommenderFit out;
    FitConfig fit = fit_config(s, hyperparameters, hooks);
    out.params = fit.params;
    out.ignored = fit.ignored;
    out.model = models::make_recommender(*s.algo, fit.config);

    const auto items = static_cast<std::int64_t>(s.num_items());
    const bool has_validation = s.valid_split.evaluated_users() > 0;
    models::SampledEvaluation validation{&s.valid_split.held_out, &s.valid_negatives, s.spec.evaluation.k, items};
    models::RecommenderFitInput input{.train = s.valid_split.train,
                                      .seen = s.seen_train,
                                      .validation = has_validation ? &validation : nullptr};
    models::Callbacks callbacks = round_callbacks(s.spec, *s.algo, s.task, has_validation,
                                                  hooks, out.history, out.warnings, out.stopped_by_hook);
    if (hooks.on_fit_start) hooks.on_fit_start();
    out.model->fit(input, callbacks);

    const std::vector<std::string> keys = reported_keys(s.spec, s.objective);
    if (has_validation) out.validation_metrics = metrics_json(models::sampled_ranking_metrics(*out.model, validation), keys);
    out.test_metrics = metrics_json(test_metrics(s, *out.model), keys);
    out.baseline = popularity_baseline(s, input, keys);
    return out;
}

Json evaluation_json(const RecommenderSetup& s) {
    const lang::RankingEvaluationSpec& e = s.spec.evaluation;
    Json j{{"protocol", e.protocol}};
    if (e.protocol == "leave_one_out") j["negatives"] = e.negatives;
    j["k"] = e.k;
    j["held_out"] = "each user's latest interaction for the test, the one before for validation";
    j["validation_users"] = s.valid_split.evaluated_users();
    j["test_users"] = s.test_split.evaluated_users();
    j["per_epoch"] = "validation items ranked among " + std::to_string(e.negatives) + " sampled unseen items";
    return j;
}

Json columns_json(const RecommenderSetup& s) {
    lang::InteractionFieldsSpec used = s.spec.interactions;
    used.timestamp = s.all.timed ? s.columns.timestamp : "";
    return lang::to_json(used);
}

registry::ModelEntry register_recommender(registry::Store& store, const RecommenderSetup& s, const RecommenderFit& fit,
                                          const std::string& run_id, const std::string& model_root,
                                          const std::string& who) {
    registry::ArtifactWriter writer(model_root);
    fit.model->save(writer.dir());
    writer.write_file(kRecommenderTablesFile, serving_tables(s.all, s.seen_all).dump() + "\n");
    Json manifest = manifest_head(s);
    manifest["columns"] = columns_json(s);
    manifest["params"] = fit.params;
    manifest["seed"] = s.spec.split.seed;
    manifest["provenance"] = s.provenance;
    std::string sha = writer.seal(manifest);

    registry::ModelEntry entry;
    entry.name = s.spec.output_registry.empty() ? s.model.name : s.spec.output_registry;
    entry.algorithm = s.algo->name;
    entry.framework = s.spec.framework;
    entry.task = manifest["task"];
    entry.metrics = fit.test_metrics;
    entry.validation_metrics = fit.validation_metrics;
    entry.hyperparameters = fit.params;
    entry.metadata = Json{{"training_job", s.spec.name},
                          {"dataset", s.dataset.name},
                          {"interactions", s.all.stats()},
                          {"columns", manifest["columns"]},
                          {"evaluation", evaluation_json(s)},
                          {"baseline", fit.baseline},
                          {"objective", s.spec.objective},
                          {"provenance", s.provenance}};
    if (!s.spec.metadata.empty()) entry.metadata["job_metadata"] = s.spec.metadata;
    entry.training_samples = static_cast<std::int64_t>(s.valid_split.train.size());
    entry.created_by = who;
    entry.sha256 = sha;
    entry.run_id = run_id;
    return store.register_model(entry, s.spec.name, [&](const std::string& key) { return writer.place(key); });
}

}  // namespace hone::train
