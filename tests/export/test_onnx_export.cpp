// ONNX export end to end: small models trained into a temporary registry on a
// table with nulls in its numeric, bool and string columns, exported, checked
// by onnx's checker (Debian's python3-onnx) and run in ONNX Runtime
// (onnxruntime-node, through tests/export/run_onnx.js) on rows with nulls and
// categories unseen at training. ONNX Runtime must answer what hone answers:
// the same label on every row, probabilities and values within 1e-5 relative,
// and the preprocessing alone bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <charconv>
#include <random>
#include <set>

#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include "common/build_info.hpp"
#include "data/preprocess.hpp"
#include "data/source.hpp"
#include "export/onnx.hpp"
#include "export/onnx_preprocess.hpp"
#include "lang/job_file.hpp"
#include "models/xgboost/booster_estimator.hpp"
#include "registry/store.hpp"
#include "train/compress.hpp"
#include "train/predictor.hpp"
#include "train/trainer.hpp"
#include "../support/errors.hpp"
#include "../support/files.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

const char* const system_python = "/usr/bin/python3";  // Debian's, with python3-onnx

// Rows of a table whose numbers are eighths (float32 holds them exactly, so
// the float inputs carry hone's values). Targets: grade (int classes 3, 7, 9),
// verdict (yes/no), score (a number), band (five classes of z, computed
// without drawing, so the other columns do not depend on it). Nulls in x1, flag and color; with
// `unseen`, colors and sizes that training never saw.
void write_table(const fs::path& path, int rows, std::uint64_t seed, bool unseen) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> eighths(-80, 400), small(0, 20), percent(0, 99);
    std::normal_distribution<double> noise(0, 0.5);
    const char* sizes[] = {"s", "m", "l"};
    std::ofstream out(path);
    out << "x1,x2,flag,color,size,grade,verdict,score,band\n";
    for (int i = 0; i < rows; ++i) {
        const double x1 = eighths(rng) / 8.0;
        const int x2 = small(rng);
        const bool flag = percent(rng) < 40;
        const int c = percent(rng);
        std::string color = c < 40 ? "red" : c < 75 ? "green" : c < 97 ? "blue" : "teal";
        std::string size = sizes[percent(rng) % 3];
        if (unseen && i % 5 == 0) color = "purple";
        if (unseen && i % 7 == 3) size = "xl";
        const double z = 0.04 * x1 - 0.25 * x2 + (flag ? 1.5 : 0) + (color == "red" ? 1 : color == "green" ? -1 : 0) +
                         (size == "l" ? 0.5 : 0) + noise(rng);
        const int grade = z < -1.5 ? 3 : z < 0.5 ? 7 : 9;
        const char* band = z < -3 ? "low" : z < -1.5 ? "lower" : z < 0 ? "middle" : z < 1.5 ? "upper" : "high";
        out << (i % 11 == 0 ? "" : std::to_string(x1)) << "," << x2 << ","
            << (i % 13 == 0 ? "" : flag ? "true" : "false") << "," << (i % 9 == 0 ? "" : color) << "," << size << ","
            << grade << "," << (z > -0.5 ? "yes" : "no") << "," << 3 * z + 0.5 * x2 + noise(rng) << "," << band
            << "\n";
    }
}

data::Frame load_csv(const fs::path& path) {
    lang::DatasetSpec spec;
    spec.name = path.stem().string();
    spec.source = "csv";
    spec.path = path.string();
    return data::load_dataset(spec);
}

// The tools the checks need; a missing one fails the test with what to do.
void require_tools() {
    ASSERT_TRUE(fs::exists(system_python)) << system_python << " is missing: run scripts/install-deps.sh";
    ASSERT_EQ(test_support::run_command("node --version").code, 0) << "node is missing: run scripts/install-deps.sh";
    ASSERT_TRUE(fs::exists(fs::path(HONE_ONNXRUNTIME_DIR) / "node_modules/onnxruntime-node/package.json"))
        << "ONNX Runtime is not installed in " << HONE_ONNXRUNTIME_DIR << ": run scripts/install-deps.sh";
}

