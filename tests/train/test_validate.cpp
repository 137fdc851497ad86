// `hone check` and a run agree: every job file under tests/cases/check that
// checks clean gets through everything a training run decides before it loads
// data (model, algorithm, task, hyperparameters, objective, metrics), and one
// that checks with errors is refused by the CLI's train as by check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "lang/job_file.hpp"
#include "train/setup.hpp"
#include "tune/validate.hpp"
#include "../support/files.hpp"

namespace fs = std::filesystem;
using namespace hone;

namespace {

struct ReachedTheData {};

std::vector<fs::path> case_files() { return test_support::case_files("check", {".n3", ".yaml", ".json"}); }

}  // namespace

TEST(CheckAndTrainAgree, WhatChecksCleanReachesTheDataInARun) {
    int trainings = 0;
    for (const auto& path : case_files()) {
        auto loaded = lang::load_job_file(path);
        tune::validate_job(loaded);
        if (!loaded.ok()) continue;
        for (const auto& t : loaded.spec.trainings) {
            train::PrepareOptions options;
            options.on_stage = [](const std::string& stage) {
                if (stage == "loading") throw ReachedTheData{};
            };
            try {
                train::prepare_training(loaded.spec, t, options);
                ADD_FAILURE() << path.filename() << " " << t.name << ": prepared without loading data";
            } catch (const ReachedTheData&) {
                ++trainings;
            } catch (const Error& e) {
                ADD_FAILURE() << path.filename() << " training \"" << t.name << "\" checks clean but a run refuses it: "
                              << e.what();
            }
        }
    }
    EXPECT_GE(trainings, 9) << "the cases hold nine clean trainings today";
}

TEST(CheckAndTrainAgree, WhatCheckRefusesTheCliTrainRefusesBeforeAnyRun) {
    fs::path home = fs::temp_directory_path() / ("hone-agree-" + std::to_string(::getpid()));
    fs::create_directories(home);
    int refused = 0;
    for (const auto& path : case_files()) {
        auto loaded = lang::load_job_file(path);
        tune::validate_job(loaded);
        if (loaded.ok() || loaded.spec.trainings.empty()) continue;
        std::string job = loaded.spec.trainings.front().name;
        std::string cmd = "HONE_HOME=" + home.string() + " " + HONE_BINARY + " train -q '" + path.string() + "' '" +
                          job + "' > /dev/null 2>&1";
        int status = std::system(cmd.c_str());
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << path.filename() << ": status " << status;
        ++refused;
    }
    EXPECT_TRUE(fs::is_empty(home) || !fs::exists(home / "models") || fs::is_empty(home / "models"))
        << "a refused job wrote a model";
    fs::remove_all(home);
    EXPECT_GE(refused, 5);
}
