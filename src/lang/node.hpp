#pragma once
// The syntax tree every job-file reader produces (N3, YAML and JSON alike), so one
// binder validates them all. A job file is a list of blocks (`training "name":`),
// each with a body that is a map of entries; values are scalars, lists or maps,
// every one with the position it was written at.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "lang/spec.hpp"

namespace hone::lang {

struct Entry;

struct Node {
    enum class Kind { scalar, list, map };
    Kind kind = Kind::scalar;
    Json value;           // scalar: string, integer, float, bool or null
    bool quoted = false;  // scalar written in quotes (never typed as a number)
    std::vector<Node> items;     // list
    std::vector<Entry> entries;  // map, in source order
    SourcePos pos;

    bool is_scalar() const { return kind == Kind::scalar; }
    bool is_list() const { return kind == Kind::list; }
    bool is_map() const { return kind == Kind::map; }
    bool is_null() const { return kind == Kind::scalar && value.is_null(); }
    // The scalar as written, for messages ("'abc'", "5", "a list", "a map").
    std::string describe() const;
    // The node as plain JSON (metadata, hyperparameters).
    Json to_json() const;
    // A list's items, or this node alone: for keys written as one value or a
    // list of them (`k: 10` or `k: [5, 10]`).
    std::vector<const Node*> elements() const;
};

struct Entry {
    std::string key;
    SourcePos key_pos;
    Node value;
};

struct Block {
    std::string kind;   // app, dataset, model, training, tuning
    std::string label;  // the quoted name; empty for app
    SourcePos kind_pos;
    SourcePos label_pos;
    Node body;          // a map
};

struct Document {
    std::string file;                // as shown in messages
    std::vector<std::string> lines;  // source lines, for rendering carets
    std::vector<Block> blocks;
};

// Where a later stage finds what it checks, to point its errors at what was
// written. The block `kind "label"` (kind "app" has no label), or nullptr.
const Block* find_block(const Document& doc, std::string_view kind, std::string_view label);
// The entry at `keys` (outermost first) in that block's body, or nullptr when
// the block or any key on the way is absent.
const Entry* find_entry(const Document& doc, std::string_view kind, std::string_view label,
                        std::initializer_list<std::string_view> keys);
// The entry's value position; else the block's name; else nowhere (file only).
SourcePos position_of(const Document& doc, std::string_view kind, std::string_view label,
                      std::initializer_list<std::string_view> keys);

// Types a bare scalar the way N3 and YAML read it: true/false (any case), null/~,
// integers, floats (1e-5, .5, -3.0), else the text itself.
Json type_scalar(std::string_view text);

}  // namespace hone::lang
