// kmeans and minibatch_kmeans as ONNX: the squared Euclidean distance from
// each row to each center in double (Unsqueeze, Sub, Mul, ReduceSum over the
// features), then ArgMin over the centers (the first of equal distances, as
// hone's nearest_center).
#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/cluster/kmeans.hpp"

namespace hone::exporting {
namespace {

WrittenModel write_kmeans(GraphBuilder& g, const ModelSource& m) {
    const std::string algorithm = m.manifest.value("algorithm", std::string());
    auto centers = models::cluster::kmeans_centers(m.estimator);
    if (!centers) throw Error(ErrorKind::internal, "export_failed", "the " + algorithm + " model has no centers");
    if (centers->features != m.feature_count)
        throw Error(ErrorKind::data, "export_failed",
                    "the " + algorithm + " model has " + std::to_string(centers->features) +
                        " features and its preprocessing makes " + std::to_string(m.feature_count));
    const auto k = static_cast<std::int64_t>(centers->clusters), d = static_cast<std::int64_t>(centers->features);
    std::string x = g.node("Cast", {m.features}, {{"to", std::int64_t{float64}}});
    std::string rows = g.node("Unsqueeze", {x, g.constant("axis", std::vector<std::int64_t>{1}, {1})});  // [N, 1, D]
    std::string diff = g.node("Sub", {rows, g.constant("centers", centers->values, {k, d})});         // [N, K, D]
    std::string squares = g.node("Mul", {diff, diff});
    std::string distances = g.node("ReduceSum", {squares, g.constant("axis", std::vector<std::int64_t>{2}, {1})},
                                   {{"keepdims", std::int64_t{0}}}, g.fresh("squared_distances"));  // [N, K]
    WrittenModel out;
    out.index = g.node("ArgMin", {distances}, {{"axis", std::int64_t{1}}, {"keepdims", std::int64_t{0}}});
    return out;
}

}  // namespace

std::vector<OnnxWriter> kmeans_onnx_writers() {
    const char* doc = "squared distances to the centers in double; the nearest by ArgMin";
    return {{"kmeans", {}, doc, write_kmeans}, {"minibatch_kmeans", {}, doc, write_kmeans}};
}

}  // namespace hone::exporting