// The columns the preprocessing reads, as run_onnx.js feeds them: numbers and
// bools as floats (null = NaN, written null), categories as strings ("" = null).
Json onnx_inputs(const data::Preprocessor& pre, const data::Frame& rows) {
    Json inputs = Json::object();
    for (const auto& step : pre.steps()) {
        const data::Column& c = *rows.find(step.column);
        const bool numeric = step.kind == data::Preprocessor::Step::Kind::numeric ||
                             step.kind == data::Preprocessor::Step::Kind::boolean;
        Json values = Json::array();
        for (std::size_t r = 0; r < c.size(); ++r) {
            if (numeric)
                values.push_back(c.is_null(r) ? Json() : Json(c.as_double(r)));
            else
                values.push_back(c.is_null(r) ? std::string() : c.to_text(r));
        }
        inputs[step.column] = {{"type", numeric ? "float" : "string"}, {"values", std::move(values)}};
    }
    return inputs;
}

// Checks `bytes` with onnx's checker, runs it in ONNX Runtime on `inputs` and
// returns its outputs by name ({"type", "dims", "data"}).
Json run_in_onnxruntime(const fs::path& dir, const std::string& bytes, const Json& inputs) {
    const fs::path model = dir / "model.onnx", input_file = dir / "inputs.json";
    std::ofstream(model, std::ios::binary) << bytes;
    std::ofstream(input_file) << inputs.dump();
    auto checked = test_support::run_command(
        std::string(system_python) + " -c \"import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), " +
        "full_check=True)\" " + model.string());
    EXPECT_EQ(checked.code, 0) << "onnx.checker: " << checked.err;
    auto ran = test_support::run_command("node " + std::string(HONE_SOURCE_DIR) + "/tests/export/run_onnx.js " +
                                         HONE_ONNXRUNTIME_DIR + " " + model.string() + " " + input_file.string());
    EXPECT_EQ(ran.code, 0) << ran.err;
    if (ran.code != 0) return Json::object();
    return Json::parse(ran.out);
}

// |a - b| within 1e-5 of |b|; values below float32's normal range (1e-37)
// are compared absolutely, as the outputs are float32.
::testing::AssertionResult close(double onnx, double hone) {
    if (std::fabs(onnx - hone) <= 1e-5 * std::fabs(hone) + 1e-37) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "ONNX Runtime " << onnx << ", hone " << hone;
}

// The trees hone predicts with, of a model of the tree algorithms.
const models::xgb::TreeEnsemble& trees_of(const train::LoadedModel& model) {
    const auto* booster = dynamic_cast<const models::xgb::BoosterEstimator*>(&model.estimator());
    if (!booster || !booster->ensemble()) throw std::runtime_error("the model is not predicted by TreeEnsemble");
    return *booster->ensemble();
}

// A float as text that reads back as that float, with a fraction (so the
// column is numeric with decimals).
std::string exact_text(float v) {
    char buf[64];
    auto end = std::to_chars(buf, buf + sizeof buf, static_cast<double>(v)).ptr;
    std::string text(buf, end);
    return text.find_first_of(".e") == std::string::npos ? text + ".0" : text;
}

// Rows placed exactly on the model's split thresholds: for every threshold
// on x1 or x2 (which the default preprocessing passes through unchanged), a
// row whose x1 or x2 equals it, once with the other columns set and once with
// x1 (or x2's partner x1), flag and color null, which go the trees' default
// directions; then the rows of `table` (one ONNX Runtime run for both).
// Written to `csv` and loaded; `placed` gets (row, feature, threshold) of each
// row on a threshold.
struct Placement {
    std::size_t row, feature;
    float threshold;
};
data::Frame threshold_rows(const train::LoadedModel& model, const fs::path& table, const fs::path& csv,
                           std::vector<Placement>& placed) {
    const auto& trees = trees_of(model);
    const auto& names = model.preprocessor().feature_names();
    std::map<std::string, std::set<float>> thresholds;
    std::map<std::string, std::size_t> feature;
    for (std::size_t i = 0; i < trees.node_count(); ++i) {
        auto v = trees.node(static_cast<std::int32_t>(i));
        if (v.is_leaf || (names[v.feature] != "x1" && names[v.feature] != "x2")) continue;
        thresholds[names[v.feature]].insert(v.condition);
        feature[names[v.feature]] = v.feature;
    }
    std::ofstream out(csv);
    out << "x1,x2,flag,color,size,grade,verdict,score,band\n";
    std::size_t row = 0;
    for (float t : thresholds["x1"]) {
        out << exact_text(t) << ",4,true,red,m,7,yes,1.5,upper\n" << exact_text(t) << ",11,,,l,9,no,2.5,lower\n";
        placed.push_back({row++, feature["x1"], t});
        placed.push_back({row++, feature["x1"], t});
    }
    for (float t : thresholds["x2"]) {
        out << "2.5," << exact_text(t) << ",false,green,s,3,no,0.5,low\n," << exact_text(t)
            << ",,,m,7,yes,-1.5,middle\n";
        placed.push_back({row++, feature["x2"], t});
        placed.push_back({row++, feature["x2"], t});
    }
    out << ",3.0,,,s,3,no,0.5,low\n,17.0,true,,l,9,yes,4.5,high\n";
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // its header
    while (std::getline(in, line)) out << line << "\n";
    out.close();
    return load_csv(csv);
}

