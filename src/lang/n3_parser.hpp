#pragma once
// The N3 reader: text -> Document (blocks of nested maps and lists, by
// indentation), every syntax problem reported to `diags` with its position.
//
// Layout rules: indentation is spaces only (a tab in indentation is an error);
// a block header `kind "name":` (or `app:`) starts at column 1; a nested map or
// list is indented deeper than its key; list items start with "- " and may hold a
// map (`- name: type`); `#` starts a comment at a line's start or after a space;
// strings are bare or quoted ("..." with \" \\ \n \t escapes, '...' with '');
// flow lists `[a, b]` and maps `{k: v}` are accepted on one line.
#include <string>
#include <string_view>

#include "lang/diagnostics.hpp"
#include "lang/node.hpp"

namespace hone::lang {

Document parse_n3(std::string_view text, const std::string& file, Diagnostics& diags);

// True for a bare number too large (or too small) for a double, such as 1e999,
// which type_scalar leaves as text: the readers report it where it is written
// rather than let it pass as a string.
bool is_out_of_range_number(std::string_view text);

// The message for it: "number '1e999' is out of range ...".
std::string out_of_range_message(std::string_view text);

// Splits text into lines (LF or CRLF, a leading UTF-8 BOM dropped), for rendering.
std::vector<std::string> split_lines(std::string_view text);

}  // namespace hone::lang
