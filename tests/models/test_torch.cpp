// The libtorch backend: schedulers, optimizers and losses against PyTorch's own
// numbers (tests/models/torch_reference.json, written by torch_reference.py),
// the epoch loop (resume from a checkpoint, the trainer's decisions,
// cancellation, scikit-learn's stopping) and the mlp estimator beyond what the
// catalog-wide suite checks.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <fstream>

#include "../support/estimators.hpp"
#include "models/torch/loop.hpp"
#include "models/torch/parts.hpp"
#include "models/torch/schedulers.hpp"

using namespace hone;
using namespace hone::models;
using namespace hone::models::torch_nn;
using namespace hone::test_support;

namespace {

const nlohmann::json& reference() {
    static const nlohmann::json fixture = [] {
        std::ifstream in(std::string(HONE_SOURCE_DIR) + "/tests/models/torch_reference.json");
        return nlohmann::json::parse(in);
    }();
    return fixture;
}

// Equal to 1e-12 of the expected value (or 1e-15 absolutely, near zero).
void expect_close(double actual, double expected, const std::string& what) {
    EXPECT_NEAR(actual, expected, std::max(1e-12 * std::fabs(expected), 1e-15)) << what;
}

SchedulerOptions options_from(const nlohmann::json& j) {
    SchedulerOptions o;
    o.base_lr = j.at("base_lr").get<double>();
    o.epochs = j.value("epochs", 1);
    o.steps_per_epoch = j.value("steps_per_epoch", 1);
    o.step_size = j.value("step_size", 30);
    if (j.contains("gamma")) o.gamma = j["gamma"].get<double>();
    o.min_lr = j.value("min_lr", 0.0);
    o.patience = j.value("patience", 10);
    o.cooldown = j.value("cooldown", 0);
    o.warmup_steps = j.value("warmup_steps", 0);
    if (j.contains("max_lr")) o.max_lr = j["max_lr"].get<double>();
    return o;
}

TEST(Schedulers, MatchPyTorchStepByStep) {
    for (auto it = reference()["schedulers"].begin(); it != reference()["schedulers"].end(); ++it) {
        SCOPED_TRACE(it.key());
        const auto& expected = it.value();
        auto scheduler = make_scheduler(it.key(), options_from(expected["options"]));
        const auto lrs = expected["lr"].get<std::vector<double>>();
        ASSERT_GT(lrs.size(), 10u);
        for (std::size_t step = 0; step < lrs.size(); ++step) {
            if (step > 0)
                scheduler->step(expected.contains("metrics") ? expected["metrics"][step - 1].get<double>() : 0.0);
            expect_close(scheduler->lr(), lrs[step], "lr at step " + std::to_string(step));
            if (expected.contains("momentum")) {
                ASSERT_TRUE(scheduler->momentum());
                expect_close(*scheduler->momentum(), expected["momentum"][step].get<double>(),
                             "momentum at step " + std::to_string(step));
            }
        }
    }
}

TEST(Schedulers, StateRoundTripsMidway) {
    auto options = options_from(reference()["schedulers"]["reduce_on_plateau"]["options"]);
    const auto metrics = reference()["schedulers"]["reduce_on_plateau"]["metrics"].get<std::vector<double>>();
    auto whole = make_scheduler("reduce_on_plateau", options), first = make_scheduler("reduce_on_plateau", options);
    for (std::size_t i = 0; i < 7; ++i) first->step(metrics[i]);
    auto second = make_scheduler("reduce_on_plateau", options);
    second->load_state(nlohmann::json::parse(first->state().dump()));
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        whole->step(metrics[i]);
        if (i >= 7) second->step(metrics[i]);
    }
    EXPECT_EQ(second->lr(), whole->lr());
}

