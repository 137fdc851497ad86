#include "export/torch_state.hpp"

#include "export/onnx.hpp"

#include <algorithm>
#include <cstdint>

#include "common/error.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "models/catalog.hpp"
#include "models/torch/mlp_weights.hpp"
#include "models/torch/ncf_weights.hpp"
#include "models/torch/state_dict.hpp"

namespace hone::exporting {

namespace {

using Json = nlohmann::ordered_json;
using models::torch_nn::BatchNorm;
using models::torch_nn::DenseLayer;
using models::torch_nn::MlpWeights;
using models::torch_nn::NamedTensor;
using models::torch_nn::NcfWeights;

constexpr const char* kFormat = "hone.torch_state";
constexpr int kFormatVersion = 1;

void add_dense(std::vector<NamedTensor>& out, const std::string& prefix, const DenseLayer& layer) {
    out.push_back({.name = prefix + ".weight", .shape = {layer.out, layer.in}, .values = layer.weight});
    out.push_back({.name = prefix + ".bias", .shape = {layer.out}, .values = layer.bias});
}

// nn.BatchNorm1d's state, in its order.
void add_norm(std::vector<NamedTensor>& out, const std::string& prefix, const BatchNorm& norm) {
    const std::vector<std::int64_t> units = {static_cast<std::int64_t>(norm.weight.size())};
    out.push_back({.name = prefix + ".weight", .shape = units, .values = norm.weight});
    out.push_back({.name = prefix + ".bias", .shape = units, .values = norm.bias});
    out.push_back({.name = prefix + ".running_mean", .shape = units, .values = norm.running_mean});
    out.push_back({.name = prefix + ".running_var", .shape = units, .values = norm.running_var});
    out.push_back({.name = prefix + ".num_batches_tracked", .shape = {}, .integral = true,
                   .integers = {norm.batches_tracked}});
}

void add_table(std::vector<NamedTensor>& out, const std::string& name, std::int64_t rows, std::int64_t dim,
               const std::vector<float>& values) {
    out.push_back({.name = name + ".weight", .shape = {rows, dim}, .values = values});
}

// docs/export.md's hone_mlp(): an nn.Sequential whose children are, per hidden
// layer, Linear, BatchNorm1d (with batch_norm) and the activation (which holds
// no state but takes an index), then the output Linear.
std::vector<NamedTensor> mlp_state(const MlpWeights& w) {
    std::vector<NamedTensor> out;
    std::size_t index = 0;
    for (std::size_t l = 0; l + 1 < w.layers.size(); ++l) {
        add_dense(out, std::to_string(index++), w.layers[l]);
        if (!w.norms.empty()) add_norm(out, std::to_string(index++), w.norms[l]);
        ++index;
    }
    add_dense(out, std::to_string(index), w.layers.back());
    return out;
}

// docs/export.md's HoneNCF: embeddings, the tower an nn.Sequential of Linear
// and ReLU, the output Linear.
std::vector<NamedTensor> ncf_state(const NcfWeights& w) {
    std::vector<NamedTensor> out;
    add_table(out, "gmf_user", w.users, w.dim, w.gmf_user);
    add_table(out, "gmf_item", w.items, w.dim, w.gmf_item);
    if (!w.gmf_only) {
        add_table(out, "mlp_user", w.users, w.dim, w.mlp_user);
        add_table(out, "mlp_item", w.items, w.dim, w.mlp_item);
        for (std::size_t l = 0; l < w.tower.size(); ++l) add_dense(out, "tower." + std::to_string(2 * l), w.tower[l]);
    }
    add_dense(out, "output", w.output);
    return out;
}

Json head(const train::LoadedModel& model) {
    const registry::ModelEntry& e = model.entry();
    return Json{{"format", kFormat},
                {"version", kFormatVersion},
                {"model",
                 {{"key", e.key}, {"name", e.name}, {"version", e.version}, {"algorithm", e.algorithm}, {"task", e.task}}}};
}

Json mlp_architecture(const MlpWeights& w) {
    std::vector<std::int64_t> hidden;
    for (std::size_t l = 0; l + 1 < w.layers.size(); ++l) hidden.push_back(w.layers[l].out);
    return Json{{"kind", "mlp"},
                {"inputs", w.inputs},
                {"hidden", hidden},
                {"activation", w.activation},
                {"batch_norm", !w.norms.empty()},
                {"batch_norm_eps", w.norms.empty() ? 1e-5 : w.norms.front().eps},
                {"outputs", w.layers.back().out},
                {"output", w.output},
                {"dropout", w.dropout},
                {"loss", w.loss}};
}

std::string mlp_file(const train::LoadedModel& model) {
    const MlpWeights w = models::torch_nn::mlp_weights(model.estimator());
    Json hone = head(model);
    hone["architecture"] = mlp_architecture(w);
    const Json& manifest = model.manifest();
    hone["target"] = manifest.value("target", "");
    hone["classes"] = manifest.contains("classes") ? manifest["classes"] : Json::array();
    hone["features"] = model.preprocessor().input_columns();
    hone["feature_names"] = model.preprocessor().feature_names();
    hone["preprocessing"] = model.preprocessor().to_json();
    return models::torch_nn::torch_state_file(mlp_state(w), json_dump(hone, 2));
}

std::string ncf_file(const train::ServedRecommender& served, const Json& head) {
    const NcfWeights w = models::torch_nn::ncf_weights(served.model());
    Json hone = head;
    std::vector<std::int64_t> hidden;
    for (const DenseLayer& layer : w.tower) hidden.push_back(layer.out);
    hone["architecture"] = Json{{"kind", w.gmf_only ? "gmf" : "ncf"},
                                {"users", w.users},
                                {"items", w.items},
                                {"embedding_dim", w.dim},
                                {"hidden", hidden},
                                {"gmf_only", w.gmf_only},
                                {"output", "identity"}};
    hone["user_ids"] = served.user_ids();
    hone["item_ids"] = served.item_ids();
    return models::torch_nn::torch_state_file(ncf_state(w), json_dump(hone, 2));
}

}  // namespace

std::vector<std::string> torch_exportable_algorithms() {
    std::vector<std::string> names;
    for (const models::AlgorithmSpec& a : models::algorithms())
        if (a.library == "libtorch") names.push_back(a.name);
    return names;
}

std::string export_torch_state(const train::LoadedModel& model) {
    const std::string algorithm = model.manifest().value("algorithm", "");
    const std::vector<std::string> exportable = torch_exportable_algorithms();
    if (std::find(exportable.begin(), exportable.end(), algorithm) == exportable.end())
        throw Error(ErrorKind::validation, "not_exportable",
                    "model '" + model.entry().key + "' is a " + algorithm +
                        " model, which has no PyTorch state dict; the algorithms that export to torch are " +
                        join(exportable, ", "),
                    {}, "export it in another format, or train one of those algorithms");
    if (const train::ServedRecommender* served = model.recommender()) return ncf_file(*served, head(model));
    refuse_processing(model, "PyTorch state dict");
    return mlp_file(model);
}

}  // namespace hone::exporting
