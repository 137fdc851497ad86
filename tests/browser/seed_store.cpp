// Fills a registry with what the dashboard's scale tests look at, in seconds:
// a finished study of many trials written straight through Store::save_trial
// (tuning that many would take hours), many registered models, and many
// finished runs of a training job.
//
//   hone_dashboard_seed HOME --study JOB --trials N --models M --runs-of JOB --runs R
//
// HOME is the HONE_HOME the test's server then opens (hone.db, models/).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "registry/store.hpp"

namespace {

using hone::registry::Json;

struct Options {
    std::string home, study_job, runs_job;
    int trials = 0, models = 0, runs = 0;
};

Options parse(int argc, char** argv) {
    Options o;
    if (argc < 2) throw std::runtime_error("usage: hone_dashboard_seed HOME [--study JOB --trials N] [--models M]");
    o.home = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--study") o.study_job = value;
        else if (flag == "--trials") o.trials = std::stoi(value);
        else if (flag == "--models") o.models = std::stoi(value);
        else if (flag == "--runs-of") o.runs_job = value;
        else if (flag == "--runs") o.runs = std::stoi(value);
        else throw std::runtime_error("unknown option '" + flag + "': expected --study, --trials, --models, --runs-of or --runs");
    }
    return o;
}

// A study whose objective (an AUC, maximized) depends mostly on learning_rate
// and max_depth, so its importance and parallel coordinates show something;
// one trial in ten pruned after a few rounds, as a median pruner would.
void seed_study(hone::registry::Store& store, const std::string& job, int trials) {
    hone::registry::RunRecord run;
    run.id = "study_seeded_" + job;
    run.job = job;
    run.kind = "tuning";
    run.status = "ok";
    run.ts = 1765000000;
    run.result = Json{{"status", "ok"}, {"objective", Json{{"metric", "auc"}, {"direction", "maximize"}}}};
    store.insert_run(run);
    store.update_run(run);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* boosters[] = {"gbtree", "dart"};
    for (int n = 0; n < trials; ++n) {
        hone::registry::TrialRow t;
        t.study = run.id;
        t.number = n;
        double lr = std::exp(std::log(0.005) + unit(rng) * (std::log(0.5) - std::log(0.005)));
        int depth = 2 + static_cast<int>(unit(rng) * 12);
        int estimators = 50 + 50 * static_cast<int>(unit(rng) * 6);
        std::string booster = boosters[unit(rng) < 0.5 ? 0 : 1];
        t.params = Json{{"learning_rate", lr}, {"max_depth", depth}, {"n_estimators", estimators}, {"booster", booster}};
        double auc = 0.92 - 0.02 * std::pow(std::log10(lr / 0.08), 2) - 0.004 * std::abs(depth - 6) + 0.01 * (unit(rng) - 0.5);
        bool pruned = n % 10 == 7;
        int rounds = pruned ? 3 : 10;
        t.intermediate = Json::array();
        for (int r = 0; r < rounds; ++r) t.intermediate.push_back(Json::array({r, auc - 0.15 * std::exp(-0.5 * r) - (pruned ? 0.03 : 0.0)}));
        t.status = pruned ? "pruned" : "ok";
        t.value = t.intermediate.back()[1].get<double>();
        t.metrics = Json{{"auc", *t.value}};
        t.started_at = run.ts + n;
        t.duration_ms = 200 + 50 * unit(rng);
        store.save_trial(t);
    }
}

// Models of ten names, each name's versions improving slowly; metadata as a
// registration by the API has (no artifact to predict with).
void seed_models(hone::registry::Store& store, const std::filesystem::path& model_root, int count) {
    std::filesystem::create_directories(model_root);
    for (int i = 0; i < count; ++i) {
        hone::registry::ModelEntry e;
        e.name = "bulk_model_" + std::to_string(i % 10);
        e.algorithm = i % 2 ? "xgboost" : "random_forest";
        e.framework = "external";
        e.task = "classification";
        double quality = 0.7 + 0.2 * (1 - std::exp(-i / 300.0));
        e.metrics = Json{{"accuracy", quality}, {"f1", quality - 0.03}, {"auc", quality + 0.04}};
        e.hyperparameters = Json{{"n_estimators", 100 + (i % 7) * 50}, {"max_depth", 3 + i % 5}};
        e.metadata = Json{{"training_job", "bulk_job_" + std::to_string(i % 10)}, {"registered_via", "seed"}};
        e.created_at = 1765000000 + i;
        e.created_by = "seed";
        e.sha256 = "seeded";
        store.register_model(e, "seeded", [&](const std::string& key) {
            std::filesystem::path dir = model_root / key;
            std::filesystem::create_directories(dir);
            std::ofstream(dir / "description.json") << "{}\n";
            return dir.string();
        });
    }
}

// Finished runs of a training job, one a minute, as the CLI records them.
void seed_runs(hone::registry::Store& store, const std::string& job, int count) {
    for (int i = 0; i < count; ++i) {
        hone::registry::RunRecord run;
        run.id = "run_seeded_" + std::to_string(i);
        run.job = job;
        run.status = i % 20 == 13 ? "error" : "ok";
        run.ts = 1765000000 + 60.0 * i;
        run.duration_ms = 1000 + 10 * (i % 50);
        run.metrics = Json{{"accuracy", 0.8 + 0.0001 * i}};
        run.error = run.status == "error" ? "seeded failure" : "";
        store.insert_run(run);
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Options o = parse(argc, argv);
        std::filesystem::create_directories(o.home);
        auto store = hone::registry::open_store((std::filesystem::path(o.home) / "hone.db").string());
        if (!o.study_job.empty()) seed_study(*store, o.study_job, o.trials);
        if (o.models > 0) seed_models(*store, std::filesystem::path(o.home) / "models", o.models);
        if (!o.runs_job.empty()) seed_runs(*store, o.runs_job, o.runs);
        std::printf("seeded %d trials of %s, %d models and %d runs of %s under %s\n", o.trials, o.study_job.c_str(),
                    o.models, o.runs, o.runs_job.c_str(), o.home.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hone_dashboard_seed: %s\n", e.what());
        return 1;
    }
}