TEST(Schedulers, UnknownNameListsTheValidOnes) {
    auto error = expect_error([] { make_scheduler("cosin", {}); }, ErrorKind::validation, "unknown_lr_scheduler");
    ASSERT_TRUE(error);
    EXPECT_NE(error->message().find("did you mean 'cosine'"), std::string::npos) << error->message();
    EXPECT_NE(error->hint().find("none, step, exponential, cosine, reduce_on_plateau, linear, one_cycle"),
              std::string::npos)
        << error->hint();
}

torch::Tensor tensor_of(const nlohmann::json& rows) {
    std::vector<double> flat;
    for (const auto& r : rows)
        for (const auto& v : r) flat.push_back(v.get<double>());
    return torch::tensor(flat, torch::kFloat64).reshape({static_cast<long>(rows.size()), -1});
}

TEST(Optimizers, ThreeStepsMatchPyTorch) {
    const auto& ref = reference()["optimizers"];
    for (const char* name : {"adam", "adamw", "sgd", "rmsprop", "adagrad"}) {
        SCOPED_TRACE(name);
        const auto& o = ref[name]["options"];
        OptimizerOptions options;
        options.lr = o["lr"].get<double>();
        options.weight_decay = o.value("weight_decay", 0.0);
        options.momentum = o.value("momentum", 0.0);
        options.nesterov = o.value("nesterov", false);
        options.beta1 = o.value("beta1", 0.9);
        options.beta2 = o.value("beta2", 0.999);
        options.epsilon = o.value("eps", 1e-8);
        torch::Tensor w = tensor_of(ref["initial"]).requires_grad_(true);
        auto optimizer = make_optimizer(name, {w}, options);
        for (int step = 0; step < 3; ++step) {
            w.mutable_grad() = tensor_of(ref["gradients"][step]);
            optimizer->step();
        }
        torch::Tensor expected = tensor_of(ref[name]["weights"]);
        EXPECT_TRUE(torch::allclose(w.detach(), expected, 1e-9, 1e-12)) << w << "\n" << expected;
    }
    expect_error([] { make_optimizer("adamx", {}, {}); }, ErrorKind::validation, "unknown_optimizer");
}

// An embedding's gradient sparse over rows steps Adam and AdamW exactly as the
// dense gradient with zeros in the other rows: the rows left out keep moving
// on their moments, and weight decay reaches every row.
TEST(Optimizers, SparseRowGradientsStepAsDenseOnes) {
    for (const char* name : {"adam", "adamw"}) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(steps_sparse_rows(name));
        OptimizerOptions options;
        options.lr = 0.01;
        options.weight_decay = 0.1;
        const torch::Tensor initial = torch::linspace(-1, 1, 18, torch::kFloat32).reshape({6, 3});
        torch::Tensor dense = initial.clone().requires_grad_(true), sparse = initial.clone().requires_grad_(true);
        auto dense_optimizer = make_optimizer(name, {dense}, options);
        auto sparse_optimizer = make_optimizer(name, {sparse}, options);
        const std::vector<std::vector<std::int64_t>> batches = {{4, 1}, {2}, {5, 0, 3}};
        for (const auto& rows : batches) {
            const torch::Tensor index = torch::tensor(rows, torch::kLong);
            const torch::Tensor values =
                torch::arange(static_cast<std::int64_t>(rows.size()) * 3, torch::kFloat32).reshape({-1, 3}) * 0.25 - 1;
            dense.mutable_grad() = torch::zeros({6, 3}).index_copy(0, index, values);
            sparse.mutable_grad() = torch::sparse_coo_tensor(index.unsqueeze(0), values, {6, 3});
            dense_optimizer->step();
            sparse_optimizer->step();
        }
        EXPECT_TRUE(torch::equal(dense.detach(), sparse.detach())) << dense << "\n" << sparse;
        EXPECT_FALSE(torch::equal(dense.detach(), initial));
    }
    EXPECT_FALSE(steps_sparse_rows("sgd"));
}