// A label as ONNX Runtime prints it, next to hone's JSON label.
std::string label_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A temporary registry, the training table and the rows to predict.
class OnnxExport : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test_support::TempDir("hone-onnx");
        write_table(dir_->path / "train.csv", 400, 5, false);
        write_table(dir_->path / "rows.csv", 150, 6, true);
        store_ = registry::serialized(registry::open_store((dir_->path / "hone.db").string())).release();
        rows_ = new data::Frame(load_csv(dir_->path / "rows.csv"));
    }
    static void TearDownTestSuite() {
        delete rows_;
        delete store_;
        delete dir_;
    }

    // Trains `model_lines` (type, algorithm, hyperparameters) on the table and
    // returns the registered model.
    // `training_lines`: more keys of the training block (early_stopping, ...).
    static std::shared_ptr<train::LoadedModel> train(const std::string& model_lines, const std::string& target,
                                                     const std::string& preprocessing = "",
                                                     const std::string& training_lines = "") {
        static int jobs = 0;
        // Clusterers measure distances between numbers: no categorical features.
        std::string features = target.empty() ? "[x1, x2, flag]" : "[x1, x2, flag, color, size]";
        std::string objective = target.empty()      ? "maximize_silhouette"
                                : target == "score" ? "minimize_rmse"
                                                    : "maximize_accuracy";
        std::string text = "dataset \"table\":\n    source: csv\n    path: train.csv\n"
                           "model \"m\":\n" + model_lines +
                           "training \"t\":\n    model: m\n    dataset: table\n" +
                           (target.empty() ? "" : "    target: " + target + "\n") +
                           "    features: " + features + "\n    objective: " + objective + "\n" +
                           training_lines + (preprocessing.empty() ? "" : "    preprocessing:\n" + preprocessing);
        auto file = dir_->path / ("job" + std::to_string(++jobs) + ".n3");
        auto loaded = lang::parse_job_text(text, file.string(), lang::Format::n3);
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        train::TrainOptions options;
        options.context.model_root = (dir_->path / "models").string();
        Json result = train::run_training_job(loaded.spec, "t", *store_, options);
        EXPECT_EQ(result["status"], "ok") << result.dump();
        return train::LoadedModel::load(*store_, result["registry_key"].get<std::string>());
    }

    // Exports `model`, runs it in ONNX Runtime on `rows` (the table's by
    // default) and compares with hone.
    static void expect_same_predictions(const train::LoadedModel& model, const data::Frame* rows = nullptr) {
        require_tools();
        if (!rows) rows = rows_;
        Json out = run_in_onnxruntime(dir_->path, exporting::export_onnx(model),
                                      onnx_inputs(model.preprocessor(), *rows));
        train::Predictions hone = model.predict(*rows);
        const std::size_t n = rows->rows();
        const std::string task = model.manifest().value("task", std::string());
        if (task == "regression") {
            ASSERT_EQ(out.size(), 1u) << out.dump();
            ASSERT_EQ(out["variable"]["dims"], Json::array({n, 1}));
            for (std::size_t r = 0; r < n; ++r)
                EXPECT_TRUE(close(out["variable"]["data"][r].get<double>(), hone.values[r].get<double>())) << "row " << r;
            return;
        }
        ASSERT_EQ(out["label"]["dims"], Json::array({n}));
        std::set<std::string> predicted;  // a model that predicts one label would agree too easily
        for (const auto& v : hone.values) predicted.insert(label_text(v));
        EXPECT_GE(predicted.size(), 2u);
        std::size_t differing = 0;
        for (std::size_t r = 0; r < n; ++r)
            if (label_text(out["label"]["data"][r]) != label_text(hone.values[r])) ++differing;
        EXPECT_EQ(differing, 0u) << "labels differ; first rows: " << out["label"]["data"].dump().substr(0, 200);
        ASSERT_EQ(out.contains("probabilities"), !hone.proba.empty()) << out.dump().substr(0, 300);
        if (hone.proba.empty()) return;
        const std::size_t k = hone.classes.size();
        ASSERT_EQ(out["probabilities"]["dims"], Json::array({n, k}));
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < k; ++c)
                EXPECT_TRUE(close(out["probabilities"]["data"][r * k + c].get<double>(), hone.proba[r][c]))
                    << "row " << r << ", class " << hone.classes[c];
    }

    static void expect_trees_export(const std::string& algorithm, const std::string& hyperparameters);
    // A kernel SVM per kernel: svc on two classes (verdict) and three (grade,
    // int labels), without and with probabilities (Platt's sigmoid as it is
    // for two, LIBSVM's pairwise coupling for three), and svr (score).
    static void expect_svms_agree(const std::string& kernel, const std::string& preprocessing) {
        const std::string params = "    hyperparameters:\n        kernel: " + kernel + "\n";
        for (const char* target : {"verdict", "grade"})
            for (const char* probability : {"false", "true"}) {
                SCOPED_TRACE(kernel + " svc on " + target + ", probability: " + probability);
                auto model = train("    type: classifier\n    algorithm: svc\n" + params + "        probability: " +
                                       probability + "\n",
                                   target, preprocessing);
                ASSERT_EQ(model->estimator().has_proba(), std::string(probability) == "true");
                expect_same_predictions(*model);
            }
        SCOPED_TRACE(kernel + " svr");
        expect_same_predictions(*train("    type: regressor\n    algorithm: svr\n" + params, "score", preprocessing));
    }

    static test_support::TempDir* dir_;
    static registry::Store* store_;
    static data::Frame* rows_;
};

