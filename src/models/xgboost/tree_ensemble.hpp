#pragma once
// XGBoost's tree models evaluated natively: the same numbers as XGBoost 1.7's CPU
// predictor (in-place prediction, output type 0 "value"), bit for bit, without its
// per-call cost (about 60 us a call: parsing the call's JSON configuration, building
// an adapter, thread setup), which dominates when a server predicts one row.
//
// Bit-identity holds because every float operation is XGBoost's own, in its order:
// each output starts at the base margin (base_score through the objective's
// ProbToMargin), leaves are added in float one tree at a time in model order
// (out[row * outputs + tree_info[tree]] += leaf), a split sends `x < condition` left
// and NaN (missing) to its default child, and the objective's transform (sigmoid,
// softmax, identity) is computed in float exactly as XGBoost 1.7.4 computes it.
// Leaf values and split conditions are read from the model's JSON text straight into
// floats (one rounding, from the text XGBoost wrote from its floats), so the model is
// the one XGBoost holds.
//
// What is supported is what hone trains: the gbtree booster with numerical splits
// and scalar leaves, and the objectives binary:logistic, multi:softprob and
// reg:squarederror (one or several targets). from_json() declines anything else, and
// the caller keeps using XGBoost.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace hone::models::xgb {

class TreeEnsemble {
public:
    enum class Transform { identity, sigmoid, softmax };

    // XGBoost's JSON model (XGBoosterSaveModelToBuffer with {"format": "json"}, or a
    // model .json file). nullopt for text that is not such a model and for models
    // using anything unsupported (see above): categorical splits, vector leaves, a
    // booster other than gbtree (dart, gblinear), another objective.
    static std::optional<TreeEnsemble> from_json(std::string_view model);

    // `rows` x `cols` row-major features, NaN = missing; `cols` must be features().
    // Writes rows x outputs() values, row-major: what XGBoost's in-place prediction
    // returns (probabilities for the logistic and softmax objectives). Thread-safe:
    // const and without shared scratch state.
    void predict(const float* x, std::size_t rows, std::size_t cols, float* out) const;

    // Values per row: num_class for multi:softprob, num_target for squared error
    // (class indicators), else 1.
    std::size_t outputs() const { return outputs_; }
    // Features the model was trained on (input columns).
    std::size_t features() const { return features_; }
    std::size_t trees() const { return roots_.size(); }
    // What every output starts from: base_score in margin space.
    float base_margin() const { return base_margin_; }
    Transform transform() const { return transform_; }

    // The fitted trees, read-only, for writers that translate the model (ONNX).
    // Node indices are global over all trees; a tree's nodes are contiguous,
    // from its root() to the next tree's root (or node_count()).
    struct NodeView {
        bool is_leaf = false;
        std::size_t feature = 0;        // splits: the input column compared
        bool missing_left = false;      // splits: NaN goes left (XGBoost's default_left)
        float condition = 0;            // splits: x < condition goes left
        std::int32_t left = 0, right = 0;  // splits: the children's indices
        float leaf = 0;                 // leaves: the value added to the tree's output
    };
    std::int32_t root(std::size_t tree) const { return roots_[tree]; }
    // The output (class) tree `tree` adds its leaf to.
    std::size_t output_of(std::size_t tree) const { return tree_info_[tree]; }
    std::size_t node_count() const { return nodes_.size(); }
    NodeView node(std::int32_t index) const;

private:
    // One node, 16 bytes, all trees in one array. Nodes are renumbered breadth first
    // per tree, a node's two children next to each other: the right child is always
    // left + 1, and a step is `left + !(v < condition)`, one comparison, no branch.
    //
    // Missing values: a walk reads a widened row of 2 * features() values, the row
    // as given (NaN stays NaN, which goes right: it is less than nothing) and then the
    // row with NaN replaced by -inf (which goes left: every split condition is
    // greater; from_json declines a model with a -inf or NaN condition). A split whose
    // missing values go left (XGBoost's default_left) reads the second half:
    // `feature` is the split feature plus features() there.
    //
    // A leaf steps onto itself (condition NaN, so it goes "right", to left + 1 = its
    // own index), so walks that reached their leaves can keep stepping while others
    // go on: several walks run in lockstep (see walk() in the .cpp).
    struct Node {
        float condition = 0;        // split nodes: x < condition goes left; leaves: NaN
        std::uint32_t feature = 0;  // index in the widened row (see above); leaves: 0
        std::int32_t left = 0;      // index in nodes_ of the left child (the right one is next)
        float leaf = 0;             // leaves: the leaf value
    };

    // Moves a walk at node `at` one node down for the widened row; false when `at`
    // is a leaf (it stays).
    static bool step(const Node* nodes, std::int32_t& at, const float* wide);
    // `wide`: 2 * features() values per row (see Node), written from the row.
    void widen(const float* row, float* wide) const;
    void predict_one(const float* wide, float* out) const;
    void predict_block(const float* x, std::size_t rows, float* out) const;
    void apply_transform(float* out, std::size_t rows) const;

    std::vector<Node> nodes_;
    std::vector<std::int32_t> roots_;        // per tree, its root's index in nodes_
    std::vector<std::uint32_t> tree_info_;   // per tree, the output it adds to
    std::size_t outputs_ = 1;
    std::size_t features_ = 0;
    float base_margin_ = 0;
    Transform transform_ = Transform::identity;
};

}  // namespace hone::models::xgb
