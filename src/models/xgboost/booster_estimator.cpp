#include "models/backends.hpp"
#include "models/xgboost/booster_estimator.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::models::xgb {

namespace {

constexpr const char* kModelFile = "model.json";
// Booster attribute that carries best_iteration through save/load.
constexpr const char* kBestAttr = "hone_best_iteration";
// Booster attribute naming the task ("classification" or "regression"): a binary
// classifier with class-share leaves has a regressor's objective.
constexpr const char* kTaskAttr = "hone_task";

// XGBoost's last error on this thread, without its timestamp, source location and
// stack trace: "[19:17:29] src/learner.cc:81: Check failed: ..." -> "Check failed: ...".
std::string last_error() {
    std::string_view text = XGBGetLastError();
    text = text.substr(0, text.find('\n'));
    if (!text.empty() && text.front() == '[') {
        auto close = text.find("] ");
        if (close != std::string_view::npos) text.remove_prefix(close + 2);
    }
    auto sep = text.find(": ");
    if (sep != std::string_view::npos && sep > 0) {
        std::string_view where = text.substr(0, sep);
        auto colon = where.rfind(':');
        bool line_number = colon != std::string_view::npos && colon + 1 < where.size() &&
                           std::all_of(where.begin() + colon + 1, where.end(),
                                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        if (line_number && where.find(' ') == std::string_view::npos) text.remove_prefix(sep + 2);
    }
    return std::string(trim(text));
}

void check(int rc, ErrorKind kind, const char* code, std::string_view what) {
    if (rc != 0) throw Error(kind, code, std::string(what) + ": XGBoost: " + last_error());
}

// Failures while training mean XGBoost rejected the data or a parameter value.
void check_fit(int rc, std::string_view what) { check(rc, ErrorKind::data, "training_failed", what); }

struct DMatrixDeleter {
    void operator()(void* handle) const { XGDMatrixFree(handle); }
};
using DMatrixPtr = std::unique_ptr<void, DMatrixDeleter>;

// numpy's __array_interface__ for a row-major float32 matrix, as XGBoost reads it
// for in-place prediction and labels. The pointer travels as an integer.
std::string array_interface(const float* data, std::size_t rows, std::size_t cols) {
    return "{\"data\":[" + std::to_string(reinterpret_cast<std::uintptr_t>(data)) + ",true],\"shape\":[" +
           std::to_string(rows) + "," + std::to_string(cols) + "],\"typestr\":\"<f4\",\"version\":3}";
}

// Features and targets. With `indicator_columns` > 0 the targets (class indices)
// become that many 0/1 indicator columns, one regression target per class.
DMatrixPtr make_dmatrix(const data::Matrix& x, const std::vector<float>& y, int threads,
                        std::size_t indicator_columns) {
    DMatrixHandle handle = nullptr;
    // A worker of a distributed fit may hold no validation rows: still a pointer.
    static const float kNoRows[1] = {0.0f};
    const float* values = x.data.empty() ? kNoRows : x.data.data();
    check_fit(XGDMatrixCreateFromMat_omp(values, x.rows, x.cols, std::nanf(""), &handle, threads),
              "cannot build the training matrix");
    DMatrixPtr out(handle);
    if (indicator_columns == 0) {
        check_fit(XGDMatrixSetFloatInfo(handle, "label", y.empty() ? kNoRows : y.data(), y.size()),
                  "cannot set the targets");
        return out;
    }
    std::vector<float> onehot(y.size() * indicator_columns, 0.0f);
    for (std::size_t i = 0; i < y.size(); ++i) onehot[i * indicator_columns + static_cast<std::size_t>(y[i])] = 1.0f;
    check_fit(XGDMatrixSetInfoFromInterface(handle, "label",
                                            array_interface(onehot.data(), y.size(), indicator_columns).c_str()),
              "cannot set the targets");
    return out;
}

// Threads for XGBoost (0 = all cores): the n_jobs hyperparameter when the
// algorithm declares it and it is set (-1 = all cores, as in scikit-learn), else
// the job's.
int thread_count(const EstimatorConfig& config) {
    if (config.params.contains("n_jobs") && config.params["n_jobs"].is_number_integer()) {
        auto n = config.params["n_jobs"].get<std::int64_t>();
        return n < 0 ? 0 : static_cast<int>(n);
    }
    return static_cast<int>(config.threads);
}

// random_state when declared and set, else the job's seed.
std::uint64_t seed_of(const EstimatorConfig& config) {
    if (config.params.contains("random_state") && config.params["random_state"].is_number_integer())
        return config.params["random_state"].get<std::uint64_t>();
    return config.seed;
}

void check_targets(const EstimatorConfig& config, const std::vector<float>& y, std::size_t rows, const char* which) {
    if (y.size() != rows)
        throw Error(ErrorKind::internal, "shape_mismatch",
                    std::string(which) + " has " + std::to_string(rows) + " rows but " + std::to_string(y.size()) +
                        " targets");
    for (std::size_t i = 0; i < y.size(); ++i) {
        float v = y[i];
        bool ok = std::isfinite(v);
        if (ok && config.task == Task::classification)
            ok = v >= 0 && v < static_cast<float>(config.num_classes) && v == std::floor(v);
        if (!ok) {
            Location where;
            where.row = static_cast<std::int64_t>(i) + 1;
            throw Error(ErrorKind::data, "invalid_target",
                        std::string(which) + " target " + format_double(v) + " is not " +
                            (config.task == Task::classification
                                 ? "a class index in 0.." + std::to_string(config.num_classes - 1)
                                 : std::string("a finite number")),
                        where);
        }
    }
}

// "[3]\ttrain-logloss:0.25\tval-error:0.1..." -> {"train_loss": 0.25, "val_accuracy": 0.9, ...}
Json parse_evaluation(std::string_view text) {
    Json out = Json::object();
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\t', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(pos, end - pos);
        pos = end + 1;
        auto dash = item.find('-');
        auto colon = item.rfind(':');
        if (dash == std::string_view::npos || colon == std::string_view::npos || colon < dash) continue;
        std::string set(item.substr(0, dash));
        std::string_view metric = item.substr(dash + 1, colon - dash - 1);
        double v = std::strtod(std::string(item.substr(colon + 1)).c_str(), nullptr);
        if (!std::isfinite(v)) continue;  // e.g. AUC of a set with one class
        if (metric == "logloss" || metric == "mlogloss") {
            out[set + "_loss"] = v;
        } else if (metric == "error" || metric == "merror") {
            out[set + "_accuracy"] = 1.0 - v;
        } else if (metric == "auc") {
            out[set + "_auc"] = v;
        } else if (metric == "rmse") {
            out[set + "_loss"] = v * v;
            out[set + "_rmse"] = v;
        } else if (metric == "mae") {
            out[set + "_mae"] = v;
        }
    }
    return out;
}

// A stable key order: loss first, as the trainer prints it.
Json ordered_metrics(const Json& m) {
    Json out = Json::object();
    for (const char* set : {"train", "val"})
        for (const char* name : {"loss", "accuracy", "auc", "rmse", "mae"}) {
            std::string key = std::string(set) + "_" + name;
            if (m.contains(key)) out[key] = m[key];
        }
    return out;
}

void set_param(void* handle, const std::string& name, const std::string& value) {
    check(XGBoosterSetParam(handle, name.c_str(), value.c_str()), ErrorKind::validation, "invalid_hyperparameter",
          "XGBoost parameter " + name + "=" + value);
}

}  // namespace

