#pragma once
// Opening a data file, the one way every file source does it (CSV, TSV, JSON,
// JSON Lines, SQLite, the classification and interactions formats):
// - once, so a FIFO or a file being replaced cannot hand two readers two things;
// - without blocking (O_NONBLOCK), so a FIFO with no writer cannot hang a run;
// - regular files only, checked with fstat on the opened descriptor, not with a
//   stat of the path before (which a swap could defeat), so /dev/zero, a FIFO or
//   a directory is refused before a byte is read;
// - when confined (DatasetSpec::confined_to), only inside that folder, checked on
//   the path of what was actually opened (read back from the descriptor), so a
//   symbolic link placed inside the folder after the job was accepted cannot lead
//   a run out of it.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace hone::data {

class DataFile {
public:
    // Opens `path` for reading. Errors (hone::Error), code "dataset_load_failed"
    // unless stated:
    //   missing:            not_found   "file not found: <path>"
    //   not a regular file: validation  "<path> is a FIFO, not a regular file"
    //                       (a character device, a block device, a directory, a
    //                       socket); " (resolves to <real>)" follows the path when
    //                       a link led elsewhere
    //   outside confined_to (when not empty): validation, code
    //                       "path_outside_data_root", "path '<path>' resolves to
    //                       <real>, outside the data root <root>"
    //   anything else:      io          "cannot open <path>: <reason>"
    explicit DataFile(const std::filesystem::path& path, const std::string& confined_to = {});
    ~DataFile();
    DataFile(const DataFile&) = delete;
    DataFile& operator=(const DataFile&) = delete;

    int fd() const { return fd_; }
    // The path as given, for messages.
    const std::filesystem::path& path() const { return path_; }
    // The absolute path of what was opened, without links, read from the descriptor.
    const std::filesystem::path& real_path() const { return real_; }
    // Size, device and inode at open time.
    std::uint64_t size() const { return size_; }
    dev_t device() const { return dev_; }
    ino_t inode() const { return ino_; }

    // The file's bytes from the start, read through the descriptor.
    std::string read_all() const;

private:
    std::filesystem::path path_;
    std::filesystem::path real_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

// True when `path` (absolute, without links) is `root` or below it.
bool path_inside(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace hone::data
