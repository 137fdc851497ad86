#include "data/frame.hpp"

#include <cassert>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"

namespace hone::data {

std::string_view to_string(DType t) {
    switch (t) {
        case DType::float64: return "float";
        case DType::int64: return "int";
        case DType::boolean: return "bool";
        case DType::string: return "string";
    }
    return "string";
}

const std::vector<std::string>& dtype_names() {
    static const std::vector<std::string> names = {"int", "float", "bool", "string", "category", "datetime"};
    return names;
}

std::optional<DType> parse_dtype(std::string_view name) {
    std::string n = to_lower(name);
    if (n == "int" || n == "integer" || n == "int64" || n == "long") return DType::int64;
    if (n == "float" || n == "double" || n == "float64" || n == "number" || n == "real") return DType::float64;
    if (n == "bool" || n == "boolean") return DType::boolean;
    if (n == "string" || n == "str" || n == "text" || n == "category" || n == "categorical" ||
        n == "datetime" || n == "date" || n == "timestamp")
        return DType::string;
    return std::nullopt;
}

Column::Column(std::string name, DType type) : name_(std::move(name)), type_(type) {}

std::size_t Column::size() const {
    switch (type_) {
        case DType::float64: return f64_.size();
        case DType::int64: return i64_.size();
        case DType::boolean: return b_.size();
        case DType::string: return codes_.size();
    }
    return 0;
}

std::size_t Column::null_count() const {
    std::size_t n = 0;
    for (auto v : valid_) n += v ? 0 : 1;
    return n;
}

void Column::mark(bool present) {
    if (!present && valid_.empty()) {
        // First null: every earlier row was present. (Assigning and then pushing
        // only when non-empty would lose a null in the very first row.)
        valid_.assign(size(), 1);
        valid_.push_back(0);
        return;
    }
    if (!valid_.empty()) valid_.push_back(present ? 1 : 0);
}

void Column::push_float(double v) {
    assert(type_ == DType::float64);
    mark(true);
    f64_.push_back(v);
}
void Column::push_int(std::int64_t v) {
    assert(type_ == DType::int64);
    mark(true);
    i64_.push_back(v);
}
void Column::push_bool(bool v) {
    assert(type_ == DType::boolean);
    mark(true);
    b_.push_back(v ? 1 : 0);
}
void Column::push_string(std::string_view v) {
    assert(type_ == DType::string);
    mark(true);
    auto [it, inserted] = dict_index_.try_emplace(std::string(v), static_cast<std::int32_t>(dict_.size()));
    if (inserted) dict_.emplace_back(v);
    codes_.push_back(it->second);
}
void Column::push_null() {
    mark(false);
    switch (type_) {
        case DType::float64: f64_.push_back(std::numeric_limits<double>::quiet_NaN()); break;
        case DType::int64: i64_.push_back(0); break;
        case DType::boolean: b_.push_back(0); break;
        case DType::string: codes_.push_back(-1); break;
    }
}

void Column::reserve(std::size_t n) {
    switch (type_) {
        case DType::float64: f64_.reserve(n); break;
        case DType::int64: i64_.reserve(n); break;
        case DType::boolean: b_.reserve(n); break;
        case DType::string: codes_.reserve(n); break;
    }
}

void Column::set_strings(std::vector<std::int32_t> codes, std::vector<std::string> dict) {
    assert(type_ == DType::string);
    codes_ = std::move(codes);
    dict_ = std::move(dict);
    dict_index_.clear();
    for (std::size_t i = 0; i < dict_.size(); ++i) dict_index_.emplace(dict_[i], static_cast<std::int32_t>(i));
    valid_.clear();
    for (std::size_t i = 0; i < codes_.size(); ++i) {
        if (codes_[i] < 0) {
            if (valid_.empty()) valid_.assign(codes_.size(), 1);
            valid_[i] = 0;
        }
    }
}

double Column::as_double(std::size_t i) const {
    if (is_null(i)) return std::numeric_limits<double>::quiet_NaN();
    switch (type_) {
        case DType::float64: return f64_[i];
        case DType::int64: return static_cast<double>(i64_[i]);
        case DType::boolean: return b_[i];
        case DType::string: break;
    }
    throw Error(ErrorKind::internal, "internal", "column '" + name_ + "' is a string column, not numeric");
}

std::string Column::to_text(std::size_t i) const {
    if (is_null(i)) return "";
    switch (type_) {
        case DType::float64: return format_double(f64_[i]);
        case DType::int64: return std::to_string(i64_[i]);
        case DType::boolean: return b_[i] ? "true" : "false";
        case DType::string: return std::string(string_at(i));
    }
    return "";
}

Column Column::take(const std::vector<std::size_t>& rows) const {
    Column out(name_, type_);
    switch (type_) {
        case DType::float64:
            out.f64_.reserve(rows.size());
            for (auto r : rows) out.f64_.push_back(f64_[r]);
            break;
        case DType::int64:
            out.i64_.reserve(rows.size());
            for (auto r : rows) out.i64_.push_back(i64_[r]);
            break;
        case DType::boolean:
            out.b_.reserve(rows.size());
            for (auto r : rows) out.b_.push_back(b_[r]);
            break;
        case DType::string:
            // Keep the whole dictionary so codes stay comparable across splits.
            out.codes_.reserve(rows.size());
            for (auto r : rows) out.codes_.push_back(codes_[r]);
            out.dict_ = dict_;
            out.dict_index_ = dict_index_;
            break;
    }
    if (!valid_.empty()) {
        out.valid_.reserve(rows.size());
        for (auto r : rows) out.valid_.push_back(valid_[r]);
    }
    return out;
}

void Frame::add(Column c) {
    if (!columns_.empty() && c.size() != rows())
        throw Error(ErrorKind::internal, "internal",
                    "column '" + c.name() + "' has " + std::to_string(c.size()) + " rows, the frame has " +
                        std::to_string(rows()));
    columns_.push_back(std::move(c));
}

const Column* Frame::find(std::string_view name) const {
    for (const auto& c : columns_)
        if (c.name() == name) return &c;
    return nullptr;
}

Column* Frame::find_mut(std::string_view name) {
    for (auto& c : columns_)
        if (c.name() == name) return &c;
    return nullptr;
}

std::vector<std::string> Frame::names() const {
    std::vector<std::string> out;
    for (const auto& c : columns_) out.push_back(c.name());
    return out;
}

const Column& Frame::at(std::string_view name) const {
    if (const Column* c = find(name)) return *c;
    std::string msg = "no column '" + std::string(name) + "'";
    msg += did_you_mean(name, names());
    throw Error(ErrorKind::not_found, "column_not_found", msg, {},
                columns_.empty() ? std::string("the data has no columns") : "the columns are: " + join(names()));
}

Frame Frame::take(const std::vector<std::size_t>& rows) const {
    Frame out;
    for (const auto& c : columns_) out.columns_.push_back(c.take(rows));
    out.warnings_ = warnings_;
    return out;
}

Frame Frame::select(const std::vector<std::string>& names) const {
    Frame out;
    for (const auto& n : names) out.columns_.push_back(at(n));
    out.warnings_ = warnings_;
    return out;
}

std::string Frame::fingerprint() const {
    Sha256 h;
    auto number = [&h](std::uint64_t n) { h.update(&n, sizeof n); };
    number(cols());
    number(rows());
    for (const auto& c : columns_) {
        number(c.name().size());
        h.update(c.name());
        h.update(to_string(c.type()));
        const auto& valid = c.validity();
        number(valid.size());
        h.update(valid.data(), valid.size());
        switch (c.type()) {
            case DType::float64: h.update(c.floats().data(), c.floats().size() * sizeof(double)); break;
            case DType::int64: h.update(c.ints().data(), c.ints().size() * sizeof(std::int64_t)); break;
            case DType::boolean: h.update(c.bools().data(), c.bools().size()); break;
            case DType::string:
                // By value, not by code: the dictionary's order is how the rows were read.
                for (std::size_t i = 0; i < c.size(); ++i) {
                    std::string_view v = c.is_null(i) ? std::string_view() : c.string_at(i);
                    number(v.size());
                    h.update(v);
                }
                break;
        }
    }
    return h.hex();
}

}  // namespace hone::data
