#include "common/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace hone {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(out).str();
}

namespace {

Error write_error(const std::filesystem::path& path, const std::string& why) {
    return Error(ErrorKind::io, "io_error", "cannot write " + path.string() + ": " + why);
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw write_error(path, std::strerror(errno));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::path temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw write_error(path, std::strerror(errno));
    try {
        write_all(fd, bytes, path);
        if (::fsync(fd) != 0) throw write_error(path, std::strerror(errno));
    } catch (...) {
        ::close(fd);
        std::filesystem::remove(temp);
        throw;
    }
    ::close(fd);
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        throw write_error(path, ec.message());
    }
    std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
    if (int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);  // the rename made durable; a folder that cannot be opened keeps the file anyway
        ::close(d);
    }
}

}  // namespace hone
