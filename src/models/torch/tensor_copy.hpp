#pragma once
// Fitted tensors copied out of libtorch into plain vectors, for the torch-free
// descriptions of the networks (mlp_weights.hpp, ncf_weights.hpp) and NCF's
// scorer. Includes torch: for the module's .cpp files only.
#include <torch/torch.h>

#include <vector>

#include "models/torch/dense_layer.hpp"

namespace hone::models::torch_nn {

// Every value of `t` as float32, row-major.
inline std::vector<float> float_values(const torch::Tensor& t) {
    torch::NoGradGuard no_grad;
    const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

inline DenseLayer dense_layer(const torch::nn::Linear& layer) {
    return {.in = layer->weight.size(1), .out = layer->weight.size(0), .weight = float_values(layer->weight),
            .bias = float_values(layer->bias)};
}

}  // namespace hone::models::torch_nn
