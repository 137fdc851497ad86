// Bundles end to end in the library: a model trained in one registry, exported
// as one file, imported into another registry and predicting exactly what the
// original did (a churn classifier, a text classifier, a recommender); every
// kind of damage refused with its exact message and the target registry left
// as it was; the formats hone does not write, with the reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "../support/errors.hpp"
#include "../support/run_hone.hpp"
#include "../train/churn_workspace.hpp"
#include "../train/recommender_workspace.hpp"
#include "../train/text_corpus.hpp"
#include "bundle_bytes.hpp"
#include "common/file.hpp"
#include "common/sha256.hpp"
#include "data/source.hpp"
#include "export/bundle.hpp"
#include "export/formats.hpp"
#include "train/predictor.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Workspace;

namespace {

exporting::ImportOptions import_options(const fs::path& dir, const std::string& name = "") {
    exporting::ImportOptions o;
    o.name = name;
    o.context.model_root = (dir / "models").string();
    o.context.who = "importer";
    return o;
}

// Everything in the model root but hidden folders; empty when nothing was stored.
std::vector<std::string> stored_folders(const fs::path& dir) {
    std::vector<std::string> out;
    if (!fs::exists(dir / "models")) return out;
    for (const auto& e : fs::directory_iterator(dir / "models")) out.push_back(e.path().filename().string());
    return out;
}

std::string train_churn(Workspace& ws) {
    auto file = ws.job("    algorithm: random_forest\n",
                       "    hyperparameters:\n        n_estimators: 20\n        max_depth: 6\n");
    return train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options())["registry_key"];
}

data::Frame churn_rows(const Workspace& ws) {
    lang::DatasetSpec spec;
    spec.name = "rows";
    spec.source = "csv";
    spec.path = (ws.dir / "customers.csv").string();
    return data::load_dataset(spec);
}

// The entry's metadata without what import adds.
Json without_import(Json metadata) {
    metadata.erase("imported_from");
    return metadata;
}

// One churn model trained for the whole suite; each test imports into stores of its own.
class ChurnBundle : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        source = new Workspace();
        key = new std::string(train_churn(*source));
        bytes = new std::string(exporting::export_bundle(*source->store, *key));
    }
    static void TearDownTestSuite() {
        delete bytes;
        delete key;
        delete source;
    }

    // Importing `damaged` is refused with `message`, and nothing is stored.
    void expect_refused(const std::string& damaged, const std::string& message) {
        Workspace target;
        test_support::expect_error(
            [&] { exporting::import_bundle_bytes(*target.store, damaged, import_options(target.dir)); },
            ErrorKind::data, "bundle_corrupt", message);
        EXPECT_TRUE(target.store->list_models().empty());
        EXPECT_EQ(stored_folders(target.dir), std::vector<std::string>{});
    }

    static Workspace* source;
    static std::string* key;
    static std::string* bytes;
};
Workspace* ChurnBundle::source = nullptr;
std::string* ChurnBundle::key = nullptr;
std::string* ChurnBundle::bytes = nullptr;

}  // namespace

TEST_F(ChurnBundle, IsATarOfTheManifestTheEntryAndTheModelFiles) {
    std::vector<std::string> names;
    for (const auto& m : test_support::tar_members(*bytes)) names.push_back(m.name);
    EXPECT_EQ(names, (std::vector<std::string>{"hone-bundle.json", "hone-bundle.sha256", "entry.json",
                                               "model/manifest.json", "model/model.json", "model/preprocess.json"}));
    // The system's tar reads it as it is.
    fs::path file = source->dir / "churn.hone.tar";
    write_file_atomically(file, *bytes);
    FILE* p = ::popen(("tar tf " + file.string() + " 2>&1").c_str(), "r");
    ASSERT_NE(p, nullptr) << "tar is needed to check the bundle is a tar archive";
    std::string listed = test_support::slurp(p);
    EXPECT_EQ(::pclose(p), 0) << listed;
    EXPECT_EQ(listed, "hone-bundle.json\nhone-bundle.sha256\nentry.json\nmodel/manifest.json\nmodel/model.json\n"
                      "model/preprocess.json\n");

    Json manifest = test_support::bundle_manifest(*bytes);
    EXPECT_EQ(manifest["format"], "hone-bundle");
    EXPECT_EQ(manifest["format_version"], 1);
    EXPECT_EQ(manifest["key"], *key);
    EXPECT_EQ(manifest["files"].size(), 4u);
    auto sum = test_support::tar_member(*bytes, "hone-bundle.sha256");
    auto head = test_support::tar_member(*bytes, "hone-bundle.json");
    EXPECT_EQ(bytes->substr(sum.content_at, sum.size), sha256_hex(bytes->substr(head.content_at, head.size)) + "\n");
    // The same model makes the same bytes.
    EXPECT_EQ(exporting::export_bundle(*source->store, *key), *bytes);
}

