#include "models/torch/distributed.hpp"

#include <fstream>

#include "common/error.hpp"
#include "models/catalog.hpp"

namespace hone::models::torch_nn {

namespace {

using workers::fail;

constexpr const char* kCommand = "torch-worker";

Json checkpoints_json(const CheckpointConfig& c) {
    return Json{{"dir", c.dir.string()},
                {"every_n_epochs", c.every_n_epochs},
                {"save_best", c.save_best},
                {"save_latest", c.save_latest},
                {"resume", c.resume}};
}

CheckpointConfig checkpoints_of(const Json& j) {
    CheckpointConfig c;
    c.dir = j.at("dir").get<std::string>();
    c.every_n_epochs = j.at("every_n_epochs").get<int>();
    c.save_best = j.at("save_best").get<bool>();
    c.save_latest = j.at("save_latest").get<bool>();
    c.resume = j.at("resume").get<bool>();
    return c;
}

// What every worker reads: the model, its settings, how rounds are reported
// and where the ranks meet.
Json job_description(const std::string& algorithm, const EstimatorConfig& config, const Callbacks& callbacks,
                     bool has_valid, const DistributedOptions& options) {
    return Json{{"algorithm", algorithm},
                {"task", std::string(to_string(config.task))},
                {"num_classes", config.num_classes},
                {"params", config.params},
                {"threads", workers::threads_per_worker(options.threads, options.workers)},
                {"seed", config.seed},
                {"checkpoints", checkpoints_json(config.checkpoints)},
                {"has_valid", has_valid},
                {"report", static_cast<bool>(callbacks.on_round)},
                {"metrics_every_round", callbacks.metrics_every_round},
                {"workers", options.workers},
                {"timeout", options.timeout.count()}};
}

std::filesystem::path rendezvous_file(const std::filesystem::path& dir) { return dir / "rendezvous"; }

}  // namespace

void fit_distributed(Estimator& estimator, const std::string& algorithm, const EstimatorConfig& config,
                     const FitInput& input, const Callbacks& callbacks, const DistributedOptions& options) {
    workers::check_workers(options, input.x_train.rows);
    const bool has_valid = input.x_valid && input.y_valid && input.x_valid->rows > 0;
    workers::WorkDir dir("torch");
    workers::write_rows(dir.path / "train.bin", input.x_train, input.y_train, 0, input.x_train.rows);
    if (has_valid) workers::write_rows(dir.path / "valid.bin", *input.x_valid, *input.y_valid, 0, input.x_valid->rows);
    write_json_file(dir.path / "job.json", job_description(algorithm, config, callbacks, has_valid, options));
    workers::run_workers(workers::worker_program(options.program), kCommand, dir.path, options.workers, callbacks);
    estimator.load(dir.path / "model");
}

// ---- the worker ----

namespace {

Task task_named(const std::string& name) {
    for (Task t : {Task::classification, Task::regression})
        if (to_string(t) == name) return t;
    fail("a neural worker trains a classifier or a regressor, not " + name);
}

EstimatorConfig worker_config(const Json& job, const std::filesystem::path& dir, int rank) {
    EstimatorConfig config;
    config.task = task_named(job.at("task").get<std::string>());
    config.num_classes = job.at("num_classes").get<int>();
    config.params = job.at("params");
    config.threads = job.at("threads").get<unsigned>();
    config.seed = job.at("seed").get<std::uint64_t>();
    config.checkpoints = checkpoints_of(job.at("checkpoints"));
    config.data_parallel.rank = rank;
    config.data_parallel.world_size = job.at("workers").get<int>();
    config.data_parallel.rendezvous = "file://" + rendezvous_file(dir).string();
    config.data_parallel.timeout = std::chrono::seconds(job.at("timeout").get<int>());
    return config;
}

// Rank 0 asks the coordinator about each epoch; the loop shares the answer.
Callbacks worker_callbacks(const Json& job, int rank) {
    Callbacks c;
    c.metrics_every_round = job.value("metrics_every_round", false);
    if (rank == 0 && job.at("report").get<bool>()) c.on_round = workers::ask_coordinator;
    return c;
}

void work(const std::filesystem::path& dir, int rank) {
    std::ifstream in(dir / "job.json");
    const Json job = Json::parse(in, nullptr, false);
    if (!job.is_object()) fail("cannot read " + (dir / "job.json").string());
    const EstimatorConfig config = worker_config(job, dir, rank);
    auto estimator = make_estimator(find_algorithm(job.at("algorithm").get<std::string>(), config.task), config);

    data::Matrix x, x_valid;
    std::vector<float> y, y_valid;
    workers::read_rows(dir / "train.bin", x, y);
    const bool valid = job.at("has_valid").get<bool>() && rank == 0;
    if (valid) workers::read_rows(dir / "valid.bin", x_valid, y_valid);
    estimator->fit({x, y, valid ? &x_valid : nullptr, valid ? &y_valid : nullptr}, worker_callbacks(job, rank));
    if (rank == 0) {
        std::filesystem::create_directories(dir / "model");
        estimator->save(dir / "model");
    }
}

}  // namespace

int run_worker(const std::filesystem::path& dir, int rank) {
    return workers::worker_main([&] { work(dir, rank); });
}

}  // namespace hone::models::torch_nn