void BoosterDeleter::operator()(void* handle) const { XGBoosterFree(handle); }

BoosterEstimator::BoosterEstimator(EstimatorConfig config, PlanFn plan, bool iterative, ClassLeaves leaves)
    : Estimator(std::move(config)), plan_(std::move(plan)), iterative_(iterative), leaves_(leaves) {}

std::size_t BoosterEstimator::outputs_per_row() const {
    return config_.task == Task::classification && config_.num_classes > 2 ? config_.num_classes : 1;
}

void BoosterEstimator::apply_runtime_params(void* handle) const {
    set_param(handle, "verbosity", "0");
    set_param(handle, "nthread", std::to_string(thread_count(config_)));
}

bool BoosterEstimator::check_input(const FitInput& input) const {
    const data::Matrix& x = input.x_train;
    if (x.rows == 0) throw Error(ErrorKind::data, "empty_training_data", "the training data has no rows");
    if (x.cols == 0) throw Error(ErrorKind::data, "no_features", "the training data has no feature columns");
    if (x.data.size() != x.rows * x.cols)
        throw Error(ErrorKind::internal, "shape_mismatch", "the training matrix holds fewer values than rows * cols");
    check_targets(config_, input.y_train, x.rows, "training");
    bool has_valid = input.x_valid != nullptr && input.y_valid != nullptr;
    if (has_valid) {
        if (input.x_valid->rows > 0 && input.x_valid->cols != x.cols)
            throw Error(ErrorKind::internal, "shape_mismatch",
                        "validation data has " + std::to_string(input.x_valid->cols) + " features, training data " +
                            std::to_string(x.cols));
        check_targets(config_, *input.y_valid, input.x_valid->rows, "validation");
    }
    return has_valid && input.x_valid->rows > 0;
}

