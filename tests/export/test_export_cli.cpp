// `hone export` and `hone models import` as a user runs them: real processes
// on real registries, their exit codes, what they print (text and --json) and
// the files they write; damage refused with the registry left as it was.
#include <gtest/gtest.h>

#include "../support/run_hone.hpp"
#include "../train/churn_workspace.hpp"
#include "bundle_bytes.hpp"
#include "common/file.hpp"
#include "common/sha256.hpp"
#include "export/bundle.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::run_hone;
using test_support::Workspace;

namespace {

// --store and --model-root of a workspace's registry.
std::string registry_of(const Workspace& ws) {
    return " --store " + (ws.dir / "hone.db").string() + " --model-root " + (ws.dir / "models").string();
}

class ExportCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        source = new Workspace();
        auto file = source->job("    algorithm: logistic_regression\n");
        key = new std::string(
            train::run_training_job(file, "baseline_churn_model", *source->store, source->options())["registry_key"]);
    }
    static void TearDownTestSuite() {
        delete key;
        delete source;
    }
    static Workspace* source;
    static std::string* key;
};
Workspace* ExportCli::source = nullptr;
std::string* ExportCli::key = nullptr;

}  // namespace

TEST_F(ExportCli, ExportsABundleAndImportsItIntoAnotherRegistry) {
    Workspace target;
    const fs::path file = target.dir / "churn.hone.tar";
    auto exported = run_hone("export " + *key + " --format bundle --output " + file.string() + " --json" +
                             registry_of(*source));
    ASSERT_EQ(exported.code, 0) << exported.err;
    const std::string bytes = read_file(file).value_or("");
    ASSERT_GT(bytes.size(), 2048u);
    EXPECT_EQ(Json::parse(exported.out), (Json{{"key", *key},
                                               {"path", file.string()},
                                               {"format", "bundle"},
                                               {"bytes", bytes.size()},
                                               {"sha256", sha256_hex(bytes)}}));
    // Written whole then renamed: nothing else is left beside it.
    std::vector<std::string> beside;
    for (const auto& e : fs::directory_iterator(target.dir))
        if (e.path().filename().string().find("churn.hone.tar") != std::string::npos)
            beside.push_back(e.path().filename().string());
    EXPECT_EQ(beside, std::vector<std::string>{"churn.hone.tar"});

    auto text = run_hone("export " + *key + " --format bundle -o " + file.string() + registry_of(*source));
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_EQ(text.out, "wrote " + file.string() + ": bundle of " + *key + ", " + std::to_string(bytes.size()) +
                            " bytes, sha256 " + sha256_hex(bytes) + "\n");
    auto piped = run_hone("export " + *key + " --format bundle --output -" + registry_of(*source));
    ASSERT_EQ(piped.code, 0) << piped.err;
    EXPECT_EQ(piped.out, bytes);
    EXPECT_EQ(piped.err, "wrote standard output: bundle of " + *key + ", " + std::to_string(bytes.size()) +
                             " bytes, sha256 " + sha256_hex(bytes) + "\n");

    auto imported = run_hone("models" + registry_of(target) + " import " + file.string() + " --json");
    ASSERT_EQ(imported.code, 0) << imported.err;
    Json entry = Json::parse(imported.out);
    auto shown = run_hone("models" + registry_of(target) + " show " + entry["key"].get<std::string>());
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_EQ(entry, Json::parse(shown.out));
    EXPECT_EQ(entry["version"], 1);
    EXPECT_EQ(entry["metrics"], source->store->get_model(*key)->to_json()["metrics"]);
    EXPECT_EQ(entry["hyperparameters"], source->store->get_model(*key)->to_json()["hyperparameters"]);
    EXPECT_EQ(entry["metadata"]["imported_from"]["key"], *key);

    auto renamed = run_hone("models" + registry_of(target) + " import " + file.string() + " --name churn_copy");
    ASSERT_EQ(renamed.code, 0) << renamed.err;
    EXPECT_EQ(renamed.out.rfind("imported churn_copy_baseline_churn_model_v", 0), 0u) << renamed.out;
    EXPECT_NE(renamed.out.find(" (churn_copy version 1) from " + *key + "\n"), std::string::npos) << renamed.out;

    // The same rows predict the same in both registries.
    std::ofstream(target.dir / "rows.csv") << "tenure,monthly_spend,support_calls,contract_type\n"
                                              "3,95.5,6,monthly\n60,40,0,two_year\n24,,2,annual\n";
    auto before = run_hone("predict " + *key + " --input " + (target.dir / "rows.csv").string() + registry_of(*source));
    auto after = run_hone("predict " + entry["key"].get<std::string>() + " --input " +
                          (target.dir / "rows.csv").string() + registry_of(target));
    ASSERT_EQ(before.code, 0) << before.err;
    EXPECT_EQ(after.out, before.out);
}

