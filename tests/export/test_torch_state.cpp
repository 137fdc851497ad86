// export/torch_state.hpp: registered neural models as files Python's
// torch.load reads, checked in PyTorch itself (/usr/bin/python3 with Debian's
// python3-torch): the modules docs/export.md defines load each state dict
// strictly and predict what hone predicts. And models/torch/mlp_weights.hpp:
// a fitted MLP recomputed from its torch-free description in plain C++.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "../support/errors.hpp"
#include "../support/run_hone.hpp"
#include "../train/churn_workspace.hpp"
#include "../train/recommender_workspace.hpp"
#include "data/csv_reader.hpp"
#include "export/torch_state.hpp"
#include "models/torch/mlp_weights.hpp"
#include "train/predictor.hpp"

using namespace hone;
using namespace hone::test_support;
using Json = nlohmann::ordered_json;
using models::torch_nn::MlpWeights;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Three MLPs that between them take every output function, batch norm and
// three activations; small, so each trains in a fraction of a second.
const char* kSigmoidClassifier =
    "    algorithm: mlp\n    hyperparameters:\n        hidden_layer_sizes: [8, 4]\n        batch_norm: true\n"
    "        max_iter: 6\n";
const char* kSoftmaxClassifier =
    "    algorithm: mlp\n    hyperparameters:\n        hidden_layer_sizes: [6]\n        activation: tanh\n"
    "        loss_function: cross_entropy\n        max_iter: 6\n";

// A regressor of the churn table's support calls from the other columns.
lang::JobFile regression_job(Workspace& ws) {
    const std::string text =
        "dataset \"customer_data\":\n    source: csv\n    path: customers.csv\n"
        "model \"calls\":\n    type: regressor\n    algorithm: mlp\n    hyperparameters:\n"
        "        hidden_layer_sizes: [6, 5]\n        activation: logistic\n        max_iter: 6\n"
        "training \"support_calls\":\n    model: calls\n    dataset: customer_data\n    target: support_calls\n"
        "    features:\n        - tenure\n        - monthly_spend\n        - contract_type\n    objective: minimize_rmse\n";
    auto loaded = lang::parse_job_text(text, (ws.dir / "calls.n3").string(), lang::Format::n3);
    EXPECT_TRUE(loaded.ok()) << loaded.report();
    return loaded.spec;
}

std::string registry_key(const Json& result) {
    EXPECT_TRUE(result["registry_key"].is_string()) << result.dump();
    return result["registry_key"].get<std::string>();
}

// The registry keys of the three MLPs, trained in `ws`.
std::vector<std::string> train_mlps(Workspace& ws) {
    std::vector<std::string> keys;
    for (const char* block : {kSigmoidClassifier, kSoftmaxClassifier})
        keys.push_back(registry_key(train::run_training_job(ws.job(block), "baseline_churn_model", *ws.store,
                                                            ws.options())));
    keys.push_back(registry_key(train::run_training_job(regression_job(ws), "support_calls", *ws.store, ws.options())));
    return keys;
}

// What hone predicts for `x`: probabilities row by row, or values.
std::vector<double> hone_outputs(const models::Estimator& estimator, const data::Matrix& x) {
    return estimator.has_proba() ? estimator.predict_proba(x) : estimator.predict(x);
}

