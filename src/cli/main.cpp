#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/build_info.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"

int main(int argc, char** argv) {
    CLI::App app{"hone: train, tune, register and serve machine-learning models from declarative job files"};
    app.set_version_flag("--version", std::string("hone ") + hone::hone_version() + " (" + hone::hone_commit() + ")");
    app.require_subcommand(1);
    app.footer("Run 'hone COMMAND --help' for a command's options.");
    int exit_code = 0;
    hone::cli::add_check_command(app, exit_code);
    hone::cli::add_keys_command(app, exit_code);
    hone::cli::add_data_command(app, exit_code);
    hone::cli::add_train_command(app, exit_code);
    hone::cli::add_tune_commands(app, exit_code);
    hone::cli::add_predict_command(app, exit_code);
    hone::cli::add_recommend_command(app, exit_code);
    hone::cli::add_registry_commands(app, exit_code);
    hone::cli::add_pipeline_command(app, exit_code);
    hone::cli::add_serve_command(app, exit_code);
    hone::cli::add_export_command(app, exit_code);
    hone::cli::add_worker_command(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const hone::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
        return hone::exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return 3;
    }
    return exit_code;
}
