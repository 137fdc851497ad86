#pragma once
// NeuMF's and GMF's scores of every item for one user, as serving asks for
// them, without libtorch (ncf.cpp hands over the weights) and on the calling
// thread alone.
//
// What does not depend on the user is computed once, when the scorer is made:
// the MLP tower's first layer is W·[u; i] + b = W_u·u + (W_i·i + b), so its
// item half W_i·i + b is kept for every item (items x width of the first
// layer) and a request adds W_u·u, computed once; GMF's (u ⊙ i)·h = i·(u ⊙ h)
// is one product of the item embeddings with a vector. The tower's other
// layers run over blocks of items with the weights in cache.
//
// The scores are the network's forward pass up to float rounding: the sums
// are the same terms added in another order (the first layer's, for one, in
// two parts).
#include <cstdint>
#include <span>
#include <vector>

#include "models/torch/dense_layer.hpp"

namespace hone::models::torch_nn {

// The fitted weights, row-major: embeddings users x dim and items x dim;
// first_items is items x width (W_i·i + b for every item), first_user width x dim
// (W_u); tower the layers after the first; output_weight dim + the tower's last
// width (GMF's part first), or dim alone for GMF.
struct NcfScorerWeights {
    std::int64_t users = 0, items = 0, dim = 0;
    bool gmf_only = false;
    std::vector<float> gmf_user, gmf_item, mlp_user, first_items, first_user;
    std::int64_t first_width = 0;
    std::vector<DenseLayer> tower;
    std::vector<float> output_weight;
    float output_bias = 0;
};

class NcfScorer {
public:
    explicit NcfScorer(NcfScorerWeights weights);

    // out[i] = the score of item i for `user`, i < out.size() <= items.
    // Safe to call from several threads at once.
    void score_all(std::int32_t user, std::span<float> out) const;

    std::int64_t users() const { return users_; }
    std::int64_t items() const { return items_; }

private:
    // A tower layer laid out for the kernel: weight transposed to in x
    // padded_out (zero columns past out), bias padded the same way.
    struct Layer {
        std::int64_t in = 0, out = 0, padded_out = 0;
        std::vector<float> weight_t, bias;
    };

    std::int64_t users_ = 0, items_ = 0, dim_ = 0;
    bool gmf_only_ = false;
    std::vector<float> gmf_user_, gmf_item_, mlp_user_;
    std::vector<float> first_items_;   // items x padded first width
    std::vector<float> first_user_t_;  // dim x padded first width
    std::int64_t first_width_ = 0, first_padded_ = 0;
    std::vector<Layer> tower_;
    std::vector<float> gmf_out_, mlp_out_;  // the output layer's two parts
    float output_bias_ = 0;
};

}  // namespace hone::models::torch_nn
