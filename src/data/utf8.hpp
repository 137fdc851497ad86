#pragma once
// Text that leaves the data layer is valid UTF-8: JSON output (results, `data
// describe --json`, HTTP answers) cannot carry anything else. Bytes in a file are
// data, though, not a reason to fail: make_valid_utf8 reads a value that is not
// UTF-8 as Latin-1, the usual other encoding of such files (a Latin-1 "caf\xe9"
// becomes "café"), and says so in a warning.
#include <string>
#include <string_view>

#include "data/frame.hpp"

namespace hone::data {

// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or
// code points past U+10FFFF.
bool is_valid_utf8(std::string_view s);

// Every byte one character (Latin-1, ISO 8859-1): bytes >= 0x80 become two bytes.
// A whole value is read so, never part of one, which keeps distinct values distinct.
std::string latin1_to_utf8(std::string_view s);

// For messages: `s` with each byte that is not part of valid UTF-8 written as \xnn
// (lowercase, as the CSV reader shows control bytes).
std::string escape_invalid_utf8(std::string_view s);

// Makes every column name and string value of `frame` valid UTF-8. Only the
// dictionaries are checked (one pass over the distinct values), and the codes are
// touched only for columns with a value to mend. A mended value equal to another
// value of the column becomes that value (their codes merge); a mended name equal
// to another column's gets ".1", ".2", ... as the CSV reader names duplicates.
// Each mended column adds a warning to the frame, e.g.
//   column 'city': 2 values are not valid UTF-8, read as Latin-1 (in 3 rows, the first is row 2)
//   column 'café' (column 3): its name is not valid UTF-8, read as Latin-1
// Rows are 1-based data rows, as in the readers' messages.
void make_valid_utf8(Frame& frame);

}  // namespace hone::data
