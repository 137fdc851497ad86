#include "models/torch/loop.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/text.hpp"

namespace hone::models::torch_nn {

namespace {

Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }
double from_json(const Json& v, double if_null) { return v.is_null() ? if_null : v.get<double>(); }

}  // namespace

std::uint64_t seed_of(const EstimatorConfig& c) {
    const Json& r = c.params.contains("random_state") ? c.params["random_state"] : Json();
    return r.is_number_integer() ? r.get<std::uint64_t>() : c.seed;
}

void use_threads(unsigned threads) {
    const int n = static_cast<int>(threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads);
    // Only on a change: each call replaces libtorch's worker pool with new
    // threads that spin a while, which a tuning study's many fits would pay for.
    if (torch::get_num_threads() != n) torch::set_num_threads(n);
}

void save_module_atomically(const torch::nn::Module& module, const std::filesystem::path& file) {
    torch::serialize::OutputArchive archive;
    module.save(archive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    write_file_atomically(file, bytes.str());
}

std::vector<torch::Tensor> copy_state(const torch::nn::Module& module) {
    std::vector<torch::Tensor> out;
    for (const auto& p : module.parameters()) out.push_back(p.detach().clone());
    for (const auto& b : module.buffers()) out.push_back(b.detach().clone());
    return out;
}

void restore_state(torch::nn::Module& module, const std::vector<torch::Tensor>& state) {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    for (auto& p : module.parameters()) p.copy_(state.at(i++));
    for (auto& b : module.buffers()) b.copy_(state.at(i++));
}

EpochLoop::EpochLoop(LoopModel model, LoopSettings settings, TrainingData data)
    : model_(std::move(model)), settings_(std::move(settings)), data_(std::move(data)), rng_(settings_.seed) {
    check_data_parallel(settings_.data_parallel);
    if (settings_.epochs < 1)
        throw Error(ErrorKind::validation, "invalid_hyperparameter",
                    "max_iter (epochs) must be at least 1, got " + std::to_string(settings_.epochs));
    if (settings_.early_stopping) hold_out_validation();
    const auto rows = data_.x.size(0);
    if (rows == 0) throw Error(ErrorKind::data, "empty_training_data", "the training data has no rows");
    // A batch size above the rows is every row at once, as scikit-learn clips it.
    settings_.batch_size = static_cast<int>(std::clamp<std::int64_t>(settings_.batch_size, 1, rows));
    parameters_ = model_.module->parameters();
    optimizer_ = make_optimizer(settings_.optimizer, parameters_, settings_.optimizer_options);
    SchedulerOptions so = settings_.scheduler_options;
    so.base_lr = settings_.optimizer_options.lr;
    so.epochs = settings_.epochs;
    so.steps_per_epoch = static_cast<int>(batch_bounds().size());
    scheduler_ = make_scheduler(settings_.scheduler, so);
    set_learning_rate(*optimizer_, scheduler_->lr(), scheduler_->momentum());
    if (settings_.data_parallel.distributed()) join_group();
}

// Meets the other ranks and starts from rank 0's weights (and batch norm's
// statistics), whatever each rank initialized.
void EpochLoop::join_group() {
    const DataParallel& dp = settings_.data_parallel;
    if (settings_.min_batch_rows > 1 && settings_.batch_size < settings_.min_batch_rows * dp.world_size)
        throw Error(ErrorKind::validation, "invalid_data_parallel",
                    "batch_size " + std::to_string(settings_.batch_size) + " over " + std::to_string(dp.world_size) +
                        " ranks leaves a rank fewer than the " + std::to_string(settings_.min_batch_rows) +
                        " rows batch normalization needs",
                    {}, "raise batch_size to at least " + std::to_string(settings_.min_batch_rows * dp.world_size));
    group_ = std::make_unique<ProcessGroup>(dp);
    std::vector<torch::Tensor> state;
    for (const auto& p : model_.module->parameters()) state.push_back(p.detach());
    for (const auto& b : model_.module->buffers()) state.push_back(b.detach());
    {
        torch::NoGradGuard no_grad;
        group_->broadcast_from_lead(state, "the broadcast of rank 0's initial weights");
    }
    decorrelate_dropout();
}

// Every rank starts with the same generator (the same seed), which would drop
// the same units of each rank's rows: the other ranks draw from their own.
void EpochLoop::decorrelate_dropout() {
    if (!group_ || lead() || !model_.generator.defined()) return;
    const std::uint64_t mixed = settings_.seed ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(group_->rank())) ^
                                (0xbf58476d1ce4e5b9ULL * static_cast<std::uint64_t>(epoch_ + 1));
    std::lock_guard<std::mutex> lock(model_.generator.mutex());
    model_.generator.set_current_seed(mixed);
}

