#pragma once
// The mlp inside the libtorch module (mlp.cpp); hone_models reaches it through
// backend.hpp. Torch-free header.
#include <memory>

#include "models/estimator.hpp"
#include "models/torch/mlp_weights.hpp"

namespace hone::models::torch_nn {

std::unique_ptr<Estimator> make_mlp_estimator(EstimatorConfig config);
// hone::Error(validation, "loss_task_mismatch") when loss_function does not fit
// the task (num_classes 0: not known yet).
void check_mlp_loss(const Json& params, Task task, int num_classes);
// mlp_weights() inside the module.
MlpWeights describe_mlp_estimator(const Estimator& estimator);

}  // namespace hone::models::torch_nn