Json rows_of(const data::Matrix& x) {
    Json rows = Json::array();
    for (std::size_t r = 0; r < x.rows; ++r)
        rows.push_back(std::vector<double>(x.data.begin() + r * x.cols, x.data.begin() + (r + 1) * x.cols));
    return rows;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// torch_state_check.py's answers for `cases`; a missing python3 or torch is
// a failure that says so.
Json run_in_pytorch(const std::filesystem::path& dir, const Json& cases) {
    if (!std::filesystem::exists(kPython)) {
        ADD_FAILURE() << kPython << " is missing: the export tests load the files in Debian's python3-torch";
        return Json::array();
    }
    const auto cases_path = dir / "cases.json";
    std::ofstream(cases_path) << cases.dump();
    const std::string source = HONE_SOURCE_DIR;
    const Ran ran = run_command(std::string(kPython) + " " + source + "/tests/export/torch_state_check.py " + source +
                                "/docs/export.md " + cases_path.string());
    if (ran.code != 0) {
        ADD_FAILURE() << "torch_state_check.py failed (exit " << ran.code << "): " << ran.err;
        return Json::array();
    }
    return Json::parse(ran.out);
}

void expect_near_all(const std::vector<double>& actual, const std::vector<double>& expected, const std::string& what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    double worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        worst = std::max(worst, std::fabs(actual[i] - expected[i]) / std::max(1.0, std::fabs(expected[i])));
    EXPECT_LE(worst, 1e-6) << what << ": the largest difference (relative above 1)";
}

// --- plain C++ from mlp_weights.hpp's description, in double.

double activate(const std::string& activation, double z) {
    if (activation == "relu") return std::max(z, 0.0);
    if (activation == "tanh") return std::tanh(z);
    if (activation == "logistic") return 1 / (1 + std::exp(-z));
    return z;
}

std::vector<double> dense(const models::torch_nn::DenseLayer& layer, const std::vector<double>& h) {
    std::vector<double> z(static_cast<std::size_t>(layer.out));
    for (std::size_t o = 0; o < z.size(); ++o) {
        double sum = layer.bias[o];
        for (std::size_t i = 0; i < h.size(); ++i) sum += double(layer.weight[o * h.size() + i]) * h[i];
        z[o] = sum;
    }
    return z;
}

// One row's outputs as predict_proba (or predict, for a regressor) gives them.
std::vector<double> recompute_row(const MlpWeights& w, std::vector<double> h) {
    for (std::size_t l = 0; l + 1 < w.layers.size(); ++l) {
        std::vector<double> z = dense(w.layers[l], h);
        for (std::size_t u = 0; u < z.size(); ++u) {
            if (!w.norms.empty()) {
                const auto& n = w.norms[l];
                z[u] = (z[u] - n.running_mean[u]) / std::sqrt(double(n.running_var[u]) + n.eps) * n.weight[u] +
                       n.bias[u];
            }
            z[u] = activate(w.activation, z[u]);
        }
        h = std::move(z);
    }
    std::vector<double> z = dense(w.layers.back(), h);
    if (w.output == "sigmoid") {
        const double p = 1 / (1 + std::exp(-z[0]));
        return {1 - p, p};
    }
    if (w.output == "softmax") {
        const double top = *std::max_element(z.begin(), z.end());
        double sum = 0;
        for (double& v : z) sum += (v = std::exp(v - top));
        for (double& v : z) v /= sum;
    }
    return z;
}

std::vector<double> recompute(const MlpWeights& w, const data::Matrix& x) {
    std::vector<double> out;
    for (std::size_t r = 0; r < x.rows; ++r) {
        const std::vector<double> row(x.data.begin() + r * x.cols, x.data.begin() + (r + 1) * x.cols);
        for (double v : recompute_row(w, row)) out.push_back(v);
    }
    return out;
}

}  // namespace

TEST(TorchState, MlpsLoadStrictlyInPyTorchAndPredictAsHone) {
    Workspace ws;
    const std::vector<std::string> keys = train_mlps(ws);
    const data::Frame frame = data::read_csv(ws.dir / "customers.csv");
    Json cases = Json::array();
    std::vector<std::vector<double>> expected;
    for (std::size_t m = 0; m < keys.size(); ++m) {
        const auto model = train::LoadedModel::load(*ws.store, keys[m]);
        const data::Matrix x = model->prepare(frame);
        expected.push_back(hone_outputs(model->estimator(), x));
        const auto path = ws.dir / (keys[m] + ".pt");
        write_file(path, exporting::export_torch_state(*model));
        cases.push_back({{"file", path.string()}, {"x", rows_of(x)}});
    }
    const Json answers = run_in_pytorch(ws.dir, cases);
    ASSERT_EQ(answers.size(), keys.size());
    for (std::size_t m = 0; m < keys.size(); ++m)
        expect_near_all(answers[m]["values"].get<std::vector<double>>(), expected[m], keys[m]);
    // The children of docs/export.md's nn.Sequential: Linear, BatchNorm1d, ReLU, ..., Linear.
    EXPECT_EQ(answers[0]["state_dict"],
              Json::array({"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                           "1.num_batches_tracked", "3.weight", "3.bias", "4.weight", "4.bias",
                           "4.running_mean", "4.running_var", "4.num_batches_tracked", "6.weight", "6.bias"}));
    EXPECT_EQ(answers[1]["state_dict"], Json::array({"0.weight", "0.bias", "2.weight", "2.bias"}));
}

TEST(TorchState, DescribesTheArchitectureClassesAndPreprocessing) {
    Workspace ws;
    const std::string key =
        registry_key(train::run_training_job(ws.job(kSigmoidClassifier), "baseline_churn_model", *ws.store,
                                             ws.options()));
    const auto model = train::LoadedModel::load(*ws.store, key);
    const auto path = ws.dir / "model.pt";
    write_file(path, exporting::export_torch_state(*model));
    const Ran ran = run_command(std::string(kPython) + " -c \"import sys, torch; sys.stdout.write(torch.load('" +
                                path.string() + "', weights_only=True)['hone'])\"");
    ASSERT_EQ(ran.code, 0) << ran.err;
    const Json hone = Json::parse(ran.out);
    EXPECT_EQ(hone["format"], "hone.torch_state");
    EXPECT_EQ(hone["version"], 1);
    EXPECT_EQ(hone["model"], (Json{{"key", key}, {"name", "churn_classifier"}, {"version", 1},
                                   {"algorithm", "mlp"}, {"task", "classification"}}));
    const Json inputs = static_cast<int>(model->preprocessor().feature_names().size());
    EXPECT_EQ(hone["architecture"], (Json{{"kind", "mlp"}, {"inputs", inputs}, {"hidden", {8, 4}},
                                          {"activation", "relu"}, {"batch_norm", true}, {"batch_norm_eps", 1e-5},
                                          {"outputs", 1}, {"output", "sigmoid"}, {"dropout", 0.0},
                                          {"loss", "binary_cross_entropy"}}));
    EXPECT_EQ(hone["target"], "churned");
    EXPECT_EQ(hone["classes"], Json::array({"false", "true"}));
    EXPECT_EQ(hone["features"], Json::array({"tenure", "monthly_spend", "support_calls", "contract_type"}));
    EXPECT_EQ(hone["feature_names"], Json(model->preprocessor().feature_names()));
    EXPECT_EQ(hone["preprocessing"], model->preprocessor().to_json());
}

