#pragma once
// The one epoch loop every neural model trains through: seeded shuffling with its
// own random generator, batches, the optimizer step, L1/L2 penalties, gradient
// clipping, the learning-rate scheduler, per-epoch reports and the trainer's
// decisions (stop, best round, restoring that round's weights), scikit-learn's
// own stopping (tol / n_iter_no_change), cancellation between batches, and
// checkpoints of all of it. A model supplies its module, its forward pass, its
// loss and how to score outputs; nothing else.
//
// Includes torch: only src/models/torch/ and its tests include this header.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/estimator.hpp"
#include "models/torch/data_parallel.hpp"
#include "models/torch/parts.hpp"
#include "models/torch/schedulers.hpp"

namespace hone::models::torch_nn {

// Rows to train on. y holds int64 class indices or float values, as the loss
// reads them; weights (per row) may be undefined; the validation rows too.
struct TrainingData {
    torch::Tensor x, y, weights;
    torch::Tensor x_valid, y_valid;
};

// What a model hands the loop.
struct LoopModel {
    std::shared_ptr<torch::nn::Module> module;
    // Outputs of a batch; the loop sets the module's training mode first.
    std::function<torch::Tensor(const torch::Tensor& x)> forward;
    Loss loss;
    // The weights L1 and L2 penalise (not biases, not batch norm's).
    std::vector<torch::Tensor> penalized;
    // Metrics of outputs against targets, without prefix: {"loss": log loss for
    // classifiers, mse for regressors, then "accuracy" or "rmse"}.
    std::function<Json(const torch::Tensor& output, const torch::Tensor& y)> metrics;
    // scikit-learn's score (accuracy, R²): higher is better.
    std::function<double(const torch::Tensor& output, const torch::Tensor& y)> score;
    // The generator the forward pass draws from (dropout); saved with the state.
    // May be undefined.
    at::Generator generator;
    // Optional: new training rows before each epoch, drawn from the loop's own
    // generator (so a checkpoint resumes them), as a recommender samples new
    // negatives each epoch. It must keep the number of rows, which the
    // learning-rate schedule counted its steps by.
    std::function<void(TrainingData& data, std::mt19937_64& rng)> resample;
    // Optional: the epoch's validation metrics (without the "val_" prefix the
    // loop adds), for models whose validation is not outputs against targets,
    // such as a recommender's ranking of held-out items. Replaces `metrics` on
    // the validation rows; called in evaluation mode without gradients.
    std::function<Json()> validate;
};

struct LoopSettings {
    int epochs = 200;
    int batch_size = 200;  // clipped to the training rows
    bool shuffle = true;   // shuffle the rows before every epoch
    // A last batch smaller than this joins the one before (batch norm needs 2 rows).
    int min_batch_rows = 1;
    std::string optimizer = "adam";
    OptimizerOptions optimizer_options;
    std::string scheduler = "none";
    // The loop fills in base_lr (optimizer_options.lr), epochs and steps_per_epoch.
    SchedulerOptions scheduler_options;
    // Penalties scaled as scikit-learn scales alpha: l2 / 2 * sum(w²) / batch rows,
    // and l1 * sum(|w|) / batch rows, added to the batch's loss.
    double l1 = 0, l2 = 0;
    double gradient_clip = 0;  // largest L2 norm of all gradients together; 0 = no clipping
    std::uint64_t seed = 42;
    // scikit-learn's stopping, when the caller does not act on every round's
    // metrics (Callbacks::metrics_every_round): stop once the training loss (or,
    // with early_stopping, the score on a validation_fraction of the training
    // rows held out) has not improved by tol for more than n_iter_no_change epochs.
    double tol = 1e-4;
    int n_iter_no_change = 10;
    bool early_stopping = false;
    double validation_fraction = 0.1;
    // Classifiers: hold out each class's share of the rows, as scikit-learn's
    // MLPClassifier does, so that a rare class is in the held-out rows too.
    bool stratify_holdout = false;
    // Training over processes (see DataParallel): rank 0's initial weights go to
    // every rank; each takes rows r, r + W, r + 2W, ... of every batch (the
    // batches themselves the same on every rank: the same seed shuffles them);
    // the gradients, each weighted by its rows' share of the batch's loss, are
    // summed over the ranks before the step, which is then the single process's
    // step up to float rounding. Rank 0 alone computes the epoch's metrics and
    // decides (stop, best round, the scheduler's metric); the others follow.
    // Dropout draws differ per rank, and batch norm normalizes each rank's rows
    // (as PyTorch's DistributedDataParallel without SyncBatchNorm).
    DataParallel data_parallel;
};

class EpochLoop {
public:
    // Builds the optimizer and scheduler; holds out early_stopping's rows.
    // hone::Error(validation) for settings that cannot train these rows.
    EpochLoop(LoopModel model, LoopSettings settings, TrainingData data);

