// The one translation unit that pickles for Python (state_dict.hpp).
#include "models/torch/state_dict.hpp"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/torch.h>

#include "common/error.hpp"

namespace hone::models::torch_nn {

namespace {

at::Tensor tensor_of(const NamedTensor& t) {
    std::int64_t count = 1;
    for (std::int64_t n : t.shape) count *= n;
    const std::size_t given = t.integral ? t.integers.size() : t.values.size();
    if (count < 0 || static_cast<std::size_t>(count) != given)
        throw Error(ErrorKind::internal, "shape_mismatch",
                    "tensor '" + t.name + "' has " + std::to_string(given) + " values for a shape of " +
                        std::to_string(count));
    // from_blob only reads; clone() gives the tensor storage of its own.
    void* data = t.integral ? static_cast<void*>(const_cast<std::int64_t*>(t.integers.data()))
                            : static_cast<void*>(const_cast<float*>(t.values.data()));
    return torch::from_blob(data, t.shape, t.integral ? torch::kLong : torch::kFloat32).clone();
}

// torch::pickle_save's archive (data.pkl and one record per tensor in a zip)
// with the dicts pickled untagged: pickle_save tags them with TorchScript's
// types (torch.jit._pickle.restore_type_tag), which torch.load(weights_only=True),
// the safe way to load a file from elsewhere, refuses.
std::string pickle_archive(const c10::IValue& value) {
    std::vector<char> pickled;
    torch::jit::Pickler pickler([&](const char* bytes, std::size_t n) { pickled.insert(pickled.end(), bytes, bytes + n); },
                                nullptr, nullptr, nullptr, nullptr, /*tag_aggregates=*/false);
    pickler.protocol();
    pickler.pushIValue(value);
    pickler.stop();
    std::string archive;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* bytes, std::size_t n) {
        archive.append(static_cast<const char*>(bytes), n);
        return n;
    });
    torch::jit::writeArchiveAndTensors("data", pickled.data(), pickled.size(), pickler.tensorData(), writer);
    writer.writeEndOfFile();
    return archive;
}

}  // namespace

std::string pickle_state_dict(const std::vector<NamedTensor>& tensors, const std::string& hone_json) {
    // c10::Dict keeps insertion order, and pickles as a plain Python dict,
    // which load_state_dict takes as it takes an OrderedDict.
    c10::Dict<std::string, at::Tensor> state;
    for (const NamedTensor& t : tensors) state.insert(t.name, tensor_of(t));
    c10::impl::GenericDict file(c10::StringType::get(), c10::AnyType::get());
    file.insert("state_dict", state);
    file.insert("hone", hone_json);
    return pickle_archive(file);
}

}  // namespace hone::models::torch_nn