std::vector<std::pair<std::int64_t, std::int64_t>> EpochLoop::batch_bounds() const {
    const std::int64_t rows = data_.x.size(0), size = settings_.batch_size;
    // Over ranks, each rank's share of the last batch needs min_batch_rows.
    const std::int64_t least = settings_.min_batch_rows > 1
                                   ? std::int64_t{settings_.min_batch_rows} * settings_.data_parallel.world_size
                                   : settings_.min_batch_rows;
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::int64_t start = 0; start < rows; start += size) out.emplace_back(start, std::min(rows, start + size));
    if (out.size() > 1 && out.back().second - out.back().first < least) {
        out[out.size() - 2].second = rows;
        out.pop_back();
    }
    return out;
}

namespace {

// How many of each class's rows to hold out so that they add up to `held`:
// each class its share rounded down, then one more to the classes with the
// largest remainders (scikit-learn's stratified split allocates the same way).
std::vector<std::int64_t> held_per_class(const std::vector<std::int64_t>& counts, std::int64_t rows,
                                         std::int64_t held) {
    std::vector<std::int64_t> out(counts.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::int64_t given = 0;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        const double share = static_cast<double>(counts[c]) * static_cast<double>(held) / static_cast<double>(rows);
        out[c] = static_cast<std::int64_t>(std::floor(share));
        given += out[c];
        remainders.emplace_back(share - static_cast<double>(out[c]), c);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; given < held && i < remainders.size(); ++i) {
        const std::size_t c = remainders[i].second;
        if (out[c] < counts[c]) ++out[c], ++given;
    }
    return out;
}

}  // namespace

// `order` (shuffled rows) rearranged so that its first `held` rows are the
// held-out ones: each class's first rows in `order`, as many as its share.
void EpochLoop::stratify(std::vector<std::int64_t>& order, std::int64_t held) const {
    const torch::Tensor labels = data_.y.to(torch::kLong).contiguous();
    const std::int64_t* y = labels.data_ptr<std::int64_t>();
    std::vector<std::int64_t> counts;
    for (std::int64_t row : order) {
        const auto c = static_cast<std::size_t>(y[row]);
        if (c >= counts.size()) counts.resize(c + 1, 0);
        ++counts[c];
    }
    std::vector<std::int64_t> wanted = held_per_class(counts, static_cast<std::int64_t>(order.size()), held);
    std::vector<std::int64_t> front, back;
    for (std::int64_t row : order) {
        auto& left = wanted[static_cast<std::size_t>(y[row])];
        if (left > 0) {
            front.push_back(row);
            --left;
        } else {
            back.push_back(row);
        }
    }
    front.insert(front.end(), back.begin(), back.end());
    order = std::move(front);
}

void EpochLoop::hold_out_validation() {
    const std::int64_t rows = data_.x.size(0);
    const auto held = static_cast<std::int64_t>(std::ceil(settings_.validation_fraction * static_cast<double>(rows)));
    if (held < 1 || rows - held < 1)
        throw Error(ErrorKind::data, "too_few_rows",
                    "early_stopping holds out validation_fraction " + format_double(settings_.validation_fraction) +
                        " of the " + std::to_string(rows) + " training rows, which leaves none to " +
                        (held < 1 ? "validate on" : "train on"));
    // Its own generator: the epochs' shuffling stays the same with or without it.
    std::mt19937_64 rng(settings_.seed ^ 0x9e3779b97f4a7c15ULL);
    std::vector<std::int64_t> order(static_cast<std::size_t>(rows));
    for (std::int64_t i = 0; i < rows; ++i) order[static_cast<std::size_t>(i)] = i;
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    if (settings_.stratify_holdout) stratify(order, held);
    auto all = torch::tensor(order, torch::kLong);
    auto held_rows = all.slice(0, 0, held), kept = all.slice(0, held);
    x_holdout_ = data_.x.index_select(0, held_rows);
    y_holdout_ = data_.y.index_select(0, held_rows);
    data_.x = data_.x.index_select(0, kept);
    data_.y = data_.y.index_select(0, kept);
    if (data_.weights.defined()) data_.weights = data_.weights.index_select(0, kept);
}

