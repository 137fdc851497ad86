#include "cli/commands.hpp"
#include "models/torch/distributed.hpp"
#include "models/xgboost/distributed.hpp"

namespace hone::cli {

namespace {

// `hone NAME DIR RANK`, hidden: hone starts it, nobody types it.
void add_worker(CLI::App& app, int& exit_code, const std::string& name, const std::string& description,
                int (*run)(const std::filesystem::path& dir, int rank)) {
    auto* cmd = app.add_subcommand(name, description);
    cmd->group("");
    auto dir = std::make_shared<std::string>();
    auto rank = std::make_shared<int>(0);
    cmd->add_option("dir", *dir, "the training's working folder")->required();
    cmd->add_option("rank", *rank, "this worker's rank")->required();
    cmd->callback([dir, rank, run, &exit_code] { exit_code = run(*dir, *rank); });
}

}  // namespace

void add_worker_command(CLI::App& app, int& exit_code) {
    add_worker(app, exit_code, "xgboost-worker", "one worker of a distributed XGBoost training (started by hone)",
               models::xgb::run_worker);
    add_worker(app, exit_code, "torch-worker", "one worker of a distributed neural network training (started by hone)",
               models::torch_nn::run_worker);
}

}  // namespace hone::cli
