#include "server/rows.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::server {

namespace {

using Json = nlohmann::ordered_json;

const char* kind_name(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return "null";
        case Json::value_t::boolean: return "a boolean";
        case Json::value_t::string: return "a string";
        case Json::value_t::array: return "an array";
        case Json::value_t::object: return "an object";
        default: return "a number";
    }
}

[[noreturn]] void invalid(const std::string& message) {
    throw Error(ErrorKind::validation, "invalid_rows", message, {},
                "send the rows as one of: " + join(row_formats()) + " (see the API docs)");
}

// Per feature, per row: the value sent (nullptr = absent from that row).
struct Cells {
    const std::vector<std::string>& features;
    std::vector<std::vector<const Json*>> by_feature;
    std::vector<std::string> seen;  // column names the request used, for "did you mean"
    const Json* first_record = nullptr;  // its keys are the names used, when records were sent
    std::size_t rows = 0;

    explicit Cells(const std::vector<std::string>& f) : features(f), by_feature(f.size()) {}

    // Records usually list the features in the model's order: the key at the
    // same position is tried before a search (an ordered object's find is linear).
    void add_record(const Json& rec) {
        auto next = rec.begin();
        for (std::size_t f = 0; f < features.size(); ++f) {
            const Json* value = nullptr;
            if (next != rec.end() && next.key() == features[f]) {
                value = &*next;
                ++next;
            } else if (auto it = rec.find(features[f]); it != rec.end()) {
                value = &*it;
            }
            by_feature[f].push_back(value);
        }
        if (rows == 0) first_record = &rec;
        ++rows;
    }

    void add_positional(const Json& values) {
        for (std::size_t f = 0; f < features.size(); ++f) by_feature[f].push_back(&values[f]);
        ++rows;
    }
};

void add_records(Cells& cells, const Json& array, const std::string& key) {
    if (!array.is_array()) invalid("'" + key + "' must be an array of records, got " + kind_name(array));
    for (std::size_t i = 0; i < array.size(); ++i) {
        if (!array[i].is_object())
            invalid(key + "[" + std::to_string(i) + "] must be a record (an object), got " + kind_name(array[i]));
        cells.add_record(array[i]);
    }
}

void add_split(Cells& cells, const Json& split) {
    if (!split.is_object())
        invalid("'dataframe_split' must be an object with 'columns' and 'data', got " + std::string(kind_name(split)));
    auto columns = split.find("columns");
    auto data = split.find("data");
    if (columns == split.end() || !columns->is_array())
        invalid("'dataframe_split' needs 'columns', an array of column names");
    if (data == split.end() || !data->is_array()) invalid("'dataframe_split' needs 'data', an array of rows");
    std::unordered_map<std::string, std::size_t> position;
    for (std::size_t c = 0; c < columns->size(); ++c) {
        const Json& name = (*columns)[c];
        if (!name.is_string())
            invalid("dataframe_split.columns[" + std::to_string(c) + "] must be a column name, got " + kind_name(name));
        position.emplace(name.get<std::string>(), c);
        cells.seen.push_back(name.get<std::string>());
    }
    for (std::size_t r = 0; r < data->size(); ++r) {
        const Json& row = (*data)[r];
        if (!row.is_array() || row.size() != columns->size())
            invalid("dataframe_split.data[" + std::to_string(r) + "] must be an array of " +
                    std::to_string(columns->size()) + " values (one per column), got " +
                    (row.is_array() ? std::to_string(row.size()) + " values" : std::string(kind_name(row))));
        for (std::size_t f = 0; f < cells.features.size(); ++f) {
            auto p = position.find(cells.features[f]);
            cells.by_feature[f].push_back(p == position.end() ? nullptr : &row[p->second]);
        }
        ++cells.rows;
    }
}

void add_instances(Cells& cells, const Json& array) {
    if (!array.is_array()) invalid("'instances' must be an array, got " + std::string(kind_name(array)));
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json& inst = array[i];
        if (inst.is_object()) {
            cells.add_record(inst);
        } else if (inst.is_array()) {
            if (inst.size() != cells.features.size())
                invalid("instances[" + std::to_string(i) + "] has " + std::to_string(inst.size()) +
                        " values; the model takes " + std::to_string(cells.features.size()) +
                        " features in this order: " + join(cells.features));
            cells.add_positional(inst);
        } else {
            invalid("instances[" + std::to_string(i) + "] must be a record (an object) or an array of feature values, got " +
                    kind_name(inst));
        }
    }
}

