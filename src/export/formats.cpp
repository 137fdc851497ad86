#include "export/formats.hpp"

#include "common/text.hpp"
#include "export/bundle.hpp"
#include "export/onnx.hpp"
#include "export/torch_state.hpp"
#include "train/predictor.hpp"

namespace hone::exporting {

namespace {

// What to use instead of a format hone does not write: the same advice for each.
const char* kInstead = "use onnx to run the model in other runtimes, or bundle to move it to another hone "
                       "('hone models import')";

FormatWriter refuses(std::string name, std::string why) {
    return [name = std::move(name), why = std::move(why)](registry::Store&, const std::string&) -> std::string {
        throw Error(ErrorKind::validation, "format_not_supported",
                    "format '" + name + "' is not supported: " + why + "; hone writes " + join(written_formats()), {},
                    kInstead);
    };
}

std::vector<Format> table() {
    return {
        {"bundle", {"hone"}, "hone's own artifact as one file (tar): the model files, its registry entry and their "
                             "checksums, for 'hone models import' in another hone",
         "hone.tar", "application/x-tar", true, [](registry::Store& store, const std::string& key) {
             return export_bundle(store, key);
         }},
        {"onnx", {}, "the model and its fitted preprocessing as one ONNX graph on the raw feature columns, for "
                     "any ONNX runtime",
         "onnx", "application/octet-stream", true, [](registry::Store& store, const std::string& key) {
             return export_onnx(*train::LoadedModel::load(store, key));
         }},
        {"torch", {"pytorch", "pt"}, "a neural model's weights as a PyTorch state dict (torch.load) with hone's JSON "
                                     "description of its architecture and preprocessing",
         "pt", "application/octet-stream", true, [](registry::Store& store, const std::string& key) {
             return export_torch_state(*train::LoadedModel::load(store, key));
         }},
        {"pickle", {"pkl", "joblib"}, "not written: hone models are no Python objects", "pkl",
         "application/octet-stream", false,
         refuses("pickle", "hone models are native models, not Python objects, so there is nothing to pickle")},
        {"savedmodel", {"saved_model", "tensorflow", "tf"}, "not written: hone has no TensorFlow runtime", "",
         "application/octet-stream", false,
         refuses("savedmodel", "hone has no TensorFlow runtime and its models are not TensorFlow graphs")},
    };
}

}  // namespace

const Registry<Format>& formats() {
    static const Registry<Format> registry("export format", "unknown_format", table());
    return registry;
}

const Format& find_format(const std::string& name) { return formats().find(name); }

std::vector<std::string> written_formats() {
    return formats().names([](const Format& f) { return f.writes; });
}

std::string export_model(registry::Store& store, const std::string& key, const std::string& name) {
    return find_format(name).write(store, key);
}

}  // namespace hone::exporting