TEST(TorchState, RecommendersLoadStrictlyInPyTorchAndScoreAsHone) {
    RecommenderWorkspace ws;
    const std::vector<std::string> keys = {
        registry_key(ws.train(ws.parse(recommender_job("ncf", kSmallNcf, kRankedByNdcg)))),
        registry_key(ws.train(ws.parse(recommender_job(
            "gmf", "        embedding_dim: 8\n        epochs: 4\n        learning_rate: 0.01\n", kRankedByNdcg))))};
    Json cases = Json::array();
    std::vector<std::vector<double>> expected;
    for (const std::string& key : keys) {
        const auto model = train::LoadedModel::load(*ws.store, key);
        const train::ServedRecommender& served = model->require_recommender();
        // Every item for every fourth user, as (user, item) index pairs.
        std::vector<std::int32_t> users, items, all(served.num_items());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int32_t>(i);
        std::vector<double> scores;
        for (std::int32_t u = 0; u < static_cast<std::int32_t>(served.num_users()); u += 4) {
            std::vector<float> out(all.size());
            served.model().score(u, all, out);
            scores.insert(scores.end(), out.begin(), out.end());
            users.insert(users.end(), all.size(), u);
            items.insert(items.end(), all.begin(), all.end());
        }
        expected.push_back(scores);
        const auto path = ws.dir / (key + ".pt");
        write_file(path, exporting::export_torch_state(*model));
        cases.push_back({{"file", path.string()}, {"users", users}, {"items", items}});
    }
    const Json answers = run_in_pytorch(ws.dir, cases);
    ASSERT_EQ(answers.size(), keys.size());
    for (std::size_t m = 0; m < keys.size(); ++m)
        expect_near_all(answers[m]["values"].get<std::vector<double>>(), expected[m], keys[m]);
    EXPECT_EQ(answers[0]["state_dict"],
              Json::array({"gmf_user.weight", "gmf_item.weight", "mlp_user.weight", "mlp_item.weight",
                           "tower.0.weight", "tower.0.bias", "tower.2.weight", "tower.2.bias", "output.weight",
                           "output.bias"}));
    EXPECT_EQ(answers[1]["state_dict"],
              Json::array({"gmf_user.weight", "gmf_item.weight", "output.weight", "output.bias"}));
}

TEST(TorchState, OtherAlgorithmsAreNotExportable) {
    Workspace ws;
    const std::string key = registry_key(train::run_training_job(ws.job("    algorithm: logistic_regression\n"),
                                                                 "baseline_churn_model", *ws.store, ws.options()));
    const auto model = train::LoadedModel::load(*ws.store, key);
    EXPECT_EQ(exporting::torch_exportable_algorithms(), (std::vector<std::string>{"mlp", "ncf", "gmf"}));
    expect_error([&] { exporting::export_torch_state(*model); }, ErrorKind::validation, "not_exportable",
                 "model '" + key + "' is a logistic_regression model, which has no PyTorch state dict; the "
                 "algorithms that export to torch are mlp, ncf, gmf");
    expect_error([&] { models::torch_nn::mlp_weights(model->estimator()); }, ErrorKind::validation, "not_an_mlp",
                 "the estimator is not an mlp: only the mlp estimator describes its layers");
}

TEST(MlpWeights, RecomputedInDoubleMatchTheEstimatorsPredictions) {
    Workspace ws;
    const std::vector<std::string> keys = train_mlps(ws);
    const data::Frame frame = data::read_csv(ws.dir / "customers.csv");
    const std::vector<std::string> outputs = {"sigmoid", "softmax", "identity"};
    for (std::size_t m = 0; m < keys.size(); ++m) {
        const auto model = train::LoadedModel::load(*ws.store, keys[m]);
        const data::Matrix x = model->prepare(frame);
        const MlpWeights w = models::torch_nn::mlp_weights(model->estimator());
        EXPECT_EQ(w.output, outputs[m]);
        EXPECT_EQ(w.inputs, static_cast<std::int64_t>(x.cols));
        EXPECT_EQ(w.norms.size(), m == 0 ? 2u : 0u);
        expect_near_all(recompute(w, x), hone_outputs(model->estimator(), x), keys[m]);
    }
}
