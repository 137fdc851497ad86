#pragma once
// A run's log (the training-service API's training logs): lines with a time
// and a level, written to the store as they happen, so `hone runs logs RUN`
// and GET /api/training/runs/{id}/logs read them during the run and after.
#include <string>

#include "registry/store.hpp"

namespace hone::train {

class RunLog {
public:
    RunLog(registry::Store& store, std::string run_id) : store_(store), run_id_(std::move(run_id)) {}

    void info(const std::string& message) { write("info", message); }
    void warning(const std::string& message) { write("warning", message); }
    void error(const std::string& message) { write("error", message); }

    // A line now. A line the store cannot take is dropped: a log must not
    // fail the run it describes (the run's own record reports store errors).
    void write(const std::string& level, const std::string& message);

private:
    registry::Store& store_;
    std::string run_id_;
};

// The log of run `run_id` at `min_level` or above (info: every line; warning;
// error), as the CLI and the HTTP API both answer it: [{"timestamp", "level",
// "message"}, ...]. A run the store does not hold: hone::Error(not_found,
// "run_not_found"); another level: hone::Error(validation, "invalid_level").
nlohmann::ordered_json run_logs(registry::Store& store, const std::string& run_id, const std::string& min_level = "info");

// "epoch 10/100: training_loss 0.412, validation_loss 0.455, accuracy 0.81
// (0.02 s)": one line of per-epoch training metrics (epoch_metrics.hpp).
std::string epoch_line(const nlohmann::ordered_json& training_metrics);

// "accuracy=0.8027 auc=0.7242": a result's numeric metrics, 4 decimals.
std::string metrics_line(const nlohmann::ordered_json& metrics);

// Whether round `round` (0-based) of `total` gets a log line: about ten per
// fit, and the last.
bool logs_round(int round, int total);

}  // namespace hone::train
