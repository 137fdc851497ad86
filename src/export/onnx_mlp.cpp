// The mlp (models/torch/) as ONNX, computed as libtorch computes it: in
// float32, each layer a MatMul by its transposed weights and an Add of its
// bias, batch normalization in its evaluation form (BatchNormalization with
// the running statistics), the activation between layers (Relu, Tanh,
// Sigmoid; identity adds nothing); then, as hone does, the output function in
// double: Softmax, or the Sigmoid of a single output with its complement for
// two classes, and the class of highest probability (the first on a tie,
// ArgMax); a regressor's value is its one output. Weights are stored in double
// (every float32 is exact in double) and cast to float32 once.
#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/torch/mlp_weights.hpp"

namespace hone::exporting {
namespace {

using models::torch_nn::MlpWeights;

// A float32 constant of `values`, through a double initializer and a Cast.
std::string float_constant(GraphBuilder& g, const std::string& stem, const std::vector<float>& values,
                           const std::vector<std::int64_t>& shape) {
    std::string stored = g.constant(stem, std::vector<double>(values.begin(), values.end()), shape);
    return g.node("Cast", {stored}, {{"to", std::int64_t{float32}}});
}

// weight · h + bias for every row of h ([N, in] -> [N, out]).
std::string dense(GraphBuilder& g, const models::torch_nn::DenseLayer& layer, const std::string& h) {
    std::vector<float> transposed(layer.weight.size());
    for (std::int64_t o = 0; o < layer.out; ++o)
        for (std::int64_t i = 0; i < layer.in; ++i)
            transposed[static_cast<std::size_t>(i * layer.out + o)] = layer.weight[static_cast<std::size_t>(o * layer.in + i)];
    std::string product = g.node("MatMul", {h, float_constant(g, "weight", transposed, {layer.in, layer.out})});
    return g.node("Add", {product, float_constant(g, "bias", layer.bias, {layer.out})});
}

std::string normalized(GraphBuilder& g, const models::torch_nn::BatchNorm& n, const std::string& z) {
    const auto units = static_cast<std::int64_t>(n.weight.size());
    return g.node("BatchNormalization",
                  {z, float_constant(g, "bn_scale", n.weight, {units}), float_constant(g, "bn_shift", n.bias, {units}),
                   float_constant(g, "bn_mean", n.running_mean, {units}),
                   float_constant(g, "bn_var", n.running_var, {units})},
                  {{"epsilon", static_cast<float>(n.eps)}});
}

std::string activated(GraphBuilder& g, const std::string& activation, const std::string& z) {
    if (activation == "relu") return g.node("Relu", {z});
    if (activation == "tanh") return g.node("Tanh", {z});
    if (activation == "logistic") return g.node("Sigmoid", {z});
    if (activation == "identity") return z;
    throw Error(ErrorKind::validation, "not_exportable", "the mlp's activation '" + activation + "' has no ONNX writer",
                {}, "activations that export: relu, tanh, logistic, identity");
}

// The network's outputs (float32 [N, outputs]) from the features.
std::string network(GraphBuilder& g, const MlpWeights& w, const std::string& features) {
    std::string h = features;
    for (std::size_t l = 0; l + 1 < w.layers.size(); ++l) {
        std::string z = dense(g, w.layers[l], h);
        if (!w.norms.empty()) z = normalized(g, w.norms[l], z);
        h = activated(g, w.activation, z);
    }
    return dense(g, w.layers.back(), h);
}

WrittenModel classes_of(GraphBuilder& g, const MlpWeights& w, const std::string& z) {
    WrittenModel out;
    std::string scores = g.node("Cast", {z}, {{"to", std::int64_t{float64}}});
    if (w.output == "sigmoid") {
        std::string p1 = g.node("Sigmoid", {scores});
        std::string p0 = g.node("Sub", {g.constant("one", std::vector<double>{1.0}, {}), p1});
        out.probabilities = g.node("Concat", {p0, p1}, {{"axis", std::int64_t{1}}});
    } else {
        out.probabilities = g.node("Softmax", {scores}, {{"axis", std::int64_t{1}}});
    }
    out.index = g.node("ArgMax", {out.probabilities}, {{"axis", std::int64_t{1}}, {"keepdims", std::int64_t{0}}});
    return out;
}

WrittenModel write_mlp(GraphBuilder& g, const ModelSource& m) {
    const MlpWeights w = models::torch_nn::mlp_weights(m.estimator);
    if (w.layers.empty() || static_cast<std::size_t>(w.inputs) != m.feature_count)
        throw Error(ErrorKind::data, "export_failed",
                    "the mlp takes " + std::to_string(w.inputs) + " features and its preprocessing makes " +
                        std::to_string(m.feature_count));
    std::string z = network(g, w, m.features);
    if (w.output == "identity") return WrittenModel{.value = g.node("Cast", {z}, {{"to", std::int64_t{float64}}})};
    return classes_of(g, w, z);
}

}  // namespace

std::vector<OnnxWriter> mlp_onnx_writers() {
    return {{"mlp", {}, "MatMul, Add, BatchNormalization and the activation in float32; Softmax or Sigmoid in double",
             write_mlp}};
}

}  // namespace hone::exporting
