#include "models/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/text.hpp"

namespace hone::models {

namespace {

const std::vector<std::string>& precision_names() {
    static const std::vector<std::string> names = {"int8", "float16"};
    return names;
}

// _Float16 converts with round-to-nearest-even (g++ 12 on x86-64, SSE2).
std::uint16_t to_half(double v) {
    _Float16 h = static_cast<_Float16>(static_cast<float>(v));
    std::uint16_t bits;
    std::memcpy(&bits, &h, sizeof bits);
    return bits;
}

double from_half(std::uint16_t bits) {
    _Float16 h;
    std::memcpy(&h, &bits, sizeof h);
    return static_cast<double>(static_cast<float>(h));
}

Error invalid(const std::filesystem::path& path, const std::string& why) {
    return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why);
}

}  // namespace

Precision parse_precision(std::string_view name) {
    if (name == "int8") return Precision::int8;
    if (name == "float16" || name == "fp16" || name == "half") return Precision::float16;
    throw Error(ErrorKind::validation, "invalid_precision",
                "unknown precision '" + std::string(name) + "': expected " + join_or(precision_names(), "'"));
}

std::string_view to_string(Precision p) { return p == Precision::int8 ? "int8" : "float16"; }

std::size_t bytes_per_value(Precision p) { return p == Precision::int8 ? 1 : 2; }

QuantizedMatrix::QuantizedMatrix(const std::vector<double>& values, std::size_t rows, std::size_t cols,
                                 Precision precision)
    : precision_(precision), rows_(rows), cols_(cols) {
    bytes_.resize(rows * cols * bytes_per_value(precision));
    if (precision == Precision::int8) {
        scales_.assign(cols, 0.0);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
                scales_[c] = std::max(scales_[c], std::abs(values[r * cols + c]) / 127.0);
        for (std::size_t i = 0; i < rows * cols; ++i) {
            double s = scales_[i % cols];
            auto q = static_cast<std::int8_t>(s > 0 ? std::lround(values[i] / s) : 0);
            bytes_[i] = static_cast<char>(q);
        }
    } else {
        for (std::size_t i = 0; i < rows * cols; ++i) {
            if (!(std::abs(values[i]) <= 65504.0))
                throw Error(ErrorKind::validation, "not_quantizable",
                            "weight " + std::to_string(i) + " is " + format_double(values[i]) +
                                ", beyond float16's range (65504)",
                            {}, "use precision int8, which scales each output's weights");
            std::uint16_t h = to_half(values[i]);
            bytes_[2 * i] = static_cast<char>(h & 0xff);
            bytes_[2 * i + 1] = static_cast<char>(h >> 8);
        }
    }
    std::vector<double> stored = this->values();
    for (std::size_t i = 0; i < stored.size(); ++i)
        max_abs_error_ = std::max(max_abs_error_, std::abs(stored[i] - values[i]));
}

std::vector<double> QuantizedMatrix::values() const {
    std::vector<double> out(rows_ * cols_);
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (precision_ == Precision::int8) {
            out[i] = static_cast<std::int8_t>(bytes_[i]) * scales_[i % cols_];
        } else {
            auto lo = static_cast<unsigned char>(bytes_[2 * i]), hi = static_cast<unsigned char>(bytes_[2 * i + 1]);
            out[i] = from_half(static_cast<std::uint16_t>(lo | (hi << 8)));
        }
    }
    return out;
}

nlohmann::ordered_json QuantizedMatrix::to_json(const std::string& file) const {
    nlohmann::ordered_json j{{"precision", std::string(to_string(precision_))},
                             {"rows", rows_},
                             {"cols", cols_},
                             {"file", file}};
    if (precision_ == Precision::int8) j["scales"] = scales_;
    return j;
}

void QuantizedMatrix::write(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
    if (!out.flush()) throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
}

QuantizedMatrix QuantizedMatrix::read(const nlohmann::ordered_json& description, const std::filesystem::path& path) {
    QuantizedMatrix m;
    try {
        m.precision_ = parse_precision(description.at("precision").get<std::string>());
        m.rows_ = description.at("rows").get<std::size_t>();
        m.cols_ = description.at("cols").get<std::size_t>();
        if (m.precision_ == Precision::int8) m.scales_ = description.at("scales").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
        throw invalid(path, std::string("unexpected quantization description: ") + e.what());
    } catch (const Error& e) {
        throw invalid(path, e.what());
    }
    if (m.precision_ == Precision::int8 && m.scales_.size() != m.cols_)
        throw invalid(path, "has " + std::to_string(m.scales_.size()) + " scales for " + std::to_string(m.cols_) +
                                " columns");
    std::optional<std::string> bytes = read_file(path);
    if (!bytes) throw Error(ErrorKind::not_found, "invalid_model", path.string() + ": no such file");
    m.bytes_ = std::move(*bytes);
    std::size_t expected = m.rows_ * m.cols_ * bytes_per_value(m.precision_);
    if (m.bytes_.size() != expected)
        throw invalid(path, "holds " + std::to_string(m.bytes_.size()) + " bytes, expected " +
                                std::to_string(expected));
    return m;
}

}  // namespace hone::models
