// The libtorch algorithms: the multi-layer perceptron. Parameters take
// scikit-learn's names and defaults (MLPClassifier, MLPRegressor); the job
// language's names (epochs, learning_rate, optimizer, layers, ...) are aliases
// of them, and what scikit-learn lacks (dropout, batch norm, schedulers, other
// losses and optimizers) is added with PyTorch's defaults. The solver and
// loss_function choices are the names of parts.cpp's registries (test_torch
// checks that they agree): listed here so that the catalog never loads libtorch.
#include "models/backends.hpp"
#include "models/linear/common_params.hpp"
#include "models/torch/mlp.hpp"
#include "models/torch/schedulers.hpp"

#include <torch/csrc/api/include/torch/version.h>

namespace hone::models {
namespace {

ParamSpec number(std::string name, double default_value, std::optional<double> min, std::optional<double> max,
                 std::string doc, std::vector<std::string> aliases = {}) {
    return {.name = std::move(name), .type = ParamType::number, .default_value = default_value, .min = min,
            .max = max, .aliases = std::move(aliases), .doc = std::move(doc)};
}

ParamSpec log_tuned(ParamSpec p, double low, double high) {
    p.tune_min = low;
    p.tune_max = high;
    p.tune_log = true;
    return p;
}

std::vector<ParamSpec> architecture_params() {
    return {
        {.name = "hidden_layer_sizes", .type = ParamType::integer_list, .default_value = Json::array({100}),
         .min = 1.0, .aliases = {"hidden_layers", "layers"},
         .doc = "width of each hidden layer, input side first ([] = none: a linear model); one integer n is one "
                "layer of n units as in scikit-learn, or n layers of `neurons` units when neurons is given",
         .tune_values = {Json::array({50}), Json::array({100}), Json::array({100, 50}), Json::array({128, 64, 32})}},
        {.name = "neurons", .type = ParamType::integer, .default_value = nullptr, .min = 1.0, .nullable = true,
         .doc = "width of every hidden layer, overriding the widths of hidden_layer_sizes (which then gives the "
                "number of layers); null = as hidden_layer_sizes says"},
        {.name = "activation", .type = ParamType::string, .default_value = "relu",
         .choices = {"relu", "tanh", "logistic", "identity"},
         .doc = "activation of the hidden layers (logistic is the sigmoid)"},
        {.name = "dropout", .type = ParamType::number, .default_value = 0.0, .min = 0.0, .max = 0.95,
         .doc = "share of each hidden layer's units zeroed at random in each training batch"},
        {.name = "batch_norm", .type = ParamType::boolean, .default_value = false,
         .doc = "batch normalization after each hidden layer's linear map, before its activation"},
    };
}

ParamSpec learning_rate_init() {
    ParamSpec p = log_tuned(number("learning_rate_init", 1e-3, 0.0, std::nullopt,
                                   "the initial learning rate (one_cycle starts lower, linear warms up to it)",
                                   {"learning_rate", "lr"}),
                            1e-4, 1e-1);
    p.min_exclusive = true;
    return p;
}

std::vector<ParamSpec> optimizer_params() {
    ParamSpec solver{.name = "solver", .type = ParamType::string, .default_value = "adam",
                     .choices = {"adam", "adamw", "sgd", "rmsprop", "adagrad"}, .aliases = {"optimizer"},
                     .doc = "the optimizer (torch.optim): adam (scikit-learn's default), adamw, sgd (with momentum "
                            "and nesterovs_momentum), rmsprop, adagrad; scikit-learn's lbfgs is not offered"};
    ParamSpec batch{.name = "batch_size", .type = ParamType::integer, .default_value = "auto", .min = 1.0,
                    .choices = {"auto"},
                    .doc = "rows per optimizer step; 'auto' = min(200, rows); more than the rows is all rows"};
    ParamSpec max_iter = params::max_iter(200, "most epochs (passes over the training rows)");
    max_iter.aliases = {"epochs", "n_epochs"};
    return {
        solver,
        learning_rate_init(),
        batch,
        max_iter,
        {.name = "shuffle", .type = ParamType::boolean, .default_value = true,
         .doc = "shuffle the training rows before every epoch (seeded)"},
        params::random_state("seed of the initial weights, the shuffling, dropout and early_stopping's hold-out; "
                             "null = the job's seed"),
        number("momentum", 0.9, 0.0, 1.0, "sgd's momentum (rmsprop's is 0)"),
        {.name = "nesterovs_momentum", .type = ParamType::boolean, .default_value = true, .aliases = {"nesterov"},
         .doc = "Nesterov's momentum with sgd (when momentum > 0)"},
        number("beta_1", 0.9, 0.0, 0.999999, "adam and adamw: decay of the first moment estimates"),
        number("beta_2", 0.999, 0.0, 0.999999, "adam and adamw: decay of the second moment estimates"),
        {.name = "epsilon", .type = ParamType::number, .default_value = 1e-8, .min = 0.0, .min_exclusive = true,
         .doc = "numerical stability term of adam, adamw, rmsprop and adagrad"},
        {.name = "gradient_clip", .type = ParamType::number, .default_value = 0.0, .min = 0.0,
         .aliases = {"max_grad_norm", "clip_grad_norm"},
         .doc = "largest L2 norm of all gradients together, clipped before each step; 0 = no clipping"},
    };
}

std::vector<ParamSpec> loss_params() {
    return {
        {.name = "loss_function", .type = ParamType::string, .default_value = nullptr, .nullable = true,
         .choices = {"cross_entropy", "binary_cross_entropy", "mse", "mae", "huber"}, .aliases = {"loss"},
         .doc = "null = scikit-learn's: binary_cross_entropy (one sigmoid output) for two classes, cross_entropy "
                "(softmax) for more, mse for regression; mae and huber are for regressors only"},
        log_tuned(number("alpha", 1e-4, 0.0, std::nullopt,
                         "L2 penalty as scikit-learn's: alpha / 2 * sum of squared weights / batch rows, added to "
                         "the loss (biases are not penalized)",
                         {"l2"}),
                  1e-6, 1e-1),
        number("l1", 0.0, 0.0, std::nullopt, "L1 penalty: l1 * sum of absolute weights / batch rows"),
        {.name = "weight_decay", .type = ParamType::number, .default_value = nullptr, .min = 0.0, .nullable = true,
         .doc = "the optimizer's own weight decay (decoupled for adamw, added to the gradients otherwise); null = "
                "PyTorch's default: 0.01 for adamw, else 0"},
        params::class_weight("null: every class weighs 1; 'balanced': each row weighs n_rows / (n_classes * "
                             "count of its class) in the loss"),
    };
}

std::vector<ParamSpec> stopping_params() {
    return {
        params::tol(1e-4, "least improvement of the training loss (or of the validation score with "
                          "early_stopping) that counts, when the trainer does not stop the fit itself"),
        {.name = "n_iter_no_change", .type = ParamType::integer, .default_value = 10, .min = 1.0,
         .doc = "epochs without an improvement of tol after which the fit stops"},
        {.name = "early_stopping", .type = ParamType::boolean, .default_value = false,
         .doc = "stop on the score (accuracy, R²) of validation_fraction of the training rows held out, and keep "
                "the best epoch's weights, instead of on the training loss"},
        {.name = "validation_fraction", .type = ParamType::number, .default_value = 0.1, .min = 0.0, .max = 0.99,
         .min_exclusive = true, .doc = "share of the training rows early_stopping holds out (each class's share, for classifiers)"},
    };
}

std::vector<ParamSpec> scheduler_params() {
    std::vector<ParamSpec> out{
        {.name = "lr_scheduler", .type = ParamType::string, .default_value = "none",
         .choices = torch_nn::scheduler_names(), .aliases = {"scheduler"},
         .doc = "learning-rate schedule, as PyTorch's: step (StepLR), exponential, cosine (CosineAnnealingLR over "
                "the epochs), reduce_on_plateau (on the validation loss, else the training loss), linear (warmup "
                "then linear decay to 0, per optimizer step), one_cycle (OneCycleLR, per optimizer step)"},
        {.name = "step_size", .type = ParamType::integer, .default_value = 30, .min = 1.0,
         .doc = "step: epochs between two decays"},
        {.name = "gamma", .type = ParamType::number, .default_value = nullptr, .min = 0.0, .max = 1.0,
         .min_exclusive = true, .nullable = true, .aliases = {"factor"},
         .doc = "the factor of each decay (step, exponential, reduce_on_plateau); null = 0.1, or 0.95 for "
                "exponential"},
        number("min_lr", 0.0, 0.0, std::nullopt, "cosine: the last learning rate (eta_min); reduce_on_plateau: the "
                                                  "lowest", {"eta_min"}),
        {.name = "lr_patience", .type = ParamType::integer, .default_value = 10, .min = 0.0,
         .doc = "reduce_on_plateau: epochs without improvement before a decay"},
        {.name = "warmup_steps", .type = ParamType::integer, .default_value = 0, .min = 0.0,
         .doc = "linear: optimizer steps of warmup from 0 to the learning rate"},
        {.name = "max_lr", .type = ParamType::number, .default_value = nullptr, .min = 0.0, .min_exclusive = true,
         .nullable = true, .doc = "one_cycle: the peak learning rate; null = learning_rate_init"},
        {.name = "pct_start", .type = ParamType::number, .default_value = 0.3, .min = 0.0, .max = 1.0,
         .min_exclusive = true, .doc = "one_cycle: share of the steps spent rising to max_lr"},
    };
    return out;
}

AlgorithmSpec mlp() {
    AlgorithmSpec a;
    a.name = "mlp";
    a.aliases = {{"MLPClassifier", Task::classification},
                 {"MLPRegressor", Task::regression},
                 {"neural_network", std::nullopt},
                 {"neural_net", std::nullopt}};
    a.tasks = {Task::classification, Task::regression};
    a.library = "libtorch";
    a.doc = "Multi-layer perceptron as scikit-learn's MLPClassifier and MLPRegressor (fully connected hidden "
            "layers, adam, L2 penalty alpha, its stopping rule), trained on libtorch through hone's epoch loop, "
            "with PyTorch's optimizers, losses, dropout, batch norm and learning-rate schedulers added.";
    a.iterative = true;
    a.checkpoints = true;
    a.distributed = true;
    for (auto part : {architecture_params(), optimizer_params(), loss_params(), stopping_params(), scheduler_params()})
        for (auto& p : part) a.params.push_back(std::move(p));
    a.make = [](EstimatorConfig c) { return torch_nn::make_mlp(std::move(c)); };
    a.check = [](const Json& params, Task task) { torch_nn::check_loss(params, task); };
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> torch_algorithms() { return {mlp()}; }

std::string libtorch_version() {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace hone::models
