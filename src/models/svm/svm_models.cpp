#include "models/backends.hpp"

namespace hone::models {

std::vector<AlgorithmSpec> svm_algorithms() { return {}; }

}  // namespace hone::models