void check_complete(const Cells& cells) {
    std::vector<std::string> missing;
    std::int64_t first_row = -1;  // of the first missing feature, when some rows have it
    for (std::size_t f = 0; f < cells.features.size(); ++f) {
        const auto& column = cells.by_feature[f];
        std::size_t absent = 0, first = 0;
        for (std::size_t r = 0; r < column.size(); ++r)
            if (!column[r] && absent++ == 0) first = r;
        if (absent == 0) continue;
        if (missing.empty() && absent < column.size()) first_row = static_cast<std::int64_t>(first) + 1;
        missing.push_back(cells.features[f]);
    }
    if (missing.empty()) return;
    std::vector<std::string> seen = cells.seen;
    if (cells.first_record)
        for (auto it = cells.first_record->begin(); it != cells.first_record->end(); ++it) seen.push_back(it.key());
    Location where;
    where.column = missing.front();
    where.row = first_row;
    std::string msg;
    if (missing.size() == 1) {
        msg = "feature column '" + missing.front() + "' is missing from " +
              (first_row > 0 ? "row " + std::to_string(first_row) : std::string("the rows"));
        std::string near = nearest(missing.front(), seen);
        if (!near.empty() && near != missing.front()) msg += "; did you mean '" + near + "'?";
    } else {
        std::vector<std::string> quoted;
        for (const auto& m : missing) quoted.push_back("'" + m + "'");
        msg = "feature columns " + join(quoted) + " are missing from the rows";
    }
    throw Error(ErrorKind::data, "missing_feature", msg, where, "the model takes: " + join(cells.features));
}

bool is_integer(const Json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return v.is_number_integer();
}

// The type of a column from the kinds of value it holds (see rows.hpp).
data::DType column_type(bool boolean, bool integer, bool fraction, bool text) {
    bool numeric = integer || fraction;
    return text || (boolean && numeric) ? data::DType::string
           : boolean                   ? data::DType::boolean
           : integer && !fraction      ? data::DType::int64
                                       : data::DType::float64;  // also: only nulls
}

data::Column build_column(const std::string& name, const std::vector<const Json*>& values) {
    bool boolean = false, integer = false, fraction = false, text = false;
    for (std::size_t r = 0; r < values.size(); ++r) {
        const Json& v = *values[r];
        if (v.is_null()) continue;
        if (v.is_boolean()) boolean = true;
        else if (v.is_string()) text = true;
        else if (v.is_number()) (is_integer(v) ? integer : fraction) = true;
        else
            invalid("row " + std::to_string(r + 1) + ", feature '" + name +
                    "': expected a number, string, boolean or null, got " + kind_name(v));
    }
    data::DType type = column_type(boolean, integer, fraction, text);
    data::Column col(name, type);
    col.reserve(values.size());
    for (const Json* p : values) {
        const Json& v = *p;
        if (v.is_null()) {
            col.push_null();
            continue;
        }
        switch (type) {
            case data::DType::boolean: col.push_bool(v.get<bool>()); break;
            case data::DType::int64: col.push_int(v.get<std::int64_t>()); break;
            case data::DType::float64: col.push_float(v.get<double>()); break;
            case data::DType::string:
                if (v.is_string()) col.push_string(v.get_ref<const std::string&>());
                else if (v.is_number_float()) col.push_string(format_double(v.get<double>()));
                else col.push_string(v.dump());
                break;
        }
    }
    return col;
}

}  // namespace

const std::vector<std::string>& row_formats() {
    static const std::vector<std::string> v = {"records", "dataframe_split", "dataframe_records", "instances"};
    return v;
}

