#pragma once
// The two JSON training-data formats, classification and interactions, and their validate_data_format checks.
//
// classification: {"metadata": {...}, "samples": [{"text": str, "taxonomy_codes": [str],
//   "confidence": number in [0, 1], optional}]}
//   -> columns text (string), taxonomy_codes (string, the codes joined by '|'),
//      confidence (float, null when absent).
// interactions: {"metadata": {...}, "interactions": [{"user_id": str, "item_id": str,
//   "timestamp": ISO 8601 str, optional, "interaction_type": str, optional,
//   "implicit_rating": number}]}
//   -> columns user_id, item_id, timestamp, interaction_type (strings; the optional
//      ones null when absent) and implicit_rating (float).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::data {

// "classification" and "interactions" ("ncf" and "recommendation" are accepted as
// names of the latter).
const std::vector<std::string>& seed_format_names();

// One problem in a data file, in parts, for tools that point at it (hone data
// validate --json).
struct FormatProblem {
    std::string records;       // the records array: "samples" or "interactions"
    std::int64_t record = -1;  // 0-based index in it; -1: the document, not a record
    // What the problem is about: "implicit_rating", "taxonomy_codes[2]",
    // "metadata.num_samples", "samples"; "" for a whole record or the document.
    std::string field;
    // What is wrong and what was expected: "must be a number, got \"high\"".
    std::string message;

    // As validate_data_format words it:
    //   interactions[7]: 'implicit_rating' must be a number, got "high"
    std::string text() const;
};

// Every problem found in `data` for format `kind`, in document order, each naming
// the record by its 0-based index and the field, e.g.
//   samples[3]: 'taxonomy_codes' is required
//   interactions[7]: 'implicit_rating' must be a number, got "high"
// Empty when the data is valid. An unknown kind throws hone::Error(validation).
// Checked: the top level is an object; the records array is present, an array and
// not empty; metadata, when present, is an object whose num_samples /
// num_interactions (when present) match the record count; each record is an
// object with its required fields of the right JSON type, non-empty ids and text,
// taxonomy codes that are non-empty strings without '|', confidence in [0, 1],
// timestamps in ISO 8601 (YYYY-MM-DD, optionally followed by 'T' or ' ' and
// hh:mm[:ss[.fraction]] and a 'Z' or ±hh[:mm] offset).
std::vector<std::string> validate_data_format(const nlohmann::json& data, std::string_view kind);
// The same problems, in parts (FormatProblem::text() gives the strings above).
std::vector<FormatProblem> data_format_problems(const nlohmann::json& data, std::string_view kind);

// The canonical name of a format ("classification" or "interactions") for any
// name seed_format_names() or its aliases accept, in any case; an unknown name
// throws as validate_data_format does.
std::string canonical_format_name(std::string_view kind);

// What the format's metadata says of the data, counted from its records:
//   classification: {"num_samples", "num_classes", "class_distribution": {code: samples}}
//     (codes in ascending order; a sample counts once for each of its codes);
//   interactions: {"num_users", "num_items", "num_interactions", "density"}, with
//     density = interactions / (users * items), 0 when there are none.
// Counts what can be read, valid or not: num_samples / num_interactions is the
// length of the records array; distinct ids and codes come from the fields of
// the right type. Data without its records array counts zero. An unknown kind
// throws as validate_data_format does.
nlohmann::ordered_json data_format_summary(const nlohmann::json& data, std::string_view kind);

// True for the ISO 8601 forms validate_data_format accepts.
bool is_iso8601(std::string_view text);

// Validates then converts. Invalid data throws hone::Error(data, "dataset_load_failed")
// whose message names `name` and lists the problems (the first 20, then how many more).
Frame seed_format_frame(const nlohmann::json& data, std::string_view kind, const std::string& name = "<input>");

// Reads (as read_text_file does) and parses the file, then seed_format_frame.
Frame read_seed_format(const std::filesystem::path& path, std::string_view kind);
// Same, from text in memory; `name` stands for the file in messages.
Frame read_seed_format_text(std::string_view text, std::string_view kind, const std::string& name = "<input>");

}  // namespace hone::data
