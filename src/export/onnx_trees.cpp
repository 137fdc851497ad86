// The tree algorithms (models/xgboost/: xgboost, gradient_boosting, lightgbm,
// random_forest, decision_tree) as ONNX, from the trees hone predicts with
// (TreeEnsemble: after early stopping, only rounds 0..best_iteration).
//
// Exactness: hone adds, per output, the base margin and then each tree's leaf
// in float, in model order (XGBoost's sum, bit for bit). ONNX Runtime's
// TreeEnsembleRegressor sums in its own order (trees split across threads,
// base_values added last), so the writer asks it for one target per tree:
//  - TreeEnsembleRegressor (ai.onnx.ml 3) with n_targets = trees, each tree's
//    leaves weighted on its own target: [N, trees] float, each value one leaf
//    exactly (0 + leaf). Splits are BRANCH_LT on the float32 thresholds XGBoost
//    holds (x < threshold is the true branch, the left child), and NaN follows
//    the tree's default direction (nodes_missing_value_tracks_true = default_left);
//  - per output, its base margin plus the leaves of its trees, one Gather +
//    Add per tree in model order, in float: the margins are hone's bit for
//    bit; the outputs' columns are concatenated;
//  - the objective's transform: XGBoost's float sigmoid (binary log-odds, see
//    float_sigmoid), Softmax in double (multi-class log-odds; hone's is in
//    float), class shares clipped to [0, 1] or renormalized in double (forests
//    and trees, as hone); ArgMax of the probabilities picks the class (the
//    first of equal ones, as hone).
#include "common/error.hpp"
#include "export/onnx_writers.hpp"
#include "models/xgboost/booster_estimator.hpp"

namespace hone::exporting {
namespace {

using Ensemble = models::xgb::TreeEnsemble;

// The TreeEnsembleRegressor attributes of every tree, one target per tree.
struct TreeAttributes {
    std::vector<std::int64_t> tree_ids, node_ids, feature_ids, true_ids, false_ids, missing_true;
    std::vector<std::string> modes;
    std::vector<float> values;
    std::vector<std::int64_t> target_tree_ids, target_node_ids, target_ids;
    std::vector<float> target_weights;

