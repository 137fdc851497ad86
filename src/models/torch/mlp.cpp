#include "models/torch/mlp_impl.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/text.hpp"
#include "models/torch/loop.hpp"
#include "models/torch/tensor_copy.hpp"

namespace hone::models::torch_nn {

namespace {

constexpr const char* kWeightsFile = "mlp.pt";
constexpr const char* kArchitectureFile = "mlp.json";

// What a saved model needs to be rebuilt before its weights are read.
struct Architecture {
    std::int64_t inputs = 0;
    std::vector<std::int64_t> hidden;
    std::int64_t outputs = 1;
    std::string activation = "relu";
    double dropout = 0;
    bool batch_norm = false;
    std::string loss;  // the resolved loss_function

    Json to_json() const {
        return Json{{"inputs", inputs}, {"hidden", hidden},         {"outputs", outputs}, {"activation", activation},
                    {"dropout", dropout}, {"batch_norm", batch_norm}, {"loss", loss}};
    }
    static Architecture from_json(const Json& j) {
        Architecture a;
        a.inputs = j.at("inputs").get<std::int64_t>();
        a.hidden = j.at("hidden").get<std::vector<std::int64_t>>();
        a.outputs = j.at("outputs").get<std::int64_t>();
        a.activation = j.at("activation").get<std::string>();
        a.dropout = j.at("dropout").get<double>();
        a.batch_norm = j.at("batch_norm").get<bool>();
        a.loss = j.at("loss").get<std::string>();
        return a;
    }
};

// Fully connected layers; dropout draws from the model's own generator, so
// fits running side by side (a study's trials) stay deterministic.
class MlpNet final : public torch::nn::Module {
public:
    MlpNet(const Architecture& a, at::Generator generator) : arch_(a), generator_(std::move(generator)) {
        std::int64_t in = a.inputs;
        for (std::size_t i = 0; i < a.hidden.size(); ++i) {
            linears_.push_back(register_module("linear" + std::to_string(i), torch::nn::Linear(in, a.hidden[i])));
            if (a.batch_norm)
                norms_.push_back(register_module("norm" + std::to_string(i), torch::nn::BatchNorm1d(a.hidden[i])));
            in = a.hidden[i];
        }
        linears_.push_back(register_module("output", torch::nn::Linear(in, a.outputs)));
    }

