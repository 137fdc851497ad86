#include "export/onnx_writers.hpp"

#include <numeric>

namespace hone::exporting {

std::string spread_classes(GraphBuilder& g, const std::string& present, const std::vector<int>& classes,
                           std::size_t k) {
    std::vector<int> identity(k);
    std::iota(identity.begin(), identity.end(), 0);
    if (classes == identity) return present;
    std::vector<double> placement(classes.size() * k, 0.0);
    for (std::size_t c = 0; c < classes.size(); ++c) placement[c * k + static_cast<std::size_t>(classes[c])] = 1.0;
    auto rows = static_cast<std::int64_t>(classes.size()), cols = static_cast<std::int64_t>(k);
    return g.node("MatMul", {present, g.constant("class_placement", placement, {rows, cols})});
}

const Registry<OnnxWriter>& onnx_writers() {
    static const Registry<OnnxWriter> registry("ONNX writer", "not_exportable", [] {
        std::vector<OnnxWriter> all;
        // One line per family.
        for (auto family : {linear_onnx_writers(), kmeans_onnx_writers(), tree_onnx_writers(), svm_onnx_writers(),
                            mlp_onnx_writers()})
            all.insert(all.end(), family.begin(), family.end());
        return all;
    }());
    return registry;
}

}  // namespace hone::exporting