torch::Tensor vector_of(const nlohmann::json& v, torch::Dtype type = torch::kFloat64) {
    return torch::tensor(v.get<std::vector<double>>(), torch::kFloat64).to(type);
}

// The catalog lists the solver and loss_function choices itself (so that it never
// loads libtorch): they are the registries' names.
TEST(Mlp, CatalogChoicesAreTheRegistriesNames) {
    const auto& mlp = find_algorithm("mlp");
    EXPECT_EQ(mlp.find_param("solver")->choices, optimizer_names());
    EXPECT_EQ(mlp.find_param("loss_function")->choices, loss_names());
    EXPECT_EQ(mlp.find_param("lr_scheduler")->choices, scheduler_names());
}

TEST(Losses, ValuesMatchPyTorch) {
    const auto& ref = reference()["losses"];
    const torch::Tensor none, row_weights = vector_of(ref["row_weights"]);
    const torch::Tensor logits = tensor_of(ref["logits"]), classes = vector_of(ref["classes"], torch::kLong);
    const torch::Tensor logit = vector_of(ref["logit"]), labels = vector_of(ref["labels"]);
    const torch::Tensor pred = vector_of(ref["pred"]).reshape({-1, 1}), value = vector_of(ref["value"]);
    auto loss = [](const char* name, const torch::Tensor& out, const torch::Tensor& y, const torch::Tensor& w) {
        return find_loss(name).fn(out, y, w).item<double>();
    };
    expect_close(loss("cross_entropy", logits, classes, none), ref["cross_entropy"], "cross_entropy");
    expect_close(loss("cross_entropy", logits, classes, row_weights), ref["cross_entropy_weighted"], "weighted");
    expect_close(loss("binary_cross_entropy", logit, labels, none), ref["binary_cross_entropy"], "bce");
    expect_close(loss("binary_cross_entropy", logit, labels, row_weights), ref["binary_cross_entropy_weighted"],
                 "bce weighted");
    expect_close(loss("mse", pred, value, none), ref["mse"], "mse");
    expect_close(loss("mae", pred, value, none), ref["mae"], "mae");
    expect_close(loss("huber", pred, value, none), ref["huber"], "huber");
    expect_close(loss("huber", pred, value, row_weights), ref["huber_weighted"], "huber weighted");
    expect_error([] { find_loss("hinge"); }, ErrorKind::validation, "unknown_loss_function");
}

// --- The epoch loop, on a small network of its own.

struct TinyModel {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    torch::nn::Sequential net{nullptr};
    LoopModel model;

    TinyModel() {
        torch::manual_seed(3);  // the initial weights; the loop draws from `generator` only
        net = torch::nn::Sequential(torch::nn::Linear(5, 16), torch::nn::ReLU(), torch::nn::Linear(16, 3));
        model.module = net.ptr();
        auto gen = generator;
        auto seq = net;
        // Dropout on the input, from the loop's generator, so resuming must restore it.
        model.forward = [seq, gen](const torch::Tensor& x) mutable {
            torch::Tensor h = x;
            if (seq->is_training()) h = h * torch::empty_like(h).bernoulli_(0.9, gen) / 0.9;
            return seq->forward(h);
        };
        model.loss = find_loss("cross_entropy");
        model.penalized = {net[0]->as<torch::nn::Linear>()->weight};
        model.metrics = [](const torch::Tensor& out, const torch::Tensor& y) {
            return Json{{"loss", torch::nn::functional::cross_entropy(out, y).item<double>()}};
        };
        model.score = [](const torch::Tensor& out, const torch::Tensor& y) {
            return (out.argmax(1) == y).to(torch::kFloat64).mean().item<double>();
        };
        model.generator = generator;
    }
};

TrainingData three_class_tensors() {
    Dataset d = three_class_set(120, 5);
    TrainingData t;
    t.x = torch::tensor(d.x.data, torch::kFloat32).reshape({120, 5});
    t.y = torch::tensor(std::vector<float>(d.y.begin(), d.y.end()), torch::kFloat32).to(torch::kLong);
    return t;
}

