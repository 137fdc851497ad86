#pragma once
// Learning-rate schedulers by name, as PyTorch 1.13's torch.optim.lr_scheduler
// computes them (libtorch 1.13 has only StepLR): step, exponential, cosine,
// reduce_on_plateau, linear (warmup then linear decay, as transformers'
// get_linear_schedule_with_warmup) and one_cycle. Torch-free: a scheduler only
// computes numbers, which the epoch loop hands to the optimizer.
//
// Contract: a scheduler starts at the learning rate of step 0 (lr()) and moves to
// the next with step(). Schedulers that are per_batch() step after every
// optimizer step (warmup steps and one_cycle's phases count optimizer steps);
// the others step once per epoch. reduce_on_plateau reads the epoch's metric
// (lower is better); the others ignore it. Each step follows PyTorch's own
// (chained) formula, so the sequence matches PyTorch's to rounding.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::models::torch_nn {

// Everything any scheduler reads; each takes the fields its doc names.
struct SchedulerOptions {
    double base_lr = 1e-3;
    int epochs = 1;           // epochs of the fit
    int steps_per_epoch = 1;  // optimizer steps per epoch (batches)
    // step: multiply by gamma every step_size epochs; exponential: every epoch;
    // reduce_on_plateau: after `patience` epochs without improvement.
    int step_size = 30;
    std::optional<double> gamma;  // none: 0.1 (step, reduce_on_plateau), 0.95 (exponential)
    double min_lr = 0;            // cosine's eta_min, reduce_on_plateau's min_lr
    int patience = 10;            // reduce_on_plateau
    double threshold = 1e-4;      // reduce_on_plateau, relative
    int cooldown = 0;             // reduce_on_plateau
    int warmup_steps = 0;         // linear: optimizer steps of linear warmup from 0
    // one_cycle: the peak (none: base_lr), the share of steps spent rising, the
    // starting lr = max_lr / div_factor and the last = start / final_div_factor;
    // momentum (SGD's, or Adam's beta_1) cycles from max_momentum down to
    // base_momentum and back when cycle_momentum.
    std::optional<double> max_lr;
    double pct_start = 0.3;
    double div_factor = 25;
    double final_div_factor = 1e4;
    bool cycle_momentum = true;
    double base_momentum = 0.85;
    double max_momentum = 0.95;
};

class LrScheduler {
public:
    virtual ~LrScheduler() = default;
    double lr() const { return lr_; }
    // The momentum (or Adam's beta_1) to use with lr(), for schedulers that set it.
    virtual std::optional<double> momentum() const { return std::nullopt; }
    virtual bool per_batch() const { return false; }
    // Advances one step (an epoch, or an optimizer step when per_batch()).
    virtual void step(double metric = 0) = 0;
    // Everything step() reads and writes, for checkpoints.
    virtual nlohmann::json state() const;
    virtual void load_state(const nlohmann::json& state);

protected:
    double lr_ = 0;
    long last_step_ = 0;
};

// The scheduler `name` means (a name or alias, any case); "none" or an empty
// name is a constant learning rate. Unknown: hone::Error(validation,
// "unknown_lr_scheduler") listing the valid names. Bad options (a step_size
// below 1, gamma outside (0, 1], max_lr <= 0) are hone::Error(validation).
std::unique_ptr<LrScheduler> make_scheduler(const std::string& name, const SchedulerOptions& options);
// The canonical names, for the catalog's choices.
std::vector<std::string> scheduler_names();

}  // namespace hone::models::torch_nn
