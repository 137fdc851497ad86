#pragma once
// Reading one map of a job file (a block's body or a nested section) with the
// language's messages: type errors name the key, what was expected and what was
// found; unknown keys get the nearest known one. The key table (keys.hpp) drives
// it; custom readers of nested sections use it too.
#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "lang/diagnostics.hpp"
#include "lang/node.hpp"

namespace hone::lang {

// Numbers in messages: up to 6 significant digits, so 0.7 + 0.2 + 0.2 reads 1.1.
std::string number_text(double v);

class Fields {
public:
    // `what` names the map in messages ("training \"baseline\"", "split"); a
    // nested section's messages name it beside the key ("'train' in split").
    Fields(const Node& map, std::string what, SourcePos owner_pos, Diagnostics& diags, bool nested = false);

    // How messages name a key: "'patience'" or, nested, "'train' in split".
    std::string key_ref(const std::string& key) const;

    // The value under `key` or one of its aliases (null when absent), and
    // records the key as known. Giving a key and its alias both is an error.
    const Node* get(const std::string& key, const std::vector<std::string>& aliases = {});
    // The name the last get() found its value under (the key or an alias), so
    // messages say what was written.
    const std::string& found_as() const { return found_as_; }
    // The keys of a nested section under `section`: an unknown key that is one
    // of them is told where it belongs.
    void nest(const std::string& section, std::vector<std::string> keys);
    // The value under `key` (not its aliases), without recording it.
    const Node* find(const std::string& key) const;
    // Where `key` was written; the owner when absent.
    const SourcePos& key_pos(const std::string& key) const;

    void missing(const std::string& key);
    void type_error(const std::string& key, const Node& n, const std::string& expected);

    // Typed reads of an already fetched node; nullopt after reporting.
    std::optional<std::string> text(const std::string& key, const Node& n);
    std::optional<std::int64_t> integer(const std::string& key, const Node& n);
    std::optional<double> number(const std::string& key, const Node& n);
    std::optional<bool> boolean(const std::string& key, const Node& n);
    // A list of names; a single name is read as a list of one.
    std::optional<std::vector<std::string>> names(const std::string& key, const Node& n);
    // A map (hyperparameters, metadata, resources) as JSON.
    std::optional<Json> object(const std::string& key, const Node& n);

    // Checks a value against an enumeration.
    // `at` is the value's node (default: the key's).
    bool one_of(const std::string& key, const std::string& value, const std::vector<std::string>& allowed,
                const Node* at = nullptr);

    // Reports every key of the map the reader did not ask for.
    void finish();

    const SourcePos& owner_pos() const { return owner_pos_; }
    const std::string& what() const { return what_; }
    Diagnostics& diags() { return diags_; }

private:
    const Node& map_;
    std::string what_;
    SourcePos owner_pos_;
    Diagnostics& diags_;
    bool nested_;
    std::vector<std::string> known_;  // canonical names, for "did you mean"
    std::vector<std::string> taken_;  // names as written (canonical or alias)
    std::string found_as_;
    std::vector<std::pair<std::string, std::vector<std::string>>> nested_keys_;
};

}  // namespace hone::lang