LoopSettings resumable_settings() {
    LoopSettings s;
    s.epochs = 6;
    s.batch_size = 32;
    s.scheduler = "one_cycle";  // per batch, with momentum: its state must resume too
    s.l1 = 1e-3;
    s.l2 = 1e-3;
    s.gradient_clip = 5;
    s.seed = 11;
    return s;
}

std::vector<torch::Tensor> weights_of(const torch::nn::Module& m) { return copy_state(m); }

// Six epochs in one go, or three, a checkpoint, a fresh loop and three more:
// the same weights, bit for bit (one thread).
TEST(EpochLoop, ResumedFromAStateTrainsAsIfNeverStopped) {
    torch::set_num_threads(1);
    TinyModel a;
    EpochLoop whole(a.model, resumable_settings(), three_class_tensors());
    whole.run({});
    ASSERT_EQ(whole.epochs_done(), 6);

    TempDir dir("hone-loop");
    {
        TinyModel b;
        EpochLoop first(b.model, resumable_settings(), three_class_tensors());
        first.run({}, 3);
        EXPECT_EQ(first.epochs_done(), 3);
        EXPECT_FALSE(first.finished());
        first.save_state(dir.path / "state.pt");
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path / "state.pt.tmp"));
    TinyModel c;
    EpochLoop second(c.model, resumable_settings(), three_class_tensors());
    second.load_state(dir.path / "state.pt");
    EXPECT_EQ(second.epochs_done(), 3);
    second.run({});
    EXPECT_EQ(second.epochs_done(), 6);
    auto expected = weights_of(*a.net.ptr()), actual = weights_of(*c.net.ptr());
    ASSERT_EQ(expected.size(), actual.size());
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_TRUE(torch::equal(expected[i], actual[i])) << i;
    EXPECT_EQ(second.history(), whole.history());
    expect_error([&] { second.load_state(dir.path / "missing.pt"); }, ErrorKind::not_found, "checkpoint_not_found");
}

// A model whose rows change every epoch (a recommender's fresh negatives) and
// whose validation is its own: the rows come from the loop's generator, so a
// resumed run draws what an uninterrupted one draws.
TEST(EpochLoop, ResamplesRowsEachEpochFromItsOwnGeneratorAndResumesThem) {
    torch::set_num_threads(1);
    int validations = 0;
    auto with_hooks = [&validations](TinyModel& m) {
        m.model.resample = [](TrainingData& d, std::mt19937_64& rng) {
            std::vector<std::int64_t> labels(static_cast<std::size_t>(d.y.size(0)));
            for (auto& l : labels) l = static_cast<std::int64_t>(rng() % 3);
            d.y = torch::tensor(labels, torch::kLong);
        };
        m.model.validate = [&validations] {
            ++validations;
            return Json{{"hr@10", 0.5}};
        };
    };
    TinyModel a;
    with_hooks(a);
    EpochLoop whole(a.model, resumable_settings(), three_class_tensors());
    whole.run({});
    EXPECT_EQ(validations, 6);
    EXPECT_EQ(whole.history()[0]["metrics"]["val_hr@10"], 0.5);

    TempDir dir("hone-loop");
    {
        TinyModel b;
        with_hooks(b);
        EpochLoop first(b.model, resumable_settings(), three_class_tensors());
        first.run({}, 2);
        first.save_state(dir.path / "state.pt");
    }
    TinyModel c;
    with_hooks(c);
    EpochLoop second(c.model, resumable_settings(), three_class_tensors());
    second.load_state(dir.path / "state.pt");
    second.run({});
    auto expected = weights_of(*a.net.ptr()), actual = weights_of(*c.net.ptr());
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_TRUE(torch::equal(expected[i], actual[i])) << i;
    EXPECT_EQ(second.history(), whole.history());

    TinyModel d;
    d.model.resample = [](TrainingData& data, std::mt19937_64&) { data.y = data.y.slice(0, 0, 10); };
    EpochLoop shrinking(d.model, resumable_settings(), three_class_tensors());
    expect_error([&] { shrinking.run({}); }, ErrorKind::internal, "resample_changed_rows",
                 "resampling changed the training rows from 120 to 120 rows and 10 targets");
}

