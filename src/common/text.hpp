#pragma once
// Small text helpers shared by every stage: edit distance for "did you mean",
// joining names for "expected one of" lists, number formatting.
#include <string>
#include <string_view>
#include <vector>

namespace hone {

// Levenshtein distance, case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `name` if it is close enough to be a likely typo
// (distance <= max(2, len/3), or one is a prefix of the other of 3+ letters), else "".
std::string nearest(std::string_view name, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" naming the candidate nearest to `name` (nearest()), or ""
// when none is close: the one wording of the suggestion every message makes.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// "a, b or c"
std::string join_or(const std::vector<std::string>& items, std::string_view quote = "");
// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// Shortest text that reads back to the same double ("0.1", "1e-05", "3").
std::string format_double(double v);

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);

// A connection string (URL or key=value) with its password replaced by "***",
// for messages: a store or source names where it connects, never the secret.
std::string redact_connection(const std::string& connection);
// A multi-line message (libpq's) on one line, for a one-line error.
std::string one_line(const std::string& text);

}  // namespace hone