TEST_F(ChurnBundle, ImportsIntoAnotherStoreAndPredictsTheSame) {
    Workspace target;
    registry::ModelEntry original = *source->store->get_model(*key);
    registry::ModelEntry entry = exporting::import_bundle_bytes(*target.store, *bytes, import_options(target.dir));

    EXPECT_EQ(entry.name, "churn_classifier");
    EXPECT_EQ(entry.version, 1);
    EXPECT_EQ(entry.key.rfind("churn_classifier_baseline_churn_model_v", 0), 0u) << entry.key;
    EXPECT_EQ(entry.algorithm, original.algorithm);
    EXPECT_EQ(entry.framework, original.framework);
    EXPECT_EQ(entry.task, original.task);
    EXPECT_EQ(entry.metrics, original.metrics);
    EXPECT_EQ(entry.validation_metrics, original.validation_metrics);
    EXPECT_EQ(entry.hyperparameters, original.hyperparameters);
    EXPECT_EQ(without_import(entry.metadata), original.metadata);
    EXPECT_EQ(entry.feature_count, original.feature_count);
    EXPECT_EQ(entry.training_samples, original.training_samples);
    EXPECT_EQ(entry.stage, "none");
    EXPECT_EQ(entry.created_by, "importer");
    EXPECT_EQ(entry.run_id, "");
    EXPECT_EQ(entry.metadata["imported_from"],
              (Json{{"key", *key}, {"name", "churn_classifier"}, {"version", 1}, {"stage", "none"},
                    {"created_at", original.created_at}, {"created_by", original.created_by},
                    {"run_id", original.run_id}, {"bundle_sha256", sha256_hex(*bytes)}}));
    EXPECT_EQ(target.store->get_model(entry.key)->to_json(), entry.to_json());
    EXPECT_EQ(fs::path(entry.file_path).parent_path(), target.dir / "models");

    // Identical predictions and probabilities on every row.
    data::Frame rows = churn_rows(*source);
    auto before = train::LoadedModel::load(*source->store, *key)->predict(rows);
    auto after = train::LoadedModel::load(*target.store, entry.key)->predict(rows);
    ASSERT_EQ(after.values.size(), 3000u);
    EXPECT_EQ(after.values, before.values);
    EXPECT_EQ(after.proba, before.proba);
    EXPECT_EQ(after.classes, before.classes);

    // Again: the next version; under another name: that name's first; from a file.
    EXPECT_EQ(exporting::import_bundle_bytes(*target.store, *bytes, import_options(target.dir)).version, 2);
    fs::path file = target.dir / "churn.hone.tar";
    write_file_atomically(file, *bytes);
    registry::ModelEntry renamed = exporting::import_bundle(*target.store, file, import_options(target.dir, "churn_copy"));
    EXPECT_EQ(renamed.name, "churn_copy");
    EXPECT_EQ(renamed.version, 1);
    EXPECT_EQ(renamed.metadata["imported_from"]["name"], "churn_classifier");
    EXPECT_EQ(train::LoadedModel::load(*target.store, renamed.key)->predict(rows).proba, before.proba);
    EXPECT_EQ(target.store->list_models().size(), 3u);

    // An imported model exports again, and that bundle imports too.
    std::string again = exporting::export_bundle(*target.store, entry.key);
    registry::ModelEntry third = exporting::import_bundle_bytes(*target.store, again, import_options(target.dir));
    EXPECT_EQ(third.version, 3);
    EXPECT_EQ(third.metrics, original.metrics);
}

TEST_F(ChurnBundle, AFlippedByteInAModelFileIsRefused) {
    auto m = test_support::tar_member(*bytes, "model/model.json");
    std::string damaged = *bytes;
    damaged[m.content_at + m.size / 2] ^= 0x01;
    expect_refused(damaged, "'model/model.json' does not match its SHA-256 in the manifest (expected " +
                                test_support::listed_sha256(*bytes, "model/model.json") + ", found " +
                                sha256_hex(damaged.substr(m.content_at, m.size)) +
                                "): the bundle was damaged or altered");
}

