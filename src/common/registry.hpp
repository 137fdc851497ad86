#pragma once
// What every registry by name shares (algorithms, metrics, sources, formats,
// samplers, pruners, ...): one error for a name it does not have.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone {

// hone::Error(validation, code): "unknown <what> '<name>'", then "; did you
// mean '<nearest>'?" when a valid name is close enough to be a typo; the hint
// lists the valid names ("valid <what>s: a, b, c", then `more` when given).
Error unknown_name_error(std::string code, std::string_view what, std::string_view name,
                         const std::vector<std::string>& valid, std::string_view more = {});

// One entry of a registry by name: what a user writes, what it does, and how
// to make it (Factory: a function, or a struct of them).
template <class Factory>
struct Registered {
    std::string name;                  // canonical, lower case
    std::vector<std::string> aliases;  // other names users write
    std::string doc;                   // one line
    Factory make;
};

// Names to entries for the samplers, pruners, sources and what later stages
// add (optimizers, schedulers, losses, exporters, stores): lookups ignore case
// and surrounding spaces and accept aliases; an unknown name is the one error
// (unknown_name_error), with `what` and `code` naming the registry's kind.
template <class Factory>
class Registry {
public:
    Registry(std::string what, std::string code, std::vector<Registered<Factory>> entries)
        : what_(std::move(what)), code_(std::move(code)), entries_(std::move(entries)) {}

    // The entry `name` means, or nullptr.
    const Registered<Factory>* try_find(std::string_view name) const {
        const std::string key = to_lower(trim(name));
        for (const auto& e : entries_) {
            if (e.name == key) return &e;
            for (const auto& a : e.aliases)
                if (to_lower(a) == key) return &e;
        }
        return nullptr;
    }
    const Registered<Factory>& find(std::string_view name) const {
        if (const auto* e = try_find(name)) return *e;
        throw unknown_name_error(code_, what_, name, names());
    }
    // Canonical names, in declaration order.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : entries_) out.push_back(e.name);
        return out;
    }
    const std::vector<Registered<Factory>>& entries() const { return entries_; }

private:
    std::string what_, code_;
    std::vector<Registered<Factory>> entries_;
};

}  // namespace hone