TEST_F(ExportCli, ADamagedBundleIsRefusedAndTheRegistryKeepsWhatItHad) {
    Workspace target;
    const fs::path file = target.dir / "damaged.hone.tar";
    std::string bytes = exporting::export_bundle(*source->store, *key);
    auto m = test_support::tar_member(bytes, "model/preprocess.json");
    std::string damaged = bytes;
    damaged[m.content_at + 10] ^= 0x20;
    write_file_atomically(file, damaged);
    auto refused = run_hone("models" + registry_of(target) + " import " + file.string());
    EXPECT_EQ(refused.code, 1);
    EXPECT_EQ(refused.err, "error: 'model/preprocess.json' does not match its SHA-256 in the manifest (expected " +
                               test_support::listed_sha256(bytes, "model/preprocess.json") + ", found " +
                               sha256_hex(damaged.substr(m.content_at, m.size)) +
                               "): the bundle was damaged or altered\nhint: export the model again ('hone export "
                               "KEY --format bundle') and copy the whole file\n");
    EXPECT_EQ(refused.out, "");
    auto listed = run_hone("models" + registry_of(target) + " list --json");
    EXPECT_EQ(Json::parse(listed.out), Json::array());

    auto missing = run_hone("models" + registry_of(target) + " import " + (target.dir / "none.tar").string());
    EXPECT_EQ(missing.code, 2);
    EXPECT_EQ(missing.err, "error: cannot read the bundle " + (target.dir / "none.tar").string() +
                               ": not a readable file\n");
}

TEST_F(ExportCli, FormatsHoneDoesNotWriteAreRefusedWithTheReason) {
    const fs::path out = source->dir / "model.pkl";
    auto pickle = run_hone("export " + *key + " --format pickle --output " + out.string() + registry_of(*source));
    EXPECT_EQ(pickle.code, 1);
    EXPECT_EQ(pickle.err,
              "error: format 'pickle' is not supported: hone models are native models, not Python objects, so there "
              "is nothing to pickle; hone writes bundle, onnx, torch\nhint: use onnx to run the model in other runtimes, or bundle "
              "to move it to another hone ('hone models import')\n");
    EXPECT_FALSE(fs::exists(out));
    auto unknown = run_hone("export " + *key + " --format zip --output " + out.string() + registry_of(*source));
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "error: unknown export format 'zip'\nhint: valid export formats: bundle, onnx, torch, pickle, savedmodel\n");
    auto no_model = run_hone("export nothing_here --format bundle --output " + out.string() + registry_of(*source));
    EXPECT_EQ(no_model.code, 1);
    EXPECT_EQ(no_model.err.substr(0, no_model.err.find('\n')), "error: no model 'nothing_here' in the registry");
    auto no_output = run_hone("export " + *key + " --format bundle" + registry_of(*source));
    EXPECT_NE(no_output.code, 0);
    EXPECT_NE(no_output.err.find("--output"), std::string::npos) << no_output.err;
    EXPECT_NE(no_output.err.find("required"), std::string::npos) << no_output.err;

    auto help = run_hone("export --help");
    EXPECT_EQ(help.code, 0);
    // One line per format, the docs aligned after the longest name (savedmodel).
    EXPECT_NE(help.out.find("\n  bundle      hone's own artifact as one file"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("\n  onnx        the model and its fitted preprocessing"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("\n  pickle      not written: hone models are no Python objects"), std::string::npos)
        << help.out;
    auto import_help = run_hone("models import --help");
    EXPECT_EQ(import_help.code, 0);
    EXPECT_NE(import_help.out.find("checked against its SHA-256 before anything is stored"), std::string::npos)
        << import_help.out;
}