StartingPoint BoosterEstimator::starting_point(const FitInput& input) const {
    // The initial prediction: the mean target for regression and the class prior
    // for binary classification (XGBoost 2's estimated intercept); softmax is
    // indifferent to a margin shared by every class. Class indicators start at 1/k.
    const data::Matrix& x = input.x_train;
    StartingPoint out;
    out.shape = FitShape{x.rows, x.cols, 1.0};
    int k = config_.num_classes;
    if (config_.task == Task::regression) {
        double sum = 0;
        for (float v : input.y_train) sum += v;
        out.base_score = sum / static_cast<double>(x.rows);
    } else if (k == 2) {
        double positives = 0;
        for (float v : input.y_train) positives += v;
        out.base_score = std::clamp(positives / static_cast<double>(x.rows), 1e-6, 1.0 - 1e-6);
        if (!frequencies()) out.shape.hessian = out.base_score * (1.0 - out.base_score);
    } else if (frequencies()) {
        out.base_score = 1.0 / k;
    } else {
        out.shape.hessian = 2.0 / k * (1.0 - 1.0 / k);
    }
    return out;
}

bool BoosterEstimator::reports_rounds(const Callbacks& callbacks) const {
    // Per-round metrics are log loss based; frequency leaves report no rounds.
    return iterative_ && static_cast<bool>(callbacks.on_round) && !frequencies();
}

void BoosterEstimator::fit(const FitInput& input, const Callbacks& callbacks) {
    bool has_valid = check_input(input);
    ShardRole whole{starting_point(input), has_valid, reports_rounds(callbacks)};
    boost(input, whole, callbacks);
}

void BoosterEstimator::fit_shard(const FitInput& shard, const ShardRole& role, const Callbacks& callbacks) {
    check_input(shard);
    if (role.has_valid && (shard.x_valid == nullptr || shard.y_valid == nullptr))
        throw Error(ErrorKind::internal, "shape_mismatch", "a shard of a fit with validation rows has no validation matrix");
    boost(shard, role, callbacks);
}

// Objective, evaluation metrics, base score and the plan's parameters.
void BoosterEstimator::configure(void* handle, const ShardRole& role, const BoosterPlan& plan, bool with_auc) const {
    apply_runtime_params(handle);
    set_param(handle, "seed", std::to_string(seed_of(config_) & 0x7fffffffffffffffULL));
    int k = config_.num_classes;
    if (config_.task == Task::regression || frequencies()) {
        set_param(handle, "objective", "reg:squarederror");
        if (role.report)
            for (const char* m : {"rmse", "mae"}) set_param(handle, "eval_metric", m);
    } else if (k == 2) {
        set_param(handle, "objective", "binary:logistic");
        if (role.report) {
            // AUC sorts the rows every round: only on validation rows, where
            // early stopping or pruning may ask for it.
            set_param(handle, "eval_metric", "logloss");
            set_param(handle, "eval_metric", "error");
            if (with_auc) set_param(handle, "eval_metric", "auc");
        }
    } else {
        set_param(handle, "objective", "multi:softprob");
        set_param(handle, "num_class", std::to_string(k));
        if (role.report)
            for (const char* m : {"mlogloss", "merror"}) set_param(handle, "eval_metric", m);
    }
    set_param(handle, "base_score", format_double(role.start.base_score));
    for (const auto& [name, value] : plan.params) set_param(handle, name, value);
}

