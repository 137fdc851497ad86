#include "export/onnx_preprocess.hpp"

#include <algorithm>
#include <numeric>

namespace hone::exporting {
namespace {

using Step = data::Preprocessor::Step;

// The tensors that become the feature matrix, and for each feature column
// where it is in their concatenation.
struct Pieces {
    std::vector<std::string> tensors;
    std::vector<std::int64_t> position;  // per output feature
    std::int64_t width = 0;              // columns concatenated so far
};

std::string input_doc(const Step& s) {
    switch (s.kind) {
        case Step::Kind::numeric: return "numeric column '" + s.column + "': float [N, 1], NaN for null";
        case Step::Kind::boolean: return "bool column '" + s.column + "': float [N, 1], 0 or 1, NaN for null";
        case Step::Kind::onehot:
        case Step::Kind::ordinal: return "categorical column '" + s.column + "': string [N, 1], \"\" for null";
    }
    return {};
}

// Every numeric and bool step at once, elementwise as hone does it:
// float(((isnan(x) ? fill : x) - offset) / divisor) in double.
std::string numeric_block(GraphBuilder& g, const std::vector<const Step*>& steps) {
    std::vector<std::string> inputs;
    std::vector<double> fill, offset, divisor;
    for (const Step* s : steps) {
        inputs.push_back(s->column);
        fill.push_back(s->fill);
        offset.push_back(s->offset);
        divisor.push_back(s->divisor);
    }
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(steps.size())};
    std::string x = inputs.size() == 1 ? inputs[0] : g.node("Concat", inputs, {{"axis", std::int64_t{1}}});
    std::string xd = g.node("Cast", {x}, {{"to", std::int64_t{float64}}});
    std::string missing = g.node("IsNaN", {xd});
    std::string filled = g.node("Where", {missing, g.constant("fill", fill, shape), xd});
    std::string shifted = g.node("Sub", {filled, g.constant("offset", offset, shape)});
    std::string scaled = g.node("Div", {shifted, g.constant("divisor", divisor, shape)});
    return g.node("Cast", {scaled}, {{"to", std::int64_t{float32}}});
}

// A categorical step: the category's slot by LabelEncoder (the fill
// category's for "", `unseen` for any other), then one-hot by comparing the
// slot with 0..K (K = the __other__ column, which takes unseen ones) or the
// ordinal code as a float (-1 for unseen).
std::string categorical_block(GraphBuilder& g, const Step& s) {
    const bool onehot = s.kind == Step::Kind::onehot;
    const auto kept = static_cast<std::int64_t>(s.categories.size());
    const std::int64_t unseen = onehot ? kept : -1;
    std::vector<std::string> keys;
    std::vector<std::int64_t> slots;
    std::int64_t fill_slot = unseen;
    for (std::int64_t k = 0; k < kept; ++k) {
        const std::string& category = s.categories[static_cast<std::size_t>(k)];
        if (category == s.fill_category) fill_slot = k;
        if (category.empty()) continue;  // "" means null here, whatever hone kept
        keys.push_back(category);
        slots.push_back(k);
    }
    keys.push_back("");
    slots.push_back(fill_slot);
    std::string slot = g.node("LabelEncoder", {s.column},
                              {{"keys_strings", keys}, {"values_int64s", slots}, {"default_int64", unseen}}, "",
                              ml_domain);
    if (!onehot) return g.node("Cast", {slot}, {{"to", std::int64_t{float32}}});
    std::vector<std::int64_t> columns(static_cast<std::size_t>(kept + 1));
    std::iota(columns.begin(), columns.end(), std::int64_t{0});
    std::string hot = g.node("Equal", {slot, g.constant("slots", columns, {kept + 1})});
    return g.node("Cast", {hot}, {{"to", std::int64_t{float32}}});
}

void append(Pieces& p, const std::string& tensor, const std::vector<std::size_t>& features) {
    p.tensors.push_back(tensor);
    for (std::size_t f : features) p.position[f] = p.width++;
}

}  // namespace

std::string add_preprocessing(GraphBuilder& g, const data::Preprocessor& pre) {
    const auto& steps = pre.steps();
    for (const Step& s : steps) {
        bool numeric = s.kind == Step::Kind::numeric || s.kind == Step::Kind::boolean;
        g.input(s.column, numeric ? float32 : text, {-1, 1}, input_doc(s));
    }
    // Output columns of each step, in feature order.
    std::vector<std::vector<std::size_t>> columns;
    std::size_t next = 0;
    for (const Step& s : steps) {
        std::size_t width = s.kind == Step::Kind::onehot ? s.categories.size() + 1 : 1;
        columns.emplace_back(width);
        std::iota(columns.back().begin(), columns.back().end(), next);
        next += width;
    }
    Pieces p;
    p.position.resize(next);
    std::vector<const Step*> numeric;
    std::vector<std::size_t> numeric_columns;
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (steps[i].kind == Step::Kind::numeric || steps[i].kind == Step::Kind::boolean) {
            numeric.push_back(&steps[i]);
            numeric_columns.push_back(columns[i][0]);
        }
    if (!numeric.empty()) append(p, numeric_block(g, numeric), numeric_columns);
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (steps[i].kind == Step::Kind::onehot || steps[i].kind == Step::Kind::ordinal)
            append(p, categorical_block(g, steps[i]), columns[i]);

    std::string all = p.tensors.size() == 1 ? p.tensors[0] : g.node("Concat", p.tensors, {{"axis", std::int64_t{1}}});
    std::vector<std::int64_t> identity(p.position.size());
    std::iota(identity.begin(), identity.end(), std::int64_t{0});
    if (p.position == identity) return all;
    // Back into feature order: a Gather of columns copies values exactly.
    auto count = static_cast<std::int64_t>(p.position.size());
    return g.node("Gather", {all, g.constant("feature_order", p.position, {count})}, {{"axis", std::int64_t{1}}});
}

std::string preprocessing_onnx(const data::Preprocessor& pre) {
    onnx::ModelProto model;
    start_model(model);
    model.set_doc_string("hone's fitted preprocessing: raw feature columns to the float feature matrix");
    auto& graph = *model.mutable_graph();
    graph.set_name("hone_preprocessing");
    GraphBuilder g(graph, {"features"});
    std::string features = add_preprocessing(g, pre);
    g.node("Identity", {features}, {}, "features");
    g.output("features", float32, {-1, static_cast<std::int64_t>(pre.output_size())},
             "the feature matrix, one column per feature name of the preprocessing");
    std::string bytes;
    model.SerializeToString(&bytes);
    return bytes;
}

}  // namespace hone::exporting
