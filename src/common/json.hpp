#pragma once
// JSON that comes from outside (request bodies, stored request documents): read
// with a bound on nesting and with every failure of the library turned into a
// located hone::Error, so no input reaches the caller as an internal error.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hone {

// Deepest nesting of arrays and objects taken from outside. Real job bodies and
// prediction rows nest a few levels; a deep document only costs memory and,
// when printed, stack. Default for every reader of outside JSON.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text`. `origin` names it in messages ("request body", a file name).
// Failures are hone::Error(syntax, "invalid_json") located at line and column:
//   - malformed text ("invalid JSON body: syntax error ... ");
//   - nesting deeper than `max_depth` ("... nests deeper than 64 levels");
//   - a number out of range of a double ("number '1e999' is out of range").
// Invalid UTF-8 inside strings is a syntax error too (the library's check).
nlohmann::ordered_json parse_json(std::string_view text, const std::string& origin, int max_depth = kMaxJsonDepth);

// The depth of the deepest array or object in `text` (0 for a scalar),
// counting brackets outside strings; where it first passes `max_depth`, the
// byte offset of that bracket is written to `*at` (else npos). Linear, no
// allocation: run before parsing, so deep input costs nothing.
int json_depth(std::string_view text, int max_depth, std::size_t* at);

// JSON as text for output: invalid UTF-8 in strings is replaced, never thrown
// on. `indent` as nlohmann's dump (-1 compact).
std::string json_dump(const nlohmann::ordered_json& j, int indent = -1);

}  // namespace hone
