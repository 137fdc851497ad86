// A dataset's processing in whole trainings: fitted on the training part only,
// registered with the model, and replayed by the loaded model (and by `hone
// predict`) to the very features the training computed for the same rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file.hpp"
#include "data/processing.hpp"
#include "data/source.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "train/predictor.hpp"
#include "train/setup.hpp"
#include "train/trainer.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using namespace hone;

namespace {

// Customers whose churn rises with support calls and falls with income; a few
// are minors (the filter drops them), some incomes are missing.
// The rows `changed` lists (indices among the adults, as the split numbers
// them) get other feature values and the same target.
void write_customers(const fs::path& path, int rows, const std::vector<std::size_t>& changed = {}) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0, 1);
    const char* plans[] = {"basic", "pro", "free"};
    const char* cities[] = {"paris", "lyon", "nice", "lille", "brest"};
    std::ofstream out(path);
    out << "age,income,calls,plan,city,signup,notes,churned\n";
    std::size_t kept = 0;  // the row's index once minors are filtered out
    for (int i = 0; i < rows; ++i) {
        int age = 14 + static_cast<int>(u(rng) * 60);
        double income = 900 + u(rng) * 5000;
        int calls = static_cast<int>(u(rng) * 8);
        int plan = static_cast<int>(u(rng) * 3), city = static_cast<int>(u(rng) * 5);
        int month = 1 + static_cast<int>(u(rng) * 12), day = 1 + static_cast<int>(u(rng) * 28);
        double z = -1 + 0.5 * calls - income / 3000 + (plan == 2 ? 0.8 : 0) + (city == 1 ? 0.7 : 0);
        bool churned = u(rng) < 1 / (1 + std::exp(-2 * z));
        if (age >= 18 && std::find(changed.begin(), changed.end(), kept) != changed.end()) {
            // The same row (and target) with other feature values.
            income = 1e6;
            calls = 99;
            city = 4;
            month = 1;
        }
        out << age << ",";
        if (i % 23 != 0) out << income;
        out << "," << calls << "," << plans[plan] << "," << cities[city] << ",2023-" << (month < 10 ? "0" : "")
            << month << "-" << (day < 10 ? "0" : "") << day << "T" << (i % 24 < 10 ? "0" : "") << (i % 24) << ":00:00,"
            << std::string(static_cast<std::size_t>(1 + i % 9), 'x') << "," << (churned ? "true" : "false") << "\n";
        if (age >= 18) ++kept;
    }
}

const char* kJob = R"(dataset "customers":
    source: csv
    path: customers.csv
    processing:
        filter:
            - age >= 18
        transformations:
            - column: income
              op: log
            - columns: [calls, income]
              op: interaction
            - column: calls
              op: clip
              max_quantile: 0.9
            - column: age
              op: bin
              n_bins: 4
              as: age_band
            - column: signup
              op: date_parts
              parts: [month, hour]
            - column: notes
              op: text_length
        normalization:
            income: robust
        encoding:
            plan: onehot
            city: {method: target, smoothing: 5}
        sampling: oversample
        augmentation:
            noise: 0.05
            columns: [age]
model "churn":
    type: classifier
    algorithm: logistic_regression
training "churn":
    model: churn
    dataset: customers
    target: churned
    objective: maximize_accuracy
    preprocessing:
        scale: standard
)";

struct Workspace {
    fs::path dir = fs::temp_directory_path() /
                   ("hone-processing-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    Workspace() { fs::create_directories(dir); }
    ~Workspace() { fs::remove_all(dir); }

    lang::JobFile job(const std::string& text = kJob) {
        auto loaded = lang::parse_job_text(text, (dir / "job.n3").string(), lang::Format::n3);
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        return loaded.spec;
    }
};

// The rows prepare_training splits: the dataset as loaded, then filtered.
data::Frame filtered_rows(const lang::JobFile& file) {
    const lang::DatasetSpec& d = file.datasets.front();
    data::Frame frame = data::load_dataset(d);
    return frame.take(data::filtered_rows(d.processing.filter, frame));
}

std::vector<float> row_block(const data::Matrix& m, std::size_t rows) {
    return std::vector<float>(m.data.begin(), m.data.begin() + static_cast<std::ptrdiff_t>(rows * m.cols));
}

}  // namespace