TEST(EpochLoop, ReportsEveryEpochAndKeepsTheTrainersBestRound) {
    torch::set_num_threads(1);
    TinyModel m;
    TrainingData data = three_class_tensors();
    data.x_valid = data.x.slice(0, 0, 40);
    data.y_valid = data.y.slice(0, 0, 40);
    LoopSettings s = resumable_settings();
    s.epochs = 8;
    s.scheduler = "step";
    s.scheduler_options.step_size = 2;
    EpochLoop loop(m.model, s, data);
    std::vector<RoundReport> reports;
    std::vector<torch::Tensor> at_best;
    Callbacks callbacks;
    callbacks.metrics_every_round = true;
    callbacks.on_round = [&](const RoundReport& r) {
        reports.push_back(r);
        if (r.round == 2) at_best = weights_of(*m.net.ptr());
        return RoundDecision{.stop = r.round == 5, .best_round = 2};
    };
    loop.run(callbacks);
    ASSERT_EQ(reports.size(), 6u);
    for (const char* key : {"train_loss", "val_loss", "learning_rate", "gradient_norm"})
        EXPECT_TRUE(reports[0].metrics.contains(key)) << key;
    EXPECT_EQ(reports[0].total_rounds, 8);
    EXPECT_DOUBLE_EQ(reports[0].metrics["learning_rate"].get<double>(), 1e-3);
    EXPECT_DOUBLE_EQ(reports[2].metrics["learning_rate"].get<double>(), 1e-4);  // step: gamma 0.1 every 2 epochs
    EXPECT_EQ(loop.best_epoch(), 2);
    auto kept = weights_of(*m.net.ptr());
    for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_TRUE(torch::equal(kept[i], at_best[i])) << i;
}

TEST(EpochLoop, CancelledBetweenBatches) {
    TinyModel m;
    LoopSettings s = resumable_settings();
    s.batch_size = 8;  // 15 batches an epoch
    EpochLoop loop(m.model, s, three_class_tensors());
    int checks = 0;
    Callbacks callbacks;
    callbacks.cancelled = [&] { return ++checks > 4; };
    expect_error([&] { loop.run(callbacks); }, ErrorKind::cancelled, "cancelled", "training was cancelled");
    EXPECT_EQ(checks, 5);  // within the first epoch, at the fifth batch
}

// scikit-learn's rule: no improvement of tol for more than n_iter_no_change epochs.
TEST(EpochLoop, StopsOnTheTrainingLossUnlessTheCallerDecides) {
    LoopSettings s = resumable_settings();
    s.epochs = 50;
    s.scheduler = "none";
    s.tol = 100;  // nothing counts as an improvement after the first epoch
    s.n_iter_no_change = 3;
    int rounds = 0;
    Callbacks counting;
    counting.on_round = [&](const RoundReport&) {
        ++rounds;
        return RoundDecision{};
    };
    TinyModel a;
    EpochLoop own(a.model, s, three_class_tensors());
    own.run(counting);
    EXPECT_EQ(rounds, 5);  // epoch 0 sets the best; epochs 1..4 count 4 > 3
    EXPECT_TRUE(own.finished());
    rounds = 0;
    counting.metrics_every_round = true;  // the trainer stops it, or nothing does
    TinyModel b;
    EpochLoop driven(b.model, s, three_class_tensors());
    driven.run(counting);
    EXPECT_EQ(rounds, 50);
}

