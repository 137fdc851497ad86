#include "export/tar.hpp"

#include <algorithm>
#include <cstring>

namespace hone::exporting::tar {

namespace {

constexpr std::size_t kChunk = 64 << 10;
// Where the fields are, in bytes from the header's start, and their widths.
constexpr std::size_t kNameAt = 0, kNameLen = 100, kModeAt = 100, kUidAt = 108, kGidAt = 116, kSizeAt = 124,
                      kSizeLen = 12, kMtimeAt = 136, kSumAt = 148, kSumLen = 8, kTypeAt = 156, kMagicAt = 257,
                      kPrefixAt = 345, kPrefixLen = 155;

// `v` in octal, zero-padded to width - 1 digits and a NUL.
void put_octal(char* field, std::size_t width, std::uint64_t v) {
    field[width - 1] = '\0';
    for (std::size_t i = width - 1; i-- > 0; v >>= 3) field[i] = static_cast<char>('0' + (v & 7));
}

// An octal field: optional spaces, digits, then NULs or spaces; nullopt for
// anything else (base-256 sizes included: no bundle file is that large).
std::optional<std::uint64_t> read_octal(const char* f, std::size_t len) {
    std::size_t i = 0;
    while (i < len && f[i] == ' ') ++i;
    std::uint64_t v = 0;
    std::size_t digits = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; ++i, ++digits) v = v * 8 + static_cast<std::uint64_t>(f[i] - '0');
    for (; i < len; ++i)
        if (f[i] != '\0' && f[i] != ' ') return std::nullopt;
    if (digits == 0 || digits > 21) return std::nullopt;
    return v;
}

// The header's checksum: its bytes summed, the checksum field read as spaces.
unsigned checksum(const char* block) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i)
        sum += (i >= kSumAt && i < kSumAt + kSumLen) ? ' ' : static_cast<unsigned char>(block[i]);
    return sum;
}

std::string field(const char* h, std::size_t at, std::size_t len) { return std::string(h + at, strnlen(h + at, len)); }

std::string type_name(char type) {
    switch (type) {
        case '1': return "a hard link";
        case '2': return "a symbolic link";
        case '5': return "a folder";
        case 'x':
        case 'g': return "an extended header";
        default: return "a special file";
    }
}

}  // namespace

Error corrupt(const std::string& message) {
    return Error(ErrorKind::data, "bundle_corrupt", message, {},
                 "export the model again ('hone export KEY --format bundle') and copy the whole file");
}

std::array<char, kBlock> header(const std::string& name, std::uint64_t size, std::uint64_t mtime) {
    std::array<char, kBlock> h{};
    std::memcpy(h.data() + kNameAt, name.data(), std::min(name.size(), kNameLen));
    put_octal(h.data() + kModeAt, 8, 0644);
    put_octal(h.data() + kUidAt, 8, 0);
    put_octal(h.data() + kGidAt, 8, 0);
    put_octal(h.data() + kSizeAt, kSizeLen, size);
    put_octal(h.data() + kMtimeAt, 12, mtime);
    h[kTypeAt] = '0';
    std::memcpy(h.data() + kMagicAt, "ustar\0" "00", 8);
    put_octal(h.data() + kSumAt, 7, checksum(h.data()));  // six digits and a NUL, then a space
    h[kSumAt + 7] = ' ';
    return h;
}

void pad(std::ostream& out, std::uint64_t size) {
    static const std::array<char, kBlock> zeros{};
    if (std::size_t rest = size % kBlock) out.write(zeros.data(), static_cast<std::streamsize>(kBlock - rest));
}

void finish(std::ostream& out) {
    static const std::array<char, 2 * kBlock> zeros{};
    out.write(zeros.data(), zeros.size());
}

Reader::Reader(std::istream& in, std::uint64_t size, std::function<void(const std::string&)> check_name)
    : in_(in), left_(size), check_name_(std::move(check_name)) {}

std::optional<Member> Reader::next(const std::string& expected) {
    if (left_ < kBlock)
        throw corrupt(expected.empty() ? "the bundle is cut short: it ends before its end-of-archive marker"
                                       : "the bundle is cut short: it ends before '" + expected +
                                             "', which its manifest lists");
    std::array<char, kBlock> h;
    const std::uint64_t at = offset_;
    read(h.data(), kBlock);
    if (std::all_of(h.begin(), h.end(), [](char c) { return c == '\0'; })) return std::nullopt;
    std::string name = field(h.data(), kNameAt, kNameLen);
    if (std::string prefix = field(h.data(), kPrefixAt, kPrefixLen); !prefix.empty()) name = prefix + "/" + name;
    if (std::memcmp(h.data() + kMagicAt, "ustar", 5) != 0)
        throw corrupt("the bundle is not a tar archive at byte " + std::to_string(at) +
                      ": it is not a hone bundle ('hone export KEY --format bundle' writes one)");
    auto sum = read_octal(h.data() + kSumAt, kSumLen);
    if (!sum || *sum != checksum(h.data()))
        throw corrupt("the header of '" + name + "' at byte " + std::to_string(at) +
                      " does not match its checksum: the bundle was damaged or altered");
    if (h[kTypeAt] != '0' && h[kTypeAt] != '\0')
        throw corrupt("the bundle holds '" + name + "' as " + type_name(h[kTypeAt]) + " (tar type '" +
                      std::string(1, h[kTypeAt]) + "'); a bundle holds regular files only");
    check_name_(name);
    auto size = read_octal(h.data() + kSizeAt, kSizeLen);
    if (!size) throw corrupt("the header of '" + name + "' declares no size that reads as a number");
    if (*size > left_)
        throw corrupt("the bundle is cut short inside '" + name + "': its header declares " + std::to_string(*size) +
                      " bytes and " + std::to_string(left_) + " are left");
    return Member{name, *size};
}

void Reader::content(const Member& m, const std::function<void(const char*, std::size_t)>& sink) {
    std::vector<char> buf(static_cast<std::size_t>(std::clamp<std::uint64_t>(m.size, 1, kChunk)));
    for (std::uint64_t left = m.size; left > 0;) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        read(buf.data(), n);
        sink(buf.data(), n);
        left -= n;
    }
    std::array<char, kBlock> padding;
    if (std::size_t rest = m.size % kBlock)
        read(padding.data(), static_cast<std::size_t>(std::min<std::uint64_t>(kBlock - rest, left_)));
}

std::string Reader::finish_digest() {
    std::vector<char> buf(kChunk);
    while (left_ > 0) read(buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left_, buf.size())));
    return digest_.hex();
}

void Reader::read(char* to, std::size_t n) {
    in_.read(to, static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in_.gcount()) != n)
        throw Error(ErrorKind::io, "io_error", "cannot read the bundle at byte " + std::to_string(offset_));
    digest_.update(to, n);
    left_ -= n;
    offset_ += n;
}

}  // namespace hone::exporting::tar
