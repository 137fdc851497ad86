// One rank of a data-parallel mlp fit, as test_data_parallel starts it (a fresh
// process per rank: libtorch's threads do not survive a fork). It generates its
// rows (every rank the same ones), fits with EstimatorConfig::data_parallel and,
// on rank 0 (or alone), writes the fitted weights and the fit's wall time as
// JSON to --out; a hone::Error goes there as {"error", "message", "seconds"}
// instead, with exit status 1.
//
//   hone_data_parallel_worker --task classification|regression --rows N
//       --features F --params JSON --out FILE [--rank R --world W
//       --rendezvous URL --timeout S] [--threads T] [--progress FILE]
//
// --progress: rank 0 writes the number of epochs done there after each epoch.
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>

#include "../support/estimators.hpp"
#include "common/error.hpp"
#include "models/torch/mlp_weights.hpp"

using namespace hone;
using hone::test_support::Dataset;

namespace {

std::map<std::string, std::string> arguments(int argc, char** argv) {
    std::map<std::string, std::string> out;
    for (int i = 1; i + 1 < argc; i += 2) out[std::string(argv[i]).substr(2)] = argv[i + 1];
    return out;
}

// Standard normal features; three classes by the largest of three fixed linear
// scores, or a value with a nonlinear part and noise. Seeded: the same on every rank.
Dataset generated(const std::string& task, std::size_t rows, std::size_t features) {
    std::mt19937_64 rng(20240611);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Dataset d;
    d.x = test_support::matrix(rows, features);
    d.y.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        float* x = d.x.data.data() + r * features;
        for (std::size_t c = 0; c < features; ++c) x[c] = normal(rng);
        float score[3] = {0, 0, 0};
        for (std::size_t c = 0; c < features; ++c) score[c % 3] += x[c] / static_cast<float>(c % 5 + 1);
        if (task == "classification") {
            d.y[r] = static_cast<float>(std::max_element(score, score + 3) - score);
        } else {
            d.y[r] = score[0] - 0.5f * score[1] + std::sin(x[0]) + 0.1f * normal(rng);
        }
    }
    return d;
}

models::Json weights_of(const models::Estimator& e) {
    models::Json out = models::Json::array();
    for (const auto& layer : models::torch_nn::mlp_weights(e).layers) {
        for (float v : layer.weight) out.push_back(v);
        for (float v : layer.bias) out.push_back(v);
    }
    return out;
}

void write(const std::string& path, const models::Json& j) {
    std::ofstream(path + ".tmp") << j.dump();
    std::rename((path + ".tmp").c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    auto a = arguments(argc, argv);
    const bool classifier = a["task"] == "classification";
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    try {
        const Dataset data = generated(a["task"], std::stoul(a["rows"]), std::stoul(a["features"]));
        models::EstimatorConfig config =
            test_support::config_for("mlp", models::Json::parse(a["params"]),
                                     classifier ? Task::classification : Task::regression, classifier ? 3 : 0);
        if (a.count("threads")) config.threads = static_cast<unsigned>(std::stoul(a["threads"]));
        if (a.count("world")) {
            config.data_parallel.rank = std::stoi(a["rank"]);
            config.data_parallel.world_size = std::stoi(a["world"]);
            config.data_parallel.rendezvous = a["rendezvous"];
            config.data_parallel.timeout = std::chrono::seconds(std::stoi(a.count("timeout") ? a["timeout"] : "60"));
        }
        auto estimator = models::make_estimator(models::find_algorithm("mlp"), config);
        models::Callbacks callbacks;
        if (a.count("progress"))
            callbacks.on_round = [path = a["progress"]](const models::RoundReport& r) {
                write(path, models::Json(r.round + 1));
                return models::RoundDecision{};
            };
        estimator->fit({data.x, data.y}, callbacks);
        const double fit_seconds = seconds();
        if (config.data_parallel.rank == 0)
            write(a["out"], models::Json{{"weights", weights_of(*estimator)}, {"seconds", fit_seconds}});
        return 0;
    } catch (const Error& e) {
        write(a["out"], models::Json{{"error", e.code()}, {"message", e.message()}, {"seconds", seconds()}});
        std::cerr << "rank " << a["rank"] << ": " << e.code() << ": " << e.message() << "\n";
        return 1;
    }
}
