#pragma once
// Each backend declares its algorithms in one function; catalog.cpp gathers them.
#include <vector>

#include "models/catalog.hpp"

namespace hone::models {

std::vector<AlgorithmSpec> xgboost_algorithms();  // models/xgboost/
std::vector<AlgorithmSpec> linear_algorithms();   // models/linear/ (LIBLINEAR, Eigen)
std::vector<AlgorithmSpec> svm_algorithms();      // models/svm/ (LIBSVM)

}  // namespace hone::models
