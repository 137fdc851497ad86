#pragma once
// A fully connected layer's weights as libtorch holds them, for code that reads
// a fitted network without libtorch (ncf_scorer.hpp, mlp_weights.hpp,
// ncf_weights.hpp). Torch-free.
#include <cstdint>
#include <vector>

namespace hone::models::torch_nn {

// y = weight · x + bias: weight is out x in, row-major (torch::nn::Linear's
// layout, ONNX Gemm's B with transB = 1); bias has `out` entries.
struct DenseLayer {
    std::int64_t in = 0, out = 0;
    std::vector<float> weight, bias;
};

}  // namespace hone::models::torch_nn
