// hone's side of bench/recsys: generates interactions, splits them leave-one-out,
// draws each user's 99 evaluation negatives, writes all of it for the PyTorch
// peer (train.csv, test.csv), then trains NeuMF and reports each epoch's
// seconds and the final sampled HR@10 and NDCG@10, with the popularity
// baseline's, as one JSON line.
//   ncf_driver OUT_DIR USERS ITEMS DENSITY SKEW EPOCHS BATCH THREADS
#include <chrono>
#include <fstream>
#include <iostream>

#include "data/interactions.hpp"
#include "models/catalog.hpp"
#include "models/recommender.hpp"
#include "models/torch/backend.hpp"

using namespace hone;
using Json = models::Json;

namespace {

void write_split(const std::filesystem::path& out, const data::LeaveOneOut& split,
                 const std::vector<std::vector<std::int32_t>>& negatives) {
    std::ofstream train(out / "train.csv");
    train << "user,item\n";
    for (std::size_t k = 0; k < split.train.size(); ++k)
        train << split.train.users[k] << ',' << split.train.items[k] << '\n';
    std::ofstream test(out / "test.csv");
    test << "user,held_out,negatives\n";
    for (std::size_t u = 0; u < split.held_out.size(); ++u) {
        if (split.held_out[u] < 0) continue;
        test << u << ',' << split.held_out[u] << ',';
        for (std::size_t i = 0; i < negatives[u].size(); ++i) test << (i ? " " : "") << negatives[u][i];
        test << '\n';
    }
}

Json metrics_json(const std::vector<std::pair<std::string, double>>& metrics) {
    Json out = Json::object();
    for (const auto& [name, value] : metrics)
        if (name == "hr@10" || name == "ndcg@10") out[name] = value;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 9) {
        std::cerr << "usage: ncf_driver OUT_DIR USERS ITEMS DENSITY SKEW EPOCHS BATCH THREADS\n";
        return 2;
    }
    const std::filesystem::path out = argv[1];
    data::SyntheticInteractions options{.users = std::stoul(argv[2]), .items = std::stoul(argv[3]),
                                        .density = std::stod(argv[4]), .skew = std::stod(argv[5]), .seed = 42};
    const data::Interactions all =
        data::interactions_from(data::synthetic_interactions(options), {.timestamp = "timestamp"}, "synthetic");
    const data::LeaveOneOut split = data::leave_one_out(all);
    std::mt19937_64 rng(7);
    const auto negatives = data::evaluation_negatives(split, data::user_items(all), all.num_items(), 99, rng);
    std::filesystem::create_directories(out);
    write_split(out, split, negatives);
    const data::UserItems seen = data::user_items(split.train);
    models::SampledEvaluation evaluation{.held_out = &split.held_out, .negatives = &negatives, .ks = {10},
                                         .num_items = static_cast<std::int64_t>(all.num_items())};

    models::EstimatorConfig config;
    config.params = models::resolve_params(models::find_algorithm("ncf"),
                                           Json{{"epochs", std::stoi(argv[6])}, {"batch_size", std::stoi(argv[7])}},
                                           true)
                        .params;
    config.threads = static_cast<unsigned>(std::stoi(argv[8]));
    auto popularity = models::make_popularity(config);
    popularity->fit({.train = split.train, .seen = seen}, {});

    auto ncf = models::torch_nn::make_ncf(config, false);
    std::vector<double> seconds;
    auto last = std::chrono::steady_clock::now();
    models::Callbacks callbacks;
    callbacks.on_round = [&](const models::RoundReport&) {
        auto now = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(now - last).count());
        last = now;
        return models::RoundDecision{};
    };
    last = std::chrono::steady_clock::now();
    ncf->fit({.train = split.train, .seen = seen}, callbacks);
    Json result{{"stats", all.stats()},
                {"epoch_seconds", seconds},
                {"ncf", metrics_json(models::sampled_ranking_metrics(*ncf, evaluation))},
                {"popularity", metrics_json(models::sampled_ranking_metrics(*popularity, evaluation))}};
    std::cout << result.dump() << "\n";
}