void EpochLoop::resample_rows() {
    const std::int64_t rows = data_.x.size(0);
    model_.resample(data_, rng_);
    if (data_.x.size(0) != rows || data_.y.size(0) != rows)
        throw Error(ErrorKind::internal, "resample_changed_rows",
                    "resampling changed the training rows from " + std::to_string(rows) + " to " +
                        std::to_string(data_.x.size(0)) + " rows and " + std::to_string(data_.y.size(0)) +
                        " targets");
}

// Fisher-Yates with the loop's own generator, so a checkpoint can resume it.
std::vector<std::int64_t> EpochLoop::shuffled_rows() {
    std::vector<std::int64_t> order(static_cast<std::size_t>(data_.x.size(0)));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
    if (!settings_.shuffle) return order;
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng_() % (i + 1)]);
    return order;
}

// The data loss of `rows`, with autograd; the L1 penalty of a batch of
// `batch_rows` rows joins it there.
torch::Tensor EpochLoop::batch_loss(const torch::Tensor& rows, std::int64_t batch_rows) {
    torch::Tensor x = data_.x.index_select(0, rows), y = data_.y.index_select(0, rows);
    torch::Tensor w = data_.weights.defined() ? data_.weights.index_select(0, rows) : torch::Tensor();
    torch::Tensor loss = model_.loss.fn(model_.forward(x), y, w);
    if (settings_.l1 > 0) {
        const double n = static_cast<double>(batch_rows);
        for (const auto& p : model_.penalized) loss = loss + (settings_.l1 / n) * p.abs().sum();
    }
    return loss;
}

// The L2 penalty 0.5 * l2 / n * sum(w^2) of a batch of n rows, outside
// autograd: its gradient l2 / n * w goes straight into the weights' gradients,
// three tensor operations per weight instead of the eight autograd would run.
double EpochLoop::add_l2_penalty(std::int64_t rows) {
    if (settings_.l2 <= 0) return 0;
    torch::NoGradGuard no_grad;
    const double scale = settings_.l2 / static_cast<double>(rows);
    double squares = 0;
    for (auto& p : model_.penalized) {
        const torch::Tensor flat = p.reshape({-1});
        squares += at::dot(flat, flat).item<double>();
        if (p.grad().defined()) p.mutable_grad().add_(p, scale);
    }
    return 0.5 * scale * squares;
}

// The L2 norm of all gradients before clipping (when `measure`, or when
// clipping needs it anyway; else 0); clips, then steps.
double EpochLoop::step_gradients(bool measure) {
    double norm = 0;
    if (settings_.gradient_clip > 0) {
        norm = torch::nn::utils::clip_grad_norm_(parameters_, settings_.gradient_clip);
    } else if (measure) {
        double squares = 0;
        for (const auto& p : parameters_) {
            if (!p.grad().defined()) continue;
            const torch::Tensor g = p.grad().is_sparse() ? p.grad().coalesce()._values() : p.grad();
            squares += g.pow(2).sum().item<double>();
        }
        norm = std::sqrt(squares);
    }
    optimizer_->step();
    return norm;
}

// This rank's rows of a batch (r, r + W, ...: shares that differ by one row at
// most, of every part of the batch), their loss weighted by their share of the
// batch's (rows, or row weights), its gradients; then every rank's summed,
// which are the batch's loss and gradients as one process computes them. The
// flags of a cancelled rank travel with them, so every rank stops together.
double EpochLoop::shared_batch_loss(const torch::Tensor& rows, bool cancelled, std::size_t batch) {
    const torch::Tensor mine = rows.slice(0, group_->rank(), rows.size(0), group_->world_size());
    double loss = 0;
    if (mine.size(0) > 0) {
        double share = static_cast<double>(mine.size(0)) / static_cast<double>(rows.size(0));
        if (data_.weights.defined())
            share = data_.weights.index_select(0, mine).sum().item<double>() /
                    data_.weights.index_select(0, rows).sum().item<double>();
        torch::Tensor weighted = batch_loss(mine, rows.size(0)) * share;
        weighted.backward();
        loss = weighted.item<double>();
    }
    torch::Tensor flat = flat_gradients(loss, cancelled);
    group_->sum(flat, "the gradient exchange of epoch " + std::to_string(epoch_ + 1) + ", batch " +
                          std::to_string(batch + 1));
    if (flat[-1].item<double>() > 0) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    take_gradients(flat);
    return flat[-2].item<double>();
}