TEST_F(ChurnBundle, ATruncatedBundleIsRefusedNamingWhereItEnds) {
    auto m = test_support::tar_member(*bytes, "model/model.json");
    expect_refused(bytes->substr(0, m.content_at + 100),
                   "the bundle is cut short inside 'model/model.json': its header declares " + std::to_string(m.size) +
                       " bytes and 100 are left");
    expect_refused(bytes->substr(0, m.header_at),
                   "the bundle is cut short: it ends before 'model/model.json', which its manifest lists");
    expect_refused(bytes->substr(0, bytes->size() - 1024),
                   "the bundle is cut short: it ends before its end-of-archive marker");
    expect_refused(bytes->substr(0, 100),
                   "the bundle is 100 bytes: too short to be a hone bundle ('hone export KEY --format bundle' "
                   "writes one)");
    expect_refused("", "the bundle is 0 bytes: too short to be a hone bundle ('hone export KEY --format bundle' "
                       "writes one)");
}

TEST_F(ChurnBundle, AnAlteredManifestIsRefused) {
    auto head = test_support::tar_member(*bytes, "hone-bundle.json");
    std::string altered = *bytes;
    std::size_t at = altered.find("\"format_version\": 1", head.content_at);
    ASSERT_NE(at, std::string::npos);
    altered[at + 18] = '2';
    expect_refused(altered, "hone-bundle.json does not match its checksum in hone-bundle.sha256 (expected " +
                                sha256_hex(bytes->substr(head.content_at, head.size)) + ", found " +
                                sha256_hex(altered.substr(head.content_at, head.size)) +
                                "): the bundle was damaged or altered");
    // A damaged header (its name) fails the header's own checksum.
    std::string header = *bytes;
    header[test_support::tar_member(*bytes, "entry.json").header_at] = 'E';
    expect_refused(header, "the header of 'Entry.json' at byte " +
                               std::to_string(test_support::tar_member(*bytes, "entry.json").header_at) +
                               " does not match its checksum: the bundle was damaged or altered");
}

TEST_F(ChurnBundle, HostileNamesLinksAndSizesAreRefused) {
    const std::string layout =
        ": a bundle's files are hone-bundle.json, hone-bundle.sha256, entry.json and model/NAME (NAME of A-Z a-z "
        "0-9 _ . -), never an absolute path, '..' or a folder";
    auto entry = test_support::tar_member(*bytes, "entry.json");
    expect_refused(test_support::with_header(*bytes, "entry.json", "../../../tmp/entry.json", entry.size),
                   "the bundle holds a file named '../../../tmp/entry.json'" + layout);
    expect_refused(test_support::with_header(*bytes, "entry.json", "model/../../evil", entry.size),
                   "the bundle holds a file named 'model/../../evil'" + layout);
    expect_refused(test_support::with_header(*bytes, "entry.json", "/etc/cron.d/evil", entry.size),
                   "the bundle holds a file named '/etc/cron.d/evil'" + layout);
    expect_refused(test_support::with_header(*bytes, "entry.json", "model/sub/file", entry.size),
                   "the bundle holds a file named 'model/sub/file'" + layout);
    expect_refused(test_support::with_header(*bytes, "model/model.json", "model/model.json", 0, '2'),
                   "the bundle holds 'model/model.json' as a symbolic link (tar type '2'); a bundle holds regular "
                   "files only");
    expect_refused(test_support::with_header(*bytes, "model/model.json", "model/model.json", 0, '1'),
                   "the bundle holds 'model/model.json' as a hard link (tar type '1'); a bundle holds regular files "
                   "only");
    const std::size_t left = bytes->size() - entry.content_at;
    expect_refused(test_support::with_header(*bytes, "entry.json", "entry.json", 1000000000),
                   "the bundle is cut short inside 'entry.json': its header declares 1000000000 bytes and " +
                       std::to_string(left) + " are left");
    // A file the manifest does not list, in place of one it does.
    expect_refused(test_support::with_header(*bytes, "entry.json", "model/extra.bin", entry.size),
                   "the bundle holds 'model/extra.bin', which its manifest does not list");
}

TEST_F(ChurnBundle, AnInvalidNameIsRefusedBeforeAnythingIsRead) {
    Workspace target;
    test_support::expect_error(
        [&] { exporting::import_bundle_bytes(*target.store, *bytes, import_options(target.dir, "../up")); },
        ErrorKind::validation, "invalid_name",
        "model name '../up' is not a name: use 1 to 128 of A-Z a-z 0-9 _ . - (not starting with '.')");
    EXPECT_TRUE(target.store->list_models().empty());
    test_support::expect_error(
        [&] { exporting::import_bundle(*target.store, target.dir / "missing.hone.tar", import_options(target.dir)); },
        ErrorKind::io, "io_error",
        "cannot read the bundle " + (target.dir / "missing.hone.tar").string() + ": not a readable file");
}

