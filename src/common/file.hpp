#pragma once
// Reading a whole file: the one way every stage does it.
#include <filesystem>
#include <optional>
#include <string>

namespace hone {

// The file's bytes, or nullopt when it cannot be opened or read. Callers word
// the error, since what a missing file means depends on who reads it.
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace hone