void BoosterEstimator::boost(const FitInput& input, const ShardRole& role, const Callbacks& callbacks) {
    booster_.reset();
    ensemble_.reset();
    best_iteration_ = -1;
    num_features_ = 0;
    auto cancelled = [&] { return callbacks.cancelled && callbacks.cancelled(); };
    if (cancelled()) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");

    const data::Matrix& x = input.x_train;
    int k = config_.num_classes;
    BoosterPlan plan = plan_(config_, role.start.shape);
    int threads = thread_count(config_);
    std::size_t indicators = frequencies() && k > 2 ? static_cast<std::size_t>(k) : 0;
    DMatrixPtr dtrain = make_dmatrix(x, input.y_train, threads, indicators);
    DMatrixPtr dvalid;
    if (role.has_valid) dvalid = make_dmatrix(*input.x_valid, *input.y_valid, threads, indicators);
    std::vector<DMatrixHandle> cached{dtrain.get()};
    if (dvalid) cached.push_back(dvalid.get());

    BoosterHandle handle = nullptr;
    check_fit(XGBoosterCreate(cached.data(), cached.size(), &handle), "cannot create the booster");
    BoosterPtr booster(handle);
    configure(handle, role, plan, dvalid != nullptr);

    // Per round, one set is evaluated: the validation rows when there are some
    // (what early stopping, pruning and the history read), else the training rows.
    // Evaluating both cost a study about a third of its time. Metrics no one acts on
    // only inform, so they are taken on kInformativeEvaluations rounds at most,
    // evenly spaced and always the last: every round cost a 200-round fit a fifth
    // of its time.
    DMatrixHandle evaluated[] = {dvalid ? dvalid.get() : dtrain.get()};
    const char* names[] = {dvalid ? "val" : "train"};
    constexpr int kInformativeEvaluations = 20;
    bool every_round = dvalid && callbacks.metrics_every_round;
    int stride = every_round ? 1 : std::max(1, (plan.rounds + kInformativeEvaluations - 1) / kInformativeEvaluations);
    int done = 0;
    int best = -1;
    for (int round = 0; round < plan.rounds; ++round) {
        if (cancelled()) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
        check_fit(XGBoosterUpdateOneIter(handle, round, dtrain.get()), "boosting round " + std::to_string(round));
        done = round + 1;
        if (!role.report) continue;
        RoundReport r;
        r.round = round;
        r.total_rounds = plan.rounds;
        if ((round + 1) % stride == 0 || round + 1 == plan.rounds) {
            const char* text = nullptr;
            check_fit(XGBoosterEvalOneIter(handle, round, evaluated, names, 1, &text),
                      "evaluating round " + std::to_string(round));
            r.metrics = ordered_metrics(parse_evaluation(text));
        }
        RoundDecision d = callbacks.on_round(r);
        if (d.best_round >= 0) best = std::min(d.best_round, round);
        if (d.stop) break;
    }
    if (cancelled()) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    keep(std::move(booster), best, done, x.cols);
}

void BoosterEstimator::keep(BoosterPtr booster, int best, int done, std::size_t features) {
    // Keep rounds 0..best only: the model in memory, the saved one and a reload all
    // predict alike, and exactly as a model trained for best + 1 rounds.
    if (best >= 0 && best + 1 < done) {
        BoosterHandle sliced = nullptr;
        check(XGBoosterSlice(booster.get(), 0, best + 1, 1, &sliced), ErrorKind::internal, "training_failed",
              "keeping the best rounds");
        booster = BoosterPtr(sliced);
        apply_runtime_params(sliced);
    }
    check(XGBoosterSetAttr(booster.get(), kBestAttr, std::to_string(best).c_str()), ErrorKind::internal,
          "training_failed", "recording the best round");
    check(XGBoosterSetAttr(booster.get(), kTaskAttr, std::string(to_string(config_.task)).c_str()),
          ErrorKind::internal, "training_failed", "recording the task");
    booster_ = std::move(booster);
    num_features_ = features;
    best_iteration_ = best;
    build_ensemble();
}

void BoosterEstimator::build_ensemble() {
    ensemble_.reset();
    bst_ulong len = 0;
    const char* text = nullptr;
    // Without the model's text, prediction stays with XGBoost.
    if (XGBoosterSaveModelToBuffer(booster_.get(), "{\"format\": \"json\"}", &len, &text) != 0) return;
    // Only a model with the shape predictions are checked against may replace XGBoost.
    auto ensemble = TreeEnsemble::from_json(std::string_view(text, len));
    if (ensemble && ensemble->outputs() == outputs_per_row() && ensemble->features() == num_features_)
        ensemble_ = std::move(ensemble);
}

