#pragma once
// The libtorch backend is a shared module (libhone_torch.so) that hone loads the
// first time a neural model is made, loaded or checked: merely loading libtorch
// costs some 0.5 s of CPU (its operator registry), which every hone process and
// every test process would otherwise pay. Torch-free.
#include <memory>
#include <string>
#include <vector>

#include "models/estimator.hpp"
#include "models/recommender.hpp"
#include "models/torch/mlp_weights.hpp"
#include "models/torch/ncf_weights.hpp"
#include "models/torch/state_dict.hpp"

namespace hone::models::torch_nn {

// The module's entry points (models/torch/module.cpp), as the module exports them.
struct Backend {
    Estimator* (*make_mlp)(EstimatorConfig* config);
    void (*check_loss)(const Json* params, Task task, int num_classes);
    Recommender* (*make_ncf)(EstimatorConfig* config, bool gmf_only);
    // mlp_weights.hpp, ncf_weights.hpp and state_dict.hpp's functions, the
    // result written to `out`.
    void (*describe_mlp)(const Estimator* estimator, MlpWeights* out);
    void (*describe_ncf)(const Recommender* recommender, NcfWeights* out);
    void (*pickle_state_dict)(const std::vector<NamedTensor>* tensors, const std::string* hone_json, std::string* out);
};

// Loaded once, on first use, thread-safely. hone::Error(internal,
// "torch_backend_unavailable") naming the module when it cannot be loaded.
const Backend& backend();

// NeuMF, or GMF alone (torch/ncf_impl.hpp), through the backend.
std::unique_ptr<Recommender> make_ncf(EstimatorConfig config, bool gmf_only);

}  // namespace hone::models::torch_nn
