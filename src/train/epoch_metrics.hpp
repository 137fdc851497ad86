#pragma once
// The training-service API's per-epoch training metrics, from the rounds an
// iterative estimator reports (boosting rounds count as epochs):
//
//   epoch, total_epochs, progress (0..1),
//   training_loss, validation_loss, best_loss, best_epoch (1-based; the best
//     validation loss, else training loss, so far),
//   accuracy, precision, recall, f1_score (classifiers) or rmse, r2
//     (regressors): validation values, else training ones, null when the
//     estimator does not report them; hr@K and ndcg@K (recommenders: the
//     validation items' ranking, for each K),
//   learning_rate, gradient_norm (the L2 norm of all gradients on the epoch's
//     last batch, before clipping; null when the estimator has none),
//   epoch_seconds, eta_seconds, resource_usage (common/resources.hpp).
//
// Rounds that carry no metrics (boosting takes them on some rounds only) keep
// the latest values seen.
#include <chrono>

#include <nlohmann/json.hpp>

#include "common/resources.hpp"
#include "common/task.hpp"
#include "models/estimator.hpp"

namespace hone::train {

class EpochTracker {
public:
    explicit EpochTracker(Task task);
    // Starts the clock again: the first round is timed from here, not from
    // construction (what comes before the fit, such as loading libtorch, is
    // not the first epoch's).
    void start();
    // The metrics as of round `report`, timed since the previous call (or
    // start(), or construction).
    nlohmann::ordered_json on_round(const models::RoundReport& report);

private:
    void remember(const nlohmann::ordered_json& metrics);
    nlohmann::ordered_json reported(const char* name) const;  // val_<name>, else train_<name>, else null

    Task task_;
    ResourceMonitor resources_;
    nlohmann::ordered_json resource_usage_;  // the latest sample
    std::chrono::steady_clock::time_point sampled_;
    std::chrono::steady_clock::time_point started_, last_;
    nlohmann::ordered_json latest_ = nlohmann::ordered_json::object();
    double best_loss_ = 0;
    int best_epoch_ = 0;  // 0 = none yet
};

}  // namespace hone::train
