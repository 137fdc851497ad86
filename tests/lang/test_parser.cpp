#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "lang/job_file.hpp"
#include "lang/n3_parser.hpp"
#include "lang/overrides.hpp"
#include "common/error.hpp"

using namespace hone::lang;

namespace {

LoadedJobFile check(const std::string& text) { return parse_job_text(text, "t.n3", Format::n3); }

}  // namespace

TEST(Scalars, TypedAsWritten) {
    EXPECT_EQ(type_scalar("42"), Json(42));
    EXPECT_EQ(type_scalar("-3"), Json(-3));
    EXPECT_EQ(type_scalar("1e-5"), Json(1e-5));
    EXPECT_EQ(type_scalar(".5"), Json(0.5));
    EXPECT_EQ(type_scalar("0.001"), Json(0.001));
    EXPECT_EQ(type_scalar("True"), Json(true));
    EXPECT_EQ(type_scalar("false"), Json(false));
    EXPECT_EQ(type_scalar("null"), Json(nullptr));
    EXPECT_EQ(type_scalar("4GB"), Json("4GB"));
    EXPECT_EQ(type_scalar("1.2.0"), Json("1.2.0"));
    EXPECT_EQ(type_scalar("inf"), Json("inf"));
    EXPECT_EQ(type_scalar("-"), Json("-"));
}

TEST(Parser, SeedCompleteExampleBindsEveryField) {
    auto f = load_job_file(std::string(HONE_SOURCE_DIR) + "/tests/cases/check/seed_complete_example.n3");
    ASSERT_TRUE(f.ok()) << f.report();
    const auto& s = f.spec;
    ASSERT_TRUE(s.app);
    EXPECT_EQ(s.app->name, "customer_churn_prediction");
    ASSERT_EQ(s.datasets.size(), 1u);
    EXPECT_EQ(s.datasets[0].source, "postgres");
    EXPECT_EQ(s.datasets[0].table, "customers");
    ASSERT_EQ(s.datasets[0].schema.size(), 6u);
    EXPECT_EQ(s.datasets[0].schema[5].name, "churned");
    EXPECT_EQ(s.datasets[0].schema[5].type, "bool");
    const auto* t = s.find_training("baseline_churn_model");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->features, (std::vector<std::string>{"tenure", "monthly_spend", "support_calls"}));
    EXPECT_EQ(t->hyperparameters["n_estimators"], 100);
    EXPECT_DOUBLE_EQ(t->split.validation, 0.15);
    ASSERT_TRUE(t->early_stopping);
    EXPECT_EQ(t->early_stopping->patience, 10);
    EXPECT_DOUBLE_EQ(t->early_stopping->min_delta, 0.001);
    EXPECT_EQ(t->early_stopping->mode, "max");
    EXPECT_EQ(t->metrics.size(), 5u);
    EXPECT_EQ(t->description, "Baseline random forest model for churn prediction");
    const auto* u = s.find_tuning("optimized_churn_model");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->max_trials, 50);
    EXPECT_EQ(u->parallel_trials, 4);
    ASSERT_EQ(u->search_space.size(), 4u);
    EXPECT_EQ(u->search_space[0].step, 50.0);
    EXPECT_TRUE(u->search_space[3].log);
    EXPECT_EQ(u->metadata["owner"], "data_science_team");
}

TEST(Parser, Defaults) {
    auto f = check(
        "dataset \"d\":\n    source: csv\n    path: d.csv\nmodel \"m\":\n    type: regressor\n"
        "training \"t\":\n    model: m\n    dataset: d\n    objective: minimize_loss\n"
        "    early_stopping:\n        metric: val_loss\n"
        "tuning \"u\":\n    training_job: t\n    search_space:\n        alpha:\n            min: 0.1\n            max: 1.0\n");
    ASSERT_TRUE(f.ok()) << f.report();
    const auto& t = f.spec.trainings[0];
    EXPECT_EQ(t.framework, "sklearn");
    EXPECT_DOUBLE_EQ(t.split.train, 0.7);
    EXPECT_DOUBLE_EQ(t.split.test, 0.15);
    EXPECT_EQ(t.split.seed, 42u);
    // No mode written: the metric registry's direction decides, at run time.
    EXPECT_EQ(t.early_stopping->mode, "");
    EXPECT_EQ(t.early_stopping->patience, 5);
    EXPECT_EQ(t.compute.backend, "local");
    const auto& u = f.spec.tunings[0];
    EXPECT_EQ(u.strategy, "grid");
    EXPECT_EQ(u.max_trials, 10);
    EXPECT_EQ(u.parallel_trials, 1);
    EXPECT_EQ(u.objective_metric, "accuracy");
    EXPECT_EQ(u.search_space[0].type, SearchDimension::Type::float_);
    EXPECT_EQ(f.spec.models[0].engine, "sklearn");
    EXPECT_EQ(f.spec.datasets[0].base_dir, "");
}

