#pragma once
// What every registry by name shares (algorithms, metrics, sources, samplers,
// pruners, and what later stages add: optimizers, schedulers, losses,
// exporters, stores): lookup by name or alias, and one error for a name it
// does not have.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone {

// hone::Error(validation, code): "unknown <what> '<name>'", then "; did you
// mean '<nearest>'?" when one of `spellings` (default: `valid`) is close
// enough to be a typo; the hint lists the valid names ("valid <what>s: a, b,
// c", then `more` when given).
Error unknown_name_error(std::string code, std::string_view what, std::string_view name,
                         const std::vector<std::string>& valid, std::string_view more = {},
                         const std::vector<std::string>& spellings = {});

// The usual entry of a registry: what a user writes, what it does, and how to
// make it (Factory: a function, or a struct of them).
template <class Factory>
struct Registered {
    std::string name;                  // canonical, lower case
    std::vector<std::string> aliases;  // other names users write
    std::string doc;                   // one line
    Factory make;
};

namespace registry_detail {
inline const std::string& spelling(const std::string& alias) { return alias; }
template <class Alias>
const std::string& spelling(const Alias& alias) {  // an alias that carries more (AlgorithmName)
    return alias.name;
}
}  // namespace registry_detail

// Names to entries. An Entry has `name` (canonical, lower case), `aliases`
// (strings, or structs with a `name`) and `doc` (one line): Registered<F>,
// models::AlgorithmSpec, metrics::MetricSpec. Lookups ignore case and
// surrounding spaces and accept aliases; an unknown name is the one error
// (unknown_name_error), with `what` and `code` naming the registry's kind.
// `keep` narrows a lookup to some entries (the metrics of one task).
template <class Entry>
class Registry {
public:
    using Keep = std::function<bool(const Entry&)>;

    Registry(std::string what, std::string code, std::vector<Entry> entries)
        : what_(std::move(what)), code_(std::move(code)), entries_(std::move(entries)) {}

    // Whether `name` (already lower case and trimmed) is e's name or an alias.
    static bool means(const Entry& e, const std::string& name) {
        if (e.name == name) return true;
        for (const auto& a : e.aliases)
            if (to_lower(registry_detail::spelling(a)) == name) return true;
        return false;
    }
    // The first entry `name` means among those kept, or nullptr.
    const Entry* try_find(std::string_view name, const Keep& keep = {}) const {
        const std::string key = to_lower(trim(name));
        for (const auto& e : entries_)
            if ((!keep || keep(e)) && means(e, key)) return &e;
        return nullptr;
    }
    // Every entry `name` means (an alias may belong to several, one per task).
    std::vector<const Entry*> all_meaning(std::string_view name) const {
        const std::string key = to_lower(trim(name));
        std::vector<const Entry*> out;
        for (const auto& e : entries_)
            if (means(e, key)) out.push_back(&e);
        return out;
    }
    const Entry& find(std::string_view name, std::string_view more = {}) const {
        if (const auto* e = try_find(name)) return *e;
        throw unknown(name, more);
    }
    // The unknown-name error for `name`, suggesting among the kept entries'
    // names and aliases and listing their names.
    Error unknown(std::string_view name, std::string_view more = {}, const Keep& keep = {}) const {
        return unknown_name_error(code_, what_, name, names(keep), more, spellings(keep));
    }
    // Canonical names, in declaration order.
    std::vector<std::string> names(const Keep& keep = {}) const {
        std::vector<std::string> out;
        for (const auto& e : entries_)
            if (!keep || keep(e)) out.push_back(e.name);
        return out;
    }
    // Names and aliases, what "did you mean" chooses from.
    std::vector<std::string> spellings(const Keep& keep = {}) const {
        std::vector<std::string> out;
        for (const auto& e : entries_) {
            if (keep && !keep(e)) continue;
            out.push_back(e.name);
            for (const auto& a : e.aliases) out.push_back(registry_detail::spelling(a));
        }
        return out;
    }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::string what_, code_;
    std::vector<Entry> entries_;
};

}  // namespace hone
