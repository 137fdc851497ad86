#pragma once
// Per-column statistics, what `hone data describe` prints.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::data {

struct ColumnStats {
    std::string name;
    DType type;
    std::size_t count = 0;   // non-null values
    std::size_t nulls = 0;
    std::optional<double> mean, std, min, max;  // numeric and bool columns; std is the sample std (ddof 1)
    std::size_t distinct = 0;                   // distinct non-null values
    std::vector<std::pair<std::string, std::size_t>> top;  // most frequent values, up to `top_k`, ties by value
    std::vector<std::string> warnings;  // the frame's loading warnings about this column
};

// Columns are described in parallel on up to `threads` threads (0 = every core)
// when the frame is big enough to repay it.
std::vector<ColumnStats> describe(const Frame& frame, std::size_t top_k = 3, unsigned threads = 0);
// A column's "warnings" appear only when it has some.
nlohmann::ordered_json to_json(const std::vector<ColumnStats>& stats, std::size_t rows);
// An aligned text table, one row per column, then a "warning: ..." line per warning.
std::string format_table(const std::vector<ColumnStats>& stats, std::size_t rows);

}  // namespace hone::data
