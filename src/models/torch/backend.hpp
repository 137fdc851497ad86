#pragma once
// The libtorch backend is a shared module (libhone_torch.so) that hone loads the
// first time a neural model is made, loaded or checked: merely loading libtorch
// costs some 0.5 s of CPU (its operator registry), which every hone process and
// every test process would otherwise pay. Torch-free.
#include <memory>

#include "models/estimator.hpp"

namespace hone::models::torch_nn {

// The module's entry points (models/torch/module.cpp), as the module exports them.
struct Backend {
    Estimator* (*make_mlp)(EstimatorConfig* config);
    void (*check_loss)(const Json* params, Task task, int num_classes);
};

// Loaded once, on first use, thread-safely. hone::Error(internal,
// "torch_backend_unavailable") naming the module when it cannot be loaded.
const Backend& backend();

}  // namespace hone::models::torch_nn