test_support::TempDir* OnnxExport::dir_ = nullptr;
registry::Store* OnnxExport::store_ = nullptr;
data::Frame* OnnxExport::rows_ = nullptr;

const char* const classifier = "    type: classifier\n";

}  // namespace

TEST_F(OnnxExport, TheRowsHaveNullsAndUnseenCategories) {
    const data::Frame& rows = *rows_;
    EXPECT_GT(rows.find("x1")->null_count(), 0u);
    EXPECT_GT(rows.find("flag")->null_count(), 0u);
    EXPECT_GT(rows.find("color")->null_count(), 0u);
    EXPECT_EQ(rows.find("flag")->type(), data::DType::boolean);
    const auto& colors = rows.find("color")->dictionary();
    EXPECT_NE(std::find(colors.begin(), colors.end(), "purple"), colors.end());
}

TEST_F(OnnxExport, LogisticRegressionLbfgsBinarySigmoid) {
    auto model = train(std::string(classifier) + "    algorithm: logistic_regression\n", "verdict");
    expect_same_predictions(*model);
}

TEST_F(OnnxExport, LogisticRegressionLbfgsMulticlassSoftmaxWithIntegerLabels) {
    auto model = train(std::string(classifier) + "    algorithm: logistic_regression\n", "grade",
                       "        scale: standard\n");
    ASSERT_EQ(model->manifest()["target_type"], "int");
    expect_same_predictions(*model);
}

TEST_F(OnnxExport, LogisticRegressionLbfgsOneVsRestAndMultinomialBinary) {
    expect_same_predictions(*train(std::string(classifier) +
                                       "    algorithm: logistic_regression\n    hyperparameters:\n"
                                       "        multi_class: ovr\n",
                                   "grade", "        scale: minmax\n        encode: ordinal\n"));
    expect_same_predictions(*train(std::string(classifier) +
                                       "    algorithm: logistic_regression\n    hyperparameters:\n"
                                       "        multi_class: multinomial\n",
                                   "verdict"));
}

