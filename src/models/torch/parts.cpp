#include "models/torch/parts.hpp"

#include <cmath>

#include <c10/util/string_utils.h>

#include "common/error.hpp"
#include "common/registry.hpp"

namespace hone::models::torch_nn {

namespace {

namespace optim = torch::optim;
namespace F = torch::nn::functional;

// The scalars of one Adam step of one parameter.
struct AdamStep {
    double beta1 = 0, beta2 = 0, eps = 0;
    double grad_decay = 0;   // Adam's weight decay, added to the gradient
    double param_scale = 1;  // AdamW's decoupled decay: the parameter shrinks by lr * weight_decay
    double step_size = 0;    // lr / (1 - beta1^t)
    double bias_correction2_sqrt = 1;
};

// One Adam step over one parameter's memory: the arithmetic of libtorch's
// Adam::step (AdamW's when `decoupled`), element by element. Without a
// gradient (kGradient false) every element's gradient is zero, which is what
// a dense gradient holds in the rows a sparse one leaves out: the same
// arithmetic, so the result is the dense step's to the bit.
// Vectorized: the pointers never alias, and this file is compiled with
// -ftree-vectorize -fno-math-errno (sqrt setting errno would keep the loop
// scalar, a call per element) and -ffp-contract=off (each operation rounded
// on its own, as libtorch's tensor operations are; see src/models/CMakeLists.txt).
template <bool kGradient, class T>
[[gnu::always_inline]] inline void adam_loop(T* __restrict p, const T* __restrict g, T* __restrict m,
                                             T* __restrict v, std::int64_t n, const AdamStep& s) {
    const T beta1 = static_cast<T>(s.beta1), beta2 = static_cast<T>(s.beta2), eps = static_cast<T>(s.eps);
    const T grad_decay = static_cast<T>(s.grad_decay), param_scale = static_cast<T>(s.param_scale);
    const T step_size = static_cast<T>(s.step_size), bias2_sqrt = static_cast<T>(s.bias_correction2_sqrt);
    for (std::int64_t i = 0; i < n; ++i) {
        const T grad = (kGradient ? g[i] : T(0)) + grad_decay * p[i];
        m[i] = m[i] * beta1 + (1 - beta1) * grad;
        v[i] = v[i] * beta2 + (1 - beta2) * grad * grad;
        p[i] = p[i] * param_scale - step_size * m[i] / (std::sqrt(v[i]) / bias2_sqrt + eps);
    }
}

// The loop compiled for AVX-512 and AVX2 besides the baseline, chosen when
// the program loads: its two divisions and a square root per element bound
// it, and wider registers do more of them per cycle (3x on this project's
// machines). `g` null: a zero gradient.
#define HONE_ADAM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

HONE_ADAM_CLONES void adam_update(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamStep& s) {
    if (g) adam_loop<true>(p, g, m, v, n, s);
    else adam_loop<false>(p, g, m, v, n, s);
}

HONE_ADAM_CLONES void adam_update(double* p, const double* g, double* m, double* v, std::int64_t n,
                                  const AdamStep& s) {
    if (g) adam_loop<true>(p, g, m, v, n, s);
    else adam_loop<false>(p, g, m, v, n, s);
}

// The step of a parameter whose gradient is sparse over its rows (an
// embedding's): the rows in the gradient take their summed gradient, every
// other row a zero one, so the step equals the dense gradient's while the
// backward pass never builds, fills and reads a table-sized gradient.
template <class T>
void adam_update_rows(T* p, T* m, T* v, std::int64_t rows, std::int64_t width, const torch::Tensor& sparse_gradient,
                      const AdamStep& s) {
    const torch::Tensor g = sparse_gradient.coalesce();  // sorted rows, repeats summed
    const torch::Tensor index = g._indices().select(0, 0).contiguous();
    const torch::Tensor values = g._values().contiguous();
    const auto* row = index.data_ptr<std::int64_t>();
    const T* value = values.data_ptr<T>();
    std::int64_t next = 0;  // the first row not stepped yet
    for (std::int64_t k = 0; k < index.numel(); ++k) {
        const std::int64_t r = row[k];
        adam_update(p + next * width, nullptr, m + next * width, v + next * width, (r - next) * width, s);
        adam_update(p + r * width, value + k * width, m + r * width, v + r * width, width, s);
        next = r + 1;
    }
    adam_update(p + next * width, nullptr, m + next * width, v + next * width, (rows - next) * width, s);
}

// Adam and AdamW doing each parameter's step in one pass over its memory
// instead of about ten tensor operations: at batches of a few dozen rows the
// operations' dispatch costs more than their arithmetic. The state and the
// archive are libtorch's own, so checkpoints load in either. Anything the
// loop does not cover (amsgrad, a closure, sparse or non-contiguous tensors,
// other types than float and double) takes libtorch's own step. A gradient
// sparse over rows (an embedding's with `sparse`) steps as the dense one would.
template <class Base, class Options, class ParamState, bool kDecoupled>
class FusedAdam : public Base {
public:
    using Base::Base;

