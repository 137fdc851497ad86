#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <chrono>
#include <cmath>

#include "common/resources.hpp"
#include "train/epoch_metrics.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

models::RoundReport round(int r, int total, Json metrics) {
    models::RoundReport out;
    out.round = r;
    out.total_rounds = total;
    out.metrics = std::move(metrics);
    return out;
}

}  // namespace

TEST(EpochMetrics, TracksTheBestValidationLossAndKeepsTheLatestValuesOnRoundsWithoutMetrics) {
    train::EpochTracker t(Task::classification);
    Json a = t.on_round(round(0, 4, {{"train_loss", 0.9}, {"val_loss", 0.8}, {"val_accuracy", 0.6}}));
    EXPECT_EQ(a["epoch"], 1);
    EXPECT_EQ(a["total_epochs"], 4);
    EXPECT_DOUBLE_EQ(a["progress"].get<double>(), 0.25);
    EXPECT_EQ(a["training_loss"], 0.9);
    EXPECT_EQ(a["validation_loss"], 0.8);
    EXPECT_EQ(a["best_loss"], 0.8);
    EXPECT_EQ(a["best_epoch"], 1);
    EXPECT_EQ(a["accuracy"], 0.6);
    EXPECT_TRUE(a["precision"].is_null());
    EXPECT_TRUE(a["learning_rate"].is_null());

    Json b = t.on_round(round(1, 4, {{"val_loss", 0.5}, {"learning_rate", 0.01}, {"gradient_norm", 2.5}}));
    EXPECT_EQ(b["best_loss"], 0.5);
    EXPECT_EQ(b["best_epoch"], 2);
    EXPECT_EQ(b["learning_rate"], 0.01);
    EXPECT_EQ(b["gradient_norm"], 2.5);

    Json c = t.on_round(round(2, 4, Json::object()));  // a round without metrics
    EXPECT_EQ(c["validation_loss"], 0.5);
    EXPECT_EQ(c["best_epoch"], 2);

    Json d = t.on_round(round(3, 4, {{"val_loss", 0.7}}));  // worse: the best stays
    EXPECT_EQ(d["best_loss"], 0.5);
    EXPECT_EQ(d["best_epoch"], 2);
    EXPECT_EQ(d["eta_seconds"], 0.0);
    EXPECT_GE(d["epoch_seconds"].get<double>(), 0.0);
}

// What happens between construction and start() (loading libtorch, making the
// model) is not the first epoch's time.
TEST(EpochMetrics, TheFirstEpochIsTimedFromStart) {
    train::EpochTracker t(Task::classification);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    t.start();
    Json a = t.on_round(round(0, 2, {{"train_loss", 0.9}}));
    EXPECT_LT(a["epoch_seconds"].get<double>(), 0.1);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    Json b = t.on_round(round(1, 2, {{"train_loss", 0.8}}));
    EXPECT_GE(b["epoch_seconds"].get<double>(), 0.15);
}

TEST(EpochMetrics, RegressorsReportRmseAndR2AndFallBackToTrainingValues) {
    train::EpochTracker t(Task::regression);
    Json a = t.on_round(round(0, 10, {{"train_loss", 4.0}, {"train_rmse", 2.0}}));
    EXPECT_EQ(a["rmse"], 2.0);
    EXPECT_TRUE(a["r2"].is_null());
    EXPECT_FALSE(a.contains("accuracy"));
    EXPECT_EQ(a["best_loss"], 4.0);  // no validation loss: the training loss
    EXPECT_TRUE(a["validation_loss"].is_null());
}

TEST(ResourceUsage, MeasuresThisProcess) {
    ResourceMonitor monitor;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    volatile double sink = 0;
    while (std::chrono::steady_clock::now() < until) sink = sink + std::sqrt(sink + 1.0);
    ResourceUsage u = monitor.sample();
    EXPECT_GT(u.cpu_usage, 0.0);
    EXPECT_LE(u.cpu_usage, 1.0);
    EXPECT_GT(u.memory_usage, 1 << 20);
    EXPECT_GT(u.memory_total, u.memory_usage);
    Json j = u.to_json();
    EXPECT_EQ(j["memory_usage"], u.memory_usage);
    EXPECT_TRUE(j["gpu_memory"].is_null());
    EXPECT_EQ(j["gpu_unavailable"], "hone trains on the CPU: this build has no GPU runtime");
}
