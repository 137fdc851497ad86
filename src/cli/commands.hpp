#pragma once
// One function per command; main.cpp wires them to CLI11. Each returns the exit
// code; hone::Error escaping a command is printed by main and mapped by kind.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace hone::cli {

struct Settings;

void add_check_command(CLI::App& app, int& exit_code);
// keys: the job language's keys
void add_keys_command(CLI::App& app, int& exit_code);
void add_data_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);
void add_predict_command(CLI::App& app, int& exit_code);
void add_recommend_command(CLI::App& app, int& exit_code);
// tune, trials, best, worker
void add_tune_commands(CLI::App& app, int& exit_code);
// models, runs, algorithms
void add_registry_commands(CLI::App& app, int& exit_code);
// serve
void add_serve_command(CLI::App& app, int& exit_code);
// pipeline run|status|list
void add_pipeline_command(CLI::App& app, int& exit_code);
// export
void add_export_command(CLI::App& app, int& exit_code);
// models import, under `models` with its registry settings
void add_models_import(CLI::App& models, const std::shared_ptr<Settings>& settings, int& exit_code);

// xgboost-worker DIR RANK and torch-worker DIR RANK: one worker of a
// distributed training, started by hone itself (models/xgboost/distributed.hpp,
// models/torch/distributed.hpp); hidden from --help.
void add_worker_command(CLI::App& app, int& exit_code);

// Prints rows as aligned columns, the first row as the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace hone::cli
