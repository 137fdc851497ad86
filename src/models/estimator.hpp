#pragma once
// The one interface every algorithm implements, whatever library is behind it.
//
// Contract: the trainer hands an estimator preprocessed, dense features
// (data::Matrix) and numeric targets: class indices 0..k-1 for classification
// (k = num_classes >= 2), real values for regression. An estimator never sees
// column names, strings or nulls, and never touches the registry: it saves its
// model, in its library's own format, into a directory the caller gives it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/task.hpp"
#include "data/matrix.hpp"
#include "models/quantize.hpp"

namespace hone::models {

using Json = nlohmann::ordered_json;

using hone::Task;
using hone::to_string;

// What one fit gets. Validation data is optional; iterative models report
// validation metrics per round only when it is given.
struct FitInput {
    const data::Matrix& x_train;
    const std::vector<float>& y_train;
    const data::Matrix* x_valid = nullptr;
    const std::vector<float>* y_valid = nullptr;
};

// One boosting round or epoch, as an iterative estimator reports it. Metric keys
// are "val_<m>" when validation data is given, else "train_<m>", with <m> one of:
// loss (log loss for classifiers, mse for regressors), accuracy, auc (validation
// only), rmse, mae. Unless Callbacks::metrics_every_round asks for validation
// metrics on every round, they may be taken on some rounds only; the others
// report progress with no metrics.
struct RoundReport {
    int round = 0;         // 0-based
    int total_rounds = 0;  // the most rounds this fit will run
    Json metrics = Json::object();
    // A round trained before a resume, reported again from the checkpoint's
    // history so the caller's early stopping and history are rebuilt as they
    // were; its decision is honoured as for a live round.
    bool replayed = false;
};

// The trainer's answer to a round: go on or stop, and which round is best so far
// (the model keeps rounds 0..best_round when it stops or finishes; -1 = all).
struct RoundDecision {
    bool stop = false;
    int best_round = -1;
};

struct Callbacks {
    std::function<RoundDecision(const RoundReport&)> on_round;  // may be empty
    std::function<bool()> cancelled;                            // may be empty; checked every round
    // Whether the caller acts on every round's validation metrics (early stopping,
    // pruning). Otherwise metrics only inform, and an estimator may take them on
    // some rounds only: evaluating every round is a fifth of a boosting fit.
    bool metrics_every_round = false;
};

// Checkpoints of a model trained by epochs (catalog entries marked
// `checkpoints`; others ignore this). The latest state (weights, optimizer,
// scheduler, random generator, epoch, history) is written every
// `every_n_epochs` epochs and the best epoch's weights when they improve, each
// atomically (a temporary file, fsync, rename), into `dir`. With `resume`, a
// fit starts from the latest state in `dir` when there is one: it first
// reports the epochs already trained (RoundReport::replayed), then goes on, and
// ends with the same weights as a fit that was never interrupted (same seed,
// same threads).
struct CheckpointConfig {
    std::filesystem::path dir;  // empty: no checkpoints
    int every_n_epochs = 1;
    bool save_best = true;
    bool save_latest = true;
    bool resume = false;
};

// Data-parallel training of a neural model (the libtorch epoch loop; others
// ignore this): `world_size` processes on this machine, each `rank` computing
// the gradients of its share of every batch, summed over Gloo on the loopback
// device, so that each step is the step one process would take on the whole
// batch. Rank 0 alone reports metrics and writes checkpoints and the model.
// world_size 1 trains alone, with no process group.
struct DataParallel {
    int rank = 0;
    int world_size = 1;
    // Where the ranks meet: "tcp://127.0.0.1:PORT" (rank 0 serves it) or
    // "file:///path" (a file no earlier group has used).
    std::string rendezvous;
    // How long a rank waits for the others, to meet and in every exchange,
    // before it fails rather than hangs.
    std::chrono::seconds timeout{60};

    bool distributed() const { return world_size > 1; }
};

// Everything an estimator is constructed from. `params` are already validated and
// complete (defaults filled, aliases resolved) by the catalog.
struct EstimatorConfig {
    Task task = Task::classification;
    int num_classes = 0;  // >= 2 for classification, 0 for regression
    Json params = Json::object();
    unsigned threads = 0;  // 0 = all cores
    std::uint64_t seed = 42;
    CheckpointConfig checkpoints;
    DataParallel data_parallel;
};

// Both answers of one prediction call (see Estimator::predict_with_proba).
struct Prediction {
    std::vector<double> values;  // as predict()
    std::vector<double> proba;   // as predict_proba(); empty without has_proba()
};

// Each row's most probable class (ties to the lower index) from rows * k
// probabilities, row-major: predict() for models whose classes are the argmax
// of their probabilities.
std::vector<double> most_probable_classes(const std::vector<double>& proba, std::size_t rows, std::size_t k);

// Writes `j` (indented) to `path`, as models save their small JSON files;
// hone::Error(io, "write_failed") naming the path when it cannot.
void write_json_file(const std::filesystem::path& path, const Json& j);

class Estimator {
public:
    explicit Estimator(EstimatorConfig config) : config_(std::move(config)) {}
    virtual ~Estimator() = default;
    Estimator(const Estimator&) = delete;
    Estimator& operator=(const Estimator&) = delete;

    // Fits from scratch. Throws hone::Error(cancelled) when callbacks.cancelled()
    // turns true, hone::Error(data/validation) for input the library rejects.
    virtual void fit(const FitInput& input, const Callbacks& callbacks) = 0;

    // Class index (classification) or value (regression), one per row.
    virtual std::vector<double> predict(const data::Matrix& x) const = 0;
    // rows * num_classes probabilities, row-major. Only when has_proba().
    virtual std::vector<double> predict_proba(const data::Matrix& x) const;
    virtual bool has_proba() const { return false; }
    // predict() and, when has_proba(), predict_proba() in one call. Estimators whose
    // classes come from their probabilities override it to compute them once; the
    // default calls both (right for models such as SVC, whose classes are not the
    // argmax of their probabilities).
    virtual Prediction predict_with_proba(const data::Matrix& x) const {
        Prediction out;
        out.values = predict(x);
        if (has_proba()) out.proba = predict_proba(x);
        return out;
    }

    // One value per input column, summing to 1, or empty when the model has none.
    virtual std::vector<double> feature_importances() const { return {}; }

    // True for models trained in rounds (boosting); only those report rounds.
    virtual bool iterative() const { return false; }
    // The round kept after early stopping (0-based), or -1.
    virtual int best_iteration() const { return -1; }

    // Stores the fitted weights at `precision` from now on (see quantize.hpp):
    // predictions use the stored weights, save() writes them in that form and
    // load() reads it back. Returns {"precision", "weights": how many were
    // quantized, "max_abs_error": the largest change of one weight}. Intercepts
    // stay in full precision. Algorithms whose catalog entry is `quantizable`
    // implement it; the others throw hone::Error(validation, "not_quantizable").
    virtual Json quantize(Precision precision);

    // Writes the model in the library's own format into `dir` (which exists) and
    // returns the file names written. load() reads what save() wrote.
    virtual std::vector<std::string> save(const std::filesystem::path& dir) const = 0;
    virtual void load(const std::filesystem::path& dir) = 0;

    const EstimatorConfig& config() const { return config_; }

protected:
    EstimatorConfig config_;
};

}  // namespace hone::models
