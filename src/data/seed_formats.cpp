#include "data/seed_formats.hpp"

#include <cctype>
#include <cstdint>
#include <map>
#include <set>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"

namespace hone::data {

namespace {

using Json = nlohmann::json;

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
constexpr std::size_t kMaxListed = 20;

enum class Kind { classification, interactions };

Kind parse_kind(std::string_view kind) {
    std::string k = to_lower(kind);
    if (k == "classification") return Kind::classification;
    if (k == "interactions" || k == "ncf" || k == "recommendation") return Kind::interactions;
    throw Error(ErrorKind::validation, kCode,
                "unknown data format '" + std::string(kind) + "'; expected " + join_or(seed_format_names(), "'"));
}

// The value as it appears in the file, shortened for messages.
std::string got(const Json& v) {
    std::string text = v.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

// Collects the problems of one document; at() says which record the next ones are in.
class Checker {
public:
    Checker(std::vector<FormatProblem>& problems, std::string records)
        : problems_(problems), records_(std::move(records)) {}

    void at(std::int64_t record) { record_ = record; }

    void problem(std::string field, std::string message) {
        problems_.push_back({records_, record_, std::move(field), std::move(message)});
    }

    // A string field; returns it when present and valid.
    const std::string* string_field(const Json& rec, const char* field, bool required, bool non_empty) {
        auto it = rec.find(field);
        if (it == rec.end() || (!required && it->is_null())) {
            if (required) problem(field, "is required");
            return nullptr;
        }
        if (!it->is_string()) {
            problem(field, "must be a string, got " + got(*it));
            return nullptr;
        }
        const auto& s = it->get_ref<const std::string&>();
        if (non_empty && trim(s).empty()) {
            problem(field, "is empty");
            return nullptr;
        }
        return &s;
    }

    // A numeric field; returns true when present and a number.
    bool number_field(const Json& rec, const char* field, bool required) {
        auto it = rec.find(field);
        if (it == rec.end() || (!required && it->is_null())) {
            if (required) problem(field, "is required");
            return false;
        }
        if (!it->is_number()) {
            problem(field, "must be a number, got " + got(*it));
            return false;
        }
        return true;
    }

private:
    std::vector<FormatProblem>& problems_;
    std::string records_;
    std::int64_t record_ = -1;
};

void check_codes(Checker& c, const Json& codes) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const Json& code = codes[i];
        std::string field = "taxonomy_codes[" + std::to_string(i) + "]";
        if (!code.is_string())
            c.problem(field, "must be a string, got " + got(code));
        else if (trim(code.get_ref<const std::string&>()).empty())
            c.problem(field, "is empty");
        // '|' joins the codes in the loaded column, so it cannot be part of one.
        else if (code.get_ref<const std::string&>().find('|') != std::string::npos)
            c.problem(field, "must not contain '|', got " + got(code));
    }
}

void check_sample(Checker& c, const Json& rec) {
    c.string_field(rec, "text", true, true);

    auto codes = rec.find("taxonomy_codes");
    if (codes == rec.end())
        c.problem("taxonomy_codes", "is required");
    else if (!codes->is_array())
        c.problem("taxonomy_codes", "must be an array, got " + got(*codes));
    else if (codes->empty())
        c.problem("taxonomy_codes", "is empty");
    else
        check_codes(c, *codes);

    if (c.number_field(rec, "confidence", false)) {
        double v = rec["confidence"].get<double>();
        if (!(v >= 0.0 && v <= 1.0)) c.problem("confidence", "must be between 0 and 1, got " + got(rec["confidence"]));
    }
}

void check_interaction(Checker& c, const Json& rec) {
    c.string_field(rec, "user_id", true, true);
    c.string_field(rec, "item_id", true, true);
    if (const std::string* ts = c.string_field(rec, "timestamp", false, false); ts && !is_iso8601(*ts))
        c.problem("timestamp",
                  "must be an ISO 8601 timestamp such as \"2024-01-15T10:30:00\", got " + got(rec["timestamp"]));
    c.string_field(rec, "interaction_type", false, false);
    c.number_field(rec, "implicit_rating", true);
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace

const std::vector<std::string>& seed_format_names() {
    static const std::vector<std::string> names = {"classification", "interactions"};
    return names;
}

bool is_iso8601(std::string_view s) {
    // Date: YYYY-MM-DD.
    int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || s[4] != '-' || s[7] != '-') return false;
    if (day > days_in_month(year, month)) return false;
    if (s.size() == 10) return true;

    // Time: hh:mm[:ss[.fraction]].
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    int hour = digits(s, 11, 2), minute = digits(s, 14, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || s.size() < 16 || s[13] != ':') return false;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        int second = digits(s, pos + 1, 2);
        if (second < 0 || second > 60) return false;  // 60: a leap second
        pos += 3;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            std::size_t start = ++pos;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
            if (pos == start) return false;
        }
    }
    if (pos == s.size()) return true;

    // Offset: Z, ±hh, ±hhmm or ±hh:mm.
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return true;
    if (s[pos] != '+' && s[pos] != '-') return false;
    int oh = digits(s, pos + 1, 2);
    if (oh < 0 || oh > 23) return false;
    pos += 3;
    if (pos == s.size()) return true;
    if (s[pos] == ':') ++pos;
    int om = digits(s, pos, 2);
    return om >= 0 && om <= 59 && pos + 2 == s.size();
}

