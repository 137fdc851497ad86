#include "export/onnx.hpp"

#include "common/build_info.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "export/onnx_graph.hpp"
#include "export/onnx_preprocess.hpp"
#include "export/onnx_writers.hpp"

namespace hone::exporting {
namespace {

using Json = nlohmann::ordered_json;

Error not_exportable(const std::string& algorithm) {
    return Error(ErrorKind::validation, "not_exportable",
                 "algorithm '" + algorithm + "' has no ONNX export; these algorithms export to ONNX: " +
                     join(onnx_exportable_algorithms()),
                 {}, "train the model with one of those algorithms to export it");
}

}  // namespace

void refuse_processing(const train::LoadedModel& model, std::string_view format) {
    const data::Processing& processing = model.processing();
    if (!processing.active()) return;
    throw Error(ErrorKind::validation, "not_exportable",
                "model '" + model.entry().key + "' replays its dataset's processing (" +
                    data::Processing::describe(processing.steps().front()) + "), which " + std::string(format) +
                    " export does not express",
                {}, "predict with hone (hone predict, or the HTTP API), or train without the dataset's processing to "
                    "export the model");
}

namespace {

void add_metadata(onnx::ModelProto& proto, const std::string& key, const std::string& value) {
    auto* entry = proto.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
}

void describe(onnx::ModelProto& proto, const train::LoadedModel& model, Task task) {
    const auto& entry = model.entry();
    const std::string algorithm = model.manifest().value("algorithm", std::string());
    proto.set_model_version(entry.version);
    proto.set_doc_string(algorithm + " " + std::string(to_string(task)) + " '" + entry.key + "' (version " +
                         std::to_string(entry.version) +
                         ") exported by hone: one input per raw feature column (numbers and bools as float [N, 1] "
                         "with NaN for null, categories as string [N, 1] with \"\" for null), the fitted "
                         "preprocessing, then the model");
    proto.mutable_graph()->set_name(entry.key);
    add_metadata(proto, "model_key", entry.key);
    add_metadata(proto, "model_name", entry.name);
    add_metadata(proto, "model_version", std::to_string(entry.version));
    add_metadata(proto, "algorithm", algorithm);
    add_metadata(proto, "task", std::string(to_string(task)));
    add_metadata(proto, "hone_commit", hone_commit());
}

// The manifest's classes as the target was typed: int64 for an int64 target,
// else the class texts.
void add_label(GraphBuilder& g, const Json& manifest, const std::string& index) {
    std::vector<std::string> classes;
    for (const auto& c : manifest.at("classes")) classes.push_back(c.get<std::string>());
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(classes.size())};
    auto type = data::parse_dtype(manifest.value("target_type", std::string()));
    std::string doc = "the predicted class, as the target column was typed";
    if (type == data::DType::int64) {
        std::vector<std::int64_t> values;
        for (const auto& c : classes) values.push_back(std::stoll(c));
        g.node("Gather", {g.constant("class_labels", values, shape), index}, {}, "label");
        g.output("label", int64, {-1}, doc);
    } else {
        g.node("Gather", {g.constant("class_labels", classes, shape), index}, {}, "label");
        g.output("label", text, {-1}, doc);
    }
}

void require(const std::string& tensor, const std::string& what, const std::string& algorithm) {
    if (tensor.empty())
        throw Error(ErrorKind::internal, "export_failed", "the ONNX writer of " + algorithm + " made no " + what);
}

void add_outputs(GraphBuilder& g, Task task, const WrittenModel& w, const Json& manifest, std::size_t classes) {
    const std::string algorithm = manifest.value("algorithm", std::string());
    if (task == Task::classification) {
        require(w.index, "class", algorithm);
        add_label(g, manifest, w.index);
        if (w.probabilities.empty()) return;
        g.node("Cast", {w.probabilities}, {{"to", std::int64_t{float32}}}, "probabilities");
        g.output("probabilities", float32, {-1, static_cast<std::int64_t>(classes)},
                 "the probability of each class, in the order of the model's classes");
    } else if (task == Task::regression) {
        require(w.value, "value", algorithm);
        g.node("Cast", {w.value}, {{"to", std::int64_t{float32}}}, "variable");
        g.output("variable", float32, {-1, 1}, "the predicted value");
    } else {
        require(w.index, "cluster", algorithm);
        g.node("Identity", {w.index}, {}, "label");
        g.output("label", int64, {-1}, "the cluster of the row");
    }
}

}  // namespace

std::vector<std::string> onnx_exportable_algorithms() { return onnx_writers().names(); }

std::string export_onnx(const train::LoadedModel& model) {
    const Json& manifest = model.manifest();
    const std::string algorithm = manifest.value("algorithm", std::string());
    const OnnxWriter* writer = onnx_writers().try_find(algorithm);
    if (!writer || model.takes_text() || model.recommender()) throw not_exportable(algorithm);
    refuse_processing(model, "ONNX");
    const models::Estimator& estimator = model.estimator();
    const Task task = estimator.config().task;
    const data::Preprocessor& pre = model.preprocessor();

    onnx::ModelProto proto;
    start_model(proto);
    describe(proto, model, task);
    GraphBuilder g(*proto.mutable_graph(), {"label", "probabilities", "variable"});
    const std::size_t classes = task == Task::classification ? manifest.at("classes").size() : 0;
    ModelSource source{estimator, manifest, add_preprocessing(g, pre), pre.output_size(), classes};
    add_outputs(g, task, writer->make(g, source), manifest, classes);
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw Error(ErrorKind::internal, "export_failed", "the ONNX model of '" + model.entry().key + "' did not serialize");
    return bytes;
}

}  // namespace hone::exporting
