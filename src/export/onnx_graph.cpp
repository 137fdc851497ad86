#include "export/onnx_graph.hpp"

#include <numeric>

#include "common/build_info.hpp"
#include "common/error.hpp"

namespace hone::exporting {
namespace {

struct SetAttribute {
    onnx::AttributeProto& a;
    void operator()(std::int64_t v) const {
        a.set_type(onnx::AttributeProto_AttributeType_INT);
        a.set_i(v);
    }
    void operator()(float v) const {
        a.set_type(onnx::AttributeProto_AttributeType_FLOAT);
        a.set_f(v);
    }
    void operator()(const std::string& v) const {
        a.set_type(onnx::AttributeProto_AttributeType_STRING);
        a.set_s(v);
    }
    void operator()(const std::vector<std::int64_t>& v) const {
        a.set_type(onnx::AttributeProto_AttributeType_INTS);
        for (auto x : v) a.add_ints(x);
    }
    void operator()(const std::vector<float>& v) const {
        a.set_type(onnx::AttributeProto_AttributeType_FLOATS);
        for (auto x : v) a.add_floats(x);
    }
    void operator()(const std::vector<std::string>& v) const {
        a.set_type(onnx::AttributeProto_AttributeType_STRINGS);
        for (const auto& x : v) a.add_strings(x);
    }
    void operator()(const onnx::GraphProto& v) const {
        a.set_type(onnx::AttributeProto_AttributeType_GRAPH);
        *a.mutable_g() = v;
    }
};

}  // namespace

void start_model(onnx::ModelProto& model) {
    model.set_ir_version(onnx_ir_version);
    model.set_producer_name("hone");
    model.set_producer_version(hone_version());
    auto* standard = model.add_opset_import();
    standard->set_domain("");
    standard->set_version(onnx_opset);
    auto* ml = model.add_opset_import();
    ml->set_domain(ml_domain);
    ml->set_version(onnx_ml_opset);
}

GraphBuilder::GraphBuilder(onnx::GraphProto& graph, std::vector<std::string> reserved)
    : graph_(graph), names_(std::make_shared<Names>()) {
    names_->reserved.insert(reserved.begin(), reserved.end());
}

GraphBuilder::GraphBuilder(onnx::GraphProto& graph, std::shared_ptr<Names> names)
    : graph_(graph), names_(std::move(names)) {}

GraphBuilder GraphBuilder::subgraph(onnx::GraphProto& body) { return GraphBuilder(body, names_); }

std::string GraphBuilder::fresh(const std::string& stem) {
    std::string name = stem;
    for (int n = 1; names_->used.count(name) || names_->reserved.count(name); ++n)
        name = stem + "_" + std::to_string(n);
    names_->used.insert(name);
    return name;
}

void GraphBuilder::value_info(onnx::ValueInfoProto& info, const std::string& name, ElementType type,
                              const std::vector<std::int64_t>& shape, const std::string& doc) {
    info.set_name(name);
    info.set_doc_string(doc);
    auto* tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(type);
    auto* dims = tensor->mutable_shape();
    for (auto d : shape) {
        if (d < 0)
            dims->add_dim()->set_dim_param("N");
        else
            dims->add_dim()->set_dim_value(d);
    }
}

void GraphBuilder::input(const std::string& name, ElementType type, const std::vector<std::int64_t>& shape,
                         const std::string& doc) {
    if (names_->used.count(name) || names_->reserved.count(name))
        throw Error(ErrorKind::validation, "export_name_clash",
                    "input '" + name + "' has the name of another input or of an output of the ONNX graph", {},
                    "the outputs are named label, probabilities and variable");
    names_->used.insert(name);
    value_info(*graph_.add_input(), name, type, shape, doc);
}

std::string GraphBuilder::fresh_input(const std::string& stem, ElementType type,
                                      const std::vector<std::int64_t>& shape, const std::string& doc) {
    std::string name = fresh(stem);
    value_info(*graph_.add_input(), name, type, shape, doc);
    return name;
}

void GraphBuilder::output(const std::string& name, ElementType type, const std::vector<std::int64_t>& shape,
                          const std::string& doc) {
    value_info(*graph_.add_output(), name, type, shape, doc);
}

onnx::TensorProto& GraphBuilder::add_constant(const std::string& name, ElementType type,
                                              const std::vector<std::int64_t>& shape, std::size_t count) {
    auto size = std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
    if (size != static_cast<std::int64_t>(count))
        throw Error(ErrorKind::internal, "export_failed",
                    "constant '" + name + "' has " + std::to_string(count) + " values for a shape of " +
                        std::to_string(size));
    auto& t = *graph_.add_initializer();
    t.set_name(name);
    t.set_data_type(type);
    for (auto d : shape) t.add_dims(d);
    return t;
}

std::string GraphBuilder::constant(const std::string& stem, const std::vector<double>& values,
                                   const std::vector<std::int64_t>& shape) {
    std::string name = fresh(stem);
    auto& t = add_constant(name, float64, shape, values.size());
    for (double v : values) t.add_double_data(v);
    return name;
}

std::string GraphBuilder::constant(const std::string& stem, const std::vector<std::int64_t>& values,
                                   const std::vector<std::int64_t>& shape) {
    std::string name = fresh(stem);
    auto& t = add_constant(name, int64, shape, values.size());
    for (auto v : values) t.add_int64_data(v);
    return name;
}

std::string GraphBuilder::constant(const std::string& stem, const std::vector<std::string>& values,
                                   const std::vector<std::int64_t>& shape) {
    std::string name = fresh(stem);
    auto& t = add_constant(name, text, shape, values.size());
    for (const auto& v : values) t.add_string_data(v);
    return name;
}

std::string GraphBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                               const std::vector<Attribute>& attributes, const std::string& out,
                               const std::string& domain) {
    std::string output = out.empty() ? fresh(op) : out;
    if (!out.empty()) names_->used.insert(out);
    add_node(op, inputs, attributes, {output}, domain);
    return output;
}

std::vector<std::string> GraphBuilder::node_outputs(const std::string& op, const std::vector<std::string>& inputs,
                                                    const std::vector<Attribute>& attributes, std::size_t outputs,
                                                    const std::string& domain) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < outputs; ++i) names.push_back(fresh(op));
    add_node(op, inputs, attributes, names, domain);
    return names;
}

void GraphBuilder::add_node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<Attribute>& attributes, const std::vector<std::string>& outputs,
                            const std::string& domain) {
    auto& n = *graph_.add_node();
    n.set_op_type(op);
    n.set_domain(domain);
    n.set_name(op + "_" + std::to_string(names_->nodes++));
    for (const auto& i : inputs) n.add_input(i);
    for (const auto& o : outputs) n.add_output(o);
    for (const auto& a : attributes) {
        auto& proto = *n.add_attribute();
        proto.set_name(a.name);
        std::visit(SetAttribute{proto}, a.value);
    }
}

}  // namespace hone::exporting