data::Frame rows_to_frame(const Json& body, const std::vector<std::string>& features) {
    if (!body.is_object()) invalid("the body must be a JSON object holding the rows");
    std::vector<std::string> given;
    for (const auto& f : row_formats())
        if (body.contains(f)) given.push_back(f);
    if (given.empty()) {
        std::string msg = "no rows: the body holds none of " + join_or(row_formats(), "'");
        for (auto it = body.begin(); it != body.end(); ++it) {
            std::string near = nearest(it.key(), row_formats());
            if (!near.empty()) {
                msg += "; did you mean '" + near + "' for '" + it.key() + "'?";
                break;
            }
        }
        invalid(msg);
    }
    if (given.size() > 1) invalid("the body holds both '" + given[0] + "' and '" + given[1] + "'; send one");

    Cells cells(features);
    const std::string& format = given.front();
    if (format == "dataframe_split") add_split(cells, body[format]);
    else if (format == "instances") add_instances(cells, body[format]);
    else add_records(cells, body[format], format);
    if (cells.rows == 0) invalid("'" + format + "' holds no rows");
    check_complete(cells);

    data::Frame frame;
    frame.reserve(features.size());
    for (std::size_t f = 0; f < features.size(); ++f) frame.add(build_column(features[f], cells.by_feature[f]));
    return frame;
}

}  // namespace hone::server

namespace hone::server {

namespace {

// One scalar of a fast-parsed body.
struct Cell {
    enum Kind : std::uint8_t { absent, null, boolean, integer, fraction, text } kind = absent;
    bool flag = false;
    std::int64_t i = 0;
    double d = 0;
    std::string_view s;
};

// A cursor over JSON text that reads only what a plain prediction body holds;
// every read answers false for anything else, and the caller gives up.
class Scanner {
public:
    explicit Scanner(std::string_view text) : t_(text) {}

    void skip_ws() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) ++p_;
    }
    bool eat(char c) {
        skip_ws();
        if (p_ < t_.size() && t_[p_] == c) {
            ++p_;
            return true;
        }
        return false;
    }
    bool peek(char c) {
        skip_ws();
        return p_ < t_.size() && t_[p_] == c;
    }
    bool at_end() {
        skip_ws();
        return p_ == t_.size();
    }
    // A string without escapes, control characters or non-ASCII bytes (which the
    // full parser checks as UTF-8).
    bool string(std::string_view& out) {
        if (!eat('"')) return false;
        std::size_t start = p_;
        while (p_ < t_.size()) {
            auto c = static_cast<unsigned char>(t_[p_]);
            if (c == '"') {
                out = t_.substr(start, p_ - start);
                ++p_;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x80) return false;
            ++p_;
        }
        return false;
    }
    bool scalar(Cell& cell) {
        skip_ws();
        if (p_ >= t_.size()) return false;
        char c = t_[p_];
        if (c == '"') {
            cell.kind = Cell::text;
            return string(cell.s);
        }
        if (word("null")) {
            cell.kind = Cell::null;
            return true;
        }
        if (word("true") || word("false")) {
            cell.kind = Cell::boolean;
            cell.flag = t_[p_ - 1] == 'e' && t_[p_ - 2] == 'u';
            return true;
        }
        return number(cell);
    }

private:
    bool word(std::string_view w) {
        if (t_.substr(p_, w.size()) != w) return false;
        p_ += w.size();
        return true;
    }
    static bool digit(char c) { return c >= '0' && c <= '9'; }
    // JSON's number grammar exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number(Cell& cell) {
        std::size_t start = p_, i = p_;
        if (i < t_.size() && t_[i] == '-') ++i;
        if (i >= t_.size() || !digit(t_[i])) return false;
        if (t_[i] == '0') ++i;
        else
            while (i < t_.size() && digit(t_[i])) ++i;
        bool integral = true;
        if (i < t_.size() && t_[i] == '.') {
            integral = false;
            if (++i >= t_.size() || !digit(t_[i])) return false;
            while (i < t_.size() && digit(t_[i])) ++i;
        }
        if (i < t_.size() && (t_[i] == 'e' || t_[i] == 'E')) {
            integral = false;
            if (++i < t_.size() && (t_[i] == '+' || t_[i] == '-')) ++i;
            if (i >= t_.size() || !digit(t_[i])) return false;
            while (i < t_.size() && digit(t_[i])) ++i;
        }
        const char* first = t_.data() + start;
        const char* last = t_.data() + i;
        if (integral) {
            auto [end, ec] = std::from_chars(first, last, cell.i);
            if (ec != std::errc() || end != last) return false;  // beyond int64: the full parser decides
            cell.kind = Cell::integer;
        } else {
            auto [end, ec] = std::from_chars(first, last, cell.d);
            if (ec != std::errc() || end != last) return false;
            cell.kind = Cell::fraction;
        }
        p_ = i;
        return true;
    }

    std::string_view t_;
    std::size_t p_ = 0;
};