TEST(ProcessingTraining, TheLoadedModelReplaysTheFeaturesTheTrainingComputed) {
    Workspace ws;
    write_customers(ws.dir / "customers.csv", 600);
    lang::JobFile file = ws.job();
    train::TrainingSetup setup = train::prepare_training(file, *file.find_training("churn"));
    ASSERT_TRUE(setup.processing.active());
    EXPECT_EQ(setup.processing.input_columns(),
              (std::vector<std::string>{"age", "income", "calls", "plan", "city", "signup", "notes"}));
    EXPECT_LT(setup.provenance["dataset"]["rows_after_filter"].get<std::size_t>(), 600u);

    auto store = registry::serialized(registry::open_store((ws.dir / "hone.db").string()));
    train::TrainOptions options;
    options.context.model_root = (ws.dir / "models").string();
    auto result = train::run_training_job(file, "churn", *store, options);
    ASSERT_EQ(result["status"], "ok") << result.dump(2);
    auto model = train::LoadedModel::load(*store, result["registry_key"].get<std::string>());
    ASSERT_TRUE(model->processing().active());
    EXPECT_EQ(model->processing().to_json(), setup.processing.to_json());
    EXPECT_EQ(model->features(), setup.processing.input_columns());

    // Validation and test rows: bit for bit what the training computed.
    data::Frame rows = filtered_rows(file);
    EXPECT_EQ(model->prepare(rows.take(setup.parts.validation)).data, setup.x_valid.data);
    EXPECT_EQ(model->prepare(rows.take(setup.parts.test)).data, setup.x_test.data);

    // Training rows: the same too, but for the target-encoded city, whose
    // training rows hold out-of-fold means. They come first in x_train: the
    // oversampled draws and the noisy copies follow them.
    const std::size_t n = setup.parts.train.size();
    ASSERT_GT(setup.x_train.rows, n);
    data::Matrix replayed = model->prepare(rows.take(setup.parts.train));
    const auto& names = setup.x_train.names;
    const std::size_t city = static_cast<std::size_t>(std::find(names.begin(), names.end(), "city") - names.begin());
    ASSERT_LT(city, names.size());
    std::size_t city_differs = 0;
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < replayed.cols; ++c) {
            if (c == city) {
                city_differs += replayed.at(r, c) != setup.x_train.at(r, c);
                continue;
            }
            ASSERT_EQ(replayed.at(r, c), setup.x_train.at(r, c)) << names[c] << " row " << r;
        }
    EXPECT_GT(city_differs, n / 2);

    // Oversampling balanced the classes, then augmentation doubled the rows.
    std::size_t positives = static_cast<std::size_t>(std::count(setup.y_train.begin(), setup.y_train.end(), 1.0f));
    EXPECT_EQ(positives * 2, setup.y_train.size());
    EXPECT_EQ(setup.y_valid.size(), setup.parts.validation.size());
}

TEST(ProcessingTraining, HeldOutRowsNeverChangeAFittedNumber) {
    Workspace ws;
    write_customers(ws.dir / "customers.csv", 600);
    lang::JobFile file = ws.job();
    train::TrainingSetup first = train::prepare_training(file, *file.find_training("churn"));
    std::vector<std::size_t> held_out = first.parts.validation;
    held_out.insert(held_out.end(), first.parts.test.begin(), first.parts.test.end());
    write_customers(ws.dir / "customers.csv", 600, held_out);
    train::TrainingSetup second = train::prepare_training(file, *file.find_training("churn"));
    ASSERT_EQ(second.parts.train, first.parts.train);
    EXPECT_NE(second.x_valid.data, first.x_valid.data);  // the rows did change
    EXPECT_EQ(second.processing.to_json(), first.processing.to_json());
    EXPECT_EQ(second.pre.to_json(), first.pre.to_json());
    EXPECT_EQ(row_block(second.x_train, first.parts.train.size()), row_block(first.x_train, first.parts.train.size()));
}

