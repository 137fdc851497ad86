#include "server/rows.hpp"

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
    bool numeric = integer || fraction;
    data::DType type = text || (boolean && numeric) ? data::DType::string
                       : boolean                   ? data::DType::boolean
                       : integer && !fraction      ? data::DType::int64
                                                   : data::DType::float64;  // also: only nulls
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
    for (std::size_t f = 0; f < features.size(); ++f) frame.add(build_column(features[f], cells.by_feature[f]));
    return frame;
}

}  // namespace hone::server
