#pragma once
// A fitted NeuMF or GMF recommender (`ncf`, `gmf`) described without libtorch,
// for writers that translate it (export/torch_state.hpp). Torch-free: copied
// out of the libtorch module (backend.hpp), which it loads if needed.
//
// The score of item i for user u (a logit: higher ranks first; its sigmoid is
// the modelled probability of an interaction), as NcfRecommender::score computes it:
//
//   g = gmf_user[u] ⊙ gmf_item[i]                    (element-wise, dim entries)
//   NeuMF: h = [mlp_user[u]; mlp_item[i]]            (2 dim entries)
//          for each layer of tower: h = max(layer.weight · h + layer.bias, 0)
//          f = [g; h]
//   GMF:   f = g
//   score = output.weight · f + output.bias          (output.out = 1)
//
// u and i are the indices of the model's user and item id tables
// (train::ServedRecommender::user_ids(), item_ids()).
#include <cstdint>
#include <vector>

#include "models/recommender.hpp"
#include "models/torch/dense_layer.hpp"

namespace hone::models::torch_nn {

struct NcfWeights {
    std::int64_t users = 0, items = 0, dim = 0;  // dim: embedding_dim
    bool gmf_only = false;
    // Embedding tables, row-major: users x dim, items x dim (mlp_* empty for GMF).
    std::vector<float> gmf_user, gmf_item, mlp_user, mlp_item;
    std::vector<DenseLayer> tower;  // NeuMF's MLP tower, ReLU after each layer; empty for GMF
    DenseLayer output;              // in: dim (GMF), or dim + the tower's last width (2 dim without layers)
};

// The description of a fitted or loaded `ncf` or `gmf` recommender. Anything
// else is hone::Error(validation, "not_an_ncf"); one neither fitted nor loaded
// is hone::Error(validation, "not_fitted").
NcfWeights ncf_weights(const Recommender& recommender);

}  // namespace hone::models::torch_nn
