#include "train/setup.hpp"

#include <algorithm>
#include <cmath>

#include "common/build_info.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "models/torch/distributed.hpp"
#include "models/xgboost/distributed.hpp"
#include "train/cluster_training.hpp"
#include "train/early_stopping.hpp"

namespace hone::train {

const models::AlgorithmSpec& algorithm_of(const lang::ModelSpec& model, std::string_view framework) {
    if (!model.algorithm.empty()) return models::find_algorithm(model.algorithm, task_of_type(model.type));
    if (model.type == "recommender") return models::find_algorithm("ncf");
    if (model.type == "text_classifier") return models::find_algorithm("tfidf_linear");
    if (model.type == "clusterer") return models::find_algorithm("kmeans");
    const bool pytorch = framework == "pytorch" || model.engine == "pytorch";
    return models::find_algorithm(pytorch ? "mlp" : "random_forest");
}

std::string round_key(const std::string& canonical, models::Task task) {
    if (canonical == "log_loss" || (canonical == "mse" && task == models::Task::regression)) return "val_loss";
    return "val_" + canonical;
}

std::optional<models::Task> task_of_type(std::string_view type) {
    if (type == "classifier") return models::Task::classification;
    if (type == "regressor") return models::Task::regression;
    if (type == "recommender") return models::Task::recommendation;
    if (type == "text_classifier") return models::Task::text_classification;
    if (type == "clusterer") return models::Task::clustering;
    return std::nullopt;
}

models::Task task_for(const lang::ModelSpec& model, const models::AlgorithmSpec& algo) {
    const std::optional<models::Task> from_type = task_of_type(model.type);
    if (!from_type)
        throw Error(ErrorKind::validation, "unsupported_model_type",
                    "model \"" + model.name + "\" has type " + model.type +
                        ", which hone does not train yet; use classifier, regressor, clusterer, recommender or "
                        "text_classifier");
    auto implied = models::task_implied_by(model.algorithm);
    if (implied && *implied != *from_type)
        throw Error(ErrorKind::validation, "task_mismatch",
                    "algorithm " + model.algorithm + " is a " +
                        (*implied == models::Task::classification ? "classifier"
                         : *implied == models::Task::clustering   ? "clusterer"
                                                                  : "regressor") +
                        ", but model \"" + model.name + "\" has type " + model.type);
    const bool matrix_task = *from_type == models::Task::classification || *from_type == models::Task::regression;
    if (!algo.supports(*from_type))
        throw Error(ErrorKind::validation, "unsupported_task",
                    algo.make && matrix_task
                        ? algo.name + " does not do " + std::string(models::to_string(*from_type))
                        : algo.name + " is " + models::kind_of(algo) + ", but model \"" + model.name +
                              "\" has type " + model.type);
    return *from_type;
}

Json provenance_of(const lang::TrainingSpec& spec, const lang::DatasetSpec& dataset, const data::Frame& frame) {
    Json out{{"dataset", Json{{"name", dataset.name},
                              {"fingerprint", frame.fingerprint()},
                              {"rows", frame.rows()},
                              {"columns", frame.cols()}}},
             {"job_sha256", sha256_hex(lang::to_json(spec).dump())},
             {"hone", Json{{"version", hone_version()}, {"commit", hone_commit()}}},
             {"compiler", hone_compiler()},
             {"libraries", models::library_versions()}};
    // The dataset's processing shapes the features as much as the job does.
    if (!dataset.processing.empty()) out["dataset"]["processing"] = lang::to_json(dataset.processing);
    return out;
}

void check_framework(const lang::TrainingSpec& spec, const lang::ModelSpec& model) {
    for (const auto& fw : {spec.framework, model.engine}) {
        if (fw == "tensorflow")
            throw Error(ErrorKind::validation, "framework_unavailable", "framework 'tensorflow' has no runtime in hone",
                        {}, "use sklearn or xgboost for classic models, pytorch for neural networks");
    }
}

std::string ignored_param_warning(const models::AlgorithmSpec& algo, const std::string& name) {
    return "hyperparameter '" + name + "' is not taken by " + algo.name + "; ignored" +
           did_you_mean(name, algo.param_names());
}

std::vector<IgnoredSetting> ignored_settings(const lang::TrainingSpec& spec, const lang::ModelSpec& model) {
    std::vector<IgnoredSetting> out;
    if (spec.augmentation.enabled && model.type != "text_classifier")
        out.push_back({"augmentation", "",
                       "augmentation makes extra training texts for text classifiers; model \"" + model.name +
                           "\" is a " + model.type + ": ignored"});
    if (!spec.compute.backend.empty() && spec.compute.backend != "local" && !is_distributed(spec))
        out.push_back({"compute", "backend",
                       "compute.backend '" + spec.compute.backend +
                           "' is not available: hone trains in its own process (backend: local) or in worker "
                           "processes (backend: distributed); ignored"});
    if (spec.compute.resources.is_object() && !spec.compute.resources.empty())
        out.push_back({"compute", "resources",
                       "compute.resources is not used: hone sizes its work by --threads; ignored"});
    const Json& deployment = spec.metadata.is_object() && spec.metadata.contains("deployment")
                                 ? spec.metadata["deployment"]
                                 : Json();
    if (deployment.is_object() && deployment.value("auto_deploy", false) == true)
        out.push_back({"", "",
                       "deployment.auto_deploy is not acted on: a trained model is registered, not deployed "
                       "(deploy it with POST /api/training/models/{id}/deploy); kept in the job's metadata"});
    return out;
}

namespace {


[[noreturn]] void missing_column(const std::string& code, const std::string& what, const std::string& name,
                                 const lang::DatasetSpec& dataset, const data::Frame& frame) {
    std::string msg = what + " column '" + name + "' is not in dataset '" + dataset.name + "'";
    msg += did_you_mean(name, frame.names());
    throw Error(ErrorKind::validation, code, msg, {}, "its columns are: " + join(frame.names()));
}

std::vector<float> pick(const std::vector<float>& y, const std::vector<std::size_t>& rows) {
    std::vector<float> out;
    out.reserve(rows.size());
    for (auto r : rows) out.push_back(y[r]);
    return out;
}

std::vector<std::string> checked_features(const lang::TrainingSpec& spec, const lang::DatasetSpec& dataset,
                                          const data::Frame& frame) {
    if (spec.target.empty())
        throw Error(ErrorKind::validation, "missing_target",
                    "training \"" + spec.name + "\" names no target column; add 'target: <column>'", {},
                    "the dataset's columns are: " + join(frame.names()));
    if (!frame.find(spec.target)) missing_column("missing_target", "target", spec.target, dataset, frame);
    std::vector<std::string> features = spec.features;
    if (features.empty())
        for (const auto& n : frame.names())
            if (n != spec.target) features.push_back(n);
    for (const auto& f : features) {
        if (f == spec.target)
            throw Error(ErrorKind::validation, "target_in_features", "column '" + f + "' is both the target and a feature");
        if (!frame.find(f)) missing_column("missing_feature", "feature", f, dataset, frame);
    }
    return features;
}

// True when the dataset's processing has steps to fit on the training rows.
bool fits_steps(const lang::ProcessingSpec& p) {
    return !p.transformations.empty() || !p.normalization.empty() || !p.encoding.empty();
}

// The training rows through the dataset's processing (fitted on them) and the
// training's preprocessing (fitted on what the processing gave).
struct FittedFeatures {
    data::Processing processing;
    data::Preprocessor pre;
    data::Matrix x_train;
};

FittedFeatures fit_features(const TrainingSetup& s, const data::Frame& train, const std::vector<float>& y_train,
                            unsigned threads) {
    FittedFeatures out;
    const lang::ProcessingSpec& spec = s.dataset.processing;
    if (!fits_steps(spec)) {
        out.pre = data::Preprocessor::fit(s.spec.preprocessing, s.features, train);
        out.x_train = out.pre.transform(train, threads);
        return out;
    }
    data::ProcessingContext context;
    context.target = s.spec.target;
    context.y = &y_train;
    if (s.classification()) context.classes = s.target.classes;
    context.features = s.features;
    context.seed = s.spec.split.seed;
    context.file = s.dataset.pos.file;
    data::Frame processed;
    out.processing = data::Processing::fit(spec, train, context, &processed);
    out.pre = data::Preprocessor::fit(s.spec.preprocessing, out.processing.feature_columns(), processed);
    out.x_train = out.pre.transform(processed, threads);
    return out;
}

// A processing one-hot column for categories the training rows lack: always 0
// in them by design, so not worth the preprocessing's warning of a constant.
bool unseen_category_column(const data::Processing& processing, const std::string& column) {
    for (const auto& step : processing.steps())
        if (step.op == "onehot" && !step.outputs.empty() && step.outputs.back() == column) return true;
    return false;
}

// Rows other than the training rows, through what fit_features fitted.
data::Matrix features_of(const data::Processing& processing, const data::Preprocessor& pre, const data::Frame& rows,
                         unsigned threads) {
    return processing.active() ? pre.transform(processing.transform(rows), threads) : pre.transform(rows, threads);
}

data::Matrix take_rows(const data::Matrix& x, const std::vector<std::size_t>& rows) {
    data::Matrix out;
    out.rows = rows.size();
    out.cols = x.cols;
    out.names = x.names;
    out.data.reserve(rows.size() * x.cols);
    for (auto r : rows) out.data.insert(out.data.end(), x.data.begin() + r * x.cols, x.data.begin() + (r + 1) * x.cols);
    return out;
}

// The matrix columns augmentation adds noise to: the numeric features named,
// or every numeric feature.
std::vector<std::size_t> noisy_columns(const lang::NoiseAugmentationSpec& spec, const data::Preprocessor& pre) {
    std::vector<std::size_t> out;
    std::vector<std::string> numeric;
    std::size_t at = 0;
    for (const auto& step : pre.steps()) {
        const bool is_number = step.kind == data::Preprocessor::Step::Kind::numeric;
        if (is_number) numeric.push_back(step.column);
        if (is_number && (spec.columns.empty() || std::find(spec.columns.begin(), spec.columns.end(), step.column) !=
                                                      spec.columns.end()))
            out.push_back(at);
        at += step.kind == data::Preprocessor::Step::Kind::onehot ? step.categories.size() + 1 : 1;
    }
    for (const auto& c : spec.columns)
        if (std::find(numeric.begin(), numeric.end(), c) == numeric.end())
            throw Error(ErrorKind::validation, "invalid_processing",
                        "augmentation names column '" + c + "', which is not a numeric feature" + did_you_mean(c, numeric),
                        {}, "the numeric features are: " + join(numeric));
    return out;
}

// The training rows' sampling and augmentation (never the validation or test rows).
void resample_training(const TrainingSetup& s, const data::Preprocessor& pre, data::Matrix& x, std::vector<float>& y) {
    const lang::ProcessingSpec& spec = s.dataset.processing;
    if (spec.sampling.method != "none") {
        const auto rows = data::sample_rows(spec.sampling, y, s.classification(),
                                            spec.sampling.seed.value_or(s.spec.split.seed));
        x = take_rows(x, rows);
        y = pick(y, rows);
    }
    if (spec.augmentation.enabled)
        data::add_noisy_copies(spec.augmentation, noisy_columns(spec.augmentation, pre), x, y,
                               spec.augmentation.seed.value_or(s.spec.split.seed));
}

// Folds over the training and validation rows together; each fold's
// processing and preprocessing are fitted on its own training rows.
std::vector<FoldData> make_folds(const TrainingSetup& s, const data::Frame& frame, int k, unsigned threads) {
    std::vector<std::size_t> pool = s.parts.train;
    pool.insert(pool.end(), s.parts.validation.begin(), s.parts.validation.end());
    std::sort(pool.begin(), pool.end());
    data::Frame part = frame.take(pool);
    std::vector<data::Fold> folds =
        s.classification() && s.spec.split.stratify
            ? data::stratified_kfold(part.at(s.spec.target), static_cast<std::size_t>(k), s.spec.split.seed)
            : data::kfold(part.rows(), static_cast<std::size_t>(k), s.spec.split.seed);
    std::vector<float> y = pick(s.target.y, pool);
    std::vector<FoldData> out;
    for (const auto& f : folds) {
        data::Frame train_rows = part.take(f.train);
        FoldData d;
        d.y_train = pick(y, f.train);
        FittedFeatures fitted = fit_features(s, train_rows, d.y_train, threads);
        d.x_train = std::move(fitted.x_train);
        d.x_valid = features_of(fitted.processing, fitted.pre, part.take(f.test), threads);
        d.y_valid = pick(y, f.test);
        resample_training(s, fitted.pre, d.x_train, d.y_train);
        out.push_back(std::move(d));
    }
    return out;
}

// The rows the dataset's filter keeps (all when it has none).
data::Frame filtered(TrainingSetup& s, data::Frame frame) {
    const auto& filter = s.dataset.processing.filter;
    if (filter.empty()) return frame;
    const std::size_t loaded = frame.rows();
    std::vector<std::size_t> kept = data::filtered_rows(filter, frame, s.dataset.pos.file);
    if (kept.empty())
        throw Error(ErrorKind::data, "no_rows",
                    "the filter of dataset \"" + s.dataset.name + "\" keeps none of its " + std::to_string(loaded) +
                        " rows");
    s.provenance["dataset"]["rows_after_filter"] = kept.size();
    return kept.size() == loaded ? frame : frame.take(kept);
}

// `sampling: class_weights` keeps every training row and weighs each class
// inversely to its count, through the algorithm's own `class_weight: balanced`
// (unless the job gives class_weight itself).
void weigh_classes(JobBasis& b) {
    if (b.dataset.processing.sampling.method != "class_weights") return;
    if (b.task != models::Task::classification)
        throw Error(ErrorKind::validation, "invalid_processing",
                    "dataset \"" + b.dataset.name + "\": sampling class_weights weighs classes; model \"" +
                        b.model.name + "\" is no classifier");
    if (!b.algo->find_param("class_weight")) {
        std::vector<std::string> weighing;
        for (const models::AlgorithmSpec& a : models::algorithms())
            if (a.find_param("class_weight") && a.supports(models::Task::classification)) weighing.push_back(a.name);
        throw Error(ErrorKind::validation, "invalid_processing",
                    "dataset \"" + b.dataset.name + "\": sampling class_weights weighs classes through the algorithm's "
                    "class_weight, which " + b.algo->name + " does not take",
                    {}, "use oversample or undersample, or one of: " + join(weighing));
    }
    if (!b.given_params.contains("class_weight")) b.given_params["class_weight"] = "balanced";
}

}  // namespace

void check_columns(const lang::JobFile& file, const lang::TrainingSpec& spec) {
    const lang::DatasetSpec* dataset = file.find_dataset(spec.dataset);
    if (!dataset) return;  // the binder reported the reference
    data::Frame frame = data::load_dataset(*dataset);
    checked_features(spec, *dataset, frame);
}

JobBasis resolve_job(const lang::JobFile& file, const lang::TrainingSpec& spec) {
    JobBasis b;
    b.spec = spec;
    b.model = *file.find_model(spec.model);
    b.dataset = *file.find_dataset(spec.dataset);
    check_framework(spec, b.model);
    for (const auto& ignored : ignored_settings(spec, b.model)) b.warnings.push_back(ignored.message);
    b.algo = &algorithm_of(b.model, spec.framework);
    b.task = task_for(b.model, *b.algo);
    b.given_params = b.model.hyperparameters;
    for (auto it = spec.hyperparameters.begin(); it != spec.hyperparameters.end(); ++it)
        b.given_params[it.key()] = it.value();
    weigh_classes(b);
    // Fail fast, before the data loads; each fit resolves again.
    auto resolved = models::resolve_params(*b.algo, b.given_params, spec.strict);
    if (b.algo->check) b.algo->check(resolved.params, b.task);
    b.objective = metrics::resolve_objective(spec.objective, b.task);
    if (!b.objective.warning.empty()) b.warnings.push_back(b.objective.warning);
    return b;
}

FitConfig fit_config(const JobBasis& b, const Json& hyperparameters, const FitHooks& hooks) {
    FitConfig out;
    Json given = b.given_params;
    for (auto it = hyperparameters.begin(); it != hyperparameters.end(); ++it) given[it.key()] = it.value();
    auto resolved = models::resolve_params(*b.algo, given, b.spec.strict);
    out.params = resolved.params;
    out.ignored = resolved.ignored;
    out.config.task = b.task;
    out.config.params = out.params;
    out.config.threads = hooks.threads;
    out.config.seed = b.spec.split.seed;
    if (b.algo->checkpoints) out.config.checkpoints = hooks.checkpoints;
    return out;
}

TrainingSetup prepare_training(const lang::JobFile& file, const lang::TrainingSpec& spec,
                               const PrepareOptions& options) {
    auto stage = [&](const char* name) {
        if (options.on_stage) options.on_stage(name);
    };
    TrainingSetup s;
    static_cast<JobBasis&>(s) = resolve_job(file, spec);
    s.metric_names = spec.metrics;
    if (s.metric_names.empty()) s.metric_names = metrics::default_metrics(s.task);
    bool has_objective = false;
    for (const auto& n : s.metric_names)
        has_objective = metrics::find_metric(n, s.task).name == s.objective.metric || has_objective;
    if (!has_objective) s.metric_names.push_back(s.objective.metric);

    stage("loading");
    data::Frame frame = data::load_dataset(s.dataset, options.load);
    for (const auto& w : frame.warnings()) s.warnings.push_back(w.message);
    s.provenance = provenance_of(spec, s.dataset, frame);
    frame = filtered(s, std::move(frame));
    if (s.task == models::Task::clustering) {
        if (fits_steps(s.dataset.processing) || s.dataset.processing.sampling.method != "none" ||
            s.dataset.processing.augmentation.enabled)
            s.warnings.push_back("dataset \"" + s.dataset.name +
                                 "\": a clusterer takes only the processing's filter; its other steps are ignored");
        stage("preprocessing");
        prepare_clusters(s, std::move(frame), options.load.threads);
        return s;
    }
    s.features = checked_features(spec, s.dataset, frame);
    s.target = encode_target(frame.at(spec.target), s.classification());
    if (s.target.dropped_nulls > 0) {
        s.warnings.push_back(std::to_string(s.target.dropped_nulls) + " rows with no target value were left out");
        frame = frame.take(s.target.rows);
    }
    if (s.classification() && s.target.classes.size() < 2)
        throw Error(ErrorKind::data, "single_class",
                    "target '" + spec.target + "' has a single class (" +
                        (s.target.classes.empty() ? std::string("none") : s.target.classes[0]) +
                        "); a classifier needs at least two");
    s.target_type = frame.at(spec.target).type();

    stage("preprocessing");
    const data::Column& target_col = frame.at(spec.target);
    s.parts = data::split_rows(frame.rows(), spec.split, s.classification() && spec.split.stratify ? &target_col : nullptr);
    data::Frame train_frame = frame.take(s.parts.train);
    const unsigned threads = options.load.threads;
    s.y_train = pick(s.target.y, s.parts.train);
    FittedFeatures fitted = fit_features(s, train_frame, s.y_train, threads);
    s.processing = std::move(fitted.processing);
    s.pre = std::move(fitted.pre);
    s.x_train = std::move(fitted.x_train);
    for (const auto& w : s.pre.warnings())
        if (!unseen_category_column(s.processing, w.column)) s.warnings.push_back(w.message);
    s.x_valid = features_of(s.processing, s.pre, frame.take(s.parts.validation), threads);
    s.x_test = features_of(s.processing, s.pre, frame.take(s.parts.test), threads);
    s.y_valid = pick(s.target.y, s.parts.validation);
    s.y_test = pick(s.target.y, s.parts.test);
    resample_training(s, s.pre, s.x_train, s.y_train);
    if (options.cv_folds > 1) s.folds = make_folds(s, frame, options.cv_folds, threads);
    return s;
}

namespace {

std::vector<double> as_doubles(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

// Early stopping as the spec says, or none (with a warning) where it cannot act.
std::optional<EarlyStopper> make_stopper(const lang::TrainingSpec& spec, const models::AlgorithmSpec& algo,
                                         models::Task task, bool has_validation, Json& warnings, std::string& key) {
    if (!spec.early_stopping || !spec.early_stopping->enabled) return std::nullopt;
    if (!algo.iterative) {
        warnings.push_back("early_stopping has no effect: " + algo.name + " does not train in rounds");
        return std::nullopt;
    }
    if (!has_validation) {
        warnings.push_back("early_stopping needs a validation split; the split has none, so every round is kept");
        return std::nullopt;
    }
    ResolvedStopping stopping = resolve_stopping(*spec.early_stopping, task);
    key = round_key(stopping.metric, task);
    return EarlyStopper(stopping.spec);
}

[[noreturn]] void not_reported(const EarlyStopper& stopper, const Json& metrics) {
    std::vector<std::string> available;
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        if (it.key().rfind("val_", 0) == 0) available.push_back(it.key());
    throw Error(ErrorKind::validation, "invalid_early_stopping",
                "early stopping metric '" + stopper.spec().metric + "' is not reported per round", {},
                "per-round validation metrics: " + join(available));
}

}  // namespace

models::Callbacks round_callbacks(const lang::TrainingSpec& spec, const models::AlgorithmSpec& algo,
                                  models::Task task, bool has_validation, const FitHooks& hooks, Json& history,
                                  Json& warnings, bool& stopped_by_hook) {
    auto key = std::make_shared<std::string>();
    auto stopper = std::make_shared<std::optional<EarlyStopper>>(
        make_stopper(spec, algo, task, has_validation, warnings, *key));
    models::Callbacks callbacks;
    callbacks.cancelled = hooks.cancelled;
    callbacks.metrics_every_round = stopper->has_value() || static_cast<bool>(hooks.should_stop);
    callbacks.on_round = [=, &hooks, &history, &stopped_by_hook](const models::RoundReport& r) {
        // Rounds the model did not evaluate (it may thin out training-set metrics)
        // still report progress, but leave no history entry.
        if (!r.metrics.empty()) history.push_back(Json{{"round", r.round}, {"metrics", r.metrics}});
        models::RoundDecision d;
        if (*stopper) {
            EarlyStopper& es = **stopper;
            if (!r.metrics.contains(*key)) not_reported(es, r.metrics);
            const Json& v = r.metrics[*key];
            d.stop = es.observe(r.round, v.is_number() ? v.get<double>() : std::nan(""));
            d.best_round = es.best_index();
        }
        if (hooks.on_round) hooks.on_round(r);
        if (hooks.should_stop && hooks.should_stop(r)) {
            stopped_by_hook = true;
            d.stop = true;
        }
        return d;
    };
    return callbacks;
}

const Json& reported_metrics(const TrainingSetup& setup, const FitResult& fit) {
    if (setup.task == models::Task::clustering || !setup.parts.test.empty()) return fit.test_metrics;
    return fit.validation_metrics;
}

namespace {

// One fit across compute.workers worker processes: the boosting algorithms'
// (models/xgboost/distributed.hpp), else the neural models'
// (models/torch/distributed.hpp), the only others whose catalog entries say
// `distributed`.
void fit_distributed(const TrainingSetup& s, const models::EstimatorConfig& config, const FitHooks& hooks,
                     const models::FitInput& input, const models::Callbacks& callbacks, models::Estimator& estimator) {
    check_compute(s.spec, *s.algo, config.params);
    models::DistributedOptions options;
    options.workers = s.spec.compute.workers > 0 ? s.spec.compute.workers : 2;
    options.threads = hooks.threads;
    if (auto* booster = dynamic_cast<models::xgb::BoosterEstimator*>(&estimator))
        models::xgb::fit_distributed(*booster, s.algo->name, config, input, callbacks, options);
    else
        models::torch_nn::fit_distributed(estimator, s.algo->name, config, input, callbacks, options);
}

}  // namespace

FitResult fit_model(const TrainingSetup& s, const Json& hyperparameters, const FitHooks& hooks, const FoldData* fold) {
    FitResult out;
    FitConfig fit = fit_config(s, hyperparameters, hooks);
    out.params = fit.params;
    out.ignored = fit.ignored;

    const data::Matrix& x_train = fold ? fold->x_train : s.x_train;
    const std::vector<float>& y_train = fold ? fold->y_train : s.y_train;
    const data::Matrix& x_valid = fold ? fold->x_valid : s.x_valid;
    const std::vector<float>& y_valid = fold ? fold->y_valid : s.y_valid;
    bool has_validation = !y_valid.empty();

    models::EstimatorConfig& config = fit.config;
    if (s.task == models::Task::clustering) {
        models::Callbacks callbacks;
        callbacks.cancelled = hooks.cancelled;
        if (hooks.on_fit_start) hooks.on_fit_start();
        fit_clusters(s, config, callbacks, out);
        return out;
    }
    config.num_classes = s.num_classes();
    out.estimator = models::make_estimator(*s.algo, config);

    models::Callbacks callbacks = round_callbacks(s.spec, *s.algo, s.task, has_validation, hooks, out.history,
                                                  out.warnings, out.stopped_by_hook);
    models::FitInput input{x_train, y_train, has_validation ? &x_valid : nullptr, has_validation ? &y_valid : nullptr};
    if (hooks.on_fit_start) hooks.on_fit_start();
    if (is_distributed(s.spec)) {
        fit_distributed(s, config, hooks, input, callbacks, *out.estimator);
    } else {
        out.estimator->fit(input, callbacks);
    }

    auto evaluate = [&](const data::Matrix& x, const std::vector<float>& y) -> Json {
        if (y.empty()) return Json::object();
        models::Prediction p = out.estimator->predict_with_proba(x);
        std::vector<std::string> skipped;
        return metrics::evaluate(s.task, s.metric_names, as_doubles(y), p.values, p.proba,
                                 config.num_classes, &skipped);
    };
    out.validation_metrics = evaluate(x_valid, y_valid);
    if (hooks.score_training_rows) out.train_metrics = evaluate(x_train, y_train);
    if (!fold) out.test_metrics = evaluate(s.x_test, s.y_test);
    if (!out.estimator->has_proba())
        for (const char* m : {"auc", "log_loss"})
            if (std::find(s.metric_names.begin(), s.metric_names.end(), m) != s.metric_names.end())
                out.warnings.push_back(s.algo->name + " gives no probabilities, so '" + m + "' is not reported");
    return out;
}

bool is_distributed(const lang::TrainingSpec& spec) { return spec.compute.backend == "distributed"; }

void check_compute(const lang::TrainingSpec& spec, const models::AlgorithmSpec& algo, const Json& params) {
    auto invalid = [](const std::string& message, const std::string& hint = {}) {
        throw Error(ErrorKind::validation, "invalid_compute", message, {}, hint);
    };
    if (!is_distributed(spec)) {
        if (spec.compute.workers > 0)
            invalid("workers (world_size) " + std::to_string(spec.compute.workers) +
                        " is for distributed training, but the backend is '" + spec.compute.backend + "'",
                    "write compute: {backend: distributed, workers: N} or distributed: true");
        if (!spec.compute.strategy.empty())
            invalid("strategy '" + spec.compute.strategy + "' is for distributed training, but the backend is '" +
                        spec.compute.backend + "'",
                    "write distributed: true");
        return;
    }
    if (!algo.distributed)
        invalid("algorithm " + algo.name + " cannot train distributed; those that can: " +
                    join(models::distributed_algorithms()),
                "remove compute.backend: distributed, or train one of those");
    // The boosting algorithms sum histograms, which only tree_method 'hist' builds.
    if (!algo.find_param("tree_method")) return;
    const Json method = params.is_object() ? params.value("tree_method", Json("hist")) : Json("hist");
    if (method != "hist")
        invalid("distributed training sums histograms over the workers: tree_method must be 'hist', found '" +
                    (method.is_string() ? method.get<std::string>() : method.dump()) + "'",
                "set tree_method: hist");
}

namespace {

// Adds each numeric metric of `metrics` to its list in `values` (an ordered
// object, so metrics stay in the order they are reported).
void collect(const Json& metrics, Json& values) {
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        if (it.value().is_number()) values[it.key()].push_back(it.value());
}

// Mean and population standard deviation of each metric over the folds.
void summarise(const Json& values, Json& mean, Json* std_out) {
    for (auto it = values.begin(); it != values.end(); ++it) {
        const auto v = it.value().get<std::vector<double>>();
        double m = 0;
        for (double x : v) m += x;
        m /= static_cast<double>(v.size());
        double var = 0;
        for (double x : v) var += (x - m) * (x - m);
        mean[it.key()] = m;
        if (std_out) (*std_out)[it.key()] = std::sqrt(var / static_cast<double>(v.size()));
    }
}

}  // namespace

CrossValidation cross_validate(const TrainingSetup& setup, const Json& hyperparameters, FitHooks hooks,
                               bool train_score) {
    CrossValidation out;
    hooks.score_training_rows = train_score;
    Json held_out = Json::object(), trained = Json::object();
    int index = 0;
    for (const auto& fold : setup.folds) {
        FitResult fit = fit_model(setup, hyperparameters, hooks, &fold);
        Json row{{"fold", ++index}, {"metrics", fit.validation_metrics}};
        collect(fit.validation_metrics, held_out);
        if (train_score) {
            row["train_metrics"] = fit.train_metrics;
            collect(fit.train_metrics, trained);
        }
        out.per_fold.push_back(std::move(row));
    }
    summarise(held_out, out.mean, &out.std);
    summarise(trained, out.train_mean, nullptr);
    return out;
}

Json CrossValidation::to_json() const {
    Json j{{"folds", per_fold.size()}, {"metrics", mean}, {"cv_std", std}, {"per_fold", per_fold}};
    if (!train_mean.empty()) j["train_metrics"] = train_mean;
    return j;
}

}  // namespace hone::train
