// JSON and JSON Lines sources: records (objects) become rows, keys become columns.
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"

namespace hone::data {

namespace {

// ordered_json keeps keys in file order, so columns come out in the order they are written.
using Json = nlohmann::ordered_json;

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

// A value short enough to quote in a message.
std::string excerpt(const Json& v) {
    std::string text = v.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

std::string_view kind_name(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return "null";
        case Json::value_t::boolean: return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float: return "a number";
        case Json::value_t::string: return "a string";
        case Json::value_t::array: return "an array";
        case Json::value_t::object: return "an object";
        default: return "a value";
    }
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; users need only the rest.
std::string parse_message(const std::exception& e) {
    std::string msg = e.what();
    if (!msg.empty() && msg.front() == '[') {
        auto close = msg.find("] ");
        if (close != std::string::npos) msg = msg.substr(close + 2);
    }
    return msg;
}

bool fits_int64(const Json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return v.is_number_integer();
}

// Which JSON kinds one key holds across the records.
struct KeyKinds {
    bool boolean = false;
    bool integer = false;
    bool floating = false;
    bool string = false;
    bool nested = false;

    void see(const Json& v) {
        if (v.is_null()) return;
        if (v.is_boolean()) boolean = true;
        else if (v.is_number() && fits_int64(v)) integer = true;
        else if (v.is_number()) floating = true;
        else if (v.is_string()) string = true;
        else nested = true;
    }

    DType type() const {
        bool numeric = integer || floating;
        if (string || nested || (boolean && numeric)) return DType::string;
        if (boolean) return DType::boolean;
        if (floating) return DType::float64;
        if (integer) return DType::int64;
        return DType::string;  // only nulls: nothing to infer from
    }
};

// Builds the frame from records already checked to be objects.
Frame frame_from_records(const std::vector<const Json*>& records) {
    std::vector<std::string> keys;
    std::vector<KeyKinds> kinds;
    std::unordered_map<std::string, std::size_t> index;
    for (const Json* rec : records) {
        for (auto it = rec->begin(); it != rec->end(); ++it) {
            auto [pos, inserted] = index.try_emplace(it.key(), keys.size());
            if (inserted) {
                keys.push_back(it.key());
                kinds.emplace_back();
            }
            kinds[pos->second].see(it.value());
        }
    }

    Frame frame;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        Column col(keys[k], kinds[k].type());
        col.reserve(records.size());
        for (const Json* rec : records) {
            auto it = rec->find(keys[k]);
            if (it == rec->end() || it->is_null()) {
                col.push_null();
                continue;
            }
            const Json& v = *it;
            switch (col.type()) {
                case DType::boolean: col.push_bool(v.get<bool>()); break;
                case DType::int64: col.push_int(v.get<std::int64_t>()); break;
                case DType::float64: col.push_float(v.get<double>()); break;
                case DType::string: col.push_string(v.is_string() ? v.get_ref<const std::string&>() : v.dump()); break;
            }
        }
        frame.add(std::move(col));
    }
    return frame;
}

// The array of records a JSON document holds: the document itself, or the one
// array among an object's members (when several, the one whose elements are all objects).
const Json& records_array(const Json& doc, const std::string& name) {
    if (doc.is_array()) return doc;
    if (!doc.is_object())
        throw Error(ErrorKind::data, kCode,
                    "expected an array of records or an object holding one, got " + std::string(kind_name(doc)),
                    location(name));
    std::vector<std::string> arrays;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it->is_array()) arrays.push_back(it.key());
    if (arrays.size() == 1) return doc[arrays.front()];
    if (arrays.empty()) {
        std::vector<std::string> members;
        for (auto it = doc.begin(); it != doc.end(); ++it) members.push_back("'" + it.key() + "'");
        throw Error(ErrorKind::data, kCode,
                    "expected an array of records or an object holding one; the object has no array" +
                        (members.empty() ? std::string(" (it is empty)") : " among its members " + join(members)),
                    location(name));
    }
    std::vector<std::string> of_records;
    for (const auto& key : arrays) {
        const Json& a = doc[key];
        bool all_objects = !a.empty();
        for (const auto& e : a) all_objects = all_objects && e.is_object();
        if (all_objects) of_records.push_back(key);
    }
    if (of_records.size() == 1) return doc[of_records.front()];
    std::vector<std::string> quoted;
    for (const auto& key : arrays) quoted.push_back("'" + key + "'");
    throw Error(ErrorKind::data, kCode,
                "the object holds several arrays (" + join(quoted) + "); expected exactly one array of records",
                location(name));
}

}  // namespace

Frame read_json_text(std::string_view text, const std::string& name) {
    Json doc;
    try {
        doc = Json::parse(text);
    } catch (const Json::exception& e) {  // malformed text, or a number out of range (1e999)
        throw Error(ErrorKind::data, kCode, "invalid JSON: " + parse_message(e), location(name));
    }
    const Json& array = records_array(doc, name);
    std::vector<const Json*> records;
    records.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json& rec = array[i];
        if (!rec.is_object())
            throw Error(ErrorKind::data, kCode, "expected a record (an object), got " + excerpt(rec),
                        location(name, 0, static_cast<std::int64_t>(i + 1)));
        records.push_back(&rec);
    }
    return frame_from_records(records);
}

Frame read_json(const std::filesystem::path& path) { return read_json_text(read_text_file(path), path.string()); }

Frame read_jsonl_text(std::string_view text, const std::string& name) {
    std::vector<Json> docs;
    int line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        // A UTF-8 byte order mark may precede the first line.
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
        if (trim(line).empty()) continue;
        Json doc;
        try {
            doc = Json::parse(line);
        } catch (const Json::exception& e) {  // malformed text, or a number out of range (1e999)
            std::string msg = parse_message(e);
            // Each line is parsed alone, so nlohmann's "line 1" is meaningless here.
            auto at = msg.find("at line 1, column");
            if (at != std::string::npos) msg.replace(at, 17, "at column");
            throw Error(ErrorKind::data, kCode, "invalid JSON: " + msg, location(name, line_no));
        }
        if (!doc.is_object())
            throw Error(ErrorKind::data, kCode, "expected a record (an object), got " + excerpt(doc),
                        location(name, line_no));
        docs.push_back(std::move(doc));
    }
    std::vector<const Json*> records;
    records.reserve(docs.size());
    for (const auto& d : docs) records.push_back(&d);
    return frame_from_records(records);
}

Frame read_jsonl(const std::filesystem::path& path) { return read_jsonl_text(read_text_file(path), path.string()); }

}  // namespace hone::data
