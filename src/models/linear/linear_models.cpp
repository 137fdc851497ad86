#include "models/backends.hpp"

namespace hone::models {

std::vector<AlgorithmSpec> linear_algorithms() { return {}; }

}  // namespace hone::models
