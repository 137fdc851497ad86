// The kernel SVMs (models/svm/, LIBSVM) as standard ONNX operators in double,
// from LIBSVM's fitted numbers (libsvm_model()), computing what hone's
// svm_predict, svm_predict_values and svm_predict_probability compute:
//  - the kernel of every row with every support vector, in double, shared by
//    svc and svr (kernel_values);
//  - svr: the value = the kernel values by the coefficients, minus rho;
//  - svc: a decision value per pair (i, j) of classes, LIBSVM's vote on them
//    (> 0 votes i, else j; the first class with most votes), which is hone's
//    label also when the model has probabilities; with probabilities, Platt's
//    sigmoid of each pair and, for three classes or more, LIBSVM's pairwise
//    coupling (multiclass_probability) as a Loop (add_coupling).
// Not ai.onnx.ml's SVMClassifier and SVMRegressor: ONNX Runtime computes them
// in float32, so svr values near 0 were off by more than 1e-5 of themselves,
// and couples the probabilities by its own iteration, up to 1e-3 from LIBSVM's.
#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/svm/libsvm_estimator.hpp"

namespace hone::exporting {
namespace {

using models::LibsvmModel;

std::string scalar(GraphBuilder& g, const std::string& stem, double value) {
    return g.constant(stem, std::vector<double>{value}, {});
}

std::string indices(GraphBuilder& g, const std::string& stem, const std::vector<std::int64_t>& values) {
    return g.constant(stem, values, {static_cast<std::int64_t>(values.size())});
}

// Column `c` of a [N, C] tensor as [N, 1].
std::string column(GraphBuilder& g, const std::string& tensor, std::size_t c) {
    return g.node("Gather", {tensor, indices(g, "column", {static_cast<std::int64_t>(c)})},
                  {{"axis", std::int64_t{1}}});
}

// base^degree as LIBSVM's powi computes it (square and multiply, in that
// order), so that the poly kernel rounds as LIBSVM's.
std::string powi(GraphBuilder& g, const std::string& base, int degree) {
    if (degree <= 0) {
        std::string shape = g.node("Shape", {base});
        return g.node("Expand", {scalar(g, "one", 1.0), shape});
    }
    std::string power, square = base;
    for (int t = degree; t > 0; t /= 2) {
        if (t % 2 == 1) power = power.empty() ? square : g.node("Mul", {power, square});
        if (t > 1) square = g.node("Mul", {square, square});
    }
    return power;
}

// |x - sv|^2 as |x|^2 + |sv|^2 - 2 x.sv (never below 0): [N, S] like the
// dot products rather than the [N, S, features] of the differences. Its
// rounding is of |x|^2 + |sv|^2 (about 1e-16 of that), not of the distance.
std::string squared_distances(GraphBuilder& g, const LibsvmModel& m, const std::string& x, const std::string& dot) {
    const auto vectors = static_cast<std::int64_t>(m.vectors);
    std::vector<double> sv_norms(m.vectors, 0.0);
    for (std::size_t v = 0; v < m.vectors; ++v)
        for (std::size_t f = 0; f < m.features; ++f)
            sv_norms[v] += m.support_vectors[v * m.features + f] * m.support_vectors[v * m.features + f];
    std::string x_norms = g.node("ReduceSum", {g.node("Mul", {x, x}), indices(g, "axis", {1})},
                                 {{"keepdims", std::int64_t{1}}});
    std::string norms = g.node("Add", {x_norms, g.constant("sv_norms", sv_norms, {1, vectors})});
    // 2 as a row, not a scalar, for the reason of gamma's (kernel_values).
    const std::string two = g.constant("two", std::vector<double>(m.vectors, 2.0), {1, vectors});
    std::string distances = g.node("Sub", {norms, g.node("Mul", {dot, two})});
    return g.node("Max", {distances, scalar(g, "zero", 0.0)});
}

// K(x, sv) of every row with every support vector, double [N, S], as
// LIBSVM's k_function: linear x.sv; poly (gamma x.sv + coef0)^degree; rbf
// exp(-gamma |x - sv|^2); sigmoid tanh(gamma x.sv + coef0).
std::string kernel_values(GraphBuilder& g, const LibsvmModel& m, const std::string& features) {
    const auto f = static_cast<std::int64_t>(m.features), s = static_cast<std::int64_t>(m.vectors);
    std::vector<double> transposed(m.support_vectors.size());
    for (std::size_t v = 0; v < m.vectors; ++v)
        for (std::size_t c = 0; c < m.features; ++c)
            transposed[c * m.vectors + v] = m.support_vectors[v * m.features + c];
    std::string x = g.node("Cast", {features}, {{"to", std::int64_t{float64}}});
    std::string dot = g.node("MatMul", {x, g.constant("support_vectors", transposed, {f, s})});
    // gamma as a [1, S] row, not a scalar: ONNX Runtime fuses a MatMul and a
    // Mul by a scalar constant into FusedMatMul, whose alpha is a float, which
    // measured moved svr values by 1e-5 of themselves.
    auto affine = [&] {
        std::string gamma = g.constant("gamma", std::vector<double>(m.vectors, m.gamma), {1, s});
        return g.node("Add", {g.node("Mul", {dot, gamma}), scalar(g, "coef0", m.coef0)});
    };
    switch (m.kernel) {
        case LibsvmModel::Kernel::linear: return dot;
        case LibsvmModel::Kernel::poly: return powi(g, affine(), m.degree);
        case LibsvmModel::Kernel::sigmoid: return g.node("Tanh", {affine()});
        case LibsvmModel::Kernel::rbf:
            return g.node("Exp", {g.node("Mul", {squared_distances(g, m, x, dot), scalar(g, "gamma", -m.gamma)})});
    }
    return dot;
}

// The pairs (i, j), i < j, of LIBSVM's classes in its order.
struct Pair {
    std::size_t i, j;
};
std::vector<Pair> pairs_of(std::size_t classes) {
    std::vector<Pair> pairs;
    for (std::size_t i = 0; i < classes; ++i)
        for (std::size_t j = i + 1; j < classes; ++j) pairs.push_back({i, j});
    return pairs;
}

// The decision value of every pair, double [N, pairs]: the kernel values by
// a [S, pairs] matrix holding, for pair (i, j), the coefficients of class i's
// vectors (row j - 1 of sv_coef) and of class j's (row i), minus rho.
std::string decision_values(GraphBuilder& g, const LibsvmModel& m, const std::string& kernel) {
    const std::size_t classes = m.classes.size();
    const std::vector<Pair> pairs = pairs_of(classes);
    std::vector<std::size_t> start(classes, 0);
    for (std::size_t c = 1; c < classes; ++c)
        start[c] = start[c - 1] + static_cast<std::size_t>(m.vectors_per_class[c - 1]);
    std::vector<double> weights(m.vectors * pairs.size(), 0.0);
    auto place = [&](std::size_t p, std::size_t of_class, std::size_t coefficient_row) {
        for (int v = 0; v < m.vectors_per_class[of_class]; ++v) {
            const std::size_t s = start[of_class] + static_cast<std::size_t>(v);
            weights[s * pairs.size() + p] = m.coefficients[coefficient_row * m.vectors + s];
        }
    };
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        place(p, pairs[p].i, pairs[p].j - 1);
        place(p, pairs[p].j, pairs[p].i);
    }
    const auto s = static_cast<std::int64_t>(m.vectors), n_pairs = static_cast<std::int64_t>(pairs.size());
    std::string sums = g.node("MatMul", {kernel, g.constant("pair_coefficients", weights, {s, n_pairs})});
    return g.node("Sub", {sums, g.constant("rho", m.rho, {n_pairs})});
}

// LIBSVM's vote: pair (i, j) votes i when its decision value is > 0, else j;
// the first class with the most votes (ArgMax takes the first), as hone's
// class index. The counts are small integers, exact in double.
std::string voted_class(GraphBuilder& g, const LibsvmModel& m, const std::string& decisions) {
    const std::size_t classes = m.classes.size();
    const std::vector<Pair> pairs = pairs_of(classes);
    std::vector<double> to_i(pairs.size() * classes, 0.0), to_j(pairs.size() * classes, 0.0);
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        to_i[p * classes + pairs[p].i] = 1.0;
        to_j[p * classes + pairs[p].j] = 1.0;
    }
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(pairs.size()),
                                             static_cast<std::int64_t>(classes)};
    std::string positive = g.node("Greater", {decisions, scalar(g, "zero", 0.0)});
    std::string for_i = g.node("Cast", {positive}, {{"to", std::int64_t{float64}}});
    std::string for_j = g.node("Sub", {scalar(g, "one", 1.0), for_i});
    std::string votes = g.node("Add", {g.node("MatMul", {for_i, g.constant("votes_i", to_i, shape)}),
                                       g.node("MatMul", {for_j, g.constant("votes_j", to_j, shape)})});
    std::string best = g.node("ArgMax", {votes}, {{"axis", std::int64_t{1}}, {"keepdims", std::int64_t{0}}});
    std::vector<std::int64_t> class_index(m.classes.begin(), m.classes.end());
    return g.node("Gather", {indices(g, "classes", class_index), best});
}

