#include "data/data_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "common/error.hpp"

namespace hone::data {

namespace {

constexpr const char* kCode = "dataset_load_failed";
constexpr const char* kRegularHint =
    "datasets are read from regular files; FIFOs, devices, directories and sockets are refused";

std::string_view kind_of(mode_t mode) {
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

std::filesystem::path canonical_root(const std::string& root) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(root, ec);
    auto canon = std::filesystem::weakly_canonical(ec ? std::filesystem::path(root) : abs, ec);
    return ec ? abs : canon;
}

[[noreturn]] void outside(const std::filesystem::path& path, const std::string& real,
                          const std::filesystem::path& root) {
    throw Error(ErrorKind::validation, "path_outside_data_root",
                "path '" + path.string() + "' resolves to " + real + ", outside the data root " + root.string(), {},
                "jobs created over HTTP read data under the server's --data-root only");
}

// The path of what `fd` is open on: from /proc when it names a file, else the
// canonical `path` when that is still the same file; empty when neither is known.
std::filesystem::path path_of(int fd, const std::filesystem::path& path, const struct stat& st) {
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    char buf[PATH_MAX];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (n > 0 && buf[0] == '/') return std::string(buf, static_cast<std::size_t>(n));
    std::error_code ec;
    auto canon = std::filesystem::canonical(path, ec);
    struct stat again {};
    if (!ec && ::stat(canon.c_str(), &again) == 0 && again.st_dev == st.st_dev && again.st_ino == st.st_ino)
        return canon;
    return {};
}

[[noreturn]] void open_failed(const std::filesystem::path& path, int err) {
    if (err == ENOENT || err == ENOTDIR) throw Error(ErrorKind::not_found, kCode, "file not found: " + path.string());
    // A socket cannot be opened at all (ENXIO): name what it is all the same.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw Error(ErrorKind::validation, kCode,
                    path.string() + " is " + std::string(kind_of(st.st_mode)) + ", not a regular file", {},
                    kRegularHint);
    throw Error(ErrorKind::io, kCode, "cannot open " + path.string() + ": " + std::strerror(err));
}

}  // namespace

bool path_inside(const std::filesystem::path& path, const std::filesystem::path& root) {
    auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    // A trailing separator in root reads as one empty last element.
    return r == root.end() || (std::next(r) == root.end() && r->empty());
}

DataFile::DataFile(const std::filesystem::path& path, const std::string& confined_to) : path_(path) {
    std::filesystem::path root;
    if (!confined_to.empty()) {
        // Refuse early what already resolves outside, so nothing outside is opened;
        // the check after opening is the one that counts.
        root = canonical_root(confined_to);
        std::error_code ec;
        auto before = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
        if (!ec && !path_inside(before, root)) outside(path, before.string(), root);
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0) open_failed(path, errno);
    try {
        struct stat st {};
        if (::fstat(fd_, &st) != 0)
            throw Error(ErrorKind::io, kCode, "cannot read " + path.string() + ": " + std::strerror(errno));
        real_ = path_of(fd_, path, st);
        if (!root.empty() && (real_.empty() || !path_inside(real_, root)))
            outside(path, real_.empty() ? std::string("a file whose path cannot be read back") : real_.string(), root);
        if (!S_ISREG(st.st_mode)) {
            std::string shown = path.string();
            if (!real_.empty() && real_ != std::filesystem::absolute(path).lexically_normal())
                shown += " (resolves to " + real_.string() + ")";
            throw Error(ErrorKind::validation, kCode,
                        shown + " is " + std::string(kind_of(st.st_mode)) + ", not a regular file", {}, kRegularHint);
        }
        // A regular file never blocks; reads go back to the ordinary mode.
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
        size_ = static_cast<std::uint64_t>(st.st_size);
        dev_ = st.st_dev;
        ino_ = st.st_ino;
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

DataFile::~DataFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string DataFile::read_all() const {
    std::string out;
    // The size at open time is a hint: a file still being written may be longer.
    out.resize(static_cast<std::size_t>(size_) + 1);
    std::size_t have = 0;
    for (;;) {
        if (have == out.size()) out.resize(out.size() * 2);
        ssize_t n = ::pread(fd_, out.data() + have, out.size() - have, static_cast<off_t>(have));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorKind::io, kCode, "cannot read " + path_.string() + ": " + std::strerror(errno));
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    out.resize(have);
    return out;
}

}  // namespace hone::data
