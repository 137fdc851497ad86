#pragma once
// The form of the job language's key table (keys.hpp): one Key per job-file key,
// with its type, range or allowed values, aliases, where it goes in the bound
// spec, and one line of doc. read_keys() binds a map by it (every check and
// message in one place); describe() gives what the docs and `hone keys` show.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lang/fields.hpp"

namespace hone::lang {

// What a key's value must be.
enum class ValueType {
    string,   // one scalar, read as text
    integer,  // a whole number, not quoted
    number,   // any number, not quoted
    boolean,  // true or false
    names,    // a list of names (one name is a list of one)
    map,      // a map of key: value lines, kept as JSON
    section,  // a nested map with keys of its own (read by the key's setter)
    any,      // anything: the setter checks it
};

struct Rule {
    ValueType type = ValueType::string;
    std::vector<std::string> choices;  // string: the allowed values
    std::optional<double> min, max;    // integer and number: the range
    bool min_open = false;             // min itself is outside the range
    bool max_open = false;             // max itself is outside the range
    bool required = false;
    bool path_name = false;  // the value becomes a folder name (common/names.hpp)
    // A later stage's registry the value must name (checked there, after every
    // registry exists: train/validate.hpp, tune/validate.hpp); for the docs.
    std::string names_from;
    // A further check on a value of the right type: the error, or empty.
    std::function<std::string(const Json&)> check;
};

template <class Spec, class T>
using Ref = std::function<T&(Spec&)>;
// Stores a value that passed the key's rule: the value as JSON (for a section
// or `any`, the node's JSON), with the reader and the node for nested reading
// and positions.
template <class Spec>
using Setter = std::function<void(Spec&, const Json&, Fields&, const Node&)>;

template <class Spec>
using Target = std::variant<Ref<Spec, std::string>, Ref<Spec, int>, Ref<Spec, std::uint64_t>, Ref<Spec, double>,
                            Ref<Spec, bool>, Ref<Spec, std::vector<std::string>>, Ref<Spec, Json>, Setter<Spec>>;

template <class Spec>
struct Key {
    std::string name;
    Rule rule;
    Target<Spec> target;
    std::string doc;
    std::vector<std::string> aliases{};
    std::string type_text{};     // docs: when the rule's own wording is not enough
    std::string default_text{};  // docs: for setters (else read from a default Spec)
    // A section's own keys, so one written a level too high is told where it goes.
    std::function<std::vector<std::string>()> nested_keys{};
};

// A member as a key's target.
template <class Spec, class T>
Ref<Spec, T> member(T Spec::*m) {
    return [m](Spec& s) -> T& { return s.*m; };
}

// Applies `rule` to the node: type, range, choices, path names, the check. The
// value (numbers as numbers, strings as text) or nullopt after reporting.
std::optional<Json> read_checked(Fields& f, const std::string& key, const Node& n, const Rule& rule);

// One key as the docs show it.
struct KeyDoc {
    std::string key;
    std::vector<std::string> aliases;
    std::string type;           // "int ≥ 1", "`best`, `all`", "a map (see training.split)"
    std::string default_value;  // "required", "42", "" (none)
    std::string doc;
    std::string names_from;
};

std::string describe_type(const Rule& rule);
std::string describe_default(const Json& value);

namespace detail {
template <class T>
Json default_json(const T& v) {
    return Json(v);
}
template <class Spec, class T>
void assign(Spec& spec, const Ref<Spec, T>& ref, const Json& v, Fields&, const Node&, const std::string&) {
    ref(spec) = v.get<T>();
}
// An int setting takes what fits an int (a larger count is a typo, not a wish).
template <class Spec>
void assign(Spec& spec, const Ref<Spec, int>& ref, const Json& v, Fields& f, const Node& n, const std::string& key) {
    auto wide = v.get<std::int64_t>();
    if (wide > std::numeric_limits<int>::max() || wide < std::numeric_limits<int>::min()) {
        f.diags().error(n.pos, "'" + key + "' is too large, found " + v.dump());
        return;
    }
    ref(spec) = static_cast<int>(wide);
}
template <class Spec>
void assign(Spec& spec, const Setter<Spec>& set, const Json& v, Fields& f, const Node& n, const std::string&) {
    set(spec, v, f, n);
}
}  // namespace detail

// Binds the keys of one map into `spec`; absent or null keys keep the spec's
// defaults. The caller calls f.finish() once its own keys are read too.
template <class Spec>
void read_keys(Fields& f, Spec& spec, const std::vector<Key<Spec>>& keys) {
    for (const auto& k : keys) {
        if (k.nested_keys) f.nest(k.name, k.nested_keys());
        const Node* n = f.get(k.name, k.aliases);
        if (!n || n->is_null()) {
            if (k.rule.required) f.missing(k.name);
            continue;
        }
        const std::string written = f.found_as();
        auto value = read_checked(f, written, *n, k.rule);
        if (!value) continue;
        std::visit([&](const auto& target) { detail::assign(spec, target, *value, f, *n, written); }, k.target);
    }
}

// A section that may also be written `true` (its defaults, on) or `false`
// (off): the section read by `keys` turns it on unless it says `enabled: false`.
// `Section` has a bool `enabled`.
template <class Section>
void read_switchable(Section& out, Fields& f, const Node& n, const std::string& name,
                     const std::vector<Key<Section>>& keys) {
    if (n.is_scalar() && n.value.is_boolean()) {
        out = Section{};
        out.enabled = n.value.get<bool>();
        return;
    }
    if (!n.is_map()) {
        f.type_error(name, n, "a map of 'key: value' lines, or true or false");
        return;
    }
    Fields section(n, name, n.pos, f.diags(), true);
    out.enabled = true;
    read_keys(section, out, keys);
    section.finish();
}

template <class Spec>
KeyDoc describe(const Key<Spec>& k) {
    KeyDoc d{k.name, k.aliases, k.type_text.empty() ? describe_type(k.rule) : k.type_text, k.default_text, k.doc,
             k.rule.names_from};
    if (k.rule.required) {
        d.default_value = "required";
    } else if (d.default_value.empty()) {
        std::visit(
            [&](const auto& target) {
                using T = std::decay_t<decltype(target)>;
                if constexpr (!std::is_same_v<T, Setter<Spec>>) {
                    Spec fresh{};
                    d.default_value = describe_default(detail::default_json(target(fresh)));
                }
            },
            k.target);
    }
    return d;
}

template <class Spec>
std::vector<std::string> key_names(const std::vector<Key<Spec>>& keys) {
    std::vector<std::string> out;
    for (const auto& k : keys) out.push_back(k.name);
    return out;
}

template <class Spec>
std::vector<KeyDoc> describe(const std::vector<Key<Spec>>& keys) {
    std::vector<KeyDoc> out;
    for (const auto& k : keys) out.push_back(describe(k));
    return out;
}

}  // namespace hone::lang
