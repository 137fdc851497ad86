#pragma once
// The syntax tree every job-file reader produces (N3, YAML and JSON alike), so one
// binder validates them all. A job file is a list of blocks (`training "name":`),
// each with a body that is a map of entries; values are scalars, lists or maps,
// every one with the position it was written at.
#include <string>
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

// Types a bare scalar the way N3 and YAML read it: true/false (any case), null/~,
// integers, floats (1e-5, .5, -3.0), else the text itself.
Json type_scalar(std::string_view text);

}  // namespace hone::lang
