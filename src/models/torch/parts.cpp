#include "models/torch/parts.hpp"

#include "common/error.hpp"
#include "common/registry.hpp"

namespace hone::models::torch_nn {

namespace {

namespace optim = torch::optim;
namespace F = torch::nn::functional;

using OptimizerFactory =
    std::function<std::unique_ptr<optim::Optimizer>(std::vector<torch::Tensor>, const OptimizerOptions&)>;

const Registry<Registered<OptimizerFactory>>& optimizers() {
    static const Registry<Registered<OptimizerFactory>> registry(
        "optimizer", "unknown_optimizer",
        {{"adam", {}, "Adam (torch.optim.Adam), scikit-learn's default solver",
          [](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::Adam>(std::move(p), optim::AdamOptions(o.lr)
                                                                     .betas({o.beta1, o.beta2})
                                                                     .eps(o.epsilon)
                                                                     .weight_decay(o.weight_decay.value_or(0)));
          }},
         {"adamw", {}, "AdamW (torch.optim.AdamW): Adam with decoupled weight decay, 0.01 unless given",
          [](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::AdamW>(std::move(p), optim::AdamWOptions(o.lr)
                                                                      .betas({o.beta1, o.beta2})
                                                                      .eps(o.epsilon)
                                                                      .weight_decay(o.weight_decay.value_or(0.01)));
          }},
         {"sgd", {}, "stochastic gradient descent (torch.optim.SGD) with momentum, Nesterov's when nesterov",
          [](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::SGD>(std::move(p), optim::SGDOptions(o.lr)
                                                                    .momentum(o.momentum)
                                                                    .nesterov(o.nesterov && o.momentum > 0)
                                                                    .weight_decay(o.weight_decay.value_or(0)));
          }},
         {"rmsprop", {}, "RMSprop (torch.optim.RMSprop, alpha 0.99)",
          [](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::RMSprop>(
                  std::move(p), optim::RMSpropOptions(o.lr).eps(o.epsilon).weight_decay(o.weight_decay.value_or(0)));
          }},
         {"adagrad", {}, "Adagrad (torch.optim.Adagrad)",
          [](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::Adagrad>(
                  std::move(p), optim::AdagradOptions(o.lr).eps(o.epsilon).weight_decay(o.weight_decay.value_or(0)));
          }}});
    return registry;
}

// The weighted mean of per-row losses, or their mean without weights.
torch::Tensor reduce(const torch::Tensor& per_row, const torch::Tensor& weights) {
    if (!weights.defined()) return per_row.mean();
    return (per_row * weights).sum() / weights.sum();
}

torch::Tensor as_column(const torch::Tensor& output) { return output.reshape({-1}); }

const auto kNone = torch::kNone;

const Registry<Registered<Loss>>& losses() {
    static const Registry<Registered<Loss>> registry(
        "loss_function", "unknown_loss_function",
        {{"cross_entropy", {"log_loss", "categorical_crossentropy", "crossentropy"},
          "softmax cross-entropy over one output per class (classifiers)",
          {"cross_entropy", LossTarget::class_index,
           [](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
               if (!w.defined()) return F::cross_entropy(out, y);
               return reduce(F::cross_entropy(out, y, F::CrossEntropyFuncOptions().reduction(kNone)), w);
           }}},
         {"binary_cross_entropy", {"bce", "binary_crossentropy", "bce_with_logits"},
          "sigmoid cross-entropy on one output (binary classifiers)",
          {"binary_cross_entropy", LossTarget::binary,
           [](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
               return reduce(F::binary_cross_entropy_with_logits(
                                 as_column(out), y, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(kNone)),
                             w);
           }}},
         {"mse", {"squared_error", "mean_squared_error", "l2_loss"}, "mean squared error (regressors)",
          {"mse", LossTarget::value,
           [](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
               return reduce(F::mse_loss(as_column(out), y, F::MSELossFuncOptions().reduction(kNone)), w);
           }}},
         {"mae", {"absolute_error", "mean_absolute_error", "l1_loss"}, "mean absolute error (regressors)",
          {"mae", LossTarget::value,
           [](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
               return reduce(F::l1_loss(as_column(out), y, F::L1LossFuncOptions().reduction(kNone)), w);
           }}},
         {"huber", {"huber_loss", "smooth_l1"}, "Huber loss with delta 1: squared below 1, absolute above (regressors)",
          {"huber", LossTarget::value, [](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
               return reduce(F::huber_loss(as_column(out), y, F::HuberLossFuncOptions().reduction(kNone)), w);
           }}}});
    return registry;
}

}  // namespace

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> params,
                                                 const OptimizerOptions& options) {
    return optimizers().find(name).make(std::move(params), options);
}

std::vector<std::string> optimizer_names() { return optimizers().names(); }

void set_learning_rate(optim::Optimizer& optimizer, double lr, std::optional<double> momentum) {
    for (auto& group : optimizer.param_groups()) {
        auto& options = group.options();
        options.set_lr(lr);
        if (!momentum) continue;
        if (auto* sgd = dynamic_cast<optim::SGDOptions*>(&options)) sgd->momentum(*momentum);
        if (auto* rms = dynamic_cast<optim::RMSpropOptions*>(&options)) rms->momentum(*momentum);
        if (auto* adam = dynamic_cast<optim::AdamOptions*>(&options))
            adam->betas({*momentum, std::get<1>(adam->betas())});
        if (auto* adamw = dynamic_cast<optim::AdamWOptions*>(&options))
            adamw->betas({*momentum, std::get<1>(adamw->betas())});
    }
}

Loss find_loss(const std::string& name) { return losses().find(name).make; }

std::vector<std::string> loss_names() { return losses().names(); }

}  // namespace hone::models::torch_nn
