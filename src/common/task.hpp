#pragma once
// What a model learns. One enum for the catalog, the metric registry and the
// trainer, so a task passes between them unconverted. Classification and
// regression learn from a feature matrix (models::Estimator); recommendation
// from user-item interactions (models::Recommender); text classification from
// texts and label sets (models::TextClassifier); clustering from a feature
// matrix without a target (models::Clusterer).
#include <string_view>

namespace hone {

enum class Task { classification, regression, recommendation, text_classification, clustering };

// "classification", "regression", "recommendation", "text_classification",
// "clustering".
std::string_view to_string(Task task);

}  // namespace hone