// Every parameter's gradient in one float32 vector (dense; zeros where
// undefined), then per parameter whether it has one, then the loss and the
// cancellation flag: one exchange per batch.
torch::Tensor EpochLoop::flat_gradients(double loss, bool cancelled) const {
    std::vector<torch::Tensor> parts;
    std::vector<float> flags;
    for (const auto& p : parameters_) {
        const torch::Tensor& g = p.grad();
        parts.push_back(!g.defined() ? torch::zeros({p.numel()}, torch::kFloat32)
                                     : (g.is_sparse() ? g.to_dense() : g).reshape({-1}).to(torch::kFloat32));
        flags.push_back(g.defined() ? 1.0f : 0.0f);
    }
    flags.push_back(static_cast<float>(loss));
    flags.push_back(cancelled ? 1.0f : 0.0f);
    parts.push_back(torch::tensor(flags, torch::kFloat32));
    return torch::cat(parts);
}

// The summed gradients back into the parameters; those no rank had stay
// undefined, as the optimizer skips them in one process.
void EpochLoop::take_gradients(const torch::Tensor& flat) {
    std::int64_t total = 0;
    for (const auto& p : parameters_) total += p.numel();
    const torch::Tensor has = flat.slice(0, total, total + static_cast<std::int64_t>(parameters_.size()));
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        auto& p = parameters_[i];
        const std::int64_t n = p.numel();
        if (has[static_cast<std::int64_t>(i)].item<float>() > 0)
            p.mutable_grad() = flat.slice(0, offset, offset + n).view_as(p).to(p.scalar_type());
        else
            p.mutable_grad().reset();
        offset += n;
    }
}

EpochLoop::EpochStats EpochLoop::train_epoch(const Callbacks& callbacks) {
    if (model_.resample) resample_rows();
    std::vector<std::int64_t> order = shuffled_rows();
    torch::Tensor index = torch::tensor(order, torch::kLong);
    const auto bounds = batch_bounds();
    EpochStats stats;
    double loss_sum = 0;
    model_.module->train();
    for (std::size_t b = 0; b < bounds.size(); ++b) {
        const bool cancelled = callbacks.cancelled && callbacks.cancelled();
        if (cancelled && !group_) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
        torch::Tensor rows = index.slice(0, bounds[b].first, bounds[b].second);
        // Gradients start undefined, so backward writes them instead of adding
        // to zeros: what zero_grad(set_to_none) does in PyTorch 2.
        for (auto& p : parameters_) p.mutable_grad().reset();
        double value = 0;
        if (group_) {
            value = shared_batch_loss(rows, cancelled, b);
        } else {
            torch::Tensor loss = batch_loss(rows, rows.size(0));
            loss.backward();
            value = loss.item<double>();
        }
        value += add_l2_penalty(rows.size(0));
        if (!std::isfinite(value))
            throw Error(ErrorKind::data, "training_diverged",
                        "the training loss became " + std::string(std::isnan(value) ? "nan" : "infinite") +
                            " in epoch " + std::to_string(epoch_ + 1) + " of " + std::to_string(settings_.epochs) +
                            " (batch " + std::to_string(b + 1) + ")",
                        {}, "lower the learning rate, scale the features, or set gradient_clip");
        // The reported norm is the last batch's: measuring every batch costs
        // a tenth of an epoch at batch sizes of a few hundred rows.
        const bool last_batch = b + 1 == bounds.size();
        const double norm = step_gradients(last_batch);
        if (last_batch) stats.gradient_norm = norm;
        loss_sum += value * static_cast<double>(rows.size(0));
        if (scheduler_->per_batch()) {
            scheduler_->step();
            set_learning_rate(*optimizer_, scheduler_->lr(), scheduler_->momentum());
        }
    }
    stats.loss = loss_sum / static_cast<double>(data_.x.size(0));
    return stats;
}

Json EpochLoop::epoch_metrics(const EpochStats& stats) {
    Json m = Json::object();
    m["train_loss"] = stats.loss;
    Json v = Json::object();
    if (model_.validate || (data_.x_valid.defined() && data_.x_valid.size(0) > 0)) {
        torch::NoGradGuard no_grad;
        model_.module->eval();
        v = model_.validate ? model_.validate() : model_.metrics(model_.forward(data_.x_valid), data_.y_valid);
    }
    for (auto it = v.begin(); it != v.end(); ++it) m["val_" + it.key()] = it.value();
    m["learning_rate"] = optimizer_->param_groups().front().options().get_lr();
    m["gradient_norm"] = stats.gradient_norm;
    return m;
}

