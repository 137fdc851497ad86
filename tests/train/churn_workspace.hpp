#pragma once
// A temporary workspace for end-to-end training and tuning tests: a churn-like
// CSV (churn rises with support calls and monthly contracts), a real SQLite
// registry, and job files written around them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "train/trainer.hpp"

namespace hone::test_support {

namespace fs = std::filesystem;

// A churn-like table: churn rises with support calls and monthly contracts.
inline void write_churn_csv(const fs::path& path, int rows) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    std::ofstream out(path);
    out << "customer_id,tenure,monthly_spend,support_calls,contract_type,churned\n";
    const char* contracts[] = {"monthly", "annual", "two_year"};
    for (int i = 0; i < rows; ++i) {
        int tenure = 1 + static_cast<int>(u(rng) * 72);
        int contract = static_cast<int>(u(rng) * 3);
        double spend = 30 + u(rng) * 80;
        int calls = static_cast<int>(u(rng) * u(rng) * 10);
        double z = -1.0 - 0.06 * tenure + 0.6 * calls + (contract == 0 ? 1.5 : -0.8) + 0.01 * (spend - 70);
        bool churned = u(rng) < 1 / (1 + std::exp(-3 * z));
        out << i << "," << tenure << ",";
        if (i % 37 != 0) out << spend;  // some missing values
        out << "," << calls << "," << contracts[contract] << "," << (churned ? "true" : "false") << "\n";
    }
}

struct Workspace {
    fs::path dir;
    std::unique_ptr<registry::Store> store;
    Workspace() {
        dir = fs::temp_directory_path() / ("hone-train-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(std::random_device{}()));
        fs::create_directories(dir);
        write_churn_csv(dir / "customers.csv", 3000);
        store = registry::serialized(registry::open_store((dir / "hone.db").string()));
    }
    ~Workspace() { fs::remove_all(dir); }

    lang::JobFile job(const std::string& algorithm_block, const std::string& extra = "") {
        std::string text = "dataset \"customer_data\":\n    source: csv\n    path: customers.csv\n"
                           "model \"churn_classifier\":\n    type: classifier\n" +
                           algorithm_block +
                           "training \"baseline_churn_model\":\n    model: churn_classifier\n    dataset: customer_data\n"
                           "    target: churned\n    features:\n        - tenure\n        - monthly_spend\n"
                           "        - support_calls\n        - contract_type\n    objective: maximize_accuracy\n" +
                           extra;
        auto loaded = lang::parse_job_text(text, (dir / "churn.n3").string(), lang::Format::n3);
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        return loaded.spec;
    }

    train::TrainOptions options() {
        train::TrainOptions o;
        o.context.model_root = (dir / "models").string();
        return o;
    }
};


}  // namespace hone::test_support
