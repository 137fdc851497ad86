#pragma once
// Rows of a loaded table as JSON records, a page at a time: what `hone data
// records` and GET /api/training/datasets/{name}/records answer, in one shape:
// {"dataset", "offset", "limit", "total_rows", "columns": [{"name", "type"}],
//  "records": [{column: value, ...}]}, nulls as null.
#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::data {

// The default and the largest page: a page is built in memory and sent whole.
inline constexpr std::size_t kDefaultRecordsLimit = 100;
inline constexpr std::size_t kMaxRecordsLimit = 10000;

// One cell as JSON: numbers, true/false, text; null for a null cell and for a
// float that is not finite (JSON has no NaN or infinity).
nlohmann::ordered_json cell_json(const Column& column, std::size_t row);

struct Page {
    std::size_t offset = 0;
    std::size_t limit = kDefaultRecordsLimit;
};

// Reads an offset and a limit as given on a command line or in a query string
// (absent: 0 and kDefaultRecordsLimit). Anything but a whole number, a negative
// offset, or a limit outside 1..kMaxRecordsLimit is hone::Error(validation,
// "invalid_page") naming the value.
// `limit_name` names the limit in messages (`-n` for `hone data head`).
Page parse_page(const std::optional<std::string>& offset, const std::optional<std::string>& limit,
                const std::string& limit_name = "limit");

// Rows offset .. offset+limit-1 (fewer at the end). An offset past the last row
// is hone::Error(validation, "invalid_page") saying how many rows there are.
nlohmann::ordered_json records_page(const Frame& frame, const std::string& dataset, const Page& page);

}  // namespace hone::data
