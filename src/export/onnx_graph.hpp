#pragma once
// A small builder of ONNX graphs over libonnx's protobuf classes: graph inputs
// and outputs, constant tensors (initializers), nodes with attributes, and
// names that are unique in the graph and in its subgraphs (a Loop's body).
//
// Names: inputs are declared with the names users see (feature columns), and
// output names are reserved when the builder is made, so every name the
// builder invents (`fresh`) differs from both. A batch dimension is written as
// -1 in shapes and declared as the symbolic dimension "N".
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <onnx/onnx_pb.h>

namespace hone::exporting {

using ElementType = onnx::TensorProto_DataType;
inline constexpr ElementType float32 = onnx::TensorProto_DataType_FLOAT;
inline constexpr ElementType float64 = onnx::TensorProto_DataType_DOUBLE;
inline constexpr ElementType int64 = onnx::TensorProto_DataType_INT64;
inline constexpr ElementType boolean = onnx::TensorProto_DataType_BOOL;
inline constexpr ElementType text = onnx::TensorProto_DataType_STRING;

// The domain of the ONNX-ML operators (LabelEncoder, ...).
inline constexpr const char* ml_domain = "ai.onnx.ml";

// The ONNX versions every export targets: IR version 8 (onnx 1.12), the
// default domain at opset 17 and ai.onnx.ml at opset 3. Written into `model`
// with its producer (hone and its version).
inline constexpr std::int64_t onnx_ir_version = 8;
inline constexpr std::int64_t onnx_opset = 17;
inline constexpr std::int64_t onnx_ml_opset = 3;
void start_model(onnx::ModelProto& model);

// One node attribute: an integer, a float, a string, a list of one of them,
// or a graph (a Loop's body).
struct Attribute {
    using Value = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>, std::vector<float>,
                               std::vector<std::string>, onnx::GraphProto>;
    std::string name;
    Value value;
};

class GraphBuilder {
public:
    // Builds into `graph` (owned by the caller's ModelProto). `reserved`: the
    // output names to come, which fresh() never returns.
    GraphBuilder(onnx::GraphProto& graph, std::vector<std::string> reserved);

    // A graph input or output of element `type` and `shape` (-1 = the batch
    // dimension N), with a doc string. An input name already used is
    // hone::Error(validation, "export_name_clash") naming it.
    void input(const std::string& name, ElementType type, const std::vector<std::int64_t>& shape,
               const std::string& doc);
    // An input named fresh from `stem` (a Loop body's); returns its name.
    std::string fresh_input(const std::string& stem, ElementType type, const std::vector<std::int64_t>& shape,
                            const std::string& doc);
    void output(const std::string& name, ElementType type, const std::vector<std::int64_t>& shape,
                const std::string& doc);

    // Constant tensors (initializers) of `shape` (empty = a scalar; product
    // must equal the values' count), named fresh from `stem`.
    std::string constant(const std::string& stem, const std::vector<double>& values,
                         const std::vector<std::int64_t>& shape);
    std::string constant(const std::string& stem, const std::vector<std::int64_t>& values,
                         const std::vector<std::int64_t>& shape);
    std::string constant(const std::string& stem, const std::vector<std::string>& values,
                         const std::vector<std::int64_t>& shape);

    // A node of `op` (in `domain`, "" = the default one) on `inputs`, with one
    // output named `out` when given, else fresh from the op's name; returns it.
    std::string node(const std::string& op, const std::vector<std::string>& inputs,
                     const std::vector<Attribute>& attributes = {}, const std::string& out = "",
                     const std::string& domain = "");

    // A node with `outputs` outputs (ai.onnx.ml's classifiers have two), named
    // fresh from the op's name; returns them in order.
    std::vector<std::string> node_outputs(const std::string& op, const std::vector<std::string>& inputs,
                                          const std::vector<Attribute>& attributes, std::size_t outputs,
                                          const std::string& domain = "");

    // A name not yet used in the graph, from `stem` ("stem", "stem_1", ...).
    std::string fresh(const std::string& stem);

    // A builder of `body`, a subgraph of this graph (the body of a Loop, given
    // to the node as an attribute once built). It draws names from this
    // graph's pool: ONNX forbids a subgraph to reuse a name of its outer
    // graph, whose tensors the body may read.
    GraphBuilder subgraph(onnx::GraphProto& body);

private:
    // Every name and node of a graph and its subgraphs.
    struct Names {
        std::set<std::string> used;
        std::set<std::string> reserved;
        std::int64_t nodes = 0;
    };
    onnx::GraphProto& graph_;
    std::shared_ptr<Names> names_;

    GraphBuilder(onnx::GraphProto& graph, std::shared_ptr<Names> names);

    void value_info(onnx::ValueInfoProto& info, const std::string& name, ElementType type,
                    const std::vector<std::int64_t>& shape, const std::string& doc);
    void add_node(const std::string& op, const std::vector<std::string>& inputs,
                  const std::vector<Attribute>& attributes, const std::vector<std::string>& outputs,
                  const std::string& domain);
    onnx::TensorProto& add_constant(const std::string& name, ElementType type, const std::vector<std::int64_t>& shape,
                                    std::size_t count);
};

}  // namespace hone::exporting
