#pragma once
// Reading a whole file, and writing one atomically: the one way every stage does it.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hone {

// The file's bytes, or nullopt when it cannot be opened or read. Callers word
// the error, since what a missing file means depends on who reads it.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Writes `bytes` to `path` so that a crash or a failed write never leaves a
// half file there: written beside it (path.tmp-<pid>), fsynced, renamed over
// it, the folder fsynced. hone::Error(io, "io_error") naming the path and the
// reason; the temporary file is removed on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace hone