TEST(Parser, ValidationSplitShortForm) {
    auto f = check("dataset \"d\":\n    source: csv\n    path: d.csv\nmodel \"m\":\n    type: classifier\n"
                   "training \"t\":\n    model: m\n    dataset: d\n    objective: accuracy\n    validation_split: 0.25\n");
    ASSERT_TRUE(f.ok()) << f.report();
    EXPECT_DOUBLE_EQ(f.spec.trainings[0].split.train, 0.75);
    EXPECT_DOUBLE_EQ(f.spec.trainings[0].split.validation, 0.25);
    EXPECT_DOUBLE_EQ(f.spec.trainings[0].split.test, 0.0);
}

TEST(Parser, PartialSplitFillsTheRest) {
    auto f = check("dataset \"d\":\n    source: csv\n    path: d.csv\nmodel \"m\":\n    type: classifier\n"
                   "training \"t\":\n    model: m\n    dataset: d\n    objective: accuracy\n    split:\n        train: 0.8\n"
                   "        validation: 0.2\n");
    ASSERT_TRUE(f.ok()) << f.report();
    EXPECT_DOUBLE_EQ(f.spec.trainings[0].split.test, 0.0);
}

TEST(Parser, ErrorsAreCappedAtTwenty) {
    std::string text;
    for (int i = 0; i < 30; ++i) text += "model \"m" + std::to_string(i) + "\":\n    bogus: 1\n";
    auto f = check(text);
    EXPECT_EQ(f.diags.error_count(), 30u);
    EXPECT_EQ(f.diags.items().size(), 20u);
    EXPECT_NE(f.report().find("too many errors: showing the first 20 of 30"), std::string::npos);
}

TEST(Parser, CrlfAndBomAreAccepted) {
    auto f = check("\xEF\xBB\xBFmodel \"m\":\r\n    type: classifier\r\n");
    ASSERT_TRUE(f.ok()) << f.report();
    EXPECT_EQ(f.spec.models[0].type, "classifier");
}

TEST(Parser, RelativeDataPathsResolveAgainstTheJobFile) {
    auto f = parse_job_text("dataset \"d\":\n    source: csv\n    path: data/x.csv\n", "jobs/churn.n3", Format::n3);
    ASSERT_TRUE(f.ok()) << f.report();
    EXPECT_EQ(f.spec.datasets[0].resolved_path(), std::filesystem::path("jobs/data/x.csv"));
}

TEST(Parser, YamlTemplateBecomesThreeBlocks) {
    auto f = load_job_file(std::string(HONE_SOURCE_DIR) + "/tests/cases/check/ok_template_004.yaml");
    ASSERT_TRUE(f.ok()) << f.report();
    ASSERT_EQ(f.spec.trainings.size(), 1u);
    const auto& t = f.spec.trainings[0];
    EXPECT_EQ(t.name, "custom_model_v1");
    EXPECT_EQ(t.dataset, "custom_model_v1_data");
    EXPECT_DOUBLE_EQ(t.split.validation, 0.1);
    EXPECT_EQ(t.early_stopping->metric, "val_loss");
    EXPECT_EQ(t.early_stopping->patience, 2);
    EXPECT_EQ(t.hyperparameters["optimizer"], "adamw");
    EXPECT_EQ(t.hyperparameters["scheduler"], "linear");
    EXPECT_EQ(t.hyperparameters["warmup_steps"], 100);
    EXPECT_TRUE(t.checkpoints.enabled);  // evaluation.save_best_model: true
    EXPECT_TRUE(t.checkpoints.save_best);
    EXPECT_DOUBLE_EQ(t.hyperparameters["learning_rate"].get<double>(), 5e-5);
    EXPECT_EQ(t.objective, "accuracy");
    EXPECT_EQ(t.metadata["deployment"]["deployment_target"], "local");
    EXPECT_EQ(f.spec.datasets[0].format, "jsonl");
    EXPECT_EQ(f.spec.models[0].algorithm, "xgboost");
}

