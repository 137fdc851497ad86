#pragma once
// hone's own CSV reader: RFC 4180 quoting (embedded delimiters, doubled quotes and
// newlines inside quotes), a header row, delimiter detection among , ; \t |,
// UTF-8 BOM, CRLF, NA tokens and per-column type inference (bool, int, float,
// else string) that a declared schema overrides. Large inputs are memory-mapped,
// cut into chunks at row boundaries and parsed on all cores.
//
// What it reads, exactly:
// - Rows end with \n, \r\n or a lone \r; the last row may lack one. Blank lines are
//   skipped and do not count as rows. Row numbers in messages are 1-based data rows
//   (the header is not a row; a quoted field spanning lines is still one row).
// - A field that starts with a quote is quoted: it runs to the next lone quote, ""
//   inside it is one quote, and it may hold delimiters and line breaks. After the
//   closing quote only spaces may come before the delimiter or the row's end. A quote
//   inside an unquoted field is an ordinary character (5'11" reads as is).
// - Delimiter detection parses the first 20 rows with each of , ; \t | (quote-aware)
//   and picks the one that splits every row into the same number (> 1) of fields,
//   the most fields winning, then the order above; else ','.
// - Header names are kept as written. An empty name becomes column_<position>
//   (1-based); a repeated name gets .1, .2, ... as pandas does ("a", "a.1"), skipping
//   names the file already uses. Without a header, columns are column_1, column_2, ...
// - NA tokens are matched against the whole field (after unquoting, no trimming).
//   Quoting does not protect a token: "" and "NA" are null too.
// - Inference per column over all rows: bool (true/false, True/False, TRUE/FALSE),
//   else int64 (optional sign, digits; 0/1 are ints), else float64 (decimal and
//   exponent forms, inf, infinity; an int that overflows int64 is a float), else
//   string. Spaces around a number or bool are ignored; a string keeps them. A
//   float that parses to NaN (e.g. "NAN") is null; -0 reads as 0. A column with no
//   value at all (a header-only file, or only NA tokens) is a string column of
//   nulls. A string column's dictionary lists values in first-seen order.
// - A declared type (`types`) is not inferred: every non-null value must fit it.
//   int takes only integers, float takes integers and floats, bool also takes 1/0,
//   string takes anything.
// - An empty input (or only a BOM and blank lines) is a Frame of 0 columns, 0 rows.
// - The result does not depend on `threads` or `chunk_bytes`, errors included: the
//   error raised is always the first in file order.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "data/data_file.hpp"
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
    // Tokens read as null in addition to the defaults: "", NA, N/A, n/a, #N/A, <NA>,
    // NaN, nan, null, NULL, None.
    std::vector<std::string> na_values;
    std::vector<ColumnType> types;  // overrides inference for these columns
    // false (default): a type declared for a column the file lacks is an error;
    // true: it is skipped, for callers that report missing columns themselves.
    bool ignore_absent_types = false;
    unsigned threads = 0;        // 0 = all cores
    // Bytes per parallel chunk; 0 = automatic (one chunk when threads == 1, else
    // 1..8 MiB). Results never depend on it; tests set it small to exercise the
    // chunk boundaries.
    std::size_t chunk_bytes = 0;
};

// Reads a file, opened as DataFile opens it (regular files only). Errors are hone::Error(data, "dataset_load_failed") naming the
// file, the 1-based data row and the column, and what was found:
//   data.csv, row 3, column 'e': row has 4 fields, the header has 5
//     (too few: the first column without a value; too many: the last column)
//   data.csv, row 7, column 'b': unclosed quote: the quoted field that starts in this row has no closing quote
//   data.csv, row 2, column 'a': unexpected 'y' after a closing quote; expected the delimiter ',' or the end of the row
//   data.csv, row 3, column 'age': value 'abc' is not an int
// A declared type for a column the file lacks is an error too (unless
// ignore_absent_types); a missing file is kind not_found, an unreadable one io,
// anything but a regular file validation (see data_file.hpp). A mapped file's pages are released as the
// parse passes them, so the file does not stay resident next to the Frame.
Frame read_csv(const std::filesystem::path& path, const CsvOptions& options = {});
// Same, from a file already opened (and checked) by the caller.
Frame read_csv(const DataFile& file, const CsvOptions& options = {});

// Same, from text in memory; `name` stands for the file in messages.
Frame read_csv_text(std::string_view text, const CsvOptions& options = {}, const std::string& name = "<input>");

}  // namespace hone::data
