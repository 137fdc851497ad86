#include "models/backends.hpp"

namespace hone::models {

std::vector<AlgorithmSpec> xgboost_algorithms() { return {}; }

}  // namespace hone::models
