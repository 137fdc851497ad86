#pragma once
// Wall-clock time and random ids for records in the store (runs, studies).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace hone {

// Seconds since the Unix epoch, with fractions.
inline double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "2026-12-06T18:30:05.123Z": RFC 3339 in UTC with milliseconds.
inline std::string rfc3339(double unix_seconds) {
    auto whole = static_cast<std::time_t>(unix_seconds);
    int millis = static_cast<int>((unix_seconds - static_cast<double>(whole)) * 1000);
    if (millis < 0) millis = 0;
    if (millis > 999) millis = 999;
    std::tm utc{};
    gmtime_r(&whole, &utc);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return buf;
}

// `prefix` + "_" + 64 random bits in hex, e.g. "run_3f9a...".
inline std::string random_id(std::string_view prefix) {
    std::random_device rd;
    std::ostringstream s;
    s << prefix << "_" << std::hex << ((std::uint64_t(rd()) << 32) ^ rd());
    return s.str();
}

}  // namespace hone
