// The libtorch backend's entry points, which hone_models finds with dlsym (see
// backend.hpp). C linkage for their names; the types are hone's own, built by
// the same compiler.
#include "models/torch/mlp_impl.hpp"
#include "models/torch/ncf_impl.hpp"
#include "models/torch/state_dict.hpp"

extern "C" {

hone::models::Estimator* hone_torch_make_mlp(hone::models::EstimatorConfig* config) {
    return hone::models::torch_nn::make_mlp_estimator(std::move(*config)).release();
}

void hone_torch_check_loss(const hone::models::Json* params, hone::models::Task task, int num_classes) {
    hone::models::torch_nn::check_mlp_loss(*params, task, num_classes);
}

hone::models::Recommender* hone_torch_make_ncf(hone::models::EstimatorConfig* config, bool gmf_only) {
    return hone::models::torch_nn::make_ncf_recommender(std::move(*config), gmf_only).release();
}

void hone_torch_describe_mlp(const hone::models::Estimator* estimator, hone::models::torch_nn::MlpWeights* out) {
    *out = hone::models::torch_nn::describe_mlp_estimator(*estimator);
}

void hone_torch_describe_ncf(const hone::models::Recommender* recommender, hone::models::torch_nn::NcfWeights* out) {
    *out = hone::models::torch_nn::describe_ncf_recommender(*recommender);
}

void hone_torch_pickle_state_dict(const std::vector<hone::models::torch_nn::NamedTensor>* tensors,
                                  const std::string* hone_json, std::string* out) {
    *out = hone::models::torch_nn::pickle_state_dict(*tensors, *hone_json);
}

}  // extern "C"
