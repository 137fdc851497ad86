#pragma once
// Columns written out in tests: one value per row, std::nullopt for a null.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/frame.hpp"

namespace hone::data::testing {

inline Column float_col(const std::string& name, const std::vector<std::optional<double>>& values) {
    Column c(name, DType::float64);
    for (const auto& v : values) v ? c.push_float(*v) : c.push_null();
    return c;
}

inline Column int_col(const std::string& name, const std::vector<std::optional<std::int64_t>>& values) {
    Column c(name, DType::int64);
    for (const auto& v : values) v ? c.push_int(*v) : c.push_null();
    return c;
}

inline Column bool_col(const std::string& name, const std::vector<std::optional<bool>>& values) {
    Column c(name, DType::boolean);
    for (const auto& v : values) v ? c.push_bool(*v) : c.push_null();
    return c;
}

inline Column string_col(const std::string& name, const std::vector<std::optional<std::string>>& values) {
    Column c(name, DType::string);
    for (const auto& v : values) v ? c.push_string(*v) : c.push_null();
    return c;
}

}  // namespace hone::data::testing
