#pragma once
// The ONNX writers of model families, by algorithm name (the catalog's name,
// as the manifest records it). A writer adds the nodes of one fitted model:
// from the preprocessed features (float [N, F], what the estimator's predict()
// gets) to what hone predicts, named in WrittenModel; export_onnx (onnx.hpp)
// makes the graph's outputs from that, the same way for every family.
//
// Adding a family (trees, SVM, MLP, ...):
//  1. write export/onnx_<family>.cpp defining
//       std::vector<OnnxWriter> <family>_onnx_writers();
//     one entry per algorithm name, each reading the fitted parameters through
//     const accessors of the estimator (declared in the models/ headers; no
//     ONNX in models/);
//  2. declare that function below and add it to the list in onnx_writers.cpp
//     (its one registration), and the file to src/export/CMakeLists.txt;
//  3. add its cases to tests/export/test_onnx_export.cpp and its section to
//     docs/export.md.
// Writers compute as hone does (double where hone uses double) so that labels
// are identical and numbers equal within float rounding; docs/export.md says
// per algorithm which operators they use.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/registry.hpp"
#include "export/onnx_graph.hpp"
#include "models/estimator.hpp"

namespace hone::exporting {

// What a writer gets: the fitted estimator, the artifact's manifest and the
// feature tensor.
struct ModelSource {
    const models::Estimator& estimator;
    const nlohmann::ordered_json& manifest;
    std::string features;       // float [N, F]
    std::size_t feature_count;  // F
    std::size_t class_count;    // classification: the manifest's classes; else 0
};

// What a writer made, by task (tensor names; empty = none):
//  - classification: `index`, int64 [N], the predicted class as an index into
//    the manifest's classes; `probabilities`, double [N, class_count] in that
//    order, when the estimator has_proba();
//  - regression: `value`, double [N, 1];
//  - clustering: `index`, int64 [N], the cluster.
struct WrittenModel {
    std::string index;
    std::string probabilities;
    std::string value;
};

using WriteModel = std::function<WrittenModel(GraphBuilder&, const ModelSource&)>;
using OnnxWriter = Registered<WriteModel>;

// Probabilities of the classes a fit saw (double [N, classes.size()], column c
// = hone's class index classes[c]) as double [N, k] in hone's class order: a
// MatMul with a 0/1 matrix (exact: every other term is 0), classes absent from
// the fit at 0; `present` itself when classes is 0..k-1.
std::string spread_classes(GraphBuilder& g, const std::string& present, const std::vector<int>& classes,
                           std::size_t k);

// Every writer, from the families' lists.
const Registry<OnnxWriter>& onnx_writers();

// The families' lists (one file each).
std::vector<OnnxWriter> linear_onnx_writers();  // onnx_linear.cpp: logistic_regression, linear_svc, linear_svr,
                                                // linear_regression, ridge
std::vector<OnnxWriter> kmeans_onnx_writers();  // onnx_kmeans.cpp: kmeans, minibatch_kmeans
std::vector<OnnxWriter> tree_onnx_writers();    // onnx_trees.cpp: xgboost, gradient_boosting, lightgbm,
                                                // random_forest, decision_tree
std::vector<OnnxWriter> svm_onnx_writers();     // onnx_svm.cpp: svc, svr
std::vector<OnnxWriter> mlp_onnx_writers();     // onnx_mlp.cpp: mlp

}  // namespace hone::exporting
