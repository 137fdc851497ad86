// The recommenders: NeuMF and GMF (He et al. 2017, trained on the libtorch
// backend's epoch loop) and the popularity baseline. Names and defaults are the
// NCF training script's (epochs 10, batch_size 256, Adam at 0.001,
// embedding_dim 64, hidden_layers [128, 64, 32], 4 negatives per positive).
#include "models/backends.hpp"
#include "models/linear/common_params.hpp"
#include "models/torch/backend.hpp"

namespace hone::models {
namespace {

std::vector<ParamSpec> embedding_params(bool with_tower) {
    std::vector<ParamSpec> out = {
        {.name = "embedding_dim", .type = ParamType::integer, .default_value = 64, .min = 1.0, .max = 4096.0,
         .aliases = {"factors", "embedding_size"},
         .doc = with_tower ? "width of each user and item embedding, in the GMF and in the MLP tower"
                           : "width of each user and item embedding",
         .tune_min = 8.0, .tune_max = 128.0, .tune_log = true},
    };
    if (with_tower)
        out.push_back({.name = "hidden_layers", .type = ParamType::integer_list,
                       .default_value = Json::array({128, 64, 32}), .min = 1.0, .aliases = {"layers"},
                       .doc = "widths of the MLP tower's layers, input side first; its input is the user and item "
                              "embeddings side by side",
                       .tune_values = {Json::array({64, 32}), Json::array({128, 64, 32}),
                                       Json::array({256, 128, 64})}});
    return out;
}

std::vector<ParamSpec> training_params() {
    ParamSpec epochs = params::max_iter(10, "passes over the training interactions, each with fresh negatives");
    epochs.name = "epochs";
    epochs.aliases = {"max_iter", "n_epochs"};
    return {
        epochs,
        {.name = "batch_size", .type = ParamType::integer, .default_value = 256, .min = 1.0,
         .doc = "training pairs (positives and negatives) per optimizer step", .tune_min = 64.0, .tune_max = 2048.0,
         .tune_log = true},
        {.name = "learning_rate", .type = ParamType::number, .default_value = 0.001, .min = 0.0,
         .min_exclusive = true, .aliases = {"lr", "learning_rate_init"}, .doc = "the optimizer's step size",
         .tune_min = 1e-4, .tune_max = 1e-2, .tune_log = true},
        {.name = "optimizer", .type = ParamType::string, .default_value = "adam",
         .choices = {"adam", "adamw", "sgd", "rmsprop", "adagrad"}, .aliases = {"solver"},
         .doc = "the optimizer (torch.optim, its defaults)"},
        {.name = "weight_decay", .type = ParamType::number, .default_value = 0.0, .min = 0.0, .aliases = {"l2"},
         .doc = "L2 penalty on every weight, applied by the optimizer"},
        {.name = "negative_ratio", .type = ParamType::integer, .default_value = 4, .min = 1.0, .max = 1000.0,
         .aliases = {"num_negatives", "negatives"},
         .doc = "unseen items drawn per positive interaction, fresh each epoch", .tune_min = 2.0, .tune_max = 8.0},
        params::random_state("seed of the initial weights, the shuffling and the negatives; null = the job's seed"),
    };
}

AlgorithmSpec ncf(bool gmf_only) {
    AlgorithmSpec a;
    a.name = gmf_only ? "gmf" : "ncf";
    a.aliases = gmf_only ? std::vector<AlgorithmName>{{"GMF", std::nullopt}}
                         : std::vector<AlgorithmName>{{"NeuMF", std::nullopt}, {"NCF", std::nullopt},
                                                      {"neural_collaborative_filtering", std::nullopt}};
    a.tasks = {Task::recommendation};
    a.library = "libtorch";
    a.doc = gmf_only ? "Generalized matrix factorization: the dot product of user and item embeddings, weighted "
                       "and learned from implicit feedback with sampled negatives."
                     : "Neural collaborative filtering (NeuMF): a GMF and an MLP tower over user and item "
                       "embeddings, fused in one output, learned from implicit feedback with sampled negatives.";
    a.params = embedding_params(!gmf_only);
    for (auto& p : training_params()) a.params.push_back(std::move(p));
    a.iterative = true;
    a.checkpoints = true;
    a.make_recommender = [gmf_only](EstimatorConfig config) { return torch_nn::make_ncf(std::move(config), gmf_only); };
    return a;
}

AlgorithmSpec popularity() {
    AlgorithmSpec a;
    a.name = "popularity";
    a.aliases = {{"most_popular", std::nullopt}, {"pop", std::nullopt}};
    a.tasks = {Task::recommendation};
    a.library = "hone";
    a.doc = "The baseline: every user gets the items with the most training interactions. Every recommender's "
            "result reports it beside the model.";
    a.make_recommender = [](EstimatorConfig config) { return make_popularity(std::move(config)); };
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> recommender_algorithms() { return {ncf(false), ncf(true), popularity()}; }

}  // namespace hone::models