    // scikit-learn's initialization (Glorot uniform, biases too): bound
    // sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for the logistic activation.
    void initialize() {
        torch::NoGradGuard no_grad;
        const double factor = arch_.activation == "logistic" ? 2.0 : 6.0;
        for (auto& layer : linears_) {
            const double bound = std::sqrt(factor / static_cast<double>(layer->weight.size(0) + layer->weight.size(1)));
            layer->weight.uniform_(-bound, bound, generator_);
            layer->bias.uniform_(-bound, bound, generator_);
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        torch::Tensor h = x;
        for (std::size_t i = 0; i + 1 < linears_.size(); ++i) {
            h = linears_[i]->forward(h);
            if (arch_.batch_norm) h = norms_[i]->forward(h);
            h = activate(h);
            if (arch_.dropout > 0 && is_training()) {
                torch::Tensor keep = torch::empty_like(h).bernoulli_(1.0 - arch_.dropout, generator_);
                h = h * keep / (1.0 - arch_.dropout);
            }
        }
        return linears_.back()->forward(h);
    }

    // The layers and batch normalizations as mlp_weights.hpp describes them.
    void describe(MlpWeights& w) const {
        for (const auto& layer : linears_) w.layers.push_back(dense_layer(layer));
        for (const auto& norm : norms_)
            w.norms.push_back({.running_mean = float_values(norm->running_mean),
                               .running_var = float_values(norm->running_var),
                               .weight = float_values(norm->weight),
                               .bias = float_values(norm->bias),
                               .eps = norm->options.eps(),
                               .batches_tracked = norm->num_batches_tracked.item<std::int64_t>()});
    }

    // The weights the penalties apply to: every linear map's, not the biases.
    std::vector<torch::Tensor> weights() const {
        std::vector<torch::Tensor> out;
        for (const auto& layer : linears_) out.push_back(layer->weight);
        return out;
    }

private:
    torch::Tensor activate(const torch::Tensor& h) const {
        if (arch_.activation == "relu") return torch::relu(h);
        if (arch_.activation == "tanh") return torch::tanh(h);
        if (arch_.activation == "logistic") return torch::sigmoid(h);
        return h;
    }

    Architecture arch_;
    std::vector<torch::nn::Linear> linears_;
    std::vector<torch::nn::BatchNorm1d> norms_;
    at::Generator generator_;
};

// The largest matrix product of one batch in multiply-adds, and the size
// below which training runs on one thread. Splitting a product that small
// over two threads costs more than it saves: on bench/neural's two cores, 100
// units at batch 256 (1M multiply-adds) took 0.156 s an epoch on two threads
// and 0.103 s on one; 256 units at batch 2048 (21M) 0.12 s on two, 0.14 s on one.
constexpr std::int64_t kOneThreadProduct = std::int64_t{1} << 24;

std::int64_t largest_product(const Architecture& a, std::int64_t batch_rows) {
    std::int64_t largest = 0, width = a.inputs;
    for (std::int64_t h : a.hidden) {
        largest = std::max(largest, batch_rows * width * h);
        width = h;
    }
    return std::max(largest, batch_rows * width * a.outputs);
}

// `threads` (0: every core) for training, or one when the batches are small.
unsigned training_threads(unsigned threads, const Architecture& a, std::int64_t batch_rows) {
    return largest_product(a, batch_rows) < kOneThreadProduct ? 1u : threads;
}

// `threads`, or with 0 (every core) over data-parallel ranks on this machine,
// each rank its share of the cores.
unsigned threads_per_rank(const EstimatorConfig& c) {
    if (c.threads != 0 || !c.data_parallel.distributed()) return c.threads;
    return std::max(1u, std::thread::hardware_concurrency() / static_cast<unsigned>(c.data_parallel.world_size));
}

// hidden_layer_sizes, with neurons overriding every width (the list's length,
// or a single integer, is then the number of layers).
std::vector<std::int64_t> hidden_layers(const Json& p) {
    const Json& sizes = p.at("hidden_layer_sizes");
    const Json& neurons = p.contains("neurons") ? p["neurons"] : Json();
    std::vector<std::int64_t> widths;
    if (sizes.is_array()) widths = sizes.get<std::vector<std::int64_t>>();
    if (neurons.is_null()) {
        if (!sizes.is_array()) widths = {sizes.get<std::int64_t>()};
        return widths;
    }
    const std::size_t layers = sizes.is_array() ? sizes.size() : sizes.get<std::size_t>();
    return std::vector<std::int64_t>(layers, neurons.get<std::int64_t>());
}

}  // namespace

void check_mlp_loss(const Json& params, Task task, int num_classes) {
    const Json& given = params.contains("loss_function") ? params["loss_function"] : Json();
    if (given.is_null()) return;
    const Loss loss = find_loss(given.get<std::string>());
    const bool classifier = task == Task::classification;
    if (classifier && loss.target == LossTarget::value)
        throw Error(ErrorKind::validation, "loss_task_mismatch",
                    "loss_function '" + loss.name + "' is a regression loss and does not fit a classifier", {},
                    "a classifier takes cross_entropy, or binary_cross_entropy for two classes");
    if (!classifier && loss.target != LossTarget::value)
        throw Error(ErrorKind::validation, "loss_task_mismatch",
                    "loss_function '" + loss.name + "' is a classification loss and does not fit a regressor", {},
                    "a regressor takes mse, mae or huber");
    if (loss.target == LossTarget::binary && num_classes > 2)
        throw Error(ErrorKind::validation, "loss_task_mismatch",
                    "loss_function 'binary_cross_entropy' takes two classes, the target has " +
                        std::to_string(num_classes),
                    {}, "use cross_entropy");
}

namespace {

// The loss_function given (one that does not fit the task is the user's error,
// naming both), or scikit-learn's for the task.
Loss loss_for(const EstimatorConfig& c) {
    check_mlp_loss(c.params, c.task, c.num_classes);
    const Json& given = c.params.contains("loss_function") ? c.params["loss_function"] : Json();
    if (!given.is_null()) return find_loss(given.get<std::string>());
    const bool classifier = c.task == Task::classification;
    return find_loss(!classifier ? "mse" : c.num_classes == 2 ? "binary_cross_entropy" : "cross_entropy");
}

Architecture architecture_for(const EstimatorConfig& c, std::size_t inputs, const Loss& loss) {
    Architecture a;
    a.inputs = static_cast<std::int64_t>(inputs);
    a.hidden = hidden_layers(c.params);
    a.outputs = loss.target == LossTarget::class_index ? c.num_classes : 1;
    a.activation = c.params.value("activation", "relu");
    a.dropout = c.params.value("dropout", 0.0);
    a.batch_norm = c.params.value("batch_norm", false);
    a.loss = loss.name;
    return a;
}

std::optional<double> optional_number(const Json& p, const char* name) {
    if (!p.contains(name) || p[name].is_null()) return std::nullopt;
    return p[name].get<double>();
}

LoopSettings loop_settings(const Json& p, std::uint64_t seed, std::size_t rows) {
    LoopSettings s;
    s.epochs = p.at("max_iter").get<int>();
    const Json& batch = p.at("batch_size");
    s.batch_size = batch.is_string() ? static_cast<int>(std::min<std::size_t>(200, rows)) : batch.get<int>();
    s.shuffle = p.at("shuffle").get<bool>();
    s.min_batch_rows = p.at("batch_norm").get<bool>() ? 2 : 1;
    s.optimizer = p.at("solver").get<std::string>();
    s.optimizer_options.lr = p.at("learning_rate_init").get<double>();
    s.optimizer_options.weight_decay = optional_number(p, "weight_decay");
    s.optimizer_options.momentum = p.at("momentum").get<double>();
    s.optimizer_options.nesterov = p.at("nesterovs_momentum").get<bool>();
    s.optimizer_options.beta1 = p.at("beta_1").get<double>();
    s.optimizer_options.beta2 = p.at("beta_2").get<double>();
    s.optimizer_options.epsilon = p.at("epsilon").get<double>();
    s.scheduler = p.at("lr_scheduler").get<std::string>();
    SchedulerOptions& so = s.scheduler_options;
    so.step_size = p.at("step_size").get<int>();
    so.gamma = optional_number(p, "gamma");
    so.min_lr = p.at("min_lr").get<double>();
    so.patience = p.at("lr_patience").get<int>();
    so.warmup_steps = p.at("warmup_steps").get<int>();
    so.max_lr = optional_number(p, "max_lr");
    so.pct_start = p.at("pct_start").get<double>();
    s.l1 = p.at("l1").get<double>();
    s.l2 = p.at("alpha").get<double>();
    s.gradient_clip = p.at("gradient_clip").get<double>();
    s.seed = seed;
    s.tol = p.at("tol").get<double>();
    s.n_iter_no_change = p.at("n_iter_no_change").get<int>();
    s.early_stopping = p.at("early_stopping").get<bool>();
    s.validation_fraction = p.at("validation_fraction").get<double>();
    return s;
}

void check_targets(const EstimatorConfig& c, const std::vector<float>& y, std::size_t rows, const char* which) {
    if (y.size() != rows)
        throw Error(ErrorKind::internal, "shape_mismatch",
                    std::string(which) + " has " + std::to_string(rows) + " rows but " + std::to_string(y.size()) +
                        " targets");
    for (std::size_t i = 0; i < y.size(); ++i) {
        const float v = y[i];
        bool ok = std::isfinite(v);
        if (ok && c.task == Task::classification)
            ok = v >= 0 && v < static_cast<float>(c.num_classes) && v == std::floor(v);
        if (ok) continue;
        Location where;
        where.row = static_cast<std::int64_t>(i) + 1;
        throw Error(ErrorKind::data, "invalid_target",
                    std::string(which) + " target " + format_double(v) + " is not " +
                        (c.task == Task::classification ? "a class index in 0.." + std::to_string(c.num_classes - 1)
                                                        : std::string("a finite number")),
                    where);
    }
}

torch::Tensor features(const data::Matrix& x) {
    // from_blob only reads here; the tensor never outlives the call.
    return torch::from_blob(const_cast<float*>(x.data.data()),
                            {static_cast<std::int64_t>(x.rows), static_cast<std::int64_t>(x.cols)}, torch::kFloat32);
}

torch::Tensor targets(const std::vector<float>& y, LossTarget target) {
    torch::Tensor t = torch::from_blob(const_cast<float*>(y.data()), {static_cast<std::int64_t>(y.size())},
                                       torch::kFloat32)
                          .clone();
    return target == LossTarget::class_index ? t.to(torch::kLong) : t;
}

// class_weight 'balanced': n_rows / (n_classes * count of the row's class).
torch::Tensor row_weights(const EstimatorConfig& c, const std::vector<float>& y) {
    const Json& cw = c.params.contains("class_weight") ? c.params["class_weight"] : Json();
    if (c.task != Task::classification || cw.is_null()) return {};
    std::vector<double> counts(static_cast<std::size_t>(c.num_classes), 0.0);
    for (float v : y) counts[static_cast<std::size_t>(v)] += 1;
    std::vector<float> w(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        w[i] = static_cast<float>(static_cast<double>(y.size()) /
                                  (c.num_classes * counts[static_cast<std::size_t>(y[i])]));
    return torch::tensor(w, torch::kFloat32);
}

// Per-epoch metrics of outputs: log loss and accuracy, or mse and rmse.
Json output_metrics(LossTarget target, const torch::Tensor& out, const torch::Tensor& y) {
    namespace F = torch::nn::functional;
    if (target == LossTarget::value) {
        const double mse = (out.reshape({-1}) - y).pow(2).mean().item<double>();
        return Json{{"loss", mse}, {"rmse", std::sqrt(mse)}};
    }
    if (target == LossTarget::binary) {
        torch::Tensor logit = out.reshape({-1});
        return Json{{"loss", F::binary_cross_entropy_with_logits(logit, y).item<double>()},
                    {"accuracy", ((logit > 0) == (y > 0.5)).to(torch::kFloat64).mean().item<double>()}};
    }
    return Json{{"loss", F::cross_entropy(out, y).item<double>()},
                {"accuracy", (out.argmax(1) == y).to(torch::kFloat64).mean().item<double>()}};
}

// scikit-learn's score: accuracy, or R².
double output_score(LossTarget target, const torch::Tensor& out, const torch::Tensor& y) {
    if (target != LossTarget::value) return output_metrics(target, out, y)["accuracy"].get<double>();
    torch::Tensor yd = y.to(torch::kFloat64), pd = out.reshape({-1}).to(torch::kFloat64);
    const double ss_res = (yd - pd).pow(2).sum().item<double>();
    const double ss_tot = (yd - yd.mean()).pow(2).sum().item<double>();
    return ss_tot > 0 ? 1 - ss_res / ss_tot : 0.0;
}

class MlpEstimator final : public Estimator {
public:
    using Estimator::Estimator;

    void fit(const FitInput& input, const Callbacks& callbacks) override;
    std::vector<double> predict(const data::Matrix& x) const override { return predict_with_proba(x).values; }
    std::vector<double> predict_proba(const data::Matrix& x) const override;
    Prediction predict_with_proba(const data::Matrix& x) const override;
    bool has_proba() const override { return config_.task == Task::classification; }
    bool iterative() const override { return true; }
    int best_iteration() const override { return best_epoch_; }
    std::vector<std::string> save(const std::filesystem::path& dir) const override;
    void load(const std::filesystem::path& dir) override;
    MlpWeights describe() const;

private:
    void check_input(const FitInput& input) const;
    TrainingData training_data(const FitInput& input, LossTarget target) const;
    // The model's outputs for `x`, in double: logits, or values.
    torch::Tensor outputs(const data::Matrix& x) const;
    std::vector<double> proba_of(const torch::Tensor& out) const;

    Architecture arch_;
    std::shared_ptr<MlpNet> net_;
    int best_epoch_ = -1;
};

void MlpEstimator::check_input(const FitInput& input) const {
    const data::Matrix& x = input.x_train;
    if (x.rows == 0) throw Error(ErrorKind::data, "empty_training_data", "the training data has no rows");
    if (x.cols == 0) throw Error(ErrorKind::data, "no_features", "the training data has no feature columns");
    if (x.data.size() != x.rows * x.cols)
        throw Error(ErrorKind::internal, "shape_mismatch", "the training matrix holds fewer values than rows * cols");
    check_targets(config_, input.y_train, x.rows, "training");
    if (!input.x_valid || !input.y_valid || input.x_valid->rows == 0) return;
    if (input.x_valid->cols != x.cols)
        throw Error(ErrorKind::internal, "shape_mismatch",
                    "validation data has " + std::to_string(input.x_valid->cols) + " features, training data " +
                        std::to_string(x.cols));
    check_targets(config_, *input.y_valid, input.x_valid->rows, "validation");
}

TrainingData MlpEstimator::training_data(const FitInput& input, LossTarget target) const {
    TrainingData d;
    d.x = features(input.x_train).clone();
    d.y = targets(input.y_train, target);
    d.weights = row_weights(config_, input.y_train);
    if (input.x_valid && input.y_valid && input.x_valid->rows > 0) {
        d.x_valid = features(*input.x_valid).clone();
        d.y_valid = targets(*input.y_valid, target);
    }
    return d;
}

void MlpEstimator::fit(const FitInput& input, const Callbacks& callbacks) {
    if (callbacks.cancelled && callbacks.cancelled())
        throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    check_input(input);
    const Loss loss = loss_for(config_);
    Architecture arch = architecture_for(config_, input.x_train.cols, loss);
    const std::uint64_t seed = seed_of(config_);
    LoopSettings settings = loop_settings(config_.params, seed, input.x_train.rows);
    settings.stratify_holdout = config_.task == Task::classification;
    settings.data_parallel = config_.data_parallel;
    const auto batch_rows = std::min<std::int64_t>(settings.batch_size, static_cast<std::int64_t>(input.x_train.rows));
    use_threads(training_threads(threads_per_rank(config_), arch, batch_rows));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto net = std::make_shared<MlpNet>(arch, generator);
    net->initialize();

    LoopModel model;
    model.module = net;
    model.forward = [net](const torch::Tensor& x) { return net->forward(x); };
    model.loss = loss;
    model.penalized = net->weights();
    model.metrics = [t = loss.target](const torch::Tensor& out, const torch::Tensor& y) {
        return output_metrics(t, out, y);
    };
    model.score = [t = loss.target](const torch::Tensor& out, const torch::Tensor& y) {
        return output_score(t, out, y);
    };
    model.generator = generator;
    EpochLoop loop(std::move(model), std::move(settings), training_data(input, loss.target));
    run_with_checkpoints(loop, *net, config_.checkpoints, callbacks);
    net_ = std::move(net);
    arch_ = std::move(arch);
    best_epoch_ = loop.best_epoch();
}

torch::Tensor MlpEstimator::outputs(const data::Matrix& x) const {
    if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
    if (x.cols != static_cast<std::size_t>(arch_.inputs))
        throw Error(ErrorKind::data, "feature_count_mismatch",
                    "the model takes " + std::to_string(arch_.inputs) + " features, the input has " +
                        std::to_string(x.cols));
    if (x.data.size() != x.rows * x.cols)
        throw Error(ErrorKind::internal, "shape_mismatch", "the input matrix holds fewer values than rows * cols");
    if (x.rows == 0) return torch::empty({0, arch_.outputs}, torch::kFloat64);
    torch::NoGradGuard no_grad;
    return net_->forward(features(x)).to(torch::kFloat64);
}

std::vector<double> MlpEstimator::proba_of(const torch::Tensor& out) const {
    torch::Tensor p;
    if (arch_.outputs == 1) {
        torch::Tensor p1 = torch::sigmoid(out.reshape({-1}));
        p = torch::stack({1 - p1, p1}, 1);
    } else {
        p = torch::softmax(out, 1);
    }
    p = p.contiguous();
    return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

Prediction MlpEstimator::predict_with_proba(const data::Matrix& x) const {
    Prediction result;
    torch::Tensor out = outputs(x);
    if (x.rows == 0) return result;
    if (config_.task == Task::regression) {
        out = out.reshape({-1}).contiguous();
        result.values.assign(out.data_ptr<double>(), out.data_ptr<double>() + out.numel());
        return result;
    }
    result.proba = proba_of(out);
    result.values = most_probable_classes(result.proba, x.rows, static_cast<std::size_t>(config_.num_classes));
    return result;
}

std::vector<double> MlpEstimator::predict_proba(const data::Matrix& x) const {
    if (config_.task != Task::classification) return Estimator::predict_proba(x);
    return predict_with_proba(x).proba;
}

std::vector<std::string> MlpEstimator::save(const std::filesystem::path& dir) const {
    if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
    Json meta = arch_.to_json();
    meta["task"] = std::string(to_string(config_.task));
    meta["num_classes"] = config_.num_classes;
    meta["best_epoch"] = best_epoch_;
    write_json_file(dir / kArchitectureFile, meta);
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    try {
        archive.save_to((dir / kWeightsFile).string());
    } catch (const c10::Error& e) {
        throw Error(ErrorKind::io, "model_save_failed",
                    "cannot write " + (dir / kWeightsFile).string() + ": " + e.what_without_backtrace());
    }
    return {kArchitectureFile, kWeightsFile};
}

void MlpEstimator::load(const std::filesystem::path& dir) {
    const auto meta_path = dir / kArchitectureFile, weights_path = dir / kWeightsFile;
    auto text = read_file(meta_path);
    if (!text || !std::filesystem::is_regular_file(weights_path))
        throw Error(ErrorKind::not_found, "model_not_found", "no MLP model (mlp.json and mlp.pt) in " + dir.string());
    Json meta = Json::parse(*text, nullptr, false);
    if (meta.is_discarded() || !meta.is_object())
        throw Error(ErrorKind::data, "model_load_failed", meta_path.string() + " is not valid JSON");
    const std::string task = meta.value("task", "");
    const int classes = meta.value("num_classes", -1);
    if (task != to_string(config_.task) || classes != config_.num_classes)
        throw Error(ErrorKind::data, "model_mismatch",
                    dir.string() + " holds a " + task + " MLP with " + std::to_string(classes) +
                        " classes, expected a " +
                        std::string(to_string(config_.task)) + " model with " + std::to_string(config_.num_classes));
    Architecture arch;
    std::shared_ptr<MlpNet> net;
    try {
        arch = Architecture::from_json(meta);
        net = std::make_shared<MlpNet>(arch, at::make_generator<at::CPUGeneratorImpl>(0));
        torch::serialize::InputArchive archive;
        archive.load_from(weights_path.string());
        net->load(archive);
    } catch (const Json::exception& e) {
        throw Error(ErrorKind::data, "model_load_failed", meta_path.string() + ": " + e.what());
    } catch (const c10::Error& e) {
        throw Error(ErrorKind::data, "model_load_failed",
                    "cannot read " + weights_path.string() + ": " + e.what_without_backtrace());
    }
    net->eval();
    net_ = std::move(net);
    arch_ = std::move(arch);
    best_epoch_ = meta.value("best_epoch", -1);
}

MlpWeights MlpEstimator::describe() const {
    if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
    MlpWeights w;
    w.inputs = arch_.inputs;
    net_->describe(w);
    w.activation = arch_.activation;
    // As proba_of() and predict_with_proba() turn the outputs into predictions.
    w.output = config_.task == Task::regression ? "identity" : arch_.outputs == 1 ? "sigmoid" : "softmax";
    w.task = config_.task;
    w.num_classes = config_.task == Task::classification ? config_.num_classes : 0;
    w.dropout = arch_.dropout;
    w.loss = arch_.loss;
    return w;
}

}  // namespace

MlpWeights describe_mlp_estimator(const Estimator& estimator) {
    const auto* mlp = dynamic_cast<const MlpEstimator*>(&estimator);
    if (!mlp)
        throw Error(ErrorKind::validation, "not_an_mlp",
                    "the estimator is not an mlp: only the mlp estimator describes its layers");
    return mlp->describe();
}

std::unique_ptr<Estimator> make_mlp_estimator(EstimatorConfig config) {
    return std::make_unique<MlpEstimator>(std::move(config));
}

}  // namespace hone::models::torch_nn
