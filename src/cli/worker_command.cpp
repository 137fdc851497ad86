#include "cli/commands.hpp"
#include "models/xgboost/distributed.hpp"

namespace hone::cli {

void add_worker_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("xgboost-worker", "one worker of a distributed XGBoost training (started by hone)");
    cmd->group("");  // hidden: hone starts it, nobody types it
    auto dir = std::make_shared<std::string>();
    auto rank = std::make_shared<int>(0);
    cmd->add_option("dir", *dir, "the training's working folder")->required();
    cmd->add_option("rank", *rank, "this worker's rank")->required();
    cmd->callback([dir, rank, &exit_code] { exit_code = models::xgb::run_worker(*dir, *rank); });
}

}  // namespace hone::cli
