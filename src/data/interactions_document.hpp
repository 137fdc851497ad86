#pragma once
// Tables of interactions written out: as the interactions format's JSON
// document (seed_formats.hpp) and as CSV. What `hone data synthesize` writes
// and `POST /api/training/synthetic-data` answers for synthetic interactions,
// so both read back with the `interactions` and `csv` sources.
#include <ostream>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::data {

// The interactions format's document of `frame`:
//   {"metadata": {"num_users", "num_items", "num_interactions", "density"},
//    "interactions": [{"user_id", "item_id", "timestamp", "interaction_type",
//                      "implicit_rating"}, ...]}
// in row order. user_id and item_id are required, non-null text columns and
// implicit_rating a required, non-null numeric one; timestamp and
// interaction_type are optional columns whose null cells leave the field out.
// The metadata is data_format_summary's of the document: the distinct ids the
// table holds (an item no user drew is not counted) and density =
// interactions / (users * items). A missing column, or a null where one is
// required, is hone::Error(validation, "invalid_field") naming it.
nlohmann::ordered_json interactions_document(const Frame& frame);

// The frame as CSV: a header of the column names, then one line per row; a
// null cell is empty; a cell holding a comma, a quote or a line break is
// quoted, its quotes doubled (RFC 4180). Numbers are written as format_double
// writes them (the shortest text that reads back the same).
void write_csv(const Frame& frame, std::ostream& out);

}  // namespace hone::data
