// In-process prediction latency: one row through a registered model, the way
// `hone predict` and the server call it (LoadedModel::predict: preprocessing
// replayed, then the estimator's predict and predict_proba).
//
//   bench/predict/run.sh [BUILD_DIR]
//
// Setup trains each job of bench/predict/job.n3 into a temporary registry once,
// loads the model, and takes one row of the churn example as a Frame. The timed
// loop is predict() on that row; a second case times a 64-row batch per row.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "data/csv_reader.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "train/predictor.hpp"
#include "train/trainer.hpp"

namespace {

namespace fs = std::filesystem;
using namespace hone;

struct Fixture {
    fs::path dir;
    std::unique_ptr<registry::Store> store;
    data::Frame rows;
    std::map<std::string, std::shared_ptr<train::LoadedModel>> models;

    Fixture() {
        dir = fs::temp_directory_path() / ("hone-predict-bench-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        store = registry::open_store((dir / "hone.db").string());
        rows = data::read_csv(fs::path(HONE_SOURCE_DIR) / "examples/churn/customers.csv").take({0, 1, 2, 3, 4, 5, 6, 7});
    }
    ~Fixture() {
        models.clear();
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    const train::LoadedModel& model(const std::string& job) {
        auto it = models.find(job);
        if (it != models.end()) return *it->second;
        auto file = lang::load_job_file(fs::path(HONE_SOURCE_DIR) / "bench/predict/job.n3");
        if (!file.ok()) {
            std::cerr << file.report();
            std::exit(2);
        }
        train::TrainOptions options;
        options.context.model_root = (dir / "models").string();
        auto result = train::run_training_job(file.spec, job, *store, options);
        auto loaded = train::LoadedModel::load(*store, result["registry_key"].get<std::string>());
        return *models.emplace(job, loaded).first->second;
    }
};

// Owned by main so that it is torn down before XGBoost's own globals are.
std::unique_ptr<Fixture> the_fixture;

Fixture& fixture() {
    if (!the_fixture) the_fixture = std::make_unique<Fixture>();
    return *the_fixture;
}

void one_row(benchmark::State& state, const std::string& job) {
    const auto& model = fixture().model(job);
    data::Frame row = fixture().rows.take({0});
    for (auto _ : state) {
        auto out = model.predict(row);
        benchmark::DoNotOptimize(out);
    }
}

void batch_of_64(benchmark::State& state, const std::string& job) {
    const auto& model = fixture().model(job);
    std::vector<std::size_t> pick(64);
    for (std::size_t i = 0; i < pick.size(); ++i) pick[i] = i % fixture().rows.rows();
    data::Frame batch = fixture().rows.take(pick);
    for (auto _ : state) {
        auto out = model.predict(batch);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pick.size()));
}

}  // namespace

BENCHMARK_CAPTURE(one_row, random_forest, std::string("random_forest"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_row, xgboost, std::string("xgboost"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_row, logistic_regression, std::string("logistic_regression"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_row, mlp, std::string("mlp"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(batch_of_64, random_forest, std::string("random_forest"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(batch_of_64, xgboost, std::string("xgboost"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(batch_of_64, logistic_regression, std::string("logistic_regression"))
    ->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    the_fixture.reset();
    return 0;
}