    torch::Tensor step(torch::optim::Optimizer::LossClosure closure = nullptr) override {
        if (closure || !fusable()) return Base::step(std::move(closure));
        torch::NoGradGuard no_grad;
        for (auto& group : this->param_groups_) {
            const auto& o = static_cast<const Options&>(group.options());
            for (auto& p : group.params()) {
                if (!p.grad().defined()) continue;
                ParamState& state = state_of(p);
                state.step(state.step() + 1);
                update(p, state, o);
            }
        }
        return {};
    }

private:
    bool fusable() const {
        for (const auto& group : this->param_groups_) {
            if (static_cast<const Options&>(group.options()).amsgrad()) return false;
            for (const auto& p : group.params()) {
                const auto& g = p.grad();
                if (!g.defined()) continue;
                const bool rows = g.is_sparse() && g.sparse_dim() == 1;
                if ((g.is_sparse() && !rows) || !p.is_contiguous() || (!rows && !g.is_contiguous()) ||
                    g.scalar_type() != p.scalar_type() ||
                    (p.scalar_type() != torch::kFloat && p.scalar_type() != torch::kDouble))
                    return false;
            }
        }
        return true;
    }

    ParamState& state_of(const torch::Tensor& p) {
        const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
        auto found = this->state_.find(key);
        if (found == this->state_.end()) {
            auto state = std::make_unique<ParamState>();
            state->step(0);
            state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
            state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
            found = this->state_.emplace(key, std::move(state)).first;
        }
        return static_cast<ParamState&>(*found->second);
    }

    void update(torch::Tensor& p, ParamState& state, const Options& o) {
        const auto [beta1, beta2] = o.betas();
        const auto step = static_cast<double>(state.step());
        AdamStep s;
        s.beta1 = beta1;
        s.beta2 = beta2;
        s.eps = o.eps();
        s.grad_decay = kDecoupled ? 0.0 : o.weight_decay();
        s.param_scale = kDecoupled ? 1.0 - o.lr() * o.weight_decay() : 1.0;
        s.step_size = o.lr() / (1 - std::pow(beta1, step));
        s.bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
        torch::Tensor& m = state.exp_avg();
        torch::Tensor& v = state.exp_avg_sq();
        if (!m.is_contiguous() || !v.is_contiguous()) {  // a state loaded from elsewhere
            m = m.contiguous();
            v = v.contiguous();
        }
        const torch::Tensor& g = p.grad();
        if (p.scalar_type() == torch::kFloat) step_memory<float>(p, g, m, v, s);
        else step_memory<double>(p, g, m, v, s);
    }