void BoosterEstimator::check_fitted() const {
    if (!booster_)
        throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
}

std::vector<float> BoosterEstimator::raw_predict(const data::Matrix& x) const {
    check_fitted();
    if (x.cols != num_features_)
        throw Error(ErrorKind::data, "feature_count_mismatch",
                    "the model takes " + std::to_string(num_features_) + " features, the input has " +
                        std::to_string(x.cols));
    if (x.data.size() != x.rows * x.cols)
        throw Error(ErrorKind::internal, "shape_mismatch", "the input matrix holds fewer values than rows * cols");
    if (x.rows == 0) return {};
    if (ensemble_ && x.rows <= kNativeRows) {
        std::vector<float> out(x.rows * ensemble_->outputs());
        ensemble_->predict(x.data.data(), x.rows, x.cols, out.data());
        return out;
    }
    // iteration_end 0 = every round in the model (sliced to the best ones after
    // early stopping); cache_id is required by XGBoost 1.7's parser.
    static const char* config =
        "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,"
        "\"missing\":NaN,\"cache_id\":0}";
    const bst_ulong* out_shape = nullptr;
    bst_ulong out_dim = 0;
    const float* out = nullptr;
    check(XGBoosterPredictFromDense(booster_.get(), array_interface(x.data.data(), x.rows, x.cols).c_str(), config,
                                    nullptr, &out_shape, &out_dim, &out),
          ErrorKind::data, "prediction_failed", "prediction");
    std::size_t n = 1;
    for (bst_ulong i = 0; i < out_dim; ++i) n *= out_shape[i];
    if (n != x.rows * outputs_per_row())
        throw Error(ErrorKind::internal, "prediction_failed",
                    "XGBoost returned " + std::to_string(n) + " values for " + std::to_string(x.rows) + " rows");
    // The buffer belongs to XGBoost's per-thread state: copy before the next call.
    return std::vector<float>(out, out + n);
}

std::vector<double> BoosterEstimator::predict(const data::Matrix& x) const {
    if (config_.task == Task::regression) {
        std::vector<float> raw = raw_predict(x);
        return std::vector<double>(raw.begin(), raw.end());
    }
    return predict_with_proba(x).values;
}

Prediction BoosterEstimator::predict_with_proba(const data::Matrix& x) const {
    Prediction out;
    if (config_.task == Task::regression) {
        out.values = predict(x);
        return out;
    }
    out.proba = predict_proba(x);
    out.values = most_probable_classes(out.proba, x.rows, config_.num_classes);
    return out;
}

std::vector<double> BoosterEstimator::predict_proba(const data::Matrix& x) const {
    if (config_.task != Task::classification) return Estimator::predict_proba(x);
    return proba_from_raw(raw_predict(x), x.rows);
}

std::vector<double> BoosterEstimator::proba_from_raw(const std::vector<float>& raw, std::size_t rows) const {
    std::size_t k = config_.num_classes;
    std::vector<double> out(rows * k);
    if (k == 2) {
        for (std::size_t i = 0; i < rows; ++i) {
            // Averaged class shares can stray past [0, 1] by a rounding error.
            double p = std::clamp<double>(raw[i], 0.0, 1.0);
            out[2 * i] = 1.0 - p;
            out[2 * i + 1] = p;
        }
        return out;
    }
    // softprob sums to 1 in float, and per-class shares from separate trees only
    // nearly: renormalise so rows sum to 1 in double.
    for (std::size_t i = 0; i < rows; ++i) {
        double sum = 0;
        for (std::size_t c = 0; c < k; ++c) sum += std::max<double>(raw[i * k + c], 0.0);
        for (std::size_t c = 0; c < k; ++c)
            out[i * k + c] = sum > 0 ? std::max<double>(raw[i * k + c], 0.0) / sum : 1.0 / static_cast<double>(k);
    }
    return out;
}

std::vector<double> BoosterEstimator::feature_importances() const {
    check_fitted();
    bst_ulong n = 0, dim = 0;
    const char** names = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    check(XGBoosterFeatureScore(booster_.get(), "{\"importance_type\":\"total_gain\"}", &n, &names, &dim, &shape,
                                &scores),
          ErrorKind::internal, "feature_importance_failed", "feature importances");
    std::vector<double> out(num_features_, 0.0);
    double total = 0;
    // Features without names are called f0, f1, ... by XGBoost; unused ones are absent.
    for (bst_ulong i = 0; i < n; ++i) {
        std::string_view name = names[i];
        if (name.size() < 2 || name[0] != 'f') continue;
        std::size_t index = std::strtoull(name.data() + 1, nullptr, 10);
        if (index >= out.size()) continue;
        out[index] += scores[i];
        total += scores[i];
    }
    if (!(total > 0)) return {};
    for (auto& v : out) v /= total;
    return out;
}