// 100 rows: 80 of class 0, 15 of class 1, 5 of class 2; early_stopping holds
// out a fifth. Stratified: 16, 3 and 1 of them, as scikit-learn's split.
TEST(EpochLoop, HoldsOutEachClassesShareForClassifiers) {
    TrainingData t;
    t.x = torch::randn({100, 5});
    std::vector<std::int64_t> labels(100, 0);
    for (int i = 80; i < 95; ++i) labels[static_cast<std::size_t>(i)] = 1;
    for (int i = 95; i < 100; ++i) labels[static_cast<std::size_t>(i)] = 2;
    t.y = torch::tensor(labels, torch::kLong);
    LoopSettings s = resumable_settings();
    s.early_stopping = true;
    s.validation_fraction = 0.2;
    s.stratify_holdout = true;
    TinyModel m;
    EpochLoop loop(m.model, s, t);
    torch::Tensor held = loop.held_out_targets();
    ASSERT_EQ(held.size(0), 20);
    torch::Tensor counts = torch::bincount(held, {}, 3).contiguous();
    EXPECT_EQ(std::vector<std::int64_t>(counts.data_ptr<std::int64_t>(), counts.data_ptr<std::int64_t>() + 3),
              (std::vector<std::int64_t>{16, 3, 1}));
}

TEST(EpochLoop, DivergingLossNamesTheEpoch) {
    TinyModel m;
    LoopSettings s = resumable_settings();
    s.scheduler = "none";
    s.optimizer = "sgd";
    s.optimizer_options.lr = 1e30;
    s.gradient_clip = 0;
    EpochLoop loop(m.model, s, three_class_tensors());
    auto error = expect_error([&] { loop.run({}); }, ErrorKind::data, "training_diverged");
    ASSERT_TRUE(error);
    EXPECT_NE(error->message().find("in epoch 1 of 6"), std::string::npos) << error->message();
}

// --- mlp beyond the catalog-wide suite.

TEST(Mlp, ClassifiesAndRegressesAboveFloors) {
    // At scikit-learn's defaults, as scikit-learn's MLPClassifier() scores on such moons
    // (0.865 to 0.9 over five seeds of make_moons(noise=0.2) with 3 noise columns).
    auto moons = split(two_moons(700, 0.2, 31), 500);
    auto e = fitted("MLPClassifier", Json::object(), moons, Task::classification, 2);
    EXPECT_GE(accuracy(e->predict(moons.test.x), moons.test.y), 0.84);
    auto blobs = split(three_class_set(600, 32), 400);
    auto c = fitted("mlp", Json{{"hidden_layers", 2}, {"neurons", 32}, {"optimizer", "adamw"}, {"epochs", 60}},
                    blobs, Task::classification, 3);
    EXPECT_GE(accuracy(c->predict(blobs.test.x), blobs.test.y), 0.85);
    auto wave = split(wave_set(700, 33), 500);
    auto r = fitted("MLPRegressor", Json{{"learning_rate", 0.01}}, wave, Task::regression, 0);
    EXPECT_GE(r2(r->predict(wave.test.x), wave.test.y), 0.85);
}

TEST(Mlp, LayersNeuronsAndBatchNormShapeTheSavedModel) {
    auto data = split(three_class_set(200, 34), 150);
    auto e = fitted("mlp",
                    Json{{"layers", 3}, {"neurons", 8}, {"batch_norm", true}, {"dropout", 0.1}, {"epochs", 5},
                         {"batch_size", 10000}, {"lr_scheduler", "cosine"}, {"class_weight", "balanced"}},
                    data, Task::classification, 3);
    TempDir dir("hone-mlp");
    e->save(dir.path);
    Json architecture = read_json(dir.path / "mlp.json");
    EXPECT_EQ(architecture["hidden"], Json::array({8, 8, 8}));
    EXPECT_EQ(architecture["loss"], "cross_entropy");
    expect_round_trip("mlp", *e, data.test.x);
}

