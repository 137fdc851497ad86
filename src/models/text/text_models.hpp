#pragma once
// The text classifiers of models/text/, made by their catalog entries
// (text_models.cpp). Each reads its resolved parameters from the config.
#include <memory>

#include "models/text_classifier.hpp"

namespace hone::models {

std::unique_ptr<TextClassifier> make_tfidf_linear(EstimatorConfig config);  // tfidf_linear.cpp
std::unique_ptr<TextClassifier> make_fasttext(EstimatorConfig config);      // fasttext_model.cpp

}  // namespace hone::models