TEST_F(OnnxExport, LogisticRegressionLiblinearNormalizedOneVsRest) {
    const std::string liblinear = std::string(classifier) +
                                  "    algorithm: logistic_regression\n    hyperparameters:\n"
                                  "        solver: liblinear\n";
    expect_same_predictions(*train(liblinear, "verdict", "        scale: standard\n"));
    expect_same_predictions(*train(liblinear, "grade", "        scale: standard\n        max_categories: 2\n"));
}

TEST_F(OnnxExport, LinearSvcHasLabelsOnly) {
    const std::string svc = std::string(classifier) + "    algorithm: linear_svc\n";
    expect_same_predictions(*train(svc, "verdict", "        scale: standard\n"));
    expect_same_predictions(*train(svc, "grade", "        scale: standard\n"));
    expect_same_predictions(*train(svc + "    hyperparameters:\n        multi_class: crammer_singer\n", "grade",
                                   "        scale: minmax\n"));
}

TEST_F(OnnxExport, LinearRegressors) {
    const std::string regressor = "    type: regressor\n    algorithm: ";
    expect_same_predictions(*train(regressor + "linear_regression\n", "score"));
    expect_same_predictions(*train(regressor + "ridge\n    hyperparameters:\n        alpha: 3\n", "score",
                                   "        scale: standard\n        impute: median\n"));
    expect_same_predictions(*train(regressor + "linear_svr\n", "score", "        scale: standard\n"));
}

TEST_F(OnnxExport, KMeansAndMiniBatchKMeansGiveTheNearestCenter) {
    const std::string clusterer = "    type: clusterer\n    hyperparameters:\n        n_clusters: 4\n    algorithm: ";
    expect_same_predictions(*train(clusterer + "kmeans\n", "", "        scale: standard\n"));
    expect_same_predictions(*train(clusterer + "minibatch_kmeans\n", "", "        scale: minmax\n"));
}

TEST_F(OnnxExport, SvmRbfKernel) { expect_svms_agree("rbf", "        scale: standard\n"); }

TEST_F(OnnxExport, SvmLinearKernel) {
    expect_svms_agree("linear", "        scale: minmax\n");
}

TEST_F(OnnxExport, SvmPolyKernel) {
    expect_svms_agree("poly", "        scale: standard\n        encode: ordinal\n");
}

TEST_F(OnnxExport, SvmSigmoidKernel) {
    expect_svms_agree("sigmoid", "        scale: standard\n");
}

// LIBSVM's pairwise coupling over five classes (ten pairs), every kernel.
TEST_F(OnnxExport, SvcProbabilitiesOfFiveClasses) {
    for (const char* kernel : {"rbf", "linear", "poly", "sigmoid"}) {
        SCOPED_TRACE(kernel);
        auto model = train(std::string(classifier) + "    algorithm: svc\n    hyperparameters:\n        kernel: " +
                               kernel + "\n        probability: true\n",
                           "band", "        scale: standard\n");
        ASSERT_EQ(model->manifest()["classes"].size(), 5u);
        expect_same_predictions(*model);
    }
}

TEST_F(OnnxExport, QuantizedModelsExportTheWeightsTheyPredictWith) {
    for (const char* solver : {"lbfgs", "liblinear"}) {
        auto model = train(std::string(classifier) + "    algorithm: logistic_regression\n    hyperparameters:\n" +
                               "        solver: " + solver + "\n",
                           "grade", "        scale: standard\n");
        train::CompressOptions options;
        options.precision = models::Precision::int8;
        options.context.model_root = (dir_->path / "models").string();
        auto compressed = train::compress_model(*store_, model->entry().key, options);
        expect_same_predictions(*train::LoadedModel::load(*store_, compressed.entry.key));
    }
}