TEST(Mlp, LossThatDoesNotFitTheTaskIsRefused) {
    auto data = split(binary_set(60, 35), 40);
    auto error = expect_error([&] { fitted("mlp", Json{{"loss_function", "mse"}}, data, Task::classification, 2); },
                              ErrorKind::validation, "loss_task_mismatch");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message(), "loss_function 'mse' is a regression loss and does not fit a classifier");
    expect_error([&] { fitted("mlp", Json{{"loss", "cross_entropy"}}, data, Task::regression, 0); },
                 ErrorKind::validation, "loss_task_mismatch");
    auto three = split(three_class_set(60, 36), 40);
    expect_error(
        [&] { fitted("mlp", Json{{"loss", "binary_cross_entropy"}}, three, Task::classification, 3); },
        ErrorKind::validation, "loss_task_mismatch",
        "loss_function 'binary_cross_entropy' takes two classes, the target has 3");
}

// Rows of class 1 made rare (one in ten kept): 'balanced' class weights find more
// of them among held-out rows than equal weights do.
TEST(Mlp, BalancedClassWeightsRecallTheRareClass) {
    Dataset all = binary_set(1200, 39);
    Dataset rare{matrix(0, all.x.cols), {}};
    for (std::size_t r = 0, kept = 0; r < 800; ++r) {
        if (all.y[r] == 1 && kept++ % 10 != 0) continue;
        rare.x.data.insert(rare.x.data.end(), all.x.data.begin() + r * all.x.cols,
                           all.x.data.begin() + (r + 1) * all.x.cols);
        rare.y.push_back(all.y[r]);
        ++rare.x.rows;
    }
    Dataset test = split(all, 800).test;
    auto recall = [&](const Json& params) {
        auto e = fitted("mlp", params, rare, Task::classification, 2);
        auto pred = e->predict(test.x);
        double found = 0, positives = 0;
        for (std::size_t i = 0; i < test.y.size(); ++i) {
            positives += test.y[i] == 1;
            found += test.y[i] == 1 && pred[i] == 1;
        }
        return found / positives;
    };
    const double plain = recall(Json{{"max_iter", 50}});
    const double balanced = recall(Json{{"max_iter", 50}, {"class_weight", "balanced"}});
    EXPECT_GT(balanced, plain + 0.1) << plain << " -> " << balanced;
}

// The trainer's best round is the model kept: as a fit of that many epochs.
TEST(Mlp, KeepsTheBestRoundAsAShorterFitWould) {
    auto data = split(two_moons(300, 0.2, 37), 200);
    Callbacks callbacks;
    callbacks.metrics_every_round = true;
    callbacks.on_round = [](const RoundReport& r) { return RoundDecision{.stop = r.round == 6, .best_round = 3}; };
    auto stopped = fitted("mlp", Json::object(), data, Task::classification, 2, callbacks);
    EXPECT_EQ(stopped->best_iteration(), 3);
    Callbacks plain;
    plain.metrics_every_round = true;
    auto short_fit = fitted("mlp", Json{{"max_iter", 4}}, data, Task::classification, 2, plain);
    EXPECT_EQ(stopped->predict_proba(data.test.x), short_fit->predict_proba(data.test.x));
}

TEST(Mlp, EarlyStoppingHoldsOutRowsAndKeepsTheBestScore) {
    auto data = split(two_moons(400, 0.2, 38), 300);
    int rounds = 0;
    Callbacks callbacks;
    callbacks.on_round = [&](const RoundReport&) {
        ++rounds;
        return RoundDecision{};
    };
    auto e = fitted("mlp", Json{{"early_stopping", true}, {"learning_rate", 0.01}}, data.train, Task::classification,
                    2, callbacks);
    EXPECT_GE(e->best_iteration(), 0);
    EXPECT_LT(rounds, 200);
    EXPECT_GE(accuracy(e->predict(data.test.x), data.test.y), 0.82);
}

}  // namespace
