#pragma once
// Weights stored at a lower precision: what `compress` makes of a linear model.
//
// int8 is symmetric and per column: a column's scale is max|w| / 127 and each
// weight is stored as round(w / scale), so it comes back as q * scale with an
// error of at most scale / 2 (a column of zeros has scale 0). Columns are the
// model's outputs (one weight vector per class), so a class with small weights
// keeps its resolution. float16 is IEEE half precision, rounded to nearest even
// (about three significant digits; a weight beyond 65504 is an error, not inf).
//
// The file is the values alone, little endian, row-major; the shape, precision
// and scales go into the estimator's own JSON beside it (to_json/from_json), so
// one document says what the model is.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::models {

enum class Precision { int8, float16 };

// "int8" or "float16" (also "fp16", "half"); anything else is
// hone::Error(validation, "invalid_precision") listing the valid names.
Precision parse_precision(std::string_view name);
std::string_view to_string(Precision p);
std::size_t bytes_per_value(Precision p);

class QuantizedMatrix {
public:
    QuantizedMatrix() = default;
    // `values` holds rows x cols doubles, row-major.
    QuantizedMatrix(const std::vector<double>& values, std::size_t rows, std::size_t cols, Precision precision);

    // The stored weights as doubles, rows x cols, row-major.
    std::vector<double> values() const;
    // The largest |original - stored| over all weights, measured when quantized.
    double max_abs_error() const { return max_abs_error_; }
    std::size_t rows() const { return rows_; }
    std::size_t cols() const { return cols_; }
    Precision precision() const { return precision_; }

    // {"precision", "rows", "cols", "scales" (int8 only), "file"}.
    nlohmann::ordered_json to_json(const std::string& file) const;
    void write(const std::filesystem::path& path) const;
    // Reads what write() wrote, as to_json() described it; a file of the wrong
    // size or a description that does not parse is hone::Error(data,
    // "invalid_model") naming `path`.
    static QuantizedMatrix read(const nlohmann::ordered_json& description, const std::filesystem::path& path);

private:
    Precision precision_ = Precision::int8;
    std::size_t rows_ = 0, cols_ = 0;
    std::vector<double> scales_;  // int8: one per column
    std::string bytes_;           // rows * cols values
    double max_abs_error_ = 0;
};

}  // namespace hone::models
