#include "export/onnx_writers.hpp"

namespace hone::exporting {

const Registry<OnnxWriter>& onnx_writers() {
    static const Registry<OnnxWriter> registry("ONNX writer", "not_exportable", [] {
        std::vector<OnnxWriter> all;
        // One line per family.
        for (auto family : {linear_onnx_writers(), kmeans_onnx_writers(), tree_onnx_writers()})
            all.insert(all.end(), family.begin(), family.end());
        return all;
    }());
    return registry;
}

}  // namespace hone::exporting
