#pragma once
// Optimizers and losses by name, on libtorch (torch::optim, torch::nn::functional).
// Includes torch: only src/models/torch/ and its tests include this header.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace hone::models::torch_nn {

// --- Optimizers: adam, adamw, sgd (momentum, nesterov), rmsprop, adagrad.

struct OptimizerOptions {
    double lr = 1e-3;
    std::optional<double> weight_decay;  // none: 0, or 0.01 for adamw (PyTorch's defaults)
    double momentum = 0.9;               // sgd only
    bool nesterov = true;                // sgd only, when momentum > 0
    double beta1 = 0.9, beta2 = 0.999;   // adam, adamw
    double epsilon = 1e-8;               // adam, adamw, rmsprop, adagrad
};

// Unknown name: hone::Error(validation, "unknown_optimizer") listing the valid ones.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> params,
                                                        const OptimizerOptions& options);
std::vector<std::string> optimizer_names();

// Whether the optimizer steps a gradient that is sparse over a parameter's
// rows (an embedding's built with `sparse`) exactly as the dense gradient
// with zeros in the other rows: adam and adamw. A model may then let its
// embeddings build sparse gradients, which skips a table-sized gradient per
// batch; the others need dense ones.
bool steps_sparse_rows(const std::string& name);

// Sets every parameter group's learning rate, and its momentum (SGD's and
// RMSprop's momentum, Adam's beta_1) when given and the optimizer has one.
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, std::optional<double> momentum = std::nullopt);

// --- Losses: cross_entropy, binary_cross_entropy, mse, mae, huber.

// What a loss compares a model's output with.
enum class LossTarget {
    class_index,   // output rows x k logits; target int64 class indices (cross_entropy)
    binary,        // output rows x 1 logit; target float 0/1 (binary_cross_entropy, with logits)
    value,         // output rows x 1; target float values (mse, mae, huber)
};

// The mean loss of a batch. `weights` (per row, may be undefined) make it the
// weighted mean sum(w_i l_i) / sum(w_i), as PyTorch weighs cross_entropy by class.
using LossFn = std::function<torch::Tensor(const torch::Tensor& output, const torch::Tensor& target,
                                           const torch::Tensor& weights)>;

struct Loss {
    std::string name;
    LossTarget target;
    LossFn fn;
};

// Unknown name: hone::Error(validation, "unknown_loss_function") listing the valid ones.
Loss find_loss(const std::string& name);
std::vector<std::string> loss_names();

}  // namespace hone::models::torch_nn