// scikit-learn's _update_no_improvement_count: on the training loss, or with
// early_stopping on the held-out score, keeping the best score's weights.
bool EpochLoop::own_stop(const EpochStats& stats, bool& keep_weights) {
    if (settings_.early_stopping) {
        double score = 0;
        {
            torch::NoGradGuard no_grad;
            model_.module->eval();
            score = model_.score(model_.forward(x_holdout_), y_holdout_);
        }
        if (score < best_score_ + settings_.tol) ++no_improvement_;
        else no_improvement_ = 0;
        if (score > best_score_) {
            best_score_ = score;
            keep_weights = true;
        }
    } else {
        if (stats.loss > best_loss_ - settings_.tol) ++no_improvement_;
        else no_improvement_ = 0;
        if (stats.loss < best_loss_) best_loss_ = stats.loss;
    }
    return no_improvement_ > settings_.n_iter_no_change;
}

// The epoch's metrics, reported; the caller's and scikit-learn's decisions.
EpochLoop::EpochOutcome EpochLoop::conclude_epoch(const EpochStats& stats, const Callbacks& callbacks) {
    EpochOutcome outcome;
    Json metrics = epoch_metrics(stats);
    outcome.scheduler_metric = metrics.value("val_loss", stats.loss);
    history_.push_back(Json{{"epoch", epoch_}, {"metrics", metrics}});
    if (callbacks.on_round) {
        RoundDecision d = callbacks.on_round(RoundReport{epoch_, settings_.epochs, metrics});
        if (d.best_round >= 0 && d.best_round == epoch_) outcome.keep_weights = true;
        outcome.stop = d.stop;
    }
    if (!callbacks.metrics_every_round && own_stop(stats, outcome.keep_weights)) outcome.stop = true;
    return outcome;
}

// Rank 0's outcome to every rank.
void EpochLoop::share_outcome(EpochOutcome& outcome) {
    std::vector<torch::Tensor> t{torch::tensor(
        {outcome.scheduler_metric, outcome.keep_weights ? 1.0 : 0.0, outcome.stop ? 1.0 : 0.0}, torch::kFloat64)};
    group_->broadcast_from_lead(t, "rank 0's decisions after epoch " + std::to_string(epoch_ + 1));
    outcome.scheduler_metric = t[0][0].item<double>();
    outcome.keep_weights = t[0][1].item<double>() > 0;
    outcome.stop = t[0][2].item<double>() > 0;
}

void EpochLoop::snapshot_best(int epoch) {
    best_weights_ = copy_state(*model_.module);
    best_epoch_ = epoch;
}

void EpochLoop::restore_best() {
    if (best_epoch_ >= 0 && best_epoch_ + 1 < epoch_) restore_state(*model_.module, best_weights_);
}

void EpochLoop::run(const Callbacks& callbacks, int until_epoch) {
    const int last = until_epoch < 0 ? settings_.epochs : std::min(until_epoch, settings_.epochs);
    while (!finished_ && epoch_ < last) {
        const EpochStats stats = train_epoch(callbacks);
        EpochOutcome outcome;
        if (lead()) outcome = conclude_epoch(stats, callbacks);
        else history_.push_back(Json{{"epoch", epoch_}, {"metrics", {{"train_loss", stats.loss}}}});
        if (group_) share_outcome(outcome);
        if (outcome.keep_weights) snapshot_best(epoch_);
        if (!scheduler_->per_batch()) {
            scheduler_->step(outcome.scheduler_metric);
            set_learning_rate(*optimizer_, scheduler_->lr(), scheduler_->momentum());
        }
        ++epoch_;
        if (outcome.stop || epoch_ >= settings_.epochs) finished_ = true;
    }
    if (callbacks.cancelled && callbacks.cancelled())
        throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    if (finished_) restore_best();
    model_.module->eval();
}