TEST_F(OnnxExport, TheModelSaysWhatItIs) {
    auto model = train(std::string(classifier) + "    algorithm: logistic_regression\n", "grade");
    onnx::ModelProto proto;
    ASSERT_TRUE(proto.ParseFromString(exporting::export_onnx(*model)));
    EXPECT_EQ(proto.producer_name(), "hone");
    EXPECT_EQ(proto.producer_version(), hone_version());
    ASSERT_EQ(proto.opset_import_size(), 2);
    EXPECT_EQ(proto.opset_import(0).domain(), "");
    EXPECT_EQ(proto.opset_import(0).version(), 17);
    EXPECT_EQ(proto.opset_import(1).domain(), "ai.onnx.ml");
    EXPECT_EQ(proto.opset_import(1).version(), 3);
    std::map<std::string, std::string> meta;
    for (const auto& p : proto.metadata_props()) meta[p.key()] = p.value();
    EXPECT_EQ(meta["model_key"], model->entry().key);
    EXPECT_EQ(meta["model_version"], std::to_string(model->entry().version));
    EXPECT_EQ(meta["algorithm"], "logistic_regression");
    EXPECT_EQ(meta["task"], "classification");
    const auto& g = proto.graph();
    std::vector<std::string> inputs, outputs;
    for (const auto& i : g.input()) inputs.push_back(i.name() + ":" + std::to_string(i.type().tensor_type().elem_type()));
    for (const auto& o : g.output()) outputs.push_back(o.name() + ":" + std::to_string(o.type().tensor_type().elem_type()));
    const std::string f = std::to_string(onnx::TensorProto_DataType_FLOAT),
                      s = std::to_string(onnx::TensorProto_DataType_STRING),
                      i64 = std::to_string(onnx::TensorProto_DataType_INT64);
    EXPECT_EQ(inputs, (std::vector<std::string>{"x1:" + f, "x2:" + f, "flag:" + f, "color:" + s, "size:" + s}));
    EXPECT_EQ(outputs, (std::vector<std::string>{"label:" + i64, "probabilities:" + f}));
}

// The mlp as MatMul, Add and activations in float32, as libtorch computes
// it: a classifier of two classes (sigmoid output), of three with batch
// normalization (softmax), and a regressor.
TEST_F(OnnxExport, MlpLayersAndActivations) {
    const std::string mlp = "    algorithm: mlp\n    hyperparameters:\n        max_iter: 30\n        random_state: 3\n";
    expect_same_predictions(*train(std::string(classifier) + mlp + "        activation: tanh\n", "verdict",
                                   "        scale: standard\n"));
    expect_same_predictions(*train(std::string(classifier) + mlp + "        batch_norm: true\n", "grade",
                                   "        scale: standard\n"));
    expect_same_predictions(*train("    type: regressor\n" + mlp + "        activation: logistic\n", "score",
                                   "        scale: minmax\n"));
}

TEST_F(OnnxExport, AnAlgorithmWithoutWriterIsNotExportable) {
    auto model = train("    type: clusterer\n    algorithm: dbscan\n    hyperparameters:\n        eps: 0.5\n", "",
                       "        scale: standard\n");
    test_support::expect_error(
        [&] { exporting::export_onnx(*model); }, ErrorKind::validation, "not_exportable",
        "algorithm 'dbscan' has no ONNX export; these algorithms export to ONNX: logistic_regression, "
        "linear_svc, linear_svr, linear_regression, ridge, kmeans, minibatch_kmeans, xgboost, gradient_boosting, "
        "lightgbm, random_forest, decision_tree, svc, svr, mlp");
}

// A tree algorithm on the three targets (two classes, three int classes, a
// number), small: ONNX Runtime agrees with hone on rows placed exactly on the
// trees' thresholds and on the table's rows (nulls, unseen categories).
void OnnxExport::expect_trees_export(const std::string& algorithm, const std::string& hyperparameters) {
    for (const std::string target : {"verdict", "grade", "score"}) {
        SCOPED_TRACE(algorithm + " on " + target);
        const std::string type = target == "score" ? "regressor" : "classifier";
        auto model = train("    type: " + type + "\n    algorithm: " + algorithm +
                               "\n    hyperparameters:\n        max_depth: 3\n" + hyperparameters,
                           target);
        std::vector<Placement> placed;
        data::Frame rows = threshold_rows(*model, dir_->path / "rows.csv", dir_->path / "thresholds.csv", placed);
        ASSERT_GT(placed.size(), 0u) << "no split on x1 or x2";
        // The rows reach the trees with their features equal to the thresholds.
        data::Matrix x = model->preprocessor().transform(rows);
        for (const auto& p : placed)
            ASSERT_EQ(x.data[p.row * x.cols + p.feature], p.threshold) << "row " << p.row;
        expect_same_predictions(*model, &rows);
    }
}