// Platt's probability that pair (i, j) is i, double [N, pairs], as LIBSVM's
// sigmoid_predict (its two forms, chosen by the sign of fApB, both exp of
// -|fApB|) clamped to [1e-7, 1 - 1e-7].
std::string platt_probabilities(GraphBuilder& g, const LibsvmModel& m, const std::string& decisions) {
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(m.prob_a.size())};
    std::string fApB = g.node("Add", {g.node("Mul", {decisions, g.constant("prob_a", m.prob_a, shape)}),
                                      g.constant("prob_b", m.prob_b, shape)});
    std::string e = g.node("Exp", {g.node("Neg", {g.node("Abs", {fApB})})});
    std::string one_plus_e = g.node("Add", {scalar(g, "one", 1.0), e});
    std::string sigmoid = g.node("Where", {g.node("GreaterOrEqual", {fApB, scalar(g, "zero", 0.0)}),
                                           g.node("Div", {e, one_plus_e}),
                                           g.node("Div", {scalar(g, "one", 1.0), one_plus_e})});
    constexpr double min_prob = 1e-7;
    std::string at_least = g.node("Max", {sigmoid, scalar(g, "min_prob", min_prob)});
    return g.node("Min", {at_least, scalar(g, "max_prob", 1 - min_prob)});
}