void EpochLoop::save_state(const std::filesystem::path& file) const {
    torch::serialize::OutputArchive archive, module, optimizer, best;
    model_.module->save(module);
    optimizer_->save(optimizer);
    for (std::size_t i = 0; i < best_weights_.size(); ++i) best.write("t" + std::to_string(i), best_weights_[i]);
    archive.write("module", module);
    archive.write("optimizer", optimizer);
    archive.write("best", best);
    if (model_.generator.defined()) {
        at::Generator generator = model_.generator;  // a handle on the same generator; mutex() is not const
        std::lock_guard<std::mutex> lock(generator.mutex());
        archive.write("generator", generator.get_state());
    }
    std::ostringstream rng;
    rng << rng_;
    Json meta{{"epoch", epoch_},         {"finished", finished_},         {"history", history_},
              {"best_loss", finite_or_null(best_loss_)}, {"best_score", finite_or_null(best_score_)},
              {"no_improvement", no_improvement_}, {"best_epoch", best_epoch_},
              {"best_tensors", best_weights_.size()}, {"rng", rng.str()}, {"scheduler", scheduler_->state()}};
    archive.write("meta", c10::IValue(meta.dump()));
    std::ostringstream bytes;
    archive.save_to(bytes);
    write_file_atomically(file, bytes.str());
}

void EpochLoop::load_state(const std::filesystem::path& file) {
    if (!std::filesystem::is_regular_file(file))
        throw Error(ErrorKind::not_found, "checkpoint_not_found", "no training state at " + file.string());
    torch::serialize::InputArchive archive, module, optimizer, best;
    c10::IValue meta_text;
    try {
        archive.load_from(file.string());
        archive.read("module", module);
        archive.read("optimizer", optimizer);
        archive.read("best", best);
        archive.read("meta", meta_text);
        model_.module->load(module);
        optimizer_->load(optimizer);
        if (model_.generator.defined()) {
            torch::Tensor state;
            archive.read("generator", state);
            std::lock_guard<std::mutex> lock(model_.generator.mutex());
            model_.generator.set_state(state);
        }
    } catch (const c10::Error& e) {
        throw Error(ErrorKind::data, "checkpoint_unreadable",
                    file.string() + " is not a training state of this model: " + e.what_without_backtrace());
    }
    Json meta = Json::parse(meta_text.toStringRef());
    epoch_ = meta.at("epoch").get<int>();
    finished_ = meta.at("finished").get<bool>();
    history_ = meta.at("history");
    best_loss_ = from_json(meta.at("best_loss"), INFINITY);
    best_score_ = from_json(meta.at("best_score"), -INFINITY);
    no_improvement_ = meta.at("no_improvement").get<int>();
    best_epoch_ = meta.at("best_epoch").get<int>();
    best_weights_.clear();
    for (std::size_t i = 0; i < meta.at("best_tensors").get<std::size_t>(); ++i) {
        torch::Tensor t;
        best.read("t" + std::to_string(i), t);
        best_weights_.push_back(t);
    }
    std::istringstream rng(meta.at("rng").get<std::string>());
    rng >> rng_;
    scheduler_->load_state(meta.at("scheduler"));
    set_learning_rate(*optimizer_, scheduler_->lr(), scheduler_->momentum());
    decorrelate_dropout();  // the state holds rank 0's generator
}

// Resume from the latest state when asked, replaying its epochs to the caller;
// then train in stretches of every_n_epochs, writing the latest state after
// each; at the end, the kept epoch's weights as the best.
void run_with_checkpoints(EpochLoop& loop, const torch::nn::Module& module, const CheckpointConfig& ck,
                          const Callbacks& callbacks) {
    if (ck.dir.empty()) return loop.run(callbacks);
    const std::filesystem::path latest = ck.dir / "latest.pt";
    if (ck.resume && std::filesystem::exists(latest)) {
        loop.load_state(latest);
        if (callbacks.on_round && loop.lead()) {
            const int total = loop.total_epochs();
            for (const auto& h : loop.history()) {
                RoundReport replayed{h["epoch"].get<int>(), total, h["metrics"]};
                replayed.replayed = true;
                callbacks.on_round(replayed);
            }
        }
    }
    const int every = std::max(1, ck.every_n_epochs);
    while (!loop.finished()) {
        loop.run(callbacks, loop.epochs_done() + every);
        // Every rank holds the same state: rank 0 alone writes it.
        if (ck.save_latest && !loop.finished() && loop.lead()) loop.save_state(latest);
    }
    if (ck.save_best && loop.lead()) save_module_atomically(module, ck.dir / "best.pt");
}

}  // namespace hone::models::torch_nn