TEST_F(OnnxExport, XgboostTrees) { expect_trees_export("xgboost", "        n_estimators: 4\n"); }
TEST_F(OnnxExport, GradientBoostingTrees) { expect_trees_export("gradient_boosting", "        n_estimators: 4\n"); }
TEST_F(OnnxExport, LightgbmTrees) { expect_trees_export("lightgbm", "        n_estimators: 4\n"); }
TEST_F(OnnxExport, RandomForestParallelTrees) { expect_trees_export("random_forest", "        n_estimators: 5\n"); }
TEST_F(OnnxExport, DecisionTree) { expect_trees_export("decision_tree", ""); }

// Early stopping keeps rounds 0..best_iteration: the file holds exactly those
// trees (one per class and round), one TreeEnsembleRegressor target each.
TEST_F(OnnxExport, EarlyStoppedBoostingExportsTheBestRoundsOnly) {
    for (const std::string target : {"verdict", "grade"}) {
        SCOPED_TRACE(target);
        auto model = train(std::string(classifier) +
                               "    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 60\n"
                               "        learning_rate: 0.9\n        max_depth: 4\n",
                           target, "", "    early_stopping:\n        patience: 2\n");
        const auto& booster = dynamic_cast<const models::xgb::BoosterEstimator&>(model->estimator());
        ASSERT_GE(booster.best_iteration(), 0);
        ASSERT_LT(booster.rounds(), 60) << "early stopping did not stop";
        const std::size_t per_round = target == "grade" ? 3 : 1;
        ASSERT_EQ(trees_of(*model).trees(), static_cast<std::size_t>(booster.rounds()) * per_round);
        onnx::ModelProto proto;
        ASSERT_TRUE(proto.ParseFromString(exporting::export_onnx(*model)));
        std::int64_t targets = -1;
        for (const auto& node : proto.graph().node())
            if (node.op_type() == "TreeEnsembleRegressor")
                for (const auto& a : node.attribute())
                    if (a.name() == "n_targets") targets = a.i();
        EXPECT_EQ(targets, static_cast<std::int64_t>(trees_of(*model).trees()));
        std::vector<Placement> placed;
        data::Frame rows = threshold_rows(*model, dir_->path / "rows.csv", dir_->path / "thresholds.csv", placed);
        expect_same_predictions(*model, &rows);
    }
}

// The preprocessing graph alone against Preprocessor::transform, bit for bit,
// under every imputation, encoding and scaling.
TEST_F(OnnxExport, PreprocessingIsBitIdentical) {
    require_tools();
    const data::Frame train_rows = load_csv(dir_->path / "train.csv");
    const std::vector<std::string> features = {"x1", "x2", "flag", "color", "size"};
    std::vector<lang::PreprocessSpec> specs(5);
    specs[1].impute_numeric = "median";
    specs[1].scale = "standard";
    specs[1].max_categories = 2;
    specs[2].impute_numeric = "most_frequent";
    specs[2].impute_categorical = "constant";
    specs[2].encode = "ordinal";
    specs[2].scale = "minmax";
    specs[3].impute_numeric = "constant";
    specs[3].fill_value = 2.5;
    specs[3].scale = "standard";
    specs[4].impute_categorical = "constant";
    specs[4].fill_value = "green";
    specs[4].max_categories = 1;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        SCOPED_TRACE("spec " + std::to_string(i));
        auto pre = data::Preprocessor::fit(specs[i], features, train_rows);
        data::Matrix expected = pre.transform(*rows_);
        Json out = run_in_onnxruntime(dir_->path, exporting::preprocessing_onnx(pre), onnx_inputs(pre, *rows_));
        ASSERT_EQ(out["features"]["dims"], Json::array({expected.rows, expected.cols}));
        std::size_t differing = 0;
        for (std::size_t j = 0; j < expected.data.size(); ++j) {
            const auto onnx = static_cast<float>(out["features"]["data"][j].get<double>());
            if (std::bit_cast<std::uint32_t>(onnx) != std::bit_cast<std::uint32_t>(expected.data[j])) ++differing;
        }
        EXPECT_EQ(differing, 0u) << "of " << expected.data.size() << " values";
    }
}
