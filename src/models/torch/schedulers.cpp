#include "models/torch/schedulers.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>

#include "common/error.hpp"
#include "common/registry.hpp"
#include "common/text.hpp"

namespace hone::models::torch_nn {

using Json = nlohmann::json;

Json LrScheduler::state() const { return Json{{"lr", lr_}, {"last_step", last_step_}}; }

void LrScheduler::load_state(const Json& state) {
    lr_ = state.at("lr").get<double>();
    last_step_ = state.at("last_step").get<long>();
}

namespace {

constexpr double kPi = std::numbers::pi;

class ConstantLr final : public LrScheduler {
public:
    explicit ConstantLr(double lr) { lr_ = lr; }
    void step(double) override { ++last_step_; }
};

// StepLR and ExponentialLR (step_size 1): lr *= gamma on every step_size-th step.
class StepLr final : public LrScheduler {
public:
    StepLr(double base_lr, int step_size, double gamma) : step_size_(step_size), gamma_(gamma) { lr_ = base_lr; }
    void step(double) override {
        ++last_step_;
        if (last_step_ % step_size_ == 0) lr_ *= gamma_;
    }

private:
    int step_size_;
    double gamma_;
};

// CosineAnnealingLR's recursive form (what PyTorch computes when nothing else
// touches the rate), T_max = the fit's epochs.
class CosineLr final : public LrScheduler {
public:
    CosineLr(double base_lr, int t_max, double eta_min) : base_lr_(base_lr), t_max_(t_max), eta_min_(eta_min) {
        lr_ = base_lr;
    }
    void step(double) override {
        const long e = ++last_step_;
        if ((e - 1 - t_max_) % (2 * t_max_) == 0) {
            lr_ = lr_ + (base_lr_ - eta_min_) * (1 - std::cos(kPi / t_max_)) / 2;
            return;
        }
        lr_ = (1 + std::cos(kPi * static_cast<double>(e) / t_max_)) /
                  (1 + std::cos(kPi * static_cast<double>(e - 1) / t_max_)) * (lr_ - eta_min_) +
              eta_min_;
    }

private:
    double base_lr_;
    long t_max_;
    double eta_min_;
};

// ReduceLROnPlateau in mode 'min', threshold_mode 'rel', eps 1e-8.
class PlateauLr final : public LrScheduler {
public:
    PlateauLr(const SchedulerOptions& o, double factor) : o_(o), factor_(factor) { lr_ = o.base_lr; }
    void step(double metric) override {
        ++last_step_;
        if (metric < best_ * (1. - o_.threshold)) {
            best_ = metric;
            bad_epochs_ = 0;
        } else {
            ++bad_epochs_;
        }
        if (cooldown_counter_ > 0) {
            --cooldown_counter_;
            bad_epochs_ = 0;
        }
        if (bad_epochs_ > o_.patience) {
            double reduced = std::max(lr_ * factor_, o_.min_lr);
            if (lr_ - reduced > 1e-8) lr_ = reduced;
            cooldown_counter_ = o_.cooldown;
            bad_epochs_ = 0;
        }
    }
    Json state() const override {
        Json s = LrScheduler::state();
        s["best"] = std::isinf(best_) ? Json() : Json(best_);  // JSON has no infinity
        s["bad_epochs"] = bad_epochs_;
        s["cooldown_counter"] = cooldown_counter_;
        return s;
    }
    void load_state(const Json& s) override {
        LrScheduler::load_state(s);
        best_ = s.at("best").is_null() ? std::numeric_limits<double>::infinity() : s.at("best").get<double>();
        bad_epochs_ = s.at("bad_epochs").get<int>();
        cooldown_counter_ = s.at("cooldown_counter").get<int>();
    }

private:
    SchedulerOptions o_;
    double factor_;
    double best_ = std::numeric_limits<double>::infinity();
    int bad_epochs_ = 0;
    int cooldown_counter_ = 0;
};

// transformers' get_linear_schedule_with_warmup: LambdaLR with
// step / warmup before warmup_steps, then (total - step) / (total - warmup) down to 0.
class LinearWarmupLr final : public LrScheduler {
public:
    LinearWarmupLr(double base_lr, long warmup, long total) : base_lr_(base_lr), warmup_(warmup), total_(total) {
        lr_ = base_lr * factor(0);
    }
    bool per_batch() const override { return true; }
    void step(double) override { lr_ = base_lr_ * factor(++last_step_); }

private:
    double factor(long step) const {
        if (step < warmup_) return static_cast<double>(step) / static_cast<double>(std::max(1L, warmup_));
        return std::max(0.0, static_cast<double>(total_ - step) / static_cast<double>(std::max(1L, total_ - warmup_)));
    }
    double base_lr_;
    long warmup_, total_;
};

// OneCycleLR with anneal_strategy 'cos', two phases. Past the last step the
// rate holds (PyTorch raises instead).
class OneCycleLr final : public LrScheduler {
public:
    OneCycleLr(const SchedulerOptions& o, double max_lr)
        : o_(o), max_lr_(max_lr), total_(static_cast<long>(o.epochs) * o.steps_per_epoch) {
        initial_lr_ = max_lr / o.div_factor;
        min_lr_ = initial_lr_ / o.final_div_factor;
        compute();
    }
    bool per_batch() const override { return true; }
    std::optional<double> momentum() const override {
        if (!o_.cycle_momentum) return std::nullopt;
        return momentum_;
    }
    void step(double) override {
        if (last_step_ >= total_) return;
        ++last_step_;
        compute();
    }
    void load_state(const Json& state) override {
        LrScheduler::load_state(state);
        compute();  // the momentum goes with the step
    }

private:
    static double anneal(double start, double end, double pct) {
        double cos_out = std::cos(kPi * pct) + 1;
        return end + (start - end) / 2.0 * cos_out;
    }
    void compute() {
        const double end_rise = o_.pct_start * static_cast<double>(total_) - 1;
        const double end_fall = static_cast<double>(total_ - 1);
        const double s = static_cast<double>(last_step_);
        if (s <= end_rise) {
            double pct = s / end_rise;
            lr_ = anneal(initial_lr_, max_lr_, pct);
            momentum_ = anneal(o_.max_momentum, o_.base_momentum, pct);
        } else {
            double pct = (s - end_rise) / (end_fall - end_rise);
            lr_ = anneal(max_lr_, min_lr_, pct);
            momentum_ = anneal(o_.base_momentum, o_.max_momentum, pct);
        }
    }
    SchedulerOptions o_;
    double max_lr_, initial_lr_ = 0, min_lr_ = 0, momentum_ = 0;
    long total_;
};

[[noreturn]] void bad_option(const std::string& scheduler, const std::string& what, double value,
                             const std::string& expected) {
    throw Error(ErrorKind::validation, "invalid_hyperparameter",
                "lr_scheduler '" + scheduler + "': " + what + " must be " + expected + ", got " + format_double(value));
}

double gamma_of(const std::string& scheduler, const SchedulerOptions& o, double fallback) {
    double g = o.gamma.value_or(fallback);
    if (!(g > 0 && g <= 1)) bad_option(scheduler, "gamma", g, "in (0, 1]");
    return g;
}

using SchedulerFactory = std::function<std::unique_ptr<LrScheduler>(const SchedulerOptions&)>;

const Registry<Registered<SchedulerFactory>>& schedulers() {
    static const Registry<Registered<SchedulerFactory>> registry(
        "lr_scheduler", "unknown_lr_scheduler",
        {{"none", {"constant"}, "the learning rate stays as given",
          [](const SchedulerOptions& o) { return std::make_unique<ConstantLr>(o.base_lr); }},
         {"step", {"steplr"}, "StepLR: times gamma every step_size epochs",
          [](const SchedulerOptions& o) -> std::unique_ptr<LrScheduler> {
              if (o.step_size < 1) bad_option("step", "step_size", o.step_size, "at least 1");
              return std::make_unique<StepLr>(o.base_lr, o.step_size, gamma_of("step", o, 0.1));
          }},
         {"exponential", {"exponentiallr"}, "ExponentialLR: times gamma every epoch",
          [](const SchedulerOptions& o) {
              return std::make_unique<StepLr>(o.base_lr, 1, gamma_of("exponential", o, 0.95));
          }},
         {"cosine", {"cosineannealinglr", "cosine_annealing"},
          "CosineAnnealingLR: half a cosine from the learning rate down to min_lr over the epochs",
          [](const SchedulerOptions& o) {
              return std::make_unique<CosineLr>(o.base_lr, std::max(1, o.epochs), o.min_lr);
          }},
         {"reduce_on_plateau", {"reducelronplateau", "plateau"},
          "ReduceLROnPlateau: times gamma after patience epochs without improvement of the validation loss (else the "
          "training loss)",
          [](const SchedulerOptions& o) {
              return std::make_unique<PlateauLr>(o, gamma_of("reduce_on_plateau", o, 0.1));
          }},
         {"linear", {"linear_warmup", "linear_schedule_with_warmup"},
          "linear warmup from 0 over warmup_steps optimizer steps, then linear decay to 0 at the last step",
          [](const SchedulerOptions& o) {
              return std::make_unique<LinearWarmupLr>(o.base_lr, o.warmup_steps,
                                                      static_cast<long>(o.epochs) * o.steps_per_epoch);
          }},
         {"one_cycle", {"onecyclelr", "onecycle"},
          "OneCycleLR: cosine rise from max_lr/div_factor to max_lr over pct_start of the steps, then down to "
          "max_lr/(div_factor*final_div_factor), momentum cycling the other way",
          [](const SchedulerOptions& o) -> std::unique_ptr<LrScheduler> {
              double max_lr = o.max_lr.value_or(o.base_lr);
              if (!(max_lr > 0)) bad_option("one_cycle", "max_lr", max_lr, "> 0");
              if (!(o.pct_start > 0 && o.pct_start < 1)) bad_option("one_cycle", "pct_start", o.pct_start, "in (0, 1)");
              return std::make_unique<OneCycleLr>(o, max_lr);
          }}});
    return registry;
}

}  // namespace

std::unique_ptr<LrScheduler> make_scheduler(const std::string& name, const SchedulerOptions& options) {
    return schedulers().find(name.empty() ? "none" : name).make(options);
}

std::vector<std::string> scheduler_names() { return schedulers().names(); }

}  // namespace hone::models::torch_nn
