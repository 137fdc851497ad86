#include "train/epoch_metrics.hpp"

#include <cmath>

namespace hone::train {

using Json = nlohmann::ordered_json;

EpochTracker::EpochTracker(Task task)
    : task_(task), started_(std::chrono::steady_clock::now()), last_(started_) {}

void EpochTracker::start() { started_ = last_ = std::chrono::steady_clock::now(); }

void EpochTracker::remember(const Json& metrics) {
    for (auto it = metrics.begin(); it != metrics.end(); ++it) latest_[it.key()] = it.value();
}

Json EpochTracker::reported(const char* name) const {
    for (const char* prefix : {"val_", "train_"}) {
        std::string key = std::string(prefix) + name;
        if (latest_.contains(key) && latest_[key].is_number()) return latest_[key];
    }
    return nullptr;
}

Json EpochTracker::on_round(const models::RoundReport& report) {
    auto now = std::chrono::steady_clock::now();
    const double epoch_seconds = std::chrono::duration<double>(now - last_).count();
    const double spent = std::chrono::duration<double>(now - started_).count();
    last_ = now;
    remember(report.metrics);

    const int epoch = report.round + 1;
    const int total = report.total_rounds;
    Json training_loss = latest_.contains("train_loss") ? latest_["train_loss"] : Json(nullptr);
    Json validation_loss = latest_.contains("val_loss") ? latest_["val_loss"] : Json(nullptr);
    // The best is judged on losses this round reported, not ones carried over.
    const char* watched = validation_loss.is_number() ? "val_loss" : "train_loss";
    if (report.metrics.contains(watched) && report.metrics[watched].is_number()) {
        double loss = report.metrics[watched].get<double>();
        if (std::isfinite(loss) && (best_epoch_ == 0 || loss < best_loss_)) {
            best_loss_ = loss;
            best_epoch_ = epoch;
        }
    }

    Json out;
    out["epoch"] = epoch;
    out["total_epochs"] = total;
    out["progress"] = total > 0 ? static_cast<double>(epoch) / total : 0.0;
    out["training_loss"] = training_loss;
    out["validation_loss"] = validation_loss;
    out["best_loss"] = best_epoch_ > 0 ? Json(best_loss_) : Json(nullptr);
    out["best_epoch"] = best_epoch_ > 0 ? Json(best_epoch_) : Json(nullptr);
    if (task_ == Task::classification) {
        out["accuracy"] = reported("accuracy");
        out["precision"] = reported("precision");
        out["recall"] = reported("recall");
        out["f1_score"] = reported("f1");
    } else if (task_ == Task::recommendation) {
        // val_hr@10 -> hr@10, val_ndcg@10 -> ndcg@10: each cut-off the model validates at.
        for (auto it = latest_.begin(); it != latest_.end(); ++it)
            if (it.key().rfind("val_", 0) == 0 && it.key().find('@') != std::string::npos)
                out[it.key().substr(4)] = it.value();
    } else {
        out["rmse"] = reported("rmse");
        out["r2"] = reported("r2");
    }
    out["learning_rate"] = latest_.contains("learning_rate") ? latest_["learning_rate"] : Json(nullptr);
    out["gradient_norm"] = latest_.contains("gradient_norm") ? latest_["gradient_norm"] : Json(nullptr);
    out["epoch_seconds"] = epoch_seconds;
    out["eta_seconds"] = total > epoch && epoch > 0 ? spent / epoch * (total - epoch) : 0.0;
    // Boosting rounds can take a millisecond: sample the process at most four
    // times a second and repeat the latest sample in between.
    if (resource_usage_.is_null() || now - sampled_ >= std::chrono::milliseconds(250)) {
        resource_usage_ = resources_.sample().to_json();
        sampled_ = now;
    }
    out["resource_usage"] = resource_usage_;
    return out;
}

}  // namespace hone::train
