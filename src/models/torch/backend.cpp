#include "models/torch/backend.hpp"

#include <dlfcn.h>
#include <malloc.h>

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "models/torch/mlp.hpp"

#if !defined(HONE_TORCH_MODULE) || !defined(HONE_TORCH_INSTALLED)
#error "HONE_TORCH_MODULE and HONE_TORCH_INSTALLED must name the libtorch backend's shared module"
#endif

namespace hone::models::torch_nn {

namespace {

[[noreturn]] void unavailable(const std::string& path, const std::string& why) {
    throw Error(ErrorKind::internal, "torch_backend_unavailable", "cannot load the libtorch backend " + path + ": " + why,
                {},
                "rebuild hone (the module is built beside it) and check that libtorch is installed");
}

template <class Fn>
Fn symbol(void* handle, const std::string& path, const char* name) {
    void* address = ::dlsym(handle, name);
    if (!address) unavailable(path, std::string("it lacks ") + name);
    return reinterpret_cast<Fn>(address);
}

// libtorch allocates each batch's activations and gradients anew and frees
// them after the step. glibc serves blocks from 128 KiB up (its adaptive
// threshold) with mmap and returns them with munmap, so every batch of a few
// thousand rows faults its pages in again, and page faults are slow in
// virtual machines: an epoch at batch 2048 with 256 units on one thread took
// 0.97 s that way and 0.14 s with the memory served from the heap and kept
// there, to be reused batch after batch.
void keep_batch_memory() {
    ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

// The installed module (<prefix>/<libdir>/hone beside <prefix>/bin/hone),
// else the one this build wrote.
std::string module_path() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::filesystem::path installed = exe.parent_path().parent_path() / HONE_TORCH_INSTALLED;
        if (std::filesystem::is_regular_file(installed, ec)) return installed.string();
    }
    return HONE_TORCH_MODULE;
}

Backend load() {
    keep_batch_memory();
    const std::string path = module_path();
    // Never closed: its estimators live until the process ends.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) unavailable(path, ::dlerror());
    Backend b;
    b.make_mlp = symbol<decltype(b.make_mlp)>(handle, path, "hone_torch_make_mlp");
    b.check_loss = symbol<decltype(b.check_loss)>(handle, path, "hone_torch_check_loss");
    b.make_ncf = symbol<decltype(b.make_ncf)>(handle, path, "hone_torch_make_ncf");
    b.describe_mlp = symbol<decltype(b.describe_mlp)>(handle, path, "hone_torch_describe_mlp");
    b.describe_ncf = symbol<decltype(b.describe_ncf)>(handle, path, "hone_torch_describe_ncf");
    b.pickle_state_dict = symbol<decltype(b.pickle_state_dict)>(handle, path, "hone_torch_pickle_state_dict");
    return b;
}

}  // namespace

const Backend& backend() {
    static const Backend loaded = load();
    return loaded;
}

std::unique_ptr<Estimator> make_mlp(EstimatorConfig config) {
    return std::unique_ptr<Estimator>(backend().make_mlp(&config));
}

std::unique_ptr<Recommender> make_ncf(EstimatorConfig config, bool gmf_only) {
    return std::unique_ptr<Recommender>(backend().make_ncf(&config, gmf_only));
}

MlpWeights mlp_weights(const Estimator& estimator) {
    MlpWeights out;
    backend().describe_mlp(&estimator, &out);
    return out;
}

NcfWeights ncf_weights(const Recommender& recommender) {
    NcfWeights out;
    backend().describe_ncf(&recommender, &out);
    return out;
}

std::string torch_state_file(const std::vector<NamedTensor>& tensors, const std::string& hone_json) {
    std::string out;
    backend().pickle_state_dict(&tensors, &hone_json, &out);
    return out;
}

void check_loss(const Json& params, Task task, int num_classes) {
    const Json& given = params.contains("loss_function") ? params["loss_function"] : Json();
    if (given.is_null()) return;  // no need to load libtorch for the default loss
    backend().check_loss(&params, task, num_classes);
}

}  // namespace hone::models::torch_nn
