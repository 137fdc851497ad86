#pragma once
// The multi-layer perceptron on libtorch, as scikit-learn's MLPClassifier and
// MLPRegressor (their names and defaults) with the job language's additions
// (optimizers, losses, dropout, batch norm, schedulers). Torch-free: these load
// the libtorch module on first use (backend.hpp).
#include <memory>
#include <string>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models::torch_nn {

// An MLP for a resolved configuration (see mlp_models.cpp for its parameters).
std::unique_ptr<Estimator> make_mlp(EstimatorConfig config);

// hone::Error(validation, "loss_task_mismatch") when loss_function does not fit
// the task (num_classes 0: not known yet, as when a job file is checked).
void check_loss(const Json& params, Task task, int num_classes = 0);

}  // namespace hone::models::torch_nn
