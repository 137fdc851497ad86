#pragma once
// Wall-clock time and random ids for records in the store (runs, studies).
#include <chrono>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace hone {

// Seconds since the Unix epoch, with fractions.
inline double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// `prefix` + "_" + 64 random bits in hex, e.g. "run_3f9a...".
inline std::string random_id(std::string_view prefix) {
    std::random_device rd;
    std::ostringstream s;
    s << prefix << "_" << std::hex << ((std::uint64_t(rd()) << 32) ^ rd());
    return s.str();
}

}  // namespace hone