TEST(Parser, MissingFileIsOneDiagnostic) {
    auto f = load_job_file("/nonexistent/job.n3");
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.report(), "/nonexistent/job.n3: error: cannot open job file: no such file\n");
}

// Every ```n3 and ```yaml example in docs/language.md must check clean.
TEST(Docs, LanguageExamplesCheckClean) {
    std::ifstream in(std::string(HONE_SOURCE_DIR) + "/docs/language.md");
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    int checked = 0;
    for (std::size_t at = 0; (at = text.find("```", at)) != std::string::npos;) {
        std::size_t eol = text.find('\n', at);
        std::string lang = text.substr(at + 3, eol - at - 3);
        std::size_t end = text.find("```", eol);
        ASSERT_NE(end, std::string::npos);
        std::string body = text.substr(eol + 1, end - eol - 1);
        at = end + 3;
        if (lang != "n3" && lang != "yaml") continue;
        auto f = parse_job_text(body, "language.md", lang == "n3" ? Format::n3 : Format::yaml);
        EXPECT_TRUE(f.ok()) << f.report();
        ++checked;
    }
    EXPECT_EQ(checked, 4);  // the complete file, its YAML form, the pipeline template, a dataset's processing
}

// Hostile job files too large to keep as cases: each is generated, must answer
// its one located error (or parse) and must return in well under a second.
namespace {

struct Timed {
    LoadedJobFile file;
    double seconds = 0;
};

Timed timed_parse(const std::string& text, const std::string& name, Format format) {
    auto start = std::chrono::steady_clock::now();
    Timed t{parse_job_text(text, name, format)};
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return t;
}

// "line:col: message" of the first error, or "" when there is none.
std::string first_error(const LoadedJobFile& f) {
    for (const auto& d : f.diags.sorted())
        if (d.severity == Diagnostic::Severity::error)
            return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + ": " + d.message;
    return "";
}

// "line:col: message" of the first error whose message contains `part`.
std::string error_with(const LoadedJobFile& f, const std::string& part) {
    for (const auto& d : f.diags.sorted())
        if (d.message.find(part) != std::string::npos)
            return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + ": " + d.message;
    return "";
}

std::size_t count_errors_containing(const LoadedJobFile& f, const std::string& part) {
    std::size_t n = 0;
    for (const auto& d : f.diags.items()) n += d.message.find(part) != std::string::npos;
    return n;
}

const std::string too_deep =
    "nesting deeper than 64 levels: job files nest lists and maps at most 64 deep (max_nesting_depth)";
const std::string n3_head = "training \"t\":\n    model: m\n    dataset: d\n    objective: maximize_accuracy\n";

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST(Hostile, NestingLimitIsStatedOnce) {
    EXPECT_EQ(max_nesting_depth, 64);
    EXPECT_EQ(nesting_error_message(), too_deep);
}

TEST(Hostile, N3FlowLists100000Deep) {
    auto t = timed_parse(n3_head + "    metadata:\n        a: " + std::string(100000, '[') + std::string(100000, ']') + "\n",
                         "deep.n3", Format::n3);
    // A block body is level 2 and the map under metadata 3, so the 62nd bracket is level 65.
    EXPECT_EQ(error_with(t.file, "nesting"), "6:73: " + too_deep);
    EXPECT_EQ(count_errors_containing(t.file, "nesting deeper"), 1u);
    EXPECT_EQ(count_errors_containing(t.file, "unclosed"), 0u);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, N3FlowMaps100000Deep) {
    auto t = timed_parse(n3_head + "    metadata: " + repeat("{a: ", 100000) + "1" + std::string(100000, '}') + "\n",
                         "deep.n3", Format::n3);
    EXPECT_EQ(error_with(t.file, "nesting"), "5:263: " + too_deep);
    EXPECT_EQ(count_errors_containing(t.file, "nesting deeper"), 1u);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, N3ItemsOnOneLine20000Deep) {
    auto t = timed_parse(n3_head + "    metadata:\n        a:\n            " + repeat("- ", 20000) + "x\n", "deep.n3",
                         Format::n3);
    EXPECT_EQ(error_with(t.file, "nesting"), "7:135: " + too_deep);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, N3Blocks1000DeepThenTheNextBlockIsRead) {
    std::string text = n3_head + "    metadata:\n";
    for (int d = 0; d < 1000; ++d) text += std::string(8 + d, ' ') + "k:\n";
    text += "app:\n    name: read_after\n";
    auto t = timed_parse(text, "deep.n3", Format::n3);
    EXPECT_EQ(error_with(t.file, "nesting"), "68:71: " + too_deep);
    EXPECT_EQ(count_errors_containing(t.file, "nesting deeper"), 1u);
    ASSERT_TRUE(t.file.spec.app);
    EXPECT_EQ(t.file.spec.app->name, "read_after");
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, YamlFlow100000Deep) {
    auto t = timed_parse("metadata: " + std::string(100000, '[') + std::string(100000, ']') + "\n", "deep.yaml",
                         Format::yaml);
    EXPECT_EQ(first_error(t.file), "1:74: " + too_deep);
    EXPECT_EQ(t.file.diags.error_count(), 1u);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, JsonArrays100000Deep) {
    auto t = timed_parse("{\"trainings\": {\"t\": {\"metadata\": " + std::string(100000, '[') +
                             std::string(100000, ']') + "}}}\n",
                         "deep.json", Format::json);
    EXPECT_EQ(first_error(t.file), "1:95: " + too_deep);
    EXPECT_EQ(t.file.diags.error_count(), 1u);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, JsonObjects100000Deep) {
    auto t = timed_parse(repeat("{\"a\": ", 100000) + "1" + std::string(100000, '}') + "\n", "deep.json",
                         Format::json);
    EXPECT_EQ(first_error(t.file), "1:385: " + too_deep);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, YamlBlocks1000Deep) {
    std::string text = "trainings:\n  t:\n    metadata:\n";
    for (int d = 0; d < 1000; ++d) text += std::string(6 + d, ' ') + "k:\n";
    auto t = timed_parse(text, "deep.yaml", Format::yaml);
    EXPECT_EQ(first_error(t.file), "65:68: " + too_deep);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, YamlAliasBombOfTwelveLevelsIsRefusedUnexpanded) {
    std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    std::string prev = "a";
    for (std::string name : {"b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}) {
        text += name + ": &" + name + " [" + repeat("*" + prev + ",", 8) + "*" + prev + "]\n";
        prev = name;
    }
    auto t = timed_parse(text, "bomb.yaml", Format::yaml);
    EXPECT_EQ(first_error(t.file), "1:4: YAML anchor '&a': job files do not take YAML anchors (&name) or aliases "
                                   "(*name); write the value out in full");
    EXPECT_EQ(t.file.diags.error_count(), 11u * 10u + 1u);  // every anchor and alias, 20 of them shown
    EXPECT_TRUE(t.file.diags.truncated());
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, LongLinesParseInEachFormat) {
    const std::string long_text(300000, 'x');
    auto n3 = timed_parse(
        "dataset \"d\":\n    source: csv\n    path: d.csv\nmodel \"m\":\n    type: classifier\n" + n3_head +
            "    target: y\n    description: " + long_text + "\n",
        "long.n3", Format::n3);
    EXPECT_TRUE(n3.file.ok()) << n3.file.report().substr(0, 2000);
    EXPECT_EQ(n3.file.spec.trainings.at(0).description.size(), long_text.size());
    EXPECT_LT(n3.seconds, 1.0);
    for (Format f : {Format::yaml, Format::json}) {
        auto t = timed_parse("{\"trainings\": {\"t\": {\"description\": \"" + long_text + "\", \"bad\": [}}}\n",
                             f == Format::json ? "long.json" : "long.yaml", f);
        EXPECT_EQ(first_error(t.file), "1:300049: " + std::string(f == Format::json ? "JSON" : "YAML") +
                                           " syntax error: illegal flow end");
        // The report shows a window of the line, not the line.
        EXPECT_LT(t.file.report().size(), 1000u);
        EXPECT_LT(t.seconds, 1.0);
    }
}

TEST(Hostile, ManyKeysAreReadInLinearTime) {
    std::string text = n3_head + "    metadata:\n";
    for (int i = 0; i < 30000; ++i) text += "        k" + std::to_string(i) + ": 1\n";
    text += "        k7: 2\n";
    auto t = timed_parse(text, "keys.n3", Format::n3);
    EXPECT_EQ(count_errors_containing(t.file, "duplicate key 'k7' (first set at line 13)"), 1u);
    EXPECT_LT(t.seconds, 1.0);
}

TEST(Hostile, OversizedJobFileIsOneErrorBeforeParsing) {
    auto t = timed_parse(std::string(max_job_file_bytes + 1, '['), "big.yaml", Format::yaml);
    EXPECT_EQ(t.file.report(),
              "big.yaml: error: job file is larger than 1048576 bytes (max_job_file_bytes); job files hold settings, "
              "not data\n");
    // Reading stops one byte past the limit, so an endless file ends too.
    auto zero = load_job_file("/dev/zero");
    EXPECT_EQ(first_error(zero), "0:0: job file is larger than 1048576 bytes (max_job_file_bytes); job files hold "
                                 "settings, not data");
}

TEST(Hostile, NulByteIsOneLocatedError) {
    for (auto [name, format] : {std::pair{"nul.n3", Format::n3}, {"nul.yaml", Format::yaml}, {"nul.json", Format::json}}) {
        auto t = timed_parse(std::string("{\"a\": 1,\n \"b\": \"x\0y\"}\n", 21), name, format);
        EXPECT_EQ(first_error(t.file), "2:9: NUL byte in the job file: job files are text") << name;
        EXPECT_EQ(t.file.diags.error_count(), 1u);
    }
}

// A training as JSON (GET /api/training/jobs/{name}, `hone check --json`) is a
// valid training block of a JSON job file that binds to the same training: the
// JSON view writes the language's own keys.
TEST(Parser, ATrainingsJsonIsValidInputForTheSameTraining) {
    auto f = check(
        "dataset \"d\":\n    source: csv\n    path: d.csv\nmodel \"m\":\n    algorithm: xgboost\n"
        "training \"t\":\n    model: m\n    dataset: d\n    target: y\n    objective: accuracy\n"
        "    features: [a, b]\n    split: {train: 0.6, validation: 0.2, test: 0.2, seed: 7}\n"
        "    early_stopping: {metric: val_auc, patience: 3}\n    cv: 3\n"
        "    preprocessing: {impute: median, encode: ordinal, scale: standard, max_categories: 5}\n"
        "    hyperparameters: {n_estimators: 20}\n    output_registry: churn\n");
    ASSERT_TRUE(f.ok()) << f.report();
    Json training = to_json(f.spec.trainings.at(0));
    training.erase("name");
    Json file = {{"datasets", {{"d", {{"source", "csv"}, {"path", "d.csv"}}}}},
                 {"models", {{"m", {{"algorithm", "xgboost"}}}}},
                 {"trainings", {{"t", training}}}};
    auto again = parse_job_text(file.dump(), "t.json", Format::json);
    ASSERT_TRUE(again.ok()) << again.report();
    EXPECT_EQ(to_json(again.spec.trainings.at(0)), to_json(f.spec.trainings.at(0)));
}

// --set VALUE reads as N3 does: scalars typed, flow lists and maps as such.
TEST(Overrides, SetValuesReadAsN3) {
    Json o;
    add_override(o, "hyperparameters.hidden_layer_sizes=[128, 64]");
    add_override(o, "hyperparameters.alpha=1e-3");
    add_override(o, "split={train: 0.7, test: 0.3}");
    add_override(o, "metrics=[accuracy,f1]");
    EXPECT_EQ(o, Json::parse(R"({"hyperparameters": {"hidden_layer_sizes": [128, 64], "alpha": 0.001},
                                 "split": {"train": 0.7, "test": 0.3}, "metrics": ["accuracy", "f1"]})"));
    try {
        add_override(o, "hyperparameters.hidden_layer_sizes=[128, 64");
        FAIL() << "an unclosed list was accepted";
    } catch (const hone::Error& e) {
        EXPECT_EQ(e.code(), "invalid_override");
        EXPECT_EQ(std::string(e.what()),
                  "override 'hyperparameters.hidden_layer_sizes=[128, 64' has a value that is not an N3 list or map: "
                  "unclosed '[': expected ']' before the end of the line");
    }
}
