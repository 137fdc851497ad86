#pragma once
// Each backend declares its algorithms in one function; catalog.cpp gathers them.
#include <string>
#include <vector>

#include "models/catalog.hpp"

namespace hone::models {

std::vector<AlgorithmSpec> xgboost_algorithms();  // models/xgboost/
std::vector<AlgorithmSpec> linear_algorithms();   // models/linear/ (LIBLINEAR, Eigen)
std::vector<AlgorithmSpec> svm_algorithms();      // models/svm/ (LIBSVM)
std::vector<AlgorithmSpec> torch_algorithms();    // models/torch/ (libtorch: mlp)
std::vector<AlgorithmSpec> recommender_algorithms();  // models/recommender_models.cpp (ncf, gmf, popularity)
std::vector<AlgorithmSpec> text_algorithms();     // models/text/ (LIBLINEAR, fastText: tfidf_linear, fasttext)
std::vector<AlgorithmSpec> cluster_algorithms();  // models/cluster/ (kmeans, minibatch_kmeans, dbscan, agglomerative)

// The version of the library each backend links, "2.0.3".
std::string xgboost_version();    // models/xgboost/
std::string liblinear_version();  // models/linear/
std::string libsvm_version();     // models/svm/
std::string libtorch_version();   // models/torch/
std::string fasttext_version();   // models/text/

}  // namespace hone::models
