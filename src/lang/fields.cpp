#include "lang/fields.hpp"

#include <algorithm>
#include <cstdio>

#include "common/text.hpp"

namespace hone::lang {

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

Fields::Fields(const Node& map, std::string what, SourcePos owner_pos, Diagnostics& diags, bool nested)
    : map_(map), what_(std::move(what)), owner_pos_(std::move(owner_pos)), diags_(diags), nested_(nested) {}

std::string Fields::key_ref(const std::string& key) const {
    return nested_ ? "'" + key + "' in " + what_ : "'" + key + "'";
}

const Node* Fields::find(const std::string& key) const {
    for (const auto& e : map_.entries)
        if (e.key == key) return &e.value;
    return nullptr;
}

const SourcePos& Fields::key_pos(const std::string& key) const {
    for (const auto& e : map_.entries)
        if (e.key == key) return e.key_pos;
    return owner_pos_;
}

const Node* Fields::get(const std::string& key, const std::vector<std::string>& aliases) {
    known_.push_back(key);
    taken_.push_back(key);
    const Node* found = find(key);
    found_as_ = key;
    for (const auto& alias : aliases) {
        taken_.push_back(alias);
        const Node* n = find(alias);
        if (!n) continue;
        if (found) {
            diags_.error(key_pos(alias), "give either '" + found_as_ + "' or '" + alias + "' (the same setting), not both");
            continue;
        }
        found = n;
        found_as_ = alias;
    }
    return found;
}

void Fields::missing(const std::string& key) {
    diags_.error(owner_pos_, what_ + " is missing required field '" + key + "'");
}

void Fields::type_error(const std::string& key, const Node& n, const std::string& expected) {
    diags_.error(n.pos, key_ref(key) + " must be " + expected + ", found " + n.describe());
}

std::optional<std::string> Fields::text(const std::string& key, const Node& n) {
    if (!n.is_scalar()) {
        type_error(key, n, "a single value");
        return std::nullopt;
    }
    if (n.value.is_string()) return n.value.get<std::string>();
    return n.value.dump();
}

std::optional<std::int64_t> Fields::integer(const std::string& key, const Node& n) {
    if (!n.is_scalar() || !n.value.is_number_integer() || n.quoted) {
        type_error(key, n, "an integer");
        return std::nullopt;
    }
    return n.value.get<std::int64_t>();
}

std::optional<double> Fields::number(const std::string& key, const Node& n) {
    if (!n.is_scalar() || !n.value.is_number() || n.quoted) {
        type_error(key, n, "a number");
        return std::nullopt;
    }
    return n.value.get<double>();
}

std::optional<bool> Fields::boolean(const std::string& key, const Node& n) {
    if (!n.is_scalar() || !n.value.is_boolean()) {
        type_error(key, n, "true or false");
        return std::nullopt;
    }
    return n.value.get<bool>();
}

std::optional<std::vector<std::string>> Fields::names(const std::string& key, const Node& n) {
    auto name_of = [](const Node& item) {
        return item.value.is_string() ? item.value.get<std::string>() : item.value.dump();
    };
    if (n.is_scalar()) return std::vector<std::string>{name_of(n)};
    if (!n.is_list()) {
        type_error(key, n, "a list of names");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : n.items) {
        if (!item.is_scalar() || item.is_null()) {
            diags_.error(item.pos, key_ref(key) + " must be a list of names, found " + item.describe() + " in it");
            continue;
        }
        out.push_back(name_of(item));
    }
    return out;
}

std::optional<Json> Fields::object(const std::string& key, const Node& n) {
    if (!n.is_map()) {
        type_error(key, n, "a map of 'key: value' lines");
        return std::nullopt;
    }
    return n.to_json();
}

bool Fields::one_of(const std::string& key, const std::string& value, const std::vector<std::string>& allowed,
                    const Node* at) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
    const Node* n = at ? at : find(key);
    std::string msg = "invalid " + key + " '" + value + "' in " + what_ + ": expected " + join_or(allowed, "'");
    msg += did_you_mean(value, allowed);
    diags_.error(n ? n->pos : owner_pos_, msg);
    return false;
}

void Fields::nest(const std::string& section, std::vector<std::string> keys) {
    nested_keys_.emplace_back(section, std::move(keys));
}

void Fields::finish() {
    for (const auto& e : map_.entries) {
        if (std::find(taken_.begin(), taken_.end(), e.key) != taken_.end()) continue;
        std::string suggestion = did_you_mean(e.key, known_);
        std::string msg = "unknown key '" + e.key + "' in " + what_;
        std::string home;
        for (const auto& [section, keys] : nested_keys_)
            if (std::find(keys.begin(), keys.end(), e.key) != keys.end()) home = section;
        if (!home.empty())
            msg += "; it belongs under '" + home + ":'";
        else if (!suggestion.empty())
            msg += suggestion;
        else
            msg += "; expected " + join_or(known_, "'");
        diags_.error(e.key_pos, msg);
    }
}

}  // namespace hone::lang