std::string FormatProblem::text() const {
    std::string out;
    if (record >= 0) out = records + "[" + std::to_string(record) + "]: ";
    if (!field.empty()) out += "'" + field + "' ";
    return out + message;
}

std::string canonical_format_name(std::string_view kind) {
    return parse_kind(kind) == Kind::classification ? "classification" : "interactions";
}

std::vector<FormatProblem> data_format_problems(const Json& data, std::string_view kind) {
    Kind k = parse_kind(kind);
    const std::string records_key = k == Kind::classification ? "samples" : "interactions";
    const std::string count_key = k == Kind::classification ? "num_samples" : "num_interactions";

    std::vector<FormatProblem> problems;
    Checker checker(problems, records_key);
    if (!data.is_object()) {
        checker.problem("", "the data must be an object with 'metadata' and '" + records_key + "', got " + got(data));
        return problems;
    }
    auto records = data.find(records_key);
    if (records == data.end()) {
        checker.problem(records_key, "is required");
        return problems;
    }
    if (!records->is_array()) {
        checker.problem(records_key, "must be an array, got " + got(*records));
        return problems;
    }
    if (records->empty()) checker.problem(records_key, "is empty");

    if (auto meta = data.find("metadata"); meta != data.end() && !meta->is_null()) {
        if (!meta->is_object()) {
            checker.problem("metadata", "must be an object, got " + got(*meta));
        } else if (auto count = meta->find(count_key); count != meta->end() && count->is_number_integer() &&
                                                       count->get<std::int64_t>() !=
                                                           static_cast<std::int64_t>(records->size())) {
            checker.problem("metadata." + count_key, "is " + count->dump() + " but there are " +
                                                         std::to_string(records->size()) + " " + records_key);
        }
    }

    for (std::size_t i = 0; i < records->size(); ++i) {
        const Json& rec = (*records)[i];
        checker.at(static_cast<std::int64_t>(i));
        if (!rec.is_object())
            checker.problem("", "must be an object, got " + got(rec));
        else if (k == Kind::classification)
            check_sample(checker, rec);
        else
            check_interaction(checker, rec);
    }
    return problems;
}

std::vector<std::string> validate_data_format(const Json& data, std::string_view kind) {
    std::vector<std::string> out;
    for (const auto& p : data_format_problems(data, kind)) out.push_back(p.text());
    return out;
}

namespace {

nlohmann::ordered_json classification_summary(const Json& records) {
    std::map<std::string, std::int64_t> classes;
    for (const Json& rec : records) {
        auto codes = rec.is_object() ? rec.find("taxonomy_codes") : rec.end();
        if (codes == rec.end() || !codes->is_array()) continue;
        for (const Json& code : *codes)
            if (code.is_string()) ++classes[code.get<std::string>()];
    }
    nlohmann::ordered_json distribution = nlohmann::ordered_json::object();
    for (const auto& [code, n] : classes) distribution[code] = n;
    return {{"num_samples", records.size()}, {"num_classes", classes.size()}, {"class_distribution", distribution}};
}

nlohmann::ordered_json interactions_summary(const Json& records) {
    std::set<std::string> users, items;
    auto add = [](std::set<std::string>& ids, const Json& rec, const char* field) {
        auto it = rec.find(field);
        if (it != rec.end() && it->is_string()) ids.insert(it->get<std::string>());
    };
    for (const Json& rec : records) {
        if (!rec.is_object()) continue;
        add(users, rec, "user_id");
        add(items, rec, "item_id");
    }
    double cells = static_cast<double>(users.size()) * static_cast<double>(items.size());
    double density = cells > 0 ? static_cast<double>(records.size()) / cells : 0.0;
    return {{"num_users", users.size()},
            {"num_items", items.size()},
            {"num_interactions", records.size()},
            {"density", density}};
}

}  // namespace