// LIBSVM's multiclass_probability couples the pairs' probabilities r (r[i][j]
// for i < j, r[j][i] = 1 - r[i][j]) into the classes' p, per row, through
// Q[t][t] = sum over j != t of r[j][t]^2, Q[t][j] = -r[j][t] r[t][j]: from
// p = 1/k, up to max(100, k) iterations, each of which first stops the row
// when max_t |(Qp)[t] - pQp| < 0.005 / k, else updates p[t], pQp and Qp for
// t = 0..k-1 in order. The graph does the same operations in the same order
// on [N, 1] and [N, k] tensors, in double.
struct CouplingMatrix {
    std::vector<std::string> rows;      // Q's row t, [N, k]; also its column t (Q is symmetric)
    std::vector<std::string> diagonal;  // Q[t][t], [N, 1]
};

CouplingMatrix coupling_matrix(GraphBuilder& g, std::size_t k, const std::string& upper, const std::string& lower) {
    std::vector<std::string> r(k * k), q(k * k);
    std::size_t p = 0;
    for (const Pair& pair : pairs_of(k)) {
        r[pair.i * k + pair.j] = column(g, upper, p);
        r[pair.j * k + pair.i] = column(g, lower, p++);
    }
    CouplingMatrix out;
    for (std::size_t t = 0; t < k; ++t) {
        std::string diagonal;  // LIBSVM adds the squares in the order of j
        for (std::size_t j = 0; j < k; ++j) {
            if (j == t) continue;
            std::string square = g.node("Mul", {r[j * k + t], r[j * k + t]});
            diagonal = diagonal.empty() ? square : g.node("Add", {diagonal, square});
            if (j > t) q[t * k + j] = q[j * k + t] = g.node("Neg", {g.node("Mul", {r[j * k + t], r[t * k + j]})});
        }
        q[t * k + t] = diagonal;
        out.diagonal.push_back(diagonal);
    }
    for (std::size_t t = 0; t < k; ++t) {
        std::vector<std::string> row(q.begin() + static_cast<std::ptrdiff_t>(t * k),
                                     q.begin() + static_cast<std::ptrdiff_t>((t + 1) * k));
        out.rows.push_back(g.node("Concat", row, {{"axis", std::int64_t{1}}}));
    }
    return out;
}

