#pragma once
// Files Python's torch.load reads (torch.load(path, weights_only=True) too),
// written by libtorch's own pickler: a zip archive holding data.pkl and one
// record per tensor, as torch.save writes it. Torch-free: state_dict.cpp in
// the libtorch module does the writing (backend.hpp), so writers outside
// libtorch (export/torch_state.hpp) hand over plain arrays.
#include <cstdint>
#include <string>
#include <vector>

namespace hone::models::torch_nn {

// One entry of a state dict: a float32 tensor of `shape` holding `values`, or,
// when `integral`, an int64 tensor holding `integers` (a BatchNorm's
// num_batches_tracked). Row-major; the product of shape is the values' count
// (shape {} is a scalar, one value).
struct NamedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;
    bool integral = false;
    std::vector<std::int64_t> integers;
};

// The bytes of a file torch.load reads as the plain dict
//   {"state_dict": {name: tensor, ...}, "hone": hone_json}
// with the tensors in the order given and hone_json a str. A tensor whose
// values do not fill its shape is hone::Error(internal, "shape_mismatch").
std::string torch_state_file(const std::vector<NamedTensor>& tensors, const std::string& hone_json);

// The same inside the module (state_dict.cpp), which torch_state_file calls through the backend.
std::string pickle_state_dict(const std::vector<NamedTensor>& tensors, const std::string& hone_json);

}  // namespace hone::models::torch_nn
