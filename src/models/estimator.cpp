// Estimator's out-of-line members: a file of their own, since the libtorch
// backend (a shared module, see models/torch/backend.hpp) needs them too.
#include "models/estimator.hpp"

#include "common/error.hpp"

namespace hone::models {

std::vector<double> Estimator::predict_proba(const data::Matrix&) const {
    throw Error(ErrorKind::validation, "no_probabilities", "this model does not give probabilities");
}

Json Estimator::quantize(Precision) {
    throw Error(ErrorKind::validation, "not_quantizable", "this model has no weights to quantize");
}

}  // namespace hone::models
