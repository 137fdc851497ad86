#pragma once
// Names that become file and folder names: models, jobs, registry keys, and
// whatever later stages store under a root. One rule, checked wherever a name
// meets the file system, so no name can reach outside its root.
#include <string>
#include <string_view>

namespace hone {

// Longest name, in bytes; registry keys (a model name, a job name and a
// version joined) may be as long as a file name may (kMaxKeyLength).
inline constexpr std::size_t kMaxNameLength = 128;
inline constexpr std::size_t kMaxKeyLength = 255;

// 1 to 128 of A-Z a-z 0-9 _ . -, not starting with '.' (so never "." or
// "..", and never one of the hidden folders hone keeps, such as staging).
bool is_safe_name(std::string_view name, std::size_t max_length = kMaxNameLength);

// Throws hone::Error(validation, "invalid_name") unless is_safe_name(name):
// "<what> '<name>' is not a name: use 1 to 128 of A-Z a-z 0-9 _ . - (not starting with '.')".
void check_safe_name(std::string_view name, const std::string& what, std::size_t max_length = kMaxNameLength);

}  // namespace hone
