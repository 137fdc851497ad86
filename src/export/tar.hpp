#pragma once
// The ustar (POSIX.1-1988) container of bundles, written and read here: 512-byte
// headers, contents padded to 512 bytes, two zero blocks at the end. Internal
// to export/: the reader refuses what a bundle never holds (links, folders,
// extended headers, sizes past the end) with hone::Error(data, "bundle_corrupt").
#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/sha256.hpp"

namespace hone::exporting::tar {

inline constexpr std::size_t kBlock = 512;

// hone::Error(data, "bundle_corrupt", message) with the hint to export again.
Error corrupt(const std::string& message);

// The header of a regular file (mode 0644, owner 0).
std::array<char, kBlock> header(const std::string& name, std::uint64_t size, std::uint64_t mtime);
// Zeros up to the next block boundary after `size` bytes of content.
void pad(std::ostream& out, std::uint64_t size);
// The end-of-archive marker.
void finish(std::ostream& out);

struct Member {
    std::string name;  // the prefix and name fields joined
    std::uint64_t size = 0;
};

// Reads the members of an archive of `size` bytes from `in`, in order; every
// byte read goes into one SHA-256 of the whole archive.
class Reader {
public:
    // `check_name` is called on every member's name before its content is read.
    Reader(std::istream& in, std::uint64_t size, std::function<void(const std::string&)> check_name);

    // The next member, or nullopt at the end-of-archive block. `expected` names
    // what should come next, for the message when the archive ends before it
    // ("" = the end-of-archive marker). Errors: a header that is not ustar or
    // does not match its checksum, a member that is not a regular file, a
    // declared size larger than what is left, a name `check_name` refuses.
    std::optional<Member> next(const std::string& expected);

    // The member's content in chunks to `sink(data, n)`, then its padding.
    void content(const Member& m, const std::function<void(const char*, std::size_t)>& sink);

    // Reads what follows the end marker (tar pads archives with zeros) and
    // answers the archive's SHA-256.
    std::string finish_digest();

private:
    void read(char* to, std::size_t n);

    std::istream& in_;
    std::uint64_t left_;
    std::uint64_t offset_ = 0;
    std::function<void(const std::string&)> check_name_;
    Sha256 digest_;
};

}  // namespace hone::exporting::tar
