#include "data/schema.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::data {

namespace {

constexpr const char* kCode = "dataset_load_failed";

// Location without designated initializers (-Wmissing-field-initializers).
Location location(std::string file, int line = 0, std::int64_t row = -1, std::string column = {}) {
    Location l;
    l.file = std::move(file);
    l.line = line;
    l.row = row;
    l.column = std::move(column);
    return l;
}

[[noreturn]] void bad_value(const std::string& source, const Column& col, std::size_t row, DType target) {
    throw Error(ErrorKind::data, kCode,
                "value '" + col.to_text(row) + "' is not " + (target == DType::int64 ? "an " : "a ") +
                    std::string(to_string(target)),
                location(source, 0, static_cast<std::int64_t>(row + 1), col.name()));
}

Location declared_at(const lang::SourcePos& pos) {
    Location l = location(pos.file, pos.line);
    l.col = pos.col;
    return l;
}

bool parse_int(std::string_view s, std::int64_t& out) {
    if (s.starts_with('+')) s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_float(std::string_view s, double& out) {
    if (s.starts_with('+')) s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_bool(std::string_view s, bool& out) {
    std::string v = to_lower(s);
    if (v == "true" || v == "1") return out = true, true;
    if (v == "false" || v == "0") return out = false, true;
    return false;
}

// Doubles at or beyond 2^63 do not fit an int64.
bool integral_int64(double v) {
    return std::isfinite(v) && std::trunc(v) == v && v >= -9223372036854775808.0 && v < 9223372036854775808.0;
}

Column convert(const Column& col, DType target, const std::string& source) {
    Column out(col.name(), target);
    out.reserve(col.size());
    const DType from = col.type();
    for (std::size_t i = 0; i < col.size(); ++i) {
        if (col.is_null(i)) {
            out.push_null();
            continue;
        }
        if (target == DType::string) {
            out.push_string(col.to_text(i));
            continue;
        }
        if (from == DType::string) {
            std::string_view s = trim(col.string_at(i));
            // An empty cell is missing, as it is in a CSV file.
            if (s.empty()) {
                out.push_null();
                continue;
            }
            bool ok = false;
            if (target == DType::int64) {
                std::int64_t v = 0;
                if ((ok = parse_int(s, v))) out.push_int(v);
            } else if (target == DType::float64) {
                double v = 0;
                if ((ok = parse_float(s, v))) out.push_float(v);
            } else {
                bool v = false;
                if ((ok = parse_bool(s, v))) out.push_bool(v);
            }
            if (!ok) bad_value(source, col, i, target);
            continue;
        }
        // Numeric and bool sources.
        const double v = col.as_double(i);
        if (std::isnan(v)) {
            out.push_null();
            continue;
        }
        switch (target) {
            case DType::float64: out.push_float(v); break;
            case DType::int64:
                if (!integral_int64(v)) bad_value(source, col, i, target);
                out.push_int(from == DType::int64 ? col.ints()[i] : static_cast<std::int64_t>(v));
                break;
            case DType::boolean:
                if (v != 0.0 && v != 1.0) bad_value(source, col, i, target);
                out.push_bool(v == 1.0);
                break;
            case DType::string: break;
        }
    }
    return out;
}

}  // namespace

void apply_schema(Frame& frame, const std::vector<lang::ColumnDecl>& schema, const std::string& source_name) {
    for (const auto& decl : schema) {
        auto type = parse_dtype(decl.type);
        if (!type)
            throw Error(ErrorKind::validation, kCode,
                        "column '" + decl.name + "' is declared as '" + decl.type + "', which is not a type; expected " +
                            join_or(dtype_names(), "'"),
                        declared_at(decl.pos));
        Column* col = frame.find_mut(decl.name);
        if (!col) {
            std::vector<std::string> names = frame.names();
            std::string msg = "declared column '" + decl.name + "' is not in the data";
            msg += did_you_mean(decl.name, names);
            msg += names.empty() ? std::string("; the data has no columns") : "; the columns are: " + join(names);
            throw Error(ErrorKind::data, kCode, msg, location(source_name));
        }
        if (col->type() != *type) *col = convert(*col, *type, source_name);
    }
}

}  // namespace hone::data
