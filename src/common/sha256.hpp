#pragma once
// SHA-256 (FIPS 180-4), for artifact checksums: a model file whose digest does not
// match its manifest is refused at load.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace hone {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hex();  // finishes; the object is spent afterwards

private:
    void block(const std::uint8_t* p);
    std::uint32_t h_[8];
    std::uint8_t buf_[64];
    std::size_t buf_len_ = 0;
    std::uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);
// Digest of a file's bytes; hone::Error(io) if it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace hone