// One iteration's state: p [N, k], Qp [N, k], pQp [N, 1].
struct CouplingState {
    std::string p, qp, pqp;
};

// Qp and pQp of p, each sum in LIBSVM's order.
CouplingState products(GraphBuilder& b, const CouplingMatrix& q, std::size_t k, const std::string& p) {
    std::vector<std::string> p_columns;
    for (std::size_t j = 0; j < k; ++j) p_columns.push_back(column(b, p, j));
    std::string qp = b.node("Mul", {q.rows[0], p_columns[0]});
    for (std::size_t j = 1; j < k; ++j) qp = b.node("Add", {qp, b.node("Mul", {q.rows[j], p_columns[j]})});
    std::string pqp = b.node("Mul", {p_columns[0], column(b, qp, 0)});
    for (std::size_t t = 1; t < k; ++t) pqp = b.node("Add", {pqp, b.node("Mul", {p_columns[t], column(b, qp, t)})});
    return {p, qp, pqp};
}

// LIBSVM's updates for t = 0..k-1, in order (the t loop unrolled).
std::string updated_p(GraphBuilder& b, const CouplingMatrix& q, std::size_t k, CouplingState s) {
    const std::string one = scalar(b, "one", 1.0), two = scalar(b, "two", 2.0);
    for (std::size_t t = 0; t < k; ++t) {
        std::vector<double> unit(k, 0.0);
        unit[t] = 1.0;
        std::string qp_t = column(b, s.qp, t);
        std::string diff = b.node("Div", {b.node("Sub", {s.pqp, qp_t}), q.diagonal[t]});
        s.p = b.node("Add", {s.p, b.node("Mul", {diff, b.constant("unit", unit, {1, static_cast<std::int64_t>(k)})})});
        std::string one_plus_diff = b.node("Add", {one, diff});
        std::string inner = b.node("Add", {b.node("Mul", {diff, q.diagonal[t]}), b.node("Mul", {two, qp_t})});
        std::string pqp = b.node("Add", {s.pqp, b.node("Mul", {diff, inner})});
        s.pqp = b.node("Div", {b.node("Div", {pqp, one_plus_diff}), one_plus_diff});
        s.qp = b.node("Div", {b.node("Add", {s.qp, b.node("Mul", {diff, q.rows[t]})}), one_plus_diff});
        s.p = b.node("Div", {s.p, one_plus_diff});
    }
    return s.p;
}

// The Loop's body: (iteration, running, p, done) -> (running, p, done). A row
// is done from the iteration whose check stops it (done stays set, its p
// unchanged); the Loop ends when every row is done or after max_iter.
onnx::GraphProto coupling_body(GraphBuilder& g, const CouplingMatrix& q, std::size_t k) {
    onnx::GraphProto graph;
    graph.set_name("pairwise_coupling");
    GraphBuilder b = g.subgraph(graph);
    const auto classes = static_cast<std::int64_t>(k);
    b.fresh_input("iteration", int64, {}, "the iteration");
    b.fresh_input("running", boolean, {}, "whether a row is still iterating");
    const std::string p = b.fresh_input("p", float64, {-1, classes}, "the classes' probabilities so far");
    const std::string done_before = b.fresh_input("done", boolean, {-1, 1}, "the rows that stopped");
    CouplingState s = products(b, q, k, p);
    std::string error = b.node("ReduceMax", {b.node("Abs", {b.node("Sub", {s.qp, s.pqp})})},
                               {{"axes", std::vector<std::int64_t>{1}}, {"keepdims", std::int64_t{1}}});
    std::string stops = b.node("Less", {error, scalar(b, "eps", 0.005 / static_cast<double>(k))});
    std::string done = b.node("Or", {done_before, stops});
    std::string next = b.node("Where", {done, p, updated_p(b, q, k, s)});
    std::string left = b.node("Cast", {b.node("Not", {done})}, {{"to", std::int64_t{int64}}});
    std::string running = b.node("Greater", {b.node("ReduceSum", {left}, {{"keepdims", std::int64_t{0}}}),
                                             b.constant("none", std::vector<std::int64_t>{0}, {})});
    b.output(running, boolean, {}, "whether a row is still iterating");
    b.output(next, float64, {-1, classes}, "the classes' probabilities");
    b.output(done, boolean, {-1, 1}, "the rows that stopped");
    return graph;
}

