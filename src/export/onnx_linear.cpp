// The linear models (models/linear/) as ONNX: the scores x . coef + intercept
// in double (MatMul, Add), as hone computes them, then the model's link:
//  - identity (linear_svr, linear_regression, ridge): the score is the value;
//  - sign / logistic (two classes, one vector): Greater than 0 picks the class,
//    Sigmoid and 1 - Sigmoid are the probabilities;
//  - argmax / softmax / ovr (a vector per class): ArgMax picks the class (the
//    first of equal scores, as hone), Softmax or the Sigmoids divided by their
//    ReduceSum are the probabilities.
// Probabilities of the classes the fit saw are spread into the manifest's
// class order by a MatMul with a 0/1 matrix (exact: every other term is 0);
// classes absent from the fit get 0.
#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/linear/linear_estimators.hpp"

namespace hone::exporting {
namespace {

using Link = models::LinearWeights::Link;

std::string scores(GraphBuilder& g, const models::LinearWeights& w, const std::string& features) {
    const auto f = static_cast<std::int64_t>(w.features), v = static_cast<std::int64_t>(w.vectors);
    std::string x = g.node("Cast", {features}, {{"to", std::int64_t{float64}}});
    std::string product = g.node("MatMul", {x, g.constant("coefficients", w.coef, {f, v})});
    return g.node("Add", {product, g.constant("intercepts", w.intercept, {v})}, {}, g.fresh("scores"));
}

// The class index of each row's vector `position` (int64 [N]).
std::string class_of(GraphBuilder& g, const std::string& position, const std::vector<int>& classes) {
    std::vector<std::int64_t> index(classes.begin(), classes.end());
    return g.node("Gather", {g.constant("classes", index, {static_cast<std::int64_t>(index.size())}), position});
}

// Two classes on one score: classes[1] when it is > 0.
WrittenModel two_classes(GraphBuilder& g, const models::LinearWeights& w, const std::string& s, std::size_t k) {
    WrittenModel out;
    std::string positive = g.node("Greater", {s, g.constant("zero", std::vector<double>{0.0}, {})});
    std::string position = g.node("Cast", {positive}, {{"to", std::int64_t{int64}}});
    std::string flat = g.node("Reshape", {position, g.constant("rows", std::vector<std::int64_t>{-1}, {1})});
    out.index = class_of(g, flat, w.classes);
    if (w.link == Link::logistic) {
        std::string p1 = g.node("Sigmoid", {s});
        std::string p0 = g.node("Sub", {g.constant("one", std::vector<double>{1.0}, {}), p1});
        std::string both = g.node("Concat", {p0, p1}, {{"axis", std::int64_t{1}}});
        out.probabilities = spread_classes(g, both, w.classes, k);
    }
    return out;
}

// A vector per class: the first highest score.
WrittenModel many_classes(GraphBuilder& g, const models::LinearWeights& w, const std::string& s, std::size_t k) {
    WrittenModel out;
    std::string best = g.node("ArgMax", {s}, {{"axis", std::int64_t{1}}, {"keepdims", std::int64_t{0}}});
    out.index = class_of(g, best, w.classes);
    std::string present;
    if (w.link == Link::softmax) {
        present = g.node("Softmax", {s}, {{"axis", std::int64_t{1}}});
    } else if (w.link == Link::ovr) {
        std::string sigmoids = g.node("Sigmoid", {s});
        std::string sum = g.node("ReduceSum", {sigmoids, g.constant("axis", std::vector<std::int64_t>{1}, {1})},
                                 {{"keepdims", std::int64_t{1}}});
        present = g.node("Div", {sigmoids, sum});
    }
    if (!present.empty()) out.probabilities = spread_classes(g, present, w.classes, k);
    return out;
}

WrittenModel write_linear(GraphBuilder& g, const ModelSource& m) {
    const std::string algorithm = m.manifest.value("algorithm", std::string());
    auto w = models::linear_weights(m.estimator);
    if (!w) throw Error(ErrorKind::internal, "export_failed", "the " + algorithm + " model is not a linear model");
    if (w->features != m.feature_count)
        throw Error(ErrorKind::data, "export_failed",
                    "the " + algorithm + " model has " + std::to_string(w->features) +
                        " features and its preprocessing makes " + std::to_string(m.feature_count));
    std::string s = scores(g, *w, m.features);
    switch (w->link) {
        case Link::identity: return WrittenModel{.value = s};
        case Link::sign:
        case Link::logistic: return two_classes(g, *w, s, m.class_count);
        case Link::argmax:
        case Link::softmax:
        case Link::ovr: return many_classes(g, *w, s, m.class_count);
    }
    return {};
}

OnnxWriter writer(std::string name, std::string doc) { return {std::move(name), {}, std::move(doc), write_linear}; }

}  // namespace

std::vector<OnnxWriter> linear_onnx_writers() {
    return {
        writer("logistic_regression", "scores by MatMul in double; Sigmoid, Softmax or normalized Sigmoids"),
        writer("linear_svc", "scores by MatMul in double; the class by sign or ArgMax, no probabilities"),
        writer("linear_svr", "the value by MatMul in double"),
        writer("linear_regression", "the value by MatMul in double"),
        writer("ridge", "the value by MatMul in double"),
    };
}

}  // namespace hone::exporting