TEST_F(ChurnBundle, PickleAndSavedModelSayWhyNotAndWhatInstead) {
    const std::string hint = "use onnx to run the model in other runtimes, or bundle to move it to another hone "
                             "('hone models import')";
    auto e = test_support::expect_error(
        [&] { exporting::export_model(*source->store, *key, "pickle"); }, ErrorKind::validation,
        "format_not_supported",
        "format 'pickle' is not supported: hone models are native models, not Python objects, so there is nothing "
        "to pickle; hone writes bundle, onnx, torch");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hint(), hint);
    e = test_support::expect_error(
        [&] { exporting::export_model(*source->store, *key, "SavedModel"); }, ErrorKind::validation,
        "format_not_supported",
        "format 'savedmodel' is not supported: hone has no TensorFlow runtime and its models are not TensorFlow "
        "graphs; hone writes bundle, onnx, torch");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hint(), hint);
    test_support::expect_error([&] { exporting::export_model(*source->store, *key, "joblib"); },
                               "format_not_supported");
    e = test_support::expect_error([&] { exporting::export_model(*source->store, *key, "zip"); },
                                   ErrorKind::validation, "unknown_format", "unknown export format 'zip'");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hint(), "valid export formats: bundle, onnx, torch, pickle, savedmodel");
    test_support::expect_error([&] { exporting::export_model(*source->store, "no_such_model", "bundle"); },
                               ErrorKind::not_found, "model_not_found");
    EXPECT_EQ(exporting::written_formats(), (std::vector<std::string>{"bundle", "onnx", "torch"}));
    EXPECT_EQ(exporting::export_model(*source->store, *key, "hone"), *bytes);
}

TEST(Bundle, ATextClassifierRoundTrips) {
    Workspace source, target;
    test_support::write_topics_csv(source.dir / "posts.csv", 150, false);
    auto loaded = lang::parse_job_text(
        "dataset \"posts\":\n    source: csv\n    path: posts.csv\nmodel \"topics\":\n    type: text_classifier\n"
        "training \"topics\":\n    model: topics\n    dataset: posts\n    text: body\n    target: topics\n"
        "    objective: maximize_subset_accuracy\n",
        (source.dir / "topics.n3").string(), lang::Format::n3);
    ASSERT_TRUE(loaded.ok()) << loaded.report();
    const std::string key = train::run_training_job(loaded.spec, "topics", *source.store, source.options())["registry_key"];
    registry::ModelEntry entry =
        exporting::import_bundle_bytes(*target.store, exporting::export_bundle(*source.store, key), import_options(target.dir));
    EXPECT_EQ(entry.task, "text_classification");
    EXPECT_EQ(entry.metrics, source.store->get_model(key)->metrics);

    lang::DatasetSpec spec;
    spec.name = "posts";
    spec.source = "csv";
    spec.path = (source.dir / "posts.csv").string();
    data::Frame rows = data::load_dataset(spec);
    auto before = train::LoadedModel::load(*source.store, key)->predict(rows);
    auto after = train::LoadedModel::load(*target.store, entry.key)->predict(rows);
    ASSERT_EQ(after.values.size(), 150u);
    EXPECT_EQ(after.values, before.values);
    EXPECT_EQ(after.proba, before.proba);
}

TEST(Bundle, ARecommenderRoundTrips) {
    test_support::RecommenderWorkspace source, target;
    const std::string key =
        source.train(source.parse(test_support::recommender_job("ncf", test_support::kSmallNcf, test_support::kRankedByNdcg)))
            ["registry_key"];
    std::string bytes = exporting::export_bundle(*source.store, key);
    registry::ModelEntry entry = exporting::import_bundle_bytes(*target.store, bytes, import_options(target.dir));
    EXPECT_EQ(entry.task, "recommendation");
    EXPECT_EQ(entry.metrics, source.store->get_model(key)->metrics);
    auto before = train::LoadedModel::load(*source.store, key);
    auto after = train::LoadedModel::load(*target.store, entry.key);
    for (const std::string user : {"u0", "u5", "u17", "u95", "someone_new"})
        EXPECT_EQ(after->require_recommender().recommend(user, 10, false),
                  before->require_recommender().recommend(user, 10, false))
            << user;
}
