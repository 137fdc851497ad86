#pragma once
// The export formats by name (`hone export --format`, GET
// /api/training/models/{key}/export?format=): what each is called, the file
// extension and media type it is written with, one line of doc, and the
// function that writes a registered model in it.
//
// A format hone cannot write but users ask for (pickle, savedmodel) is in the
// registry too, so asking for it answers why not and what to use instead
// rather than "unknown format".
//
// Adding a writer is one registration in formats.cpp's table (see "onnx"
// there: the name, aliases, one line of doc, extension, media type, that hone
// writes it, and the function of (store, key) that writes it).
#include <functional>
#include <string>
#include <vector>

#include "common/registry.hpp"
#include "registry/store.hpp"

namespace hone::exporting {

// Writes the model registered under `key` in `store` as the format's bytes.
// An unknown key is hone::Error(not_found, "model_not_found").
using FormatWriter = std::function<std::string(registry::Store& store, const std::string& key)>;

struct Format {
    std::string name;                  // canonical, lower case: what --format takes
    std::vector<std::string> aliases;  // other spellings users write
    std::string doc;                   // one line
    std::string extension;             // of the file written, without the dot
    std::string media_type;            // the HTTP answer's Content-Type
    bool writes = true;                // false: asking for it is the error that says why not
    FormatWriter write;
};

// Every format, in the order `hone export --help` lists them.
const Registry<Format>& formats();

// The format `name` means; an unknown one is hone::Error(validation,
// "unknown_format") listing the valid names.
const Format& find_format(const std::string& name);

// The names of the formats hone writes (not those that only say why not).
std::vector<std::string> written_formats();

// The model `key` in format `name`: find_format(name).write(store, key).
// A format hone does not write is hone::Error(validation,
// "format_not_supported") saying why and naming the formats it writes.
std::string export_model(registry::Store& store, const std::string& key, const std::string& name);

}  // namespace hone::exporting