// Reads one record's values into row `r` of `cells` (features x rows).
bool scan_record(Scanner& in, const std::vector<std::string>& features, std::vector<Cell>& row) {
    if (!in.eat('{')) return false;
    if (in.eat('}')) return true;
    std::size_t next = 0;  // records usually list the features in the model's order
    do {
        std::string_view key;
        if (!in.string(key) || !in.eat(':')) return false;
        std::size_t f = features.size();
        if (next < features.size() && features[next] == key) {
            f = next++;
        } else {
            for (std::size_t k = 0; k < features.size(); ++k)
                if (features[k] == key) f = k;
        }
        Cell cell;
        if (!in.scalar(cell)) return false;  // nested values: the full parser decides
        if (f < features.size()) {
            if (row[f].kind != Cell::absent) return false;  // a key twice
            row[f] = cell;
        }
    } while (in.eat(','));
    return in.eat('}');
}

bool scan_positional(Scanner& in, std::vector<Cell>& row) {
    if (!in.eat('[')) return false;
    std::size_t f = 0;
    if (!in.eat(']')) {
        do {
            if (f >= row.size() || !in.scalar(row[f++])) return false;
        } while (in.eat(','));
        if (!in.eat(']')) return false;
    }
    return f == row.size();
}

// The column rows_to_frame would build, or false when it would need its string
// conversions of numbers and booleans (left to it, so the text is the same).
bool build_fast_column(const std::string& name, const std::vector<Cell>& cells, std::size_t stride,
                       std::size_t offset, data::Frame& frame) {
    bool boolean = false, integer = false, fraction = false, text = false;
    for (std::size_t at = offset; at < cells.size(); at += stride) {
        switch (cells[at].kind) {
            case Cell::absent: return false;
            case Cell::boolean: boolean = true; break;
            case Cell::integer: integer = true; break;
            case Cell::fraction: fraction = true; break;
            case Cell::text: text = true; break;
            case Cell::null: break;
        }
    }
    if ((text && (boolean || integer || fraction)) || (boolean && (integer || fraction))) return false;
    data::DType type = column_type(boolean, integer, fraction, text);
    data::Column col(name, type);
    col.reserve(cells.size() / stride);
    for (std::size_t at = offset; at < cells.size(); at += stride) {
        const Cell& c = cells[at];
        if (c.kind == Cell::null) col.push_null();
        else if (type == data::DType::string) col.push_string(c.s);
        else if (type == data::DType::boolean) col.push_bool(c.flag);
        else if (type == data::DType::int64) col.push_int(c.i);
        else col.push_float(c.kind == Cell::integer ? static_cast<double>(c.i) : c.d);
    }
    frame.add(std::move(col));
    return true;
}

}  // namespace

std::optional<data::Frame> fast_rows_to_frame(std::string_view body, const std::vector<std::string>& features) {
    Scanner in(body);
    std::string_view format;
    if (!in.eat('{') || !in.string(format) || !in.eat(':') || !in.eat('[')) return std::nullopt;
    bool records = format == "records" || format == "dataframe_records";
    if (!records && format != "instances") return std::nullopt;
    std::size_t n = features.size();
    std::vector<Cell> cells;  // row-major, n a row
    std::size_t rows = 0;
    if (in.peek(']')) return std::nullopt;  // no rows: rows_to_frame words the error
    do {
        cells.resize((rows + 1) * n);
        std::vector<Cell> row(n);
        bool ok = in.peek('[') && !records ? scan_positional(in, row) : scan_record(in, features, row);
        if (!ok) return std::nullopt;
        std::copy(row.begin(), row.end(), cells.begin() + static_cast<std::ptrdiff_t>(rows * n));
        ++rows;
    } while (in.eat(','));
    if (!in.eat(']') || !in.eat('}') || !in.at_end()) return std::nullopt;
    data::Frame frame;
    frame.reserve(n);
    for (std::size_t f = 0; f < n; ++f)
        if (!build_fast_column(features[f], cells, n, f, frame)) return std::nullopt;
    return frame;
}

}  // namespace hone::server