// The classes' probabilities in LIBSVM's class order, double [N, k].
std::string add_coupling(GraphBuilder& g, std::size_t k, const std::string& upper, const std::string& lower) {
    const CouplingMatrix q = coupling_matrix(g, k, upper, lower);
    const auto classes = static_cast<std::int64_t>(k);
    const auto max_iter = std::max<std::int64_t>(100, classes);
    std::string start = g.constant("uniform", std::vector<double>(k, 1.0 / static_cast<double>(k)), {1, classes});
    std::string p = g.node("Expand", {start, g.node("Shape", {q.rows[0]})});
    std::string none = g.node("Cast", {g.constant("false", std::vector<std::int64_t>{0}, {1, 1})},
                              {{"to", std::int64_t{boolean}}});
    std::string done = g.node("Expand", {none, g.node("Shape", {q.diagonal[0]})});
    std::string run = g.node("Cast", {g.constant("true", std::vector<std::int64_t>{1}, {})},
                             {{"to", std::int64_t{boolean}}});
    std::string iterations = g.constant("max_iter", std::vector<std::int64_t>{max_iter}, {});
    auto outputs = g.node_outputs("Loop", {iterations, run, p, done}, {{"body", coupling_body(g, q, k)}}, 2);
    return outputs[0];
}

WrittenModel write_probabilities(GraphBuilder& g, const LibsvmModel& m, const std::string& decisions,
                                 const ModelSource& source) {
    std::string upper = platt_probabilities(g, m, decisions);  // r[i][j], i < j
    std::string lower = g.node("Sub", {scalar(g, "one", 1.0), upper});  // r[j][i] = 1 - r[i][j]
    // Two classes: LIBSVM takes the pair's probabilities as they are.
    std::string present = m.classes.size() == 2 ? g.node("Concat", {upper, lower}, {{"axis", std::int64_t{1}}})
                                                : add_coupling(g, m.classes.size(), upper, lower);
    return WrittenModel{.probabilities = spread_classes(g, present, m.classes, source.class_count)};
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
    if (m.classes.size() < 2)
        throw Error(ErrorKind::internal, "export_failed",
                    "the svc model has " + std::to_string(m.classes.size()) + " class; expected 2 or more");
    std::string decisions = decision_values(g, m, kernel_values(g, m, source.features));
    WrittenModel out;
    if (!m.prob_a.empty()) out = write_probabilities(g, m, decisions, source);
    out.index = voted_class(g, m, decisions);
    return out;
}

WrittenModel write_svr(GraphBuilder& g, const ModelSource& source) {
    const LibsvmModel m = fitted_model(source);
    const auto s = static_cast<std::int64_t>(m.vectors);
    std::string kernel = kernel_values(g, m, source.features);
    std::string sums = g.node("MatMul", {kernel, g.constant("coefficients", m.coefficients, {s, 1})});
    return WrittenModel{.value = g.node("Sub", {sums, g.constant("rho", m.rho, {1})})};
}

}  // namespace

std::vector<OnnxWriter> svm_onnx_writers() {
    return {
        {"svc", {}, "kernel and decision values in double (MatMul; Exp, Tanh or Mul by kernel); LIBSVM's vote; "
                    "probabilities: Platt's sigmoid and LIBSVM's pairwise coupling as a Loop", write_svc},
        {"svr", {}, "kernel values in double (MatMul; Exp, Tanh or Mul by kernel) by the coefficients", write_svr},
    };
}

}  // namespace hone::exporting
