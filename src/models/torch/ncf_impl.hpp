#pragma once
// NCF and GMF inside the libtorch module (ncf.cpp); hone_models reaches them
// through backend.hpp. Torch-free header.
#include <memory>

#include "models/recommender.hpp"
#include "models/torch/ncf_weights.hpp"

namespace hone::models::torch_nn {

// NeuMF (GMF and an MLP tower fused), or GMF alone. Parameters (defaults):
// embedding_dim 64, hidden_layers [128, 64, 32] (NeuMF's tower), epochs 10,
// batch_size 256, learning_rate 0.001, optimizer adam, weight_decay,
// negative_ratio 4, random_state (the config's seed).
std::unique_ptr<Recommender> make_ncf_recommender(EstimatorConfig config, bool gmf_only);
// ncf_weights() inside the module.
NcfWeights describe_ncf_recommender(const Recommender& recommender);

}  // namespace hone::models::torch_nn
