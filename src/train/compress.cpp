#include "train/compress.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/text.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "registry/artifacts.hpp"
#include "train/predictor.hpp"
#include "train/setup.hpp"

namespace hone::train {

namespace {

namespace fs = std::filesystem;

std::uintmax_t bytes_of(const fs::path& dir, const std::vector<std::string>& files) {
    std::uintmax_t total = 0;
    for (const auto& f : files) total += fs::file_size(dir / f);
    return total;
}

// The estimator's own files in an artifact: all but the preprocessing and manifest.
std::vector<std::string> model_files(const Json& manifest) {
    std::vector<std::string> files;
    for (auto it = manifest["files"].begin(); it != manifest["files"].end(); ++it)
        if (it.key() != "preprocess.json") files.push_back(it.key());
    return files;
}

void require_quantizable(const registry::ModelEntry& entry, const Json& manifest) {
    const auto& algo = models::find_algorithm(entry.algorithm);
    std::string quantizable = join(models::quantizable_algorithms());
    if (!algo.quantizable)
        throw Error(ErrorKind::validation, "not_quantizable",
                    "model '" + entry.key + "' (" + algo.name + ") cannot be quantized: quantization stores the "
                        "weights of linear models (" + quantizable + "); a tree's split thresholds are not weights",
                    {}, "compress a model of one of those algorithms");
    if (manifest.contains("compression"))
        throw Error(ErrorKind::validation, "not_quantizable",
                    "model '" + entry.key + "' is already compressed (" +
                        manifest["compression"].value("precision", std::string()) + ", from '" +
                        manifest["compression"].value("parent", std::string()) + "')",
                    {}, "compress the original model instead");
}

// Both models on the held-out rows of the job that trained them.
struct Measured {
    Json before, after, delta = Json::object();
    std::string split;
    std::size_t rows = 0;
    double unchanged = 0;  // share of rows whose prediction did not change
};

Measured measure(const lang::JobFile& file, const registry::ModelEntry& entry, const models::Estimator& original,
                 const models::Estimator& compressed) {
    std::string job = entry.metadata.value("training_job", std::string());
    const lang::TrainingSpec* spec = file.find_training(job);
    if (!spec)
        throw Error(ErrorKind::internal, "job_not_found", "no training job '" + job + "' in " + file.path);
    TrainingSetup setup = prepare_training(file, *spec);
    if (setup.pre.to_json() != entry.metadata.value("preprocessing", Json()))
        throw Error(ErrorKind::data, "split_not_reproduced",
                    "training job '" + job + "' no longer prepares its data as it did for model '" + entry.key +
                        "' (its data or features changed), so the held-out rows cannot be rebuilt",
                    {}, "compress without the job to skip the measurement");
    bool test = setup.x_test.rows > 0;
    const data::Matrix& x = test ? setup.x_test : setup.x_valid;
    const std::vector<float>& yf = test ? setup.y_test : setup.y_valid;
    std::vector<double> y(yf.begin(), yf.end());
    models::Prediction a = original.predict_with_proba(x), b = compressed.predict_with_proba(x);
    auto task = setup.task;
    Measured m;
    m.before = metrics::evaluate(task, setup.metric_names, y, a.values, a.proba, setup.num_classes());
    m.after = metrics::evaluate(task, setup.metric_names, y, b.values, b.proba, setup.num_classes());
    for (auto it = m.after.begin(); it != m.after.end(); ++it)
        if (it->is_number() && m.before[it.key()].is_number())
            m.delta[it.key()] = it->get<double>() - m.before[it.key()].get<double>();
    m.split = test ? "test" : "validation";
    m.rows = x.rows;
    std::size_t same = 0;
    for (std::size_t r = 0; r < a.values.size(); ++r)
        if (setup.classification() ? a.values[r] == b.values[r]
                                   : std::abs(a.values[r] - b.values[r]) <= 1e-6 * (1 + std::abs(a.values[r])))
            ++same;
    m.unchanged = a.values.empty() ? 1.0 : static_cast<double>(same) / static_cast<double>(a.values.size());
    return m;
}

}  // namespace

CompressResult compress_model(registry::Store& store, const std::string& key, const CompressOptions& options) {
    registry::ModelEntry parent = require_model(store, key);
    Json manifest = loadable_manifest(parent);
    require_quantizable(parent, manifest);
    fs::path dir = parent.file_path;
    auto compressed = load_estimator(manifest, dir);
    Json quantized = compressed->quantize(options.precision);
    // Measured before anything is written: it is the slow part, and the one that may fail.
    std::string job = parent.metadata.value("training_job", std::string());
    const lang::JobFile* job_file = options.job_file ? options.job_file(job) : nullptr;
    std::optional<Measured> measured;
    if (job_file) measured = measure(*job_file, parent, *load_estimator(manifest, dir), *compressed);

    registry::ArtifactWriter writer(options.context.model_root);
    std::vector<std::string> files = compressed->save(writer.dir());
    std::optional<std::string> preprocessing = read_file(dir / "preprocess.json");
    if (!preprocessing) throw Error(ErrorKind::io, "io_error", "cannot read " + (dir / "preprocess.json").string());
    writer.write_file("preprocess.json", *preprocessing);
    std::uintmax_t before = bytes_of(dir, model_files(manifest)), after = bytes_of(writer.dir(), files);
    Json compression{{"type", "quantization"},
                     {"precision", std::string(models::to_string(options.precision))},
                     {"parent", key},
                     {"model_bytes_before", before},
                     {"model_bytes_after", after}};
    manifest.erase("files");
    manifest["compression"] = compression;
    std::string sha = writer.seal(manifest);

    registry::ModelEntry entry = parent;
    entry.metrics = measured ? measured->after : Json::object();
    entry.validation_metrics = Json::object();
    entry.metadata["compression"] = compression;
    entry.created_by = options.context.who;
    entry.stage = "none";
    entry.sha256 = sha;
    entry.run_id.clear();
    entry = store.register_model(entry, job, [&](const std::string& k) { return writer.place(k); });

    Json report{{"key", entry.key},
                {"name", entry.name},
                {"version", entry.version},
                {"parent", key},
                {"compression_type", "quantization"},
                {"precision", compression["precision"]},
                {"weights", quantized["weights"]},
                {"max_abs_error", quantized["max_abs_error"]},
                {"model_bytes", Json{{"before", before}, {"after", after}}},
                {"size_ratio", before > 0 ? static_cast<double>(after) / static_cast<double>(before) : 1.0}};
    report["warnings"] = Json::array();
    if (after >= before)
        report["warnings"].push_back("the model has " + quantized["weights"].dump() +
                                     " weights, too few for quantization to make its files smaller than the "
                                     "description it needs beside them");
    if (measured) {
        report["evaluation"] = Json{{"split", measured->split},
                                    {"rows", measured->rows},
                                    {"metrics_before", measured->before},
                                    {"metrics_after", measured->after},
                                    {"delta", measured->delta},
                                    {"unchanged_predictions", measured->unchanged}};
    } else {
        report["evaluation"] = nullptr;
        report["note"] = "not measured: the training job '" + job + "' that made the model was not given";
    }
    return {entry, report};
}

}  // namespace hone::train
