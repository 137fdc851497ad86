// The kernel SVMs (models/svm/, LIBSVM) as ai.onnx.ml SVMClassifier and
// SVMRegressor, with LIBSVM's fitted numbers as attributes (libsvm_model()):
//  - ONNX Runtime adds rho where LIBSVM subtracts it, so rho is negated; the
//    coefficients are LIBSVM's sv_coef in its layout ([classes - 1, vectors]);
//  - the classes are hone's class indices in LIBSVM's order (first seen in
//    training), so ONNX Runtime's vote (pair (i, j): > 0 votes i; the first
//    class with most votes, also when it has probabilities) is LIBSVM's and
//    its label is the class index hone predicts;
//  - an svc with probabilities is not exported (write_svc says why).
// ONNX Runtime computes in float32 (docs/export.md says what that limits).
#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/svm/libsvm_estimator.hpp"

namespace hone::exporting {
namespace {

using models::LibsvmModel;

std::vector<float> as_floats(const std::vector<double>& values) { return {values.begin(), values.end()}; }

std::vector<float> negated(const std::vector<double>& values) {
    std::vector<float> out;
    for (double v : values) out.push_back(static_cast<float>(-v));
    return out;
}

std::string kernel_name(LibsvmModel::Kernel kernel) {
    switch (kernel) {
        case LibsvmModel::Kernel::linear: return "LINEAR";
        case LibsvmModel::Kernel::poly: return "POLY";
        case LibsvmModel::Kernel::sigmoid: return "SIGMOID";
        case LibsvmModel::Kernel::rbf: return "RBF";
    }
    return "RBF";
}

// The attributes SVMClassifier and SVMRegressor share.
std::vector<Attribute> kernel_attributes(const LibsvmModel& m) {
    return {
        {"kernel_type", kernel_name(m.kernel)},
        {"kernel_params", std::vector<float>{static_cast<float>(m.gamma), static_cast<float>(m.coef0),
                                             static_cast<float>(m.degree)}},
        {"support_vectors", as_floats(m.support_vectors)},
        {"coefficients", as_floats(m.coefficients)},
        {"rho", negated(m.rho)},
        {"post_transform", std::string("NONE")},
    };
}

LibsvmModel fitted_model(const ModelSource& source) {
    const std::string algorithm = source.manifest.value("algorithm", std::string());
    auto m = models::libsvm_model(source.estimator);
    if (!m) throw Error(ErrorKind::internal, "export_failed", "the " + algorithm + " model is not a LIBSVM model");
    if (m->features != source.feature_count)
        throw Error(ErrorKind::data, "export_failed",
                    "the " + algorithm + " model has " + std::to_string(m->features) +
                        " features and its preprocessing makes " + std::to_string(source.feature_count));
    return *m;
}

WrittenModel write_svc(GraphBuilder& g, const ModelSource& source) {
    const LibsvmModel m = fitted_model(source);
    std::vector<Attribute> attributes = kernel_attributes(m);
    attributes.push_back({"classlabels_ints", std::vector<std::int64_t>(m.classes.begin(), m.classes.end())});
    attributes.push_back(
        {"vectors_per_class", std::vector<std::int64_t>(m.vectors_per_class.begin(), m.vectors_per_class.end())});
    // ONNX Runtime's SVMClassifier couples the pairs' Platt probabilities by
    // its own iteration in float32, even for two classes where LIBSVM takes
    // Platt's sigmoid as it is: measured, its probabilities are up to 1e-3 off
    // hone's. Until the graph computes them as LIBSVM does, an SVC with
    // probabilities is not exported rather than exported wrong.
    if (!m.prob_a.empty())
        throw Error(ErrorKind::validation, "not_exportable",
                    "an svc trained with probability: true has no ONNX export yet: ONNX Runtime's SVMClassifier "
                    "computes other probabilities than LIBSVM's (up to 1e-3 apart)",
                    {}, "export the svc trained with probability: false (the same labels), or move the model to "
                        "another hone with --format bundle");
    auto outputs = g.node_outputs("SVMClassifier", {source.features}, attributes, 2, ml_domain);
    return WrittenModel{.index = outputs[0]};
}

WrittenModel write_svr(GraphBuilder& g, const ModelSource& source) {
    const LibsvmModel m = fitted_model(source);
    std::vector<Attribute> attributes = kernel_attributes(m);
    attributes.push_back({"n_supports", static_cast<std::int64_t>(m.vectors)});
    std::string value = g.node("SVMRegressor", {source.features}, attributes, "", ml_domain);
    return WrittenModel{.value = g.node("Cast", {value}, {{"to", std::int64_t{float64}}})};
}

}  // namespace

std::vector<OnnxWriter> svm_onnx_writers() {
    return {
        {"svc", {}, "ai.onnx.ml SVMClassifier (float32): LIBSVM's vote; Platt and pairwise coupling", write_svc},
        {"svr", {}, "ai.onnx.ml SVMRegressor (float32)", write_svr},
    };
}

}  // namespace hone::exporting