    template <class T>
    static void step_memory(torch::Tensor& p, const torch::Tensor& g, torch::Tensor& m, torch::Tensor& v,
                            const AdamStep& s) {
        if (g.is_sparse() && p.numel() > 0)
            adam_update_rows(p.data_ptr<T>(), m.data_ptr<T>(), v.data_ptr<T>(), p.size(0), p.numel() / p.size(0), g,
                             s);
        else
            adam_update(p.data_ptr<T>(), g.data_ptr<T>(), m.data_ptr<T>(), v.data_ptr<T>(), p.numel(), s);
    }
};

using Adam = FusedAdam<optim::Adam, optim::AdamOptions, optim::AdamParamState, false>;
using AdamW = FusedAdam<optim::AdamW, optim::AdamWOptions, optim::AdamWParamState, true>;

using OptimizerFactory =
    std::function<std::unique_ptr<optim::Optimizer>(std::vector<torch::Tensor>, const OptimizerOptions&)>;

struct OptimizerEntry {
    OptimizerFactory build;
    bool sparse_rows = false;  // steps a gradient sparse over rows as the dense one
};

const Registry<Registered<OptimizerEntry>>& optimizers() {
    static const Registry<Registered<OptimizerEntry>> registry(
        "optimizer", "unknown_optimizer",
        {{"adam", {}, "Adam (torch.optim.Adam), scikit-learn's default solver",
          {[](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<Adam>(std::move(p), optim::AdamOptions(o.lr)
                                                                     .betas({o.beta1, o.beta2})
                                                                     .eps(o.epsilon)
                                                                     .weight_decay(o.weight_decay.value_or(0)));
          }, true}},
         {"adamw", {}, "AdamW (torch.optim.AdamW): Adam with decoupled weight decay, 0.01 unless given",
          {[](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<AdamW>(std::move(p), optim::AdamWOptions(o.lr)
                                                                      .betas({o.beta1, o.beta2})
                                                                      .eps(o.epsilon)
                                                                      .weight_decay(o.weight_decay.value_or(0.01)));
          }, true}},
         {"sgd", {}, "stochastic gradient descent (torch.optim.SGD) with momentum, Nesterov's when nesterov",
          {[](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::SGD>(std::move(p), optim::SGDOptions(o.lr)
                                                                    .momentum(o.momentum)
                                                                    .nesterov(o.nesterov && o.momentum > 0)
                                                                    .weight_decay(o.weight_decay.value_or(0)));
          }, false}},
         {"rmsprop", {}, "RMSprop (torch.optim.RMSprop, alpha 0.99)",
          {[](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::RMSprop>(
                  std::move(p), optim::RMSpropOptions(o.lr).eps(o.epsilon).weight_decay(o.weight_decay.value_or(0)));
          }, false}},
         {"adagrad", {}, "Adagrad (torch.optim.Adagrad)",
          {[](std::vector<torch::Tensor> p, const OptimizerOptions& o) -> std::unique_ptr<optim::Optimizer> {
              return std::make_unique<optim::Adagrad>(
                  std::move(p), optim::AdagradOptions(o.lr).eps(o.epsilon).weight_decay(o.weight_decay.value_or(0)));
          }, false}}});
    return registry;
}

using Reduction = torch::nn::MSELossOptions::reduction_t;  // every loss's: none, mean or sum

// A batch loss from a functional loss taking its reduction. Without weights it
// is the functional's own mean (one operation and one backward node, which
// matters at small batches); with weights, sum(w_i l_i) / sum(w_i) over the
// per-row losses. `column`: the output is one column, compared as a vector.
template <class Functional>
LossFn batch_mean(bool column, Functional functional) {
    return [column, functional](const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
        const torch::Tensor output = column ? out.reshape({-1}) : out;
        if (!w.defined()) return functional(output, y, Reduction(torch::kMean));
        return (functional(output, y, Reduction(torch::kNone)) * w).sum() / w.sum();
    };
}

const Registry<Registered<Loss>>& losses() {
    static const Registry<Registered<Loss>> registry(
        "loss_function", "unknown_loss_function",
        {{"cross_entropy", {"log_loss", "categorical_crossentropy", "crossentropy"},
          "softmax cross-entropy over one output per class (classifiers)",
          {"cross_entropy", LossTarget::class_index,
           batch_mean(false, [](const torch::Tensor& out, const torch::Tensor& y, Reduction r) {
               return F::cross_entropy(out, y, F::CrossEntropyFuncOptions().reduction(r));
           })}},
         {"binary_cross_entropy", {"bce", "binary_crossentropy", "bce_with_logits"},
          "sigmoid cross-entropy on one output (binary classifiers)",
          {"binary_cross_entropy", LossTarget::binary,
           batch_mean(true, [](const torch::Tensor& out, const torch::Tensor& y, Reduction r) {
               return F::binary_cross_entropy_with_logits(out, y,
                                                          F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(r));
           })}},
         {"mse", {"squared_error", "mean_squared_error", "l2_loss"}, "mean squared error (regressors)",
          {"mse", LossTarget::value,
           batch_mean(true, [](const torch::Tensor& out, const torch::Tensor& y, Reduction r) {
               return F::mse_loss(out, y, F::MSELossFuncOptions().reduction(r));
           })}},
         {"mae", {"absolute_error", "mean_absolute_error", "l1_loss"}, "mean absolute error (regressors)",
          {"mae", LossTarget::value,
           batch_mean(true, [](const torch::Tensor& out, const torch::Tensor& y, Reduction r) {
               return F::l1_loss(out, y, F::L1LossFuncOptions().reduction(r));
           })}},
         {"huber", {"huber_loss", "smooth_l1"}, "Huber loss with delta 1: squared below 1, absolute above (regressors)",
          {"huber", LossTarget::value,
           batch_mean(true, [](const torch::Tensor& out, const torch::Tensor& y, Reduction r) {
               return F::huber_loss(out, y, F::HuberLossFuncOptions().reduction(r));
           })}}});
    return registry;
}

}  // namespace

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name, std::vector<torch::Tensor> params,
                                                 const OptimizerOptions& options) {
    return optimizers().find(name).make.build(std::move(params), options);
}

bool steps_sparse_rows(const std::string& name) { return optimizers().find(name).make.sparse_rows; }

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
