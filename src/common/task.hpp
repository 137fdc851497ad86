#pragma once
// What a model learns. One enum for the catalog, the metric registry and the
// trainer, so a task passes between them unconverted.
#include <string_view>

namespace hone {

enum class Task { classification, regression };

// "classification", "regression".
std::string_view to_string(Task task);

}  // namespace hone