nlohmann::ordered_json data_format_summary(const Json& data, std::string_view kind) {
    Kind k = parse_kind(kind);
    static const Json none = Json::array();
    const Json* records = &none;
    if (data.is_object())
        if (auto it = data.find(k == Kind::classification ? "samples" : "interactions");
            it != data.end() && it->is_array())
            records = &*it;
    return k == Kind::classification ? classification_summary(*records) : interactions_summary(*records);
}

Frame seed_format_frame(const Json& data, std::string_view kind, const std::string& name) {
    Kind k = parse_kind(kind);
    std::vector<std::string> problems = validate_data_format(data, kind);
    if (!problems.empty()) {
        std::string msg = "not valid " + std::string(k == Kind::classification ? "classification" : "interactions") +
                          " data (" + std::to_string(problems.size()) +
                          (problems.size() == 1 ? " problem):" : " problems):");
        for (std::size_t i = 0; i < problems.size() && i < kMaxListed; ++i) msg += "\n  " + problems[i];
        if (problems.size() > kMaxListed) msg += "\n  ... and " + std::to_string(problems.size() - kMaxListed) + " more";
        throw Error(ErrorKind::data, kCode, msg, location(name));
    }

    // Optional string fields: null when absent.
    auto optional_string = [](Column& col, const Json& rec, const char* field) {
        auto it = rec.find(field);
        if (it == rec.end() || it->is_null())
            col.push_null();
        else
            col.push_string(it->get_ref<const std::string&>());
    };

    Frame frame;
    if (k == Kind::classification) {
        const Json& samples = data["samples"];
        Column text("text", DType::string), codes("taxonomy_codes", DType::string), confidence("confidence", DType::float64);
        for (const Json& rec : samples) {
            text.push_string(rec["text"].get_ref<const std::string&>());
            std::string joined;
            for (const Json& code : rec["taxonomy_codes"]) {
                if (!joined.empty()) joined += '|';
                joined += code.get_ref<const std::string&>();
            }
            codes.push_string(joined);
            auto c = rec.find("confidence");
            if (c == rec.end() || c->is_null())
                confidence.push_null();
            else
                confidence.push_float(c->get<double>());
        }
        frame.add(std::move(text));
        frame.add(std::move(codes));
        frame.add(std::move(confidence));
    } else {
        const Json& interactions = data["interactions"];
        Column user("user_id", DType::string), item("item_id", DType::string), ts("timestamp", DType::string),
            type("interaction_type", DType::string), rating("implicit_rating", DType::float64);
        for (const Json& rec : interactions) {
            user.push_string(rec["user_id"].get_ref<const std::string&>());
            item.push_string(rec["item_id"].get_ref<const std::string&>());
            optional_string(ts, rec, "timestamp");
            optional_string(type, rec, "interaction_type");
            rating.push_float(rec["implicit_rating"].get<double>());
        }
        frame.add(std::move(user));
        frame.add(std::move(item));
        frame.add(std::move(ts));
        frame.add(std::move(type));
        frame.add(std::move(rating));
    }
    return frame;
}

Frame read_seed_format(const std::filesystem::path& path, std::string_view kind) {
    return read_seed_format_text(read_text_file(path), kind, path.string());
}

Frame read_seed_format_text(std::string_view text, std::string_view kind, const std::string& name) {
    Json data;
    try {
        data = Json::parse(text);
    } catch (const Json::exception& e) {  // malformed text, or a number out of range (1e999)
        std::string msg = e.what();
        if (auto close = msg.find("] "); !msg.empty() && msg.front() == '[' && close != std::string::npos)
            msg = msg.substr(close + 2);
        throw Error(ErrorKind::data, kCode, "invalid JSON: " + msg, location(name));
    }
    return seed_format_frame(data, kind, name);
}

}  // namespace hone::data
