#include "lang/key_table.hpp"

#include <cmath>

#include "common/names.hpp"
#include "common/text.hpp"

namespace hone::lang {

namespace {

bool below_min(const Rule& r, double v) { return r.min && (r.min_open ? v <= *r.min : v < *r.min); }
bool above_max(const Rule& r, double v) { return r.max && (r.max_open ? v >= *r.max : v > *r.max); }

// "at least 0", "between 0 and 1 (exclusive)", "at least 0 and below 1", ...
std::string range_text(const Rule& r) {
    std::string lo = r.min ? number_text(*r.min) : "", hi = r.max ? number_text(*r.max) : "";
    if (r.min && r.max) {
        if (r.min_open && r.max_open) return "between " + lo + " and " + hi + " (exclusive)";
        if (!r.min_open && !r.max_open) return "between " + lo + " and " + hi;
        return (r.min_open ? "greater than " : "at least ") + lo + (r.max_open ? " and below " : " and at most ") + hi;
    }
    if (r.min) return (r.min_open ? "greater than " : "at least ") + lo;
    return (r.max_open ? "below " : "at most ") + hi;
}

bool check_range(Fields& f, const std::string& key, const Node& n, const Rule& rule, double v) {
    if (!below_min(rule, v) && !above_max(rule, v)) return true;
    f.diags().error(n.pos, f.key_ref(key) + " must be " + range_text(rule) + ", found " + number_text(v));
    return false;
}

std::optional<Json> read_typed(Fields& f, const std::string& key, const Node& n, const Rule& rule) {
    switch (rule.type) {
        case ValueType::string:
            if (auto v = f.text(key, n)) return Json(*v);
            return std::nullopt;
        case ValueType::integer:
            if (auto v = f.integer(key, n)) return Json(*v);
            return std::nullopt;
        case ValueType::number:
            if (auto v = f.number(key, n)) return Json(*v);
            return std::nullopt;
        case ValueType::boolean:
            if (auto v = f.boolean(key, n)) return Json(*v);
            return std::nullopt;
        case ValueType::names:
            if (auto v = f.names(key, n)) return Json(*v);
            return std::nullopt;
        case ValueType::map:
        case ValueType::section:
            return f.object(key, n);
        case ValueType::any:
            return n.to_json();
    }
    return std::nullopt;
}

}  // namespace

std::optional<Json> read_checked(Fields& f, const std::string& key, const Node& n, const Rule& rule) {
    auto value = read_typed(f, key, n, rule);
    if (!value) return std::nullopt;
    if (value->is_number() && !check_range(f, key, n, rule, value->get<double>())) return std::nullopt;
    if (rule.type == ValueType::string) {
        const auto text = value->get<std::string>();
        if (!rule.choices.empty() && !f.one_of(key, text, rule.choices, &n)) return std::nullopt;
        if (rule.path_name && !is_safe_name(text)) {
            f.diags().error(n.pos, key + " '" + text + "' is not a name: use 1 to " + std::to_string(kMaxNameLength) +
                                       " of A-Z a-z 0-9 _ . - (not starting with '.')");
            return std::nullopt;
        }
    }
    if (rule.check) {
        std::string problem = rule.check(*value);
        if (!problem.empty()) {
            f.diags().error(n.pos, problem);
            return std::nullopt;
        }
    }
    return value;
}

std::string describe_type(const Rule& r) {
    std::string range = r.min || r.max ? " " + range_text(r) : "";
    switch (r.type) {
        case ValueType::string:
            if (!r.choices.empty()) {
                std::vector<std::string> quoted;
                for (const auto& c : r.choices) quoted.push_back("`" + c + "`");
                return join(quoted);
            }
            if (!r.names_from.empty()) return "a name among the " + r.names_from;
            return r.path_name ? "name" : "string";
        case ValueType::integer: return "int" + range;
        case ValueType::number: return "number" + range;
        case ValueType::boolean: return "bool";
        case ValueType::names: return "list of names";
        case ValueType::map: return "map";
        case ValueType::section: return "map";
        case ValueType::any: return "any";
    }
    return "";
}

std::string describe_default(const Json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>().empty() ? "" : "`" + v.get<std::string>() + "`";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) return number_text(v.get<double>());
    if ((v.is_array() || v.is_object()) && v.empty()) return "";
    return v.dump();
}

}  // namespace hone::lang