    // Trains until every epoch is done, a stop (the caller's or scikit-learn's),
    // or `until_epoch` epochs done in all (-1: no such limit; for checkpoints).
    // Throws hone::Error(cancelled) when callbacks.cancelled() turns true (checked
    // between batches), hone::Error(data, "training_diverged") naming the epoch
    // when the loss is not finite. When it finishes or stops, the module holds the
    // kept epoch's weights (best_epoch()) and is in evaluation mode.
    void run(const Callbacks& callbacks, int until_epoch = -1);

    int epochs_done() const { return epoch_; }
    // Whether this process reports and writes: alone, or rank 0 of a group.
    bool lead() const { return !group_ || group_->rank() == 0; }
    // The targets of early_stopping's held-out rows (undefined without it).
    const torch::Tensor& held_out_targets() const { return y_holdout_; }
    int total_epochs() const { return settings_.epochs; }
    bool finished() const { return finished_; }
    // The epoch whose weights were restored (the caller's best round, or
    // scikit-learn's best validation score), or -1 when the last epoch is kept.
    int best_epoch() const { return best_epoch_; }
    // One object per epoch: {"epoch", "metrics"} as reported.
    const Json& history() const { return history_; }

    // Everything run() needs to go on exactly where it stopped: weights, optimizer,
    // scheduler, both random generators, epoch, history, stopping counters, the
    // best epoch's weights. Written atomically (temporary file, fsync, rename).
    void save_state(const std::filesystem::path& file) const;
    // Reads what save_state wrote, into a loop built with the same model shape,
    // settings and data. hone::Error(not_found / data) when it cannot.
    void load_state(const std::filesystem::path& file);

private:
    struct EpochStats {
        double loss = 0, gradient_norm = 0;
    };
    // What the lead decides after an epoch, which every rank follows.
    struct EpochOutcome {
        double scheduler_metric = 0;
        bool keep_weights = false;  // this epoch's weights are the best so far
        bool stop = false;
    };
    EpochStats train_epoch(const Callbacks& callbacks);
    EpochOutcome conclude_epoch(const EpochStats& stats, const Callbacks& callbacks);
    void share_outcome(EpochOutcome& outcome);
    torch::Tensor batch_loss(const torch::Tensor& rows, std::int64_t batch_rows);
    double shared_batch_loss(const torch::Tensor& rows, bool cancelled, std::size_t batch);
    torch::Tensor flat_gradients(double loss, bool cancelled) const;
    void take_gradients(const torch::Tensor& flat);
    void join_group();
    void decorrelate_dropout();
    double add_l2_penalty(std::int64_t rows);
    double step_gradients(bool measure);
    Json epoch_metrics(const EpochStats& stats);
    bool own_stop(const EpochStats& stats, bool& keep_weights);
    void snapshot_best(int epoch);
    void restore_best();
    // [first, last) rows of each batch of an epoch, in shuffled order.
    std::vector<std::pair<std::int64_t, std::int64_t>> batch_bounds() const;
    std::vector<std::int64_t> shuffled_rows();
    void hold_out_validation();
    void resample_rows();
    void stratify(std::vector<std::int64_t>& order, std::int64_t held) const;

    LoopModel model_;
    LoopSettings settings_;
    TrainingData data_;
    torch::Tensor x_holdout_, y_holdout_;  // scikit-learn's early_stopping rows
    std::vector<torch::Tensor> parameters_;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::unique_ptr<LrScheduler> scheduler_;
    std::mt19937_64 rng_;
    int epoch_ = 0;
    bool finished_ = false;
    Json history_ = Json::array();
    // scikit-learn's counters (_no_improvement_count, best_loss_, best_validation_score_)
    double best_loss_ = INFINITY, best_score_ = -INFINITY;
    int no_improvement_ = 0;
    int best_epoch_ = -1;      // the epoch of best_weights_, or -1
    std::vector<torch::Tensor> best_weights_;
    std::unique_ptr<ProcessGroup> group_;  // with data_parallel over more than one process
};

// libtorch's intra-op threads for a fit: `threads`, or every core for 0.
void use_threads(unsigned threads);

// A model's seed: its random_state when given, else the job's (config.seed).
std::uint64_t seed_of(const EstimatorConfig& config);

// `module`'s parameters and buffers in libtorch's format, written atomically
// (a temporary file, fsync, rename).
void save_module_atomically(const torch::nn::Module& module, const std::filesystem::path& file);

// Clones of every parameter and buffer of `module`, and the way back.
std::vector<torch::Tensor> copy_state(const torch::nn::Module& module);
void restore_state(torch::nn::Module& module, const std::vector<torch::Tensor>& state);

// Runs `loop` with checkpoints (EstimatorConfig::checkpoints) into ck.dir,
// `module` being the loop's: with ck.resume it first loads latest.pt when
// there is one and replays its epochs to callbacks.on_round
// (RoundReport::replayed); it writes latest.pt every ck.every_n_epochs epochs
// and best.pt (the kept epoch's weights) at the end. Without ck.dir, just
// loop.run(callbacks).
void run_with_checkpoints(EpochLoop& loop, const torch::nn::Module& module, const CheckpointConfig& ck,
                          const Callbacks& callbacks);

}  // namespace hone::models::torch_nn
