#pragma once
// One Estimator on XGBoost's C API, shared by every tree algorithm of the catalog
// (xgboost, gradient_boosting, lightgbm, random_forest, decision_tree). The
// algorithms differ only in how their declared hyperparameters become XGBoost
// parameters: a BoosterPlan made at fit time, when the data's shape is known.
//
// The estimator owns the objective (binary:logistic, multi:softprob with
// num_class, reg:squarederror; see ClassLeaves), the initial prediction
// (base_score), the evaluation metrics, threads (the n_jobs hyperparameter when
// set, else EstimatorConfig::threads) and seed (random_state when set, else
// EstimatorConfig::seed); a plan must not set those, except base_score.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/estimator.hpp"
#include "models/xgboost/tree_ensemble.hpp"

namespace hone::models::xgb {

// What a plan may depend on besides the parameters: the training data's shape and
// the loss's second derivative per row at the initial prediction. Trees see sums of
// these hessians, so a minimum number of rows per leaf (scikit-learn's
// min_samples_leaf) is `rows * hessian` in XGBoost's min_child_weight. The hessian
// is the same for every row at the first round: 1 for squared error (also on class
// indicators), p(1 - p) for binary log loss at the prior p, 2/k (1 - 1/k) for
// XGBoost's softmax over k classes.
struct FitShape {
    std::size_t rows = 0;
    std::size_t features = 0;
    double hessian = 1.0;
};

// XGBoost parameters (name, value) in the order they are set, and the number of
// boosting rounds.
struct BoosterPlan {
    std::vector<std::pair<std::string, std::string>> params;
    int rounds = 1;
};

// Where boosting starts: the initial prediction (base_score) and the shape a plan
// reads. A distributed fit computes it once on every training row and gives it
// to each worker, so that each starts where one process on all rows would.
struct StartingPoint {
    double base_score = 0.5;
    FitShape shape;
};

// How a fit on one worker's rows takes part in a distributed fit
// (distributed.hpp): every worker must make the same collective calls, so
// whether rounds are evaluated and reported is decided once for all of them.
struct ShardRole {
    StartingPoint start;     // of every training row
    bool has_valid = false;  // rounds are evaluated on validation rows (rank 0 holds them all, the others none)
    bool report = false;     // rounds are evaluated and given to callbacks.on_round
};

using PlanFn = std::function<BoosterPlan(const EstimatorConfig&, const FitShape&)>;

// What a classifier's leaves hold, and so where its probabilities come from.
enum class ClassLeaves {
    // Boosting on log loss (binary:logistic, multi:softprob): leaves hold log-odds
    // steps, probabilities are the sigmoid / softmax of their sum.
    log_odds,
    // Squared error on class indicators (one regression target per class beyond
    // two): a leaf holds the share of each class among its rows, and probabilities
    // are those shares averaged over the trees, as scikit-learn's forests and trees
    // give them. On indicators, squared-error splits are Gini impurity splits. Meant
    // for one-round models (forests, single trees).
    frequencies,
};

// XGBoost's handle, freed on destruction.
struct BoosterDeleter {
    void operator()(void* handle) const;
};
using BoosterPtr = std::unique_ptr<void, BoosterDeleter>;

class BoosterEstimator final : public Estimator {
public:
    // `iterative`: boosting (reports each round to callbacks.on_round and honours
    // its decisions) or a single-round model (forest, tree) that reports nothing.
    BoosterEstimator(EstimatorConfig config, PlanFn plan, bool iterative,
                     ClassLeaves leaves = ClassLeaves::log_odds);

    void fit(const FitInput& input, const Callbacks& callbacks) override;

    // Where a fit on `input` starts (what fit() uses).
    StartingPoint starting_point(const FitInput& input) const;
    // Whether a fit with these callbacks evaluates and reports its rounds.
    bool reports_rounds(const Callbacks& callbacks) const;
    // One worker's part of a distributed fit, inside XGBoost's collective
    // (XGCommunicatorInit done): its training rows, and validation rows (rank
    // 0: all of them; others: none, an empty matrix) when role.has_valid.
    // Histograms, quantile sketches and metrics are summed over the workers by
    // XGBoost, so every worker ends with the same model.
    void fit_shard(const FitInput& shard, const ShardRole& role, const Callbacks& callbacks);

    // Safe to call concurrently from several threads on one fitted or loaded
    // model (XGBoost's in-place prediction keeps its buffers per thread; the native
    // TreeEnsemble is read-only). Batches of up to kNativeRows rows go through the
    // TreeEnsemble when the model has one, larger ones through XGBoost's threads:
    // both give the same floats.
    std::vector<double> predict(const data::Matrix& x) const override;
    std::vector<double> predict_proba(const data::Matrix& x) const override;
    bool has_proba() const override { return config_.task == Task::classification; }
    // A classifier's classes are the argmax of its probabilities: computed once.
    Prediction predict_with_proba(const data::Matrix& x) const override;

    // Largest batch predicted natively, on the calling thread; larger batches go to
    // XGBoost's predictor, which uses every core.
    static constexpr std::size_t kNativeRows = 1024;
    // True when the fitted or loaded model is predicted natively (TreeEnsemble);
    // false when it uses something TreeEnsemble does not support.
    bool native_prediction() const { return ensemble_.has_value(); }
    // The trees hone predicts with (after early stopping, rounds 0..best_iteration
    // only), or nullptr when native_prediction() is false.
    const TreeEnsemble* ensemble() const { return ensemble_ ? &*ensemble_ : nullptr; }

    // Total gain per feature, normalised to sum 1; empty when no tree has a split.
    std::vector<double> feature_importances() const override;

    bool iterative() const override { return iterative_; }
    int best_iteration() const override { return best_iteration_; }

    // Writes model.json (XGBoost's JSON model, exact for every float): after early
    // stopping it holds only rounds 0..best_iteration, so a reload predicts what
    // the fitted model predicts.
    std::vector<std::string> save(const std::filesystem::path& dir) const override;
    void load(const std::filesystem::path& dir) override;

    // Rounds in the model (after early stopping: best_iteration + 1).
    int rounds() const;

private:
    // XGBoost's raw output: rows values, or rows * num_classes for multi-class.
    std::vector<float> raw_predict(const data::Matrix& x) const;
    // Rows * num_classes probabilities from raw_predict's output.
    std::vector<double> proba_from_raw(const std::vector<float>& raw, std::size_t rows) const;
    // The TreeEnsemble of booster_, or nothing when it is unsupported. Never throws.
    void build_ensemble();
    void apply_runtime_params(void* handle) const;
    // Checks the input; true when it has validation rows.
    bool check_input(const FitInput& input) const;
    void configure(void* handle, const ShardRole& role, const BoosterPlan& plan, bool with_auc) const;
    void boost(const FitInput& input, const ShardRole& role, const Callbacks& callbacks);
    // Makes `booster` (rounds 0..best when best >= 0) the fitted model.
    void keep(BoosterPtr booster, int best, int done, std::size_t features);
    void check_fitted() const;
    // Values per row in the raw output: 1, or num_classes for multi-class.
    std::size_t outputs_per_row() const;
    bool frequencies() const { return leaves_ == ClassLeaves::frequencies && config_.task == Task::classification; }

    PlanFn plan_;
    bool iterative_;
    ClassLeaves leaves_;
    BoosterPtr booster_;
    std::optional<TreeEnsemble> ensemble_;
    std::size_t num_features_ = 0;
    int best_iteration_ = -1;
};

}  // namespace hone::models::xgb