int BoosterEstimator::rounds() const {
    check_fitted();
    int r = 0;
    check(XGBoosterBoostedRounds(booster_.get(), &r), ErrorKind::internal, "model_error", "counting rounds");
    return r;
}

std::vector<std::string> BoosterEstimator::save(const std::filesystem::path& dir) const {
    check_fitted();
    std::string path = (dir / kModelFile).string();
    check(XGBoosterSaveModel(booster_.get(), path.c_str()), ErrorKind::io, "model_save_failed",
          "cannot write " + path);
    return {kModelFile};
}

void BoosterEstimator::load(const std::filesystem::path& dir) {
    std::filesystem::path path = dir / kModelFile;
    if (!std::filesystem::is_regular_file(path))
        throw Error(ErrorKind::not_found, "model_not_found", "no model file " + path.string());
    BoosterHandle handle = nullptr;
    check(XGBoosterCreate(nullptr, 0, &handle), ErrorKind::internal, "model_load_failed", "cannot create a booster");
    BoosterPtr booster(handle);
    check(XGBoosterLoadModel(handle, path.string().c_str()), ErrorKind::data, "model_load_failed",
          "cannot read " + path.string());
    apply_runtime_params(handle);

    // The model must be what the configuration says: its objective and classes.
    bst_ulong len = 0;
    const char* text = nullptr;
    check(XGBoosterSaveJsonConfig(handle, &len, &text), ErrorKind::internal, "model_load_failed",
          "reading the model's configuration");
    auto saved = nlohmann::json::parse(std::string_view(text, len), nullptr, false);
    std::string objective, want;
    int classes = 0;
    if (!saved.is_discarded()) {
        const auto& learner = saved["learner"];
        objective = learner["objective"].value("name", "");
        const auto& model = learner["learner_model_param"];
        classes = std::atoi(model.value("num_class", "0").c_str());
        // Class indicators are regression targets: count them as classes.
        if (classes == 0) classes = std::atoi(model.value("num_target", "1").c_str());
        if (classes == 1) classes = 0;
    }
    int want_classes = 0;
    if (config_.task == Task::regression) {
        want = "reg:squarederror";
    } else if (frequencies()) {
        want = "reg:squarederror";
        if (config_.num_classes > 2) want_classes = config_.num_classes;
    } else if (config_.num_classes == 2) {
        want = "binary:logistic";
    } else {
        want = "multi:softprob";
        want_classes = config_.num_classes;
    }
    const char* task = nullptr;
    int has_task = 0;
    check(XGBoosterGetAttr(handle, kTaskAttr, &task, &has_task), ErrorKind::data, "model_load_failed",
          "reading " + path.string());
    std::string saved_task = has_task && task ? task : "";  // empty in models hone did not write
    std::string want_task(to_string(config_.task));
    if (objective != want || classes != want_classes || (!saved_task.empty() && saved_task != want_task))
        throw Error(ErrorKind::data, "model_mismatch",
                    path.string() + " holds a " + (saved_task.empty() ? "" : saved_task + " ") +
                        "model with objective '" + objective + "'" +
                        (classes ? " and " + std::to_string(classes) + " classes" : "") + ", expected a " +
                        want_task + " model with objective '" + want + "'" +
                        (want_classes ? " and " + std::to_string(want_classes) + " classes" : ""));

    bst_ulong features = 0;
    check(XGBoosterGetNumFeature(handle, &features), ErrorKind::data, "model_load_failed", "reading " + path.string());
    const char* best = nullptr;
    int success = 0;
    check(XGBoosterGetAttr(handle, kBestAttr, &best, &success), ErrorKind::data, "model_load_failed",
          "reading " + path.string());
    booster_ = std::move(booster);
    num_features_ = features;
    best_iteration_ = success && best ? std::atoi(best) : -1;
    build_ensemble();
}

}  // namespace hone::models::xgb

namespace hone::models {

std::string xgboost_version() {
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace hone::models