    // Tree `t`'s nodes [begin, end) of the ensemble; node ids count from its root.
    void add_tree(const Ensemble& e, std::int64_t t, std::int32_t begin, std::int32_t end) {
        for (std::int32_t i = begin; i < end; ++i) {
            const Ensemble::NodeView v = e.node(i);
            const std::int64_t id = i - begin;
            tree_ids.push_back(t);
            node_ids.push_back(id);
            feature_ids.push_back(static_cast<std::int64_t>(v.feature));
            modes.emplace_back(v.is_leaf ? "LEAF" : "BRANCH_LT");
            values.push_back(v.is_leaf ? 0.0f : v.condition);
            true_ids.push_back(v.is_leaf ? 0 : v.left - begin);
            false_ids.push_back(v.is_leaf ? 0 : v.right - begin);
            missing_true.push_back(v.missing_left ? 1 : 0);
            if (!v.is_leaf) continue;
            target_tree_ids.push_back(t);
            target_node_ids.push_back(id);
            target_ids.push_back(t);
            target_weights.push_back(v.leaf);
        }
    }
};

// Each tree's leaf for each row: float [N, trees].
std::string tree_leaves(GraphBuilder& g, const Ensemble& e, const std::string& features) {
    TreeAttributes a;
    const std::size_t trees = e.trees();
    for (std::size_t t = 0; t < trees; ++t) {
        const std::int32_t end = t + 1 < trees ? e.root(t + 1) : static_cast<std::int32_t>(e.node_count());
        a.add_tree(e, static_cast<std::int64_t>(t), e.root(t), end);
    }
    return g.node("TreeEnsembleRegressor", {features},
                  {{"n_targets", static_cast<std::int64_t>(trees)},
                   {"aggregate_function", std::string("SUM")},
                   {"post_transform", std::string("NONE")},
                   {"nodes_treeids", a.tree_ids},
                   {"nodes_nodeids", a.node_ids},
                   {"nodes_featureids", a.feature_ids},
                   {"nodes_modes", a.modes},
                   {"nodes_values", a.values},
                   {"nodes_truenodeids", a.true_ids},
                   {"nodes_falsenodeids", a.false_ids},
                   {"nodes_missing_value_tracks_true", a.missing_true},
                   {"target_treeids", a.target_tree_ids},
                   {"target_nodeids", a.target_node_ids},
                   {"target_ids", a.target_ids},
                   {"target_weights", a.target_weights}},
                  g.fresh("tree_leaves"), ml_domain);
}

std::string as_float(GraphBuilder& g, const std::string& stem, const std::vector<double>& values,
                     const std::vector<std::int64_t>& shape) {
    return g.node("Cast", {g.constant(stem, values, shape)}, {{"to", std::int64_t{float32}}});
}

// The margins, float [N, outputs]: per output, its base margin, then the leaf
// of each of its trees added in model order, in float, as hone adds them.
std::string margins(GraphBuilder& g, const Ensemble& e, const std::string& leaves) {
    const std::size_t k = e.outputs();
    std::vector<std::string> sums(k);
    for (std::size_t t = 0; t < e.trees(); ++t) {
        std::string& sum = sums[e.output_of(t)];
        if (sum.empty()) sum = as_float(g, "base_margin", {static_cast<double>(e.base_margin())}, {});
        std::string tree = g.constant("tree", std::vector<std::int64_t>{static_cast<std::int64_t>(t)}, {});
        sum = g.node("Add", {sum, g.node("Gather", {leaves, tree}, {{"axis", std::int64_t{1}}})});
    }
    std::vector<std::string> columns;
    const std::string axis = g.constant("axis", std::vector<std::int64_t>{1}, {1});
    for (std::size_t c = 0; c < k; ++c) {
        if (sums[c].empty())
            throw Error(ErrorKind::internal, "export_failed", "output " + std::to_string(c) + " has no trees");
        columns.push_back(g.node("Unsqueeze", {sums[c], axis}));
    }
    return k == 1 ? columns[0] : g.node("Concat", columns, {{"axis", std::int64_t{1}}});
}

// [1 - p, p] from p, double [N, 1].
std::string two_classes(GraphBuilder& g, const std::string& p) {
    std::string p0 = g.node("Sub", {g.constant("one", std::vector<double>{1.0}, {}), p});
    return g.node("Concat", {p0, p}, {{"axis", std::int64_t{1}}});
}

// XGBoost's float sigmoid of the margins m (float [N, 1]), as hone computes
// it: 1 / (expf(min(-m, 88.7)) + 1), then in double [N, 1]. The exponential is
// taken in double and rounded to float (glibc's expf is correctly rounded but
// in rare halfway cases); the rest are IEEE float operations, as in hone. So
// 1 - p is hone's too: near p = 1 it is a difference of floats, which a double
// sigmoid would not reproduce within 1e-5 relative.
std::string float_sigmoid(GraphBuilder& g, const std::string& m) {
    std::string clamped = g.node("Min", {g.node("Neg", {m}), as_float(g, "exp_limit", {double{88.7f}}, {})});
    std::string wide = g.node("Cast", {clamped}, {{"to", std::int64_t{float64}}});
    std::string e = g.node("Cast", {g.node("Exp", {wide})}, {{"to", std::int64_t{float32}}});
    std::string one = as_float(g, "one", {1.0}, {});
    std::string p = g.node("Div", {one, g.node("Add", {e, one})});
    return g.node("Cast", {p}, {{"to", std::int64_t{float64}}});
}

// Class shares of forests and trees (squared error on class indicators): one
// output clipped to [0, 1] for two classes; else the shares below 0 raised to
// 0 and the row divided by its sum (1/k each when the sum is 0), as hone.
std::string class_shares(GraphBuilder& g, const std::string& d, std::size_t k) {
    if (k == 1)
        return two_classes(g, g.node("Clip", {d, g.constant("zero", std::vector<double>{0.0}, {}),
                                              g.constant("one", std::vector<double>{1.0}, {})}));
    std::string positive = g.node("Relu", {d});
    std::string sum = g.node("ReduceSum", {positive, g.constant("axis", std::vector<std::int64_t>{1}, {1})},
                             {{"keepdims", std::int64_t{1}}});
    std::string empty = g.node("Equal", {sum, g.constant("zero", std::vector<double>{0.0}, {})});
    std::string uniform = g.constant("uniform", std::vector<double>{1.0 / static_cast<double>(k)}, {});
    return g.node("Where", {empty, uniform, g.node("Div", {positive, sum})});
}

const Ensemble& ensemble_of(const ModelSource& m, const std::string& algorithm) {
    const auto* booster = dynamic_cast<const models::xgb::BoosterEstimator*>(&m.estimator);
    if (!booster) throw Error(ErrorKind::internal, "export_failed", "the " + algorithm + " model is not a tree model");
    const Ensemble* e = booster->ensemble();
    if (!e)
        throw Error(ErrorKind::validation, "not_exportable",
                    "the " + algorithm + " model uses XGBoost features hone's tree reader does not translate", {},
                    "retrain the model with this version of hone");
    if (e->features() != m.feature_count)
        throw Error(ErrorKind::data, "export_failed",
                    "the " + algorithm + " model has " + std::to_string(e->features()) +
                        " features and its preprocessing makes " + std::to_string(m.feature_count));
    if (e->trees() == 0)
        throw Error(ErrorKind::internal, "export_failed", "the " + algorithm + " model has no trees");
    return *e;
}

WrittenModel write_trees(GraphBuilder& g, const ModelSource& m) {
    const std::string algorithm = m.manifest.value("algorithm", std::string());
    const Ensemble& e = ensemble_of(m, algorithm);
    const std::size_t k = e.outputs();
    std::string margin = margins(g, e, tree_leaves(g, e, m.features));
    std::string d = g.node("Cast", {margin}, {{"to", std::int64_t{float64}}});
    if (m.class_count == 0) return WrittenModel{.value = d};
    if (k != (m.class_count == 2 ? 1 : m.class_count))
        throw Error(ErrorKind::internal, "export_failed",
                    "the " + algorithm + " model has " + std::to_string(k) + " outputs for " +
                        std::to_string(m.class_count) + " classes");
    WrittenModel out;
    switch (e.transform()) {
        case Ensemble::Transform::sigmoid: out.probabilities = two_classes(g, float_sigmoid(g, margin)); break;
        case Ensemble::Transform::softmax:
            out.probabilities = g.node("Softmax", {d}, {{"axis", std::int64_t{1}}});
            break;
        case Ensemble::Transform::identity: out.probabilities = class_shares(g, d, k); break;
    }
    out.index = g.node("ArgMax", {out.probabilities}, {{"axis", std::int64_t{1}}, {"keepdims", std::int64_t{0}}});
    return out;
}

OnnxWriter writer(std::string name, std::string doc) { return {std::move(name), {}, std::move(doc), write_trees}; }

}  // namespace

std::vector<OnnxWriter> tree_onnx_writers() {
    const std::string how = "TreeEnsembleRegressor leaves summed in float in model order; ";
    return {
        writer("xgboost", how + "Sigmoid or Softmax in double"),
        writer("gradient_boosting", how + "Sigmoid or Softmax in double"),
        writer("lightgbm", how + "Sigmoid or Softmax in double"),
        writer("random_forest", how + "class shares clipped or renormalized in double"),
        writer("decision_tree", how + "class shares clipped or renormalized in double"),
    };
}

}  // namespace hone::exporting
