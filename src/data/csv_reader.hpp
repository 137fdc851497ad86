#pragma once
// hone's own CSV reader: RFC 4180 quoting (embedded delimiters, doubled quotes and
// newlines inside quotes), a header row, delimiter detection among , ; \t |,
// UTF-8 BOM, CRLF, NA tokens and per-column type inference (bool, int, float,
// else string) that a declared schema overrides. Large inputs are memory-mapped,
// cut into chunks at row boundaries and parsed on all cores.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "data/frame.hpp"

namespace hone::data {

// A column whose type the caller fixes instead of inference (from `schema:`).
struct ColumnType {
    std::string name;
    DType type;
};

struct CsvOptions {
    char delimiter = 0;          // 0 = detect among , ; \t |
    bool header = true;          // false: columns are named column_1, column_2, ...
    // Tokens read as null in addition to the defaults: "", NA, N/A, NaN, nan, null, NULL, None.
    std::vector<std::string> na_values;
    std::vector<ColumnType> types;  // overrides inference for these columns
    unsigned threads = 0;        // 0 = all cores
};

// Reads a file. Errors are hone::Error(data, "dataset_load_failed") naming the
// file, the 1-based data row and the column, and what was found (e.g. a row with
// 4 fields where the header has 5, an unclosed quote, a value not of the declared type).
Frame read_csv(const std::filesystem::path& path, const CsvOptions& options = {});

// Same, from text in memory; `name` stands for the file in messages.
Frame read_csv_text(std::string_view text, const CsvOptions& options = {}, const std::string& name = "<input>");

}  // namespace hone::data
