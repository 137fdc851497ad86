#pragma once
// What every registry by name shares (algorithms, metrics, sources, formats,
// samplers, pruners, ...): one error for a name it does not have.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace hone {

// hone::Error(validation, code): "unknown <what> '<name>'", then "; did you
// mean '<nearest>'?" when a valid name is close enough to be a typo; the hint
// lists the valid names ("valid <what>s: a, b, c", then `more` when given).
Error unknown_name_error(std::string code, std::string_view what, std::string_view name,
                         const std::vector<std::string>& valid, std::string_view more = {});

}  // namespace hone
