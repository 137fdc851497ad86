// What one claim of a tuning worker costs when the study already holds many
// trials: a study of N completed trials (3 hyperparameters, random params and
// values) is written into the store, then K claims are timed one by one, each
// followed by the trial's end. A claim's time is split into the sampler's
// (multivariate TPE over every trial, the constant liar included) and the
// store's (the transaction: lock, read every trial, insert).
//
//   claim_bench STORE [TRIALS] [CLAIMS] [ROUNDS]     (defaults 10000 50 100; STORE a SQLite path or
//   postgresql:// URL; ROUNDS intermediate values per trial, as an iterative
//   algorithm reports them)
//
// Prints one JSON object: medians and 90th percentiles in milliseconds.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "registry/recovery.hpp"
#include "registry/store.hpp"
#include "tune/sampler.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

hone::tune::SearchSpace space() {
    return hone::tune::SearchSpace::from_json(Json::parse(R"({
        "learning_rate": {"type": "float", "low": 0.001, "high": 0.3, "log": true},
        "max_depth": {"type": "int", "low": 2, "high": 12},
        "subsample": {"type": "float", "low": 0.5, "high": 1.0}})"));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: claim_bench STORE [TRIALS] [CLAIMS] [ROUNDS]\n";
        return 2;
    }
    std::string location = argv[1];
    int trials = argc > 2 ? std::stoi(argv[2]) : 10000;
    int claims = argc > 3 ? std::stoi(argv[3]) : 50;
    int rounds = argc > 4 ? std::stoi(argv[4]) : 100;
    auto store = hone::registry::open_store(location);
    auto search = space();
    hone::tune::SamplerOptions so;
    so.max_trials = trials + claims;
    auto sampler = hone::tune::make_sampler("tpe", search, so);

    hone::registry::RunRecord study;
    study.id = "claim-bench-" + std::to_string(::getpid());
    study.job = "claim_bench";
    study.kind = "tuning";
    study.ts = hone::unix_seconds();
    store->insert_run(study);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    auto written = Clock::now();
    for (int n = 0; n < trials; ++n) {
        hone::registry::TrialRow t;
        t.study = study.id;
        t.number = n;
        t.status = "ok";
        t.params = Json{{"learning_rate", 0.001 * std::pow(300.0, u(rng))},
                        {"max_depth", 2 + static_cast<int>(u(rng) * 11)},
                        {"subsample", 0.5 + 0.5 * u(rng)}};
        t.value = u(rng);
        t.metrics = Json{{"accuracy", *t.value}};
        for (int round = 0; round < rounds; ++round) t.intermediate.push_back(Json::array({round, *t.value}));
        t.started_at = study.ts;
        t.owner = "bench";
        store->save_trial(t);
    }
    double write_s = ms_since(written) / 1000;

    hone::registry::ClaimRules rules;
    rules.owner = hone::registry::process_identity();
    rules.max_trials = trials + claims;
    std::vector<double> total, sampling, in_store, read;
    for (int i = 0; i < claims; ++i) {
        double sample_ms = 0;
        auto t0 = Clock::now();
        auto c = store->claim_trial(study.id, rules, [&](const std::vector<hone::registry::TrialRow>& rows, int number) {
            std::vector<hone::tune::TrialRecord> history;
            history.reserve(rows.size());
            for (const auto& r : rows)
                history.push_back({r.number, r.status == "ok" ? hone::tune::TrialState::complete
                                                              : hone::tune::TrialState::running,
                                   r.params, r.value, std::nullopt});
            auto ts = Clock::now();
            Json params = sampler->suggest(history, number);
            sample_ms = ms_since(ts);
            return std::optional<Json>(params);
        });
        double ms = ms_since(t0);
        total.push_back(ms);
        sampling.push_back(sample_ms);
        in_store.push_back(ms - sample_ms);
        c.trial.status = "ok";
        c.trial.value = u(rng);
        store->finish_trial(c.trial, rules.owner);
        auto tr = Clock::now();
        store->trials_of(study.id);
        read.push_back(ms_since(tr));
    }
    Json out{{"store", location.rfind("postgres", 0) == 0 ? "postgresql" : "sqlite"},
             {"trials", trials},
             {"claims", claims},
             {"rounds", rounds},
             {"write_trials_s", write_s},
             {"claim_ms_p50", quantile(total, 0.5)},
             {"claim_ms_p90", quantile(total, 0.9)},
             {"sampler_ms_p50", quantile(sampling, 0.5)},
             {"store_ms_p50", quantile(in_store, 0.5)},
             {"store_ms_p90", quantile(in_store, 0.9)},
             {"read_all_trials_ms_p50", quantile(read, 0.5)}};
    std::cout << out.dump() << "\n";
    return 0;
}
