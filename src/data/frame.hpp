#pragma once
// A columnar table: every loader produces one, every later stage reads one.
// Columns are typed (float64, int64, bool, string); strings are dictionary
// encoded so a categorical column costs one int32 a row. Nulls are a per-column
// validity mask (empty mask = no nulls).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hone::data {

enum class DType { float64, int64, boolean, string };

std::string_view to_string(DType t);
// Parses a schema type name: int/integer/int64, float/double/float64, bool/boolean,
// string/str/text/category/categorical/datetime/date. nullopt if unknown.
std::optional<DType> parse_dtype(std::string_view name);
// The schema type names parse_dtype accepts, for "expected one of" messages.
const std::vector<std::string>& dtype_names();

class Column {
public:
    Column() = default;
    Column(std::string name, DType type);

    const std::string& name() const { return name_; }
    void set_name(std::string n) { name_ = std::move(n); }
    DType type() const { return type_; }
    std::size_t size() const;
    std::size_t null_count() const;
    bool is_null(std::size_t i) const { return !valid_.empty() && !valid_[i]; }
    bool has_nulls() const { return null_count() > 0; }

    // Appending. push_null works for every type (stores a zero/empty placeholder).
    void push_float(double v);
    void push_int(std::int64_t v);
    void push_bool(bool v);
    void push_string(std::string_view v);
    void push_null();
    void reserve(std::size_t n);

    // Typed access; the caller checks type() first (asserted in debug builds).
    const std::vector<double>& floats() const { return f64_; }
    const std::vector<std::int64_t>& ints() const { return i64_; }
    const std::vector<std::uint8_t>& bools() const { return b_; }
    // String columns: codes index into dictionary(); a null row has code -1.
    const std::vector<std::int32_t>& codes() const { return codes_; }
    const std::vector<std::string>& dictionary() const { return dict_; }
    std::string_view string_at(std::size_t i) const { return dict_[codes_[i]]; }

    std::vector<double>& floats_mut() { return f64_; }
    std::vector<std::int64_t>& ints_mut() { return i64_; }
    std::vector<std::uint8_t>& bools_mut() { return b_; }
    // Raw access for bulk builders: validity (1 = present) may be left empty for "no nulls".
    std::vector<std::uint8_t>& validity_mut() { return valid_; }
    const std::vector<std::uint8_t>& validity() const { return valid_; }
    // Replace the string storage wholesale (codes must index into dict, -1 for null).
    void set_strings(std::vector<std::int32_t> codes, std::vector<std::string> dict);

    // Numeric view: float64 for float/int/bool columns (null -> NaN). Throws for strings.
    double as_double(std::size_t i) const;
    // Cell as text ("" for null), for messages and printing.
    std::string to_text(std::size_t i) const;

    // Rows picked by index, in that order (used by splits).
    Column take(const std::vector<std::size_t>& rows) const;

private:
    void mark(bool present);

    std::string name_;
    DType type_ = DType::float64;
    std::vector<double> f64_;
    std::vector<std::int64_t> i64_;
    std::vector<std::uint8_t> b_;
    std::vector<std::int32_t> codes_;
    std::vector<std::string> dict_;
    std::unordered_map<std::string, std::int32_t> dict_index_;
    std::vector<std::uint8_t> valid_;  // empty until the first null
};

// Something loading found or mended that a user should hear of, e.g. values that
// were not valid UTF-8. Callers pass these on with their own warnings.
struct DataWarning {
    std::string column;   // the column it concerns
    std::string message;  // one sentence, naming the column
};

class Frame {
public:
    std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
    std::size_t cols() const { return columns_.size(); }
    const std::vector<Column>& columns() const { return columns_; }
    std::vector<Column>& columns_mut() { return columns_; }

    // Adds a column; its size must match rows() unless the frame is empty.
    void add(Column c);
    // Room for `n` columns, so adding them moves none.
    void reserve(std::size_t n) { columns_.reserve(n); }
    const Column* find(std::string_view name) const;
    Column* find_mut(std::string_view name);
    // Throws hone::Error(not_found) listing the columns there are.
    const Column& at(std::string_view name) const;
    std::vector<std::string> names() const;

    // Both keep the warnings.
    Frame take(const std::vector<std::size_t>& rows) const;
    Frame select(const std::vector<std::string>& names) const;

    const std::vector<DataWarning>& warnings() const { return warnings_; }

    // SHA-256 of the loaded table: column names, types, and every value and
    // null in row order. The same rows give the same digest whatever file or
    // source they came from; one changed value gives another.
    std::string fingerprint() const;
    void warn(std::string column, std::string message) {
        warnings_.push_back({std::move(column), std::move(message)});
    }

private:
    std::vector<Column> columns_;
    std::vector<DataWarning> warnings_;
};

}  // namespace hone::data
