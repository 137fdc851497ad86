#include "models/xgboost/tree_ensemble.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace hone::models::xgb {

namespace {

using nlohmann::json;

// nlohmann's DOM, except that every number with a fraction or exponent is read from
// its text straight into a float (stored exactly in the double). Reading a double
// first and narrowing it rounds twice, which can land on the other float.
class FloatDom final : public nlohmann::json_sax<json> {
public:
    json root;

    bool null() override { return add(nullptr); }
    bool boolean(bool v) override { return add(v); }
    bool number_integer(number_integer_t v) override { return add(v); }
    bool number_unsigned(number_unsigned_t v) override { return add(v); }
    bool number_float(number_float_t v, const string_t& text) override {
        float f = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
        if (ec != std::errc{} || end != text.data() + text.size()) f = static_cast<float>(v);
        return add(static_cast<double>(f));
    }
    bool string(string_t& v) override { return add(std::move(v)); }
    bool binary(binary_t& v) override { return add(json::binary(std::move(v))); }
    bool start_object(std::size_t) override {
        stack_.push_back(place(json::object()));
        return true;
    }
    bool key(string_t& k) override {
        slot_ = &(*stack_.back())[k];
        return true;
    }
    bool end_object() override {
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        stack_.push_back(place(json::array()));
        return true;
    }
    bool end_array() override {
        stack_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    // Containers on the stack stay put: their parent does not grow while they are open.
    json* place(json&& v) {
        if (stack_.empty()) {
            root = std::move(v);
            return &root;
        }
        json* top = stack_.back();
        if (top->is_array()) {
            top->push_back(std::move(v));
            return &top->back();
        }
        *slot_ = std::move(v);
        return slot_;
    }
    template <class T>
    bool add(T&& v) {
        place(json(std::forward<T>(v)));
        return true;
    }

    std::vector<json*> stack_;
    json* slot_ = nullptr;
};

// The model's JSON does not match what the reader expects: the caller falls back.
struct Unsupported {};

const json& field(const json& object, const char* name) {
    if (!object.is_object()) throw Unsupported{};
    auto it = object.find(name);
    if (it == object.end()) throw Unsupported{};
    return *it;
}

// XGBoost writes its parameters as strings ("num_class": "3") and tree arrays as numbers.
std::int64_t integer(const json& v) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        std::int64_t out = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc{} && end == s.data() + s.size()) return out;
    }
    throw Unsupported{};
}

std::int64_t integer_or(const json& object, const char* name, std::int64_t fallback) {
    auto it = object.find(name);
    return it == object.end() ? fallback : integer(*it);
}

// A float from a number (exact, see FloatDom) or from a parameter string ("5E-1").
float real(const json& v) {
    if (v.is_number()) return static_cast<float>(v.get<double>());
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        float out = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc{} && end == s.data() + s.size()) return out;
    }
    throw Unsupported{};
}

const json& array_of(const json& tree, const char* name, std::size_t size) {
    const json& a = field(tree, name);
    if (!a.is_array() || a.size() != size) throw Unsupported{};
    return a;
}

// XGBoost 1.7's common::Sigmoid (src/common/math.h), in float.
inline float sigmoid(float x) {
    constexpr float kEps = 1e-16f;  // XGBoost's guard against division by zero
    x = std::min(-x, 88.7f);        // and against expf overflowing
    float denom = expf(x) + 1.0f + kEps;
    return 1.0f / denom;
}

// XGBoost 1.7's common::Softmax: float exponentials of the margins less their
// maximum, summed in double, each divided by the sum narrowed to float.
inline void softmax(float* p, std::size_t k) {
    float wmax = p[0];
    for (std::size_t i = 1; i < k; ++i) wmax = fmaxf(p[i], wmax);
    double wsum = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
        p[i] = expf(p[i] - wmax);
        wsum += p[i];
    }
    for (std::size_t i = 0; i < k; ++i) p[i] /= static_cast<float>(wsum);
}

}  // namespace

