#include "models/xgboost/distributed.hpp"

#include <xgboost/c_api.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <fstream>
#include <thread>

#include "common/error.hpp"
#include "models/catalog.hpp"
#include "models/worker_processes.hpp"
#include "models/xgboost/rabit_tracker.hpp"

namespace hone::models::xgb {

namespace {

using workers::fail;

std::filesystem::path shard_path(const std::filesystem::path& dir, int rank) {
    return dir / ("shard-" + std::to_string(rank) + ".bin");
}

// ---- the coordinator ----

// What every worker reads: the model, where boosting starts, how rounds are
// evaluated (every worker must evaluate on the same rounds) and the tracker.
Json job_description(const std::string& algorithm, const EstimatorConfig& config, const ShardRole& role,
                     bool every_round, const RabitTracker& tracker, const DistributedOptions& options,
                     unsigned threads_each) {
    char base_score[40];
    std::snprintf(base_score, sizeof base_score, "%.17g", role.start.base_score);
    char hessian[40];
    std::snprintf(hessian, sizeof hessian, "%.17g", role.start.shape.hessian);
    return Json{{"algorithm", algorithm},
                {"task", std::string(to_string(config.task))},
                {"num_classes", config.num_classes},
                {"params", config.params},
                {"threads", threads_each},
                {"seed", config.seed},
                {"base_score", base_score},
                {"rows", role.start.shape.rows},
                {"features", role.start.shape.features},
                {"hessian", hessian},
                {"has_valid", role.has_valid},
                {"report", role.report},
                {"metrics_every_round", every_round},
                {"workers", options.workers},
                {"tracker_host", tracker.host()},
                {"tracker_port", tracker.port()},
                {"timeout", options.timeout.count()}};
}

void write_inputs(const std::filesystem::path& dir, const FitInput& input, bool has_valid, int count) {
    std::size_t n = input.x_train.rows;
    for (int r = 0; r < count; ++r)
        workers::write_rows(shard_path(dir, r), input.x_train, input.y_train, n * r / count, n * (r + 1) / count);
    if (has_valid) workers::write_rows(dir / "valid.bin", *input.x_valid, *input.y_valid, 0, input.x_valid->rows);
}

// The tracker on a thread of its own; its failure is rethrown by check().
class TrackerThread {
public:
    TrackerThread(RabitTracker& tracker, std::chrono::milliseconds start_timeout) : tracker_(tracker) {
        thread_ = std::thread([this, start_timeout] {
            try {
                tracker_.run(start_timeout);
            } catch (...) {
                error_ = std::current_exception();
                failed_ = true;
            }
        });
    }
    ~TrackerThread() {
        tracker_.stop();
        thread_.join();
    }
    bool failed() const { return failed_; }
    void rethrow() const { std::rethrow_exception(error_); }

private:
    RabitTracker& tracker_;
    std::thread thread_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
};

}  // namespace

void fit_distributed(BoosterEstimator& estimator, const std::string& algorithm, const EstimatorConfig& config,
                     const FitInput& input, const Callbacks& callbacks, const DistributedOptions& options) {
    workers::check_workers(options, input.x_train.rows);
    bool has_valid = input.x_valid && input.y_valid && input.x_valid->rows > 0;
    ShardRole role{estimator.starting_point(input), has_valid, estimator.reports_rounds(callbacks)};
    workers::WorkDir dir("xgb");
    write_inputs(dir.path, input, has_valid, options.workers);
    RabitTracker tracker(options.workers);
    write_json_file(dir.path / "job.json",
                    job_description(algorithm, config, role, callbacks.metrics_every_round, tracker, options,
                                    workers::threads_per_worker(options.threads, options.workers)));
    {
        // The workers read their shards before they join: allow for that.
        TrackerThread tracker_thread(tracker, options.timeout + std::chrono::seconds(30));
        workers::run_workers(workers::worker_program(options.program), "xgboost-worker", dir.path, options.workers,
                             callbacks, [&] {
                                 if (tracker_thread.failed()) tracker_thread.rethrow();
                             });
    }
    estimator.load(dir.path / "model");
}

// ---- the worker ----

namespace {

// XGBoost's collective for the life of a worker.
struct Collective {
    Collective(const Json& job, int rank) {
        Json config{{"xgboost_communicator", "rabit"},
                    {"DMLC_TRACKER_URI", job.at("tracker_host").get<std::string>()},
                    {"DMLC_TRACKER_PORT", std::to_string(job.at("tracker_port").get<int>())},
                    {"DMLC_TASK_ID", std::to_string(rank)},
                    {"rabit_world_size", std::to_string(job.at("workers").get<int>())},
                    {"rabit_timeout", "1"},
                    {"rabit_timeout_sec", std::to_string(job.at("timeout").get<int>())}};
        if (XGCommunicatorInit(config.dump().c_str()) != 0)
            fail(std::string("joining the workers: ") + XGBGetLastError());
        if (XGCommunicatorGetRank() != rank)
            fail("the tracker gave rank " + std::to_string(XGCommunicatorGetRank()) + " to task " +
                 std::to_string(rank));
    }
    void finish() {
        if (XGCommunicatorFinalize() != 0) fail(std::string("leaving the workers: ") + XGBGetLastError());
    }
};

RoundDecision broadcast_decision(RoundDecision d) {
    std::int32_t values[2] = {d.stop ? 1 : 0, d.best_round};
    if (XGCommunicatorBroadcast(values, sizeof values, 0) != 0)
        fail(std::string("broadcasting a round's decision: ") + XGBGetLastError());
    return RoundDecision{values[0] != 0, values[1]};
}

// Rank 0 asks the coordinator about each round and tells the others; they listen.
Callbacks worker_callbacks(int rank, bool every_round) {
    Callbacks c;
    c.metrics_every_round = every_round;
    c.on_round = [rank](const RoundReport& r) {
        return broadcast_decision(rank == 0 ? workers::ask_coordinator(r) : RoundDecision{});
    };
    return c;
}

EstimatorConfig worker_config(const Json& job) {
    EstimatorConfig config;
    config.task = job.at("task").get<std::string>() == "regression" ? Task::regression : Task::classification;
    config.num_classes = job.at("num_classes").get<int>();
    config.params = job.at("params");
    config.threads = job.at("threads").get<unsigned>();
    config.seed = job.at("seed").get<std::uint64_t>();
    return config;
}

ShardRole worker_role(const Json& job) {
    ShardRole role;
    role.start.base_score = std::strtod(job.at("base_score").get<std::string>().c_str(), nullptr);
    role.start.shape.rows = job.at("rows").get<std::size_t>();
    role.start.shape.features = job.at("features").get<std::size_t>();
    role.start.shape.hessian = std::strtod(job.at("hessian").get<std::string>().c_str(), nullptr);
    role.has_valid = job.at("has_valid").get<bool>();
    role.report = job.at("report").get<bool>();
    return role;
}

void work(const std::filesystem::path& dir, int rank) {
    std::ifstream in(dir / "job.json");
    Json job = Json::parse(in, nullptr, false);
    if (!job.is_object()) fail("cannot read " + (dir / "job.json").string());
    EstimatorConfig config = worker_config(job);
    ShardRole role = worker_role(job);
    auto estimator = make_estimator(find_algorithm(job.at("algorithm").get<std::string>(), config.task), config);
    auto* booster = dynamic_cast<BoosterEstimator*>(estimator.get());
    if (!booster) fail(job.at("algorithm").get<std::string>() + " is not an XGBoost algorithm");

    data::Matrix x, x_valid;
    std::vector<float> y, y_valid;
    workers::read_rows(shard_path(dir, rank), x, y);
    if (role.has_valid && rank == 0) workers::read_rows(dir / "valid.bin", x_valid, y_valid);
    x_valid.cols = x.cols;
    FitInput shard{x, y, role.has_valid ? &x_valid : nullptr, role.has_valid ? &y_valid : nullptr};

    Collective collective(job, rank);
    Callbacks callbacks;
    if (role.report) callbacks = worker_callbacks(rank, job.value("metrics_every_round", false));
    booster->fit_shard(shard, role, callbacks);
    if (rank == 0) {
        std::filesystem::create_directories(dir / "model");
        booster->save(dir / "model");
    }
    collective.finish();
}

}  // namespace

int run_worker(const std::filesystem::path& dir, int rank) {
    return workers::worker_main([&] { work(dir, rank); });
}

}  // namespace hone::models::xgb