TEST(ProcessingTraining, HoneTrainThenPredictReplaysTheProcessing) {
    Workspace ws;
    write_customers(ws.dir / "customers.csv", 400);
    {
        std::ofstream job(ws.dir / "job.n3");
        job << kJob;
    }
    const std::string env = "HONE_HOME=" + (ws.dir / "home").string() + " ";
    auto trained = test_support::run_command(env + HONE_BINARY + " train --json -q " + (ws.dir / "job.n3").string() + " churn");
    ASSERT_EQ(trained.code, 0) << trained.out << trained.err;
    const std::string key = nlohmann::json::parse(trained.out)["registry_key"];

    // Rows as they come: a minor the filter left out of training still gets an answer.
    {
        std::ofstream rows(ws.dir / "rows.csv");
        rows << "age,income,calls,plan,city,signup,notes\n"
             << "15,1200,3,basic,paris,2023-04-01T10:00:00,xx\n"
             << "40,,7,free,lyon,2023-12-24T23:00:00,xxxxxx\n"
             << "63,4000,0,pro,unseen_city,2023-06-15T08:00:00,x\n";
    }
    auto predicted = test_support::run_command(env + HONE_BINARY + " predict " + key + " --input " +
                                               (ws.dir / "rows.csv").string());
    ASSERT_EQ(predicted.code, 0) << predicted.out << predicted.err;
    EXPECT_EQ(predicted.out.substr(0, predicted.out.find('\n')), "prediction,proba_false,proba_true");
    EXPECT_EQ(std::count(predicted.out.begin(), predicted.out.end(), '\n'), 4);

    // A column the processing reads is asked for by name.
    {
        std::ofstream rows(ws.dir / "short.csv");
        rows << "age,income,calls,plan,city,notes\n40,1000,1,pro,nice,x\n";
    }
    auto missing = test_support::run_command(env + HONE_BINARY + " predict " + key + " --input " +
                                             (ws.dir / "short.csv").string());
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("'signup'"), std::string::npos) << missing.err;

    // ONNX cannot express it: refused, naming the first step.
    auto exported = test_support::run_command(env + HONE_BINARY + " export " + key + " --format onnx -o " +
                                              (ws.dir / "model.onnx").string());
    EXPECT_EQ(exported.code, 1);
    EXPECT_NE(exported.err.find("replays its dataset's processing (transformation log of 'income')"), std::string::npos)
        << exported.err;
}

TEST(ProcessingTraining, ClassWeightsGoThroughTheAlgorithmsClassWeight) {
    Workspace ws;
    auto job = [&](const std::string& algorithm) {
        return ws.job("dataset \"customers\":\n    source: csv\n    path: customers.csv\n    processing:\n"
                      "        sampling: class_weights\nmodel \"churn\":\n    type: classifier\n    algorithm: " +
                      algorithm + "\ntraining \"churn\":\n    model: churn\n    dataset: customers\n"
                      "    target: churned\n    objective: maximize_accuracy\n");
    };
    lang::JobFile linear = job("logistic_regression");
    train::JobBasis basis = train::resolve_job(linear, *linear.find_training("churn"));
    EXPECT_EQ(basis.given_params["class_weight"], "balanced");
    lang::JobFile forest = job("random_forest");
    try {
        train::resolve_job(forest, *forest.find_training("churn"));
        ADD_FAILURE() << "a random forest has no class_weight";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "invalid_processing");
        EXPECT_NE(e.message().find("which random_forest does not take"), std::string::npos) << e.message();
        EXPECT_NE(e.hint().find("logistic_regression"), std::string::npos) << e.hint();
    }
}