std::optional<TreeEnsemble> TreeEnsemble::from_json(std::string_view text) {
    FloatDom dom;
    if (!json::sax_parse(text.begin(), text.end(), &dom, json::input_format_t::json, true)) return std::nullopt;
    try {
        TreeEnsemble out;
        const json& learner = field(dom.root, "learner");
        const json& param = field(learner, "learner_model_param");
        std::string objective = field(field(learner, "objective"), "name").get<std::string>();
        const json& booster = field(learner, "gradient_booster");
        if (field(booster, "name") != "gbtree") return std::nullopt;

        std::int64_t num_class = integer_or(param, "num_class", 0);
        std::int64_t num_target = integer_or(param, "num_target", 1);
        std::int64_t num_feature = integer(field(param, "num_feature"));
        float base_score = real(field(param, "base_score"));
        if (num_feature <= 0 || num_feature > (std::int64_t{1} << 30) || num_target < 1)
            return std::nullopt;
        if (objective == "binary:logistic") {
            if (num_class > 1 || num_target != 1) return std::nullopt;
            // XGBoost's LogisticRegression::ProbToMargin, which requires (0, 1).
            if (!(base_score > 0.0f && base_score < 1.0f)) return std::nullopt;
            out.base_margin_ = -logf(1.0f / base_score - 1.0f);
            out.transform_ = Transform::sigmoid;
            out.outputs_ = 1;
        } else if (objective == "multi:softprob") {
            if (num_class < 1 || num_target != 1) return std::nullopt;
            out.base_margin_ = base_score;
            out.transform_ = Transform::softmax;
            out.outputs_ = static_cast<std::size_t>(num_class);
        } else if (objective == "reg:squarederror") {
            if (num_class > 1) return std::nullopt;
            out.base_margin_ = base_score;
            out.transform_ = Transform::identity;
            out.outputs_ = static_cast<std::size_t>(num_target);
        } else {
            return std::nullopt;
        }
        out.features_ = static_cast<std::size_t>(num_feature);

        const json& model = field(booster, "model");
        const json& trees = field(model, "trees");
        const json& tree_info = field(model, "tree_info");
        if (!trees.is_array() || !tree_info.is_array() || trees.size() != tree_info.size()) return std::nullopt;
        if (integer_or(field(model, "gbtree_model_param"), "num_trees", static_cast<std::int64_t>(trees.size())) !=
            static_cast<std::int64_t>(trees.size()))
            return std::nullopt;
        out.roots_.reserve(trees.size());
        out.tree_info_.reserve(trees.size());

        std::vector<std::int32_t> order, renumbered;
        for (std::size_t t = 0; t < trees.size(); ++t) {
            const json& tree = trees[t];
            std::int64_t group = integer(tree_info[t]);
            if (group < 0 || group >= static_cast<std::int64_t>(out.outputs_)) return std::nullopt;
            const json& tree_param = field(tree, "tree_param");
            if (integer_or(tree_param, "size_leaf_vector", 0) != 0) return std::nullopt;
            std::int64_t n = integer(field(tree_param, "num_nodes"));
            if (n < 1 || static_cast<std::size_t>(n) > (1u << 30) - out.nodes_.size()) return std::nullopt;
            auto size = static_cast<std::size_t>(n);
            const json& left = array_of(tree, "left_children", size);
            const json& right = array_of(tree, "right_children", size);
            const json& feature = array_of(tree, "split_indices", size);
            const json& condition = array_of(tree, "split_conditions", size);
            const json& default_left = array_of(tree, "default_left", size);
            // Categorical splits: XGBoost writes split_type (0 numerical, 1 categorical)
            // and the categories; anything but all-numerical is declined.
            if (auto it = tree.find("split_type"); it != tree.end()) {
                if (!it->is_array() || it->size() != size) return std::nullopt;
                for (const json& s : *it)
                    if (integer(s) != 0) return std::nullopt;
            }
            if (auto it = tree.find("categories_nodes"); it != tree.end() && !it->empty()) return std::nullopt;

            // Breadth first from the root (node 0), children next to each other. Every
            // node is reached at most once, so a malformed model cannot loop forever.
            auto base = static_cast<std::int32_t>(out.nodes_.size());
            order.assign(1, 0);
            renumbered.assign(size, -1);
            renumbered[0] = 0;
            for (std::size_t i = 0; i < order.size(); ++i) {
                std::int32_t old = order[i];
                std::int64_t l = integer(left[old]), r = integer(right[old]);
                if (l == -1 && r == -1) continue;
                if (l < 0 || r < 0 || l >= n || r >= n || l == r) return std::nullopt;
                for (std::int64_t child : {l, r}) {
                    if (renumbered[child] != -1) return std::nullopt;
                    renumbered[child] = static_cast<std::int32_t>(order.size());
                    order.push_back(static_cast<std::int32_t>(child));
                }
            }
            for (std::int32_t old : order) {
                Node node;
                std::int64_t l = integer(left[old]);
                if (l != -1) {
                    std::int64_t f = integer(feature[old]);
                    if (f < 0 || f >= num_feature) return std::nullopt;
                    node.condition = real(condition[old]);
                    // Missing values as -inf must go left (see Node).
                    if (!(node.condition > -std::numeric_limits<float>::infinity())) return std::nullopt;
                    if (integer(default_left[old])) f += num_feature;
                    node.feature = static_cast<std::uint32_t>(f);
                    node.left = base + renumbered[l];  // the right child is next (breadth first)
                } else {
                    // Its leaf value is what XGBoost keeps in a leaf's split_conditions.
                    node.leaf = real(condition[old]);
                    node.condition = std::numeric_limits<float>::quiet_NaN();
                    node.feature = 0;
                    node.left = static_cast<std::int32_t>(out.nodes_.size()) - 1;
                }
                out.nodes_.push_back(node);
            }
            out.roots_.push_back(base);
            out.tree_info_.push_back(static_cast<std::uint32_t>(group));
        }
        return out;
    } catch (const Unsupported&) {
        return std::nullopt;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

namespace {

// Walks run in lockstep, this many at a time: each walk is a chain of dependent
// loads, and independent chains overlap in the CPU.
constexpr std::size_t kLanes = 8;

// Runs sizeof...(L) walks in lockstep (unrolled, positions in registers) until none
// moves. `step(at, row)` moves one walk one node down and says whether it moved (a
// walk on its leaf stays). Walk l reads the row at row0 + l * stride.
template <class Step, std::size_t... L>
inline void walk(const Step& step, std::int32_t (&at)[sizeof...(L)], const float* row0, std::size_t stride,
                 std::index_sequence<L...>) {
    std::int32_t a[] = {at[L]...};
    bool moving = true;
    while (moving) moving = (step(a[L], row0 + L * stride) | ...);
    ((at[L] = a[L]), ...);
}

// Rows widened at once in predict_block, and the largest row widened on the stack.
constexpr std::size_t kBlock = 64;
constexpr std::size_t kStackFloats = 512;

}  // namespace

inline bool TreeEnsemble::step(const Node* nodes, std::int32_t& at, const float* wide) {
    const Node& node = nodes[at];
    std::int32_t next = node.left + static_cast<std::int32_t>(!(wide[node.feature] < node.condition));
    bool moved = next != at;
    at = next;
    return moved;
}

void TreeEnsemble::widen(const float* row, float* wide) const {
    const std::size_t n = features_;
    for (std::size_t j = 0; j < n; ++j) {
        wide[j] = row[j];
        wide[n + j] = std::isnan(row[j]) ? -std::numeric_limits<float>::infinity() : row[j];
    }
}

// One row: trees in groups of kLanes, their leaves added in model order.
void TreeEnsemble::predict_one(const float* wide, float* out) const {
    const Node* nodes = nodes_.data();
    auto advance = [nodes](std::int32_t& at, const float* w) { return step(nodes, at, w); };
    std::int32_t at[kLanes];
    for (std::size_t first = 0; first < roots_.size(); first += kLanes) {
        // The last group repeats its last tree in the lanes it does not fill.
        std::size_t n = std::min(kLanes, roots_.size() - first);
        for (std::size_t l = 0; l < kLanes; ++l) at[l] = roots_[first + std::min(l, n - 1)];
        walk(advance, at, wide, 0, std::make_index_sequence<kLanes>{});
        for (std::size_t l = 0; l < n; ++l) out[tree_info_[first + l]] += nodes[at[l]].leaf;
    }
}

// Several rows: blocks of rows, each block through every tree in model order (the
// tree stays in cache across the block, as in XGBoost), kLanes rows at a time.
void TreeEnsemble::predict_block(const float* x, std::size_t rows, float* out) const {
    const Node* nodes = nodes_.data();
    auto advance = [nodes](std::int32_t& at, const float* w) { return step(nodes, at, w); };
    const std::size_t k = outputs_, cols = features_, stride = 2 * features_;
    std::vector<float> wide(std::min(rows, kBlock) * stride);
    for (std::size_t begin = 0; begin < rows; begin += kBlock) {
        std::size_t end = std::min(rows, begin + kBlock);
        for (std::size_t r = begin; r < end; ++r) widen(x + r * cols, wide.data() + (r - begin) * stride);
        for (std::size_t t = 0; t < roots_.size(); ++t) {
            float* dst = out + tree_info_[t];
            std::size_t r = begin;
            for (std::int32_t at[kLanes]; r + kLanes <= end; r += kLanes) {
                std::fill(std::begin(at), std::end(at), roots_[t]);
                walk(advance, at, wide.data() + (r - begin) * stride, stride, std::make_index_sequence<kLanes>{});
                for (std::size_t l = 0; l < kLanes; ++l) dst[(r + l) * k] += nodes[at[l]].leaf;
            }
            for (std::int32_t at[1]; r < end; ++r) {
                at[0] = roots_[t];
                walk(advance, at, wide.data() + (r - begin) * stride, 0, std::make_index_sequence<1>{});
                dst[r * k] += nodes[at[0]].leaf;
            }
        }
    }
}

void TreeEnsemble::apply_transform(float* out, std::size_t rows) const {
    switch (transform_) {
        case Transform::identity:
            break;
        case Transform::sigmoid:
            for (std::size_t i = 0; i < rows * outputs_; ++i) out[i] = sigmoid(out[i]);
            break;
        case Transform::softmax:
            for (std::size_t r = 0; r < rows; ++r) softmax(out + r * outputs_, outputs_);
            break;
    }
}

TreeEnsemble::NodeView TreeEnsemble::node(std::int32_t index) const {
    const Node& n = nodes_.at(static_cast<std::size_t>(index));
    NodeView v;
    // A leaf steps onto itself (see Node).
    v.is_leaf = n.left + 1 == index && std::isnan(n.condition);
    if (v.is_leaf) {
        v.leaf = n.leaf;
        return v;
    }
    v.missing_left = n.feature >= features_;
    v.feature = v.missing_left ? n.feature - features_ : n.feature;
    v.condition = n.condition;
    v.left = n.left;
    v.right = n.left + 1;
    return v;
}

void TreeEnsemble::predict(const float* x, std::size_t rows, std::size_t cols, float* out) const {
    if (cols != features_)
        throw Error(ErrorKind::internal, "feature_count_mismatch",
                    "the tree model takes " + std::to_string(features_) + " features, the input has " +
                        std::to_string(cols));
    std::fill(out, out + rows * outputs_, base_margin_);
    // Each output sums its trees in model order either way.
    if (rows == 1 && 2 * cols <= kStackFloats) {
        float wide[kStackFloats];
        widen(x, wide);
        predict_one(wide, out);
    } else if (rows == 1) {
        std::vector<float> wide(2 * cols);
        widen(x, wide.data());
        predict_one(wide.data(), out);
    } else {
        predict_block(x, rows, out);
    }
    apply_transform(out, rows);
}

}  // namespace hone::models::xgb
