#pragma once
// Answers compressed by hone rather than by cpp-httplib. The library's own
// compression picks Brotli at its encoder's default quality (11), about 1 MB/s
// on JSON: a study's 2.6 MB of trials took seconds to compress. hone gzips at
// zlib's default level instead (tens of MB/s), and the dashboard's files are
// gzipped once, at build time. The server takes Accept-Encoding away from the
// library so that it never compresses a second time.
#include <cstddef>
#include <string>
#include <string_view>

namespace hone::server {

// Answers shorter than this go as they are: a TCP segment holds them anyway.
inline constexpr std::size_t kCompressFromBytes = 1400;

// Whether an Accept-Encoding header takes gzip (or "*"), and not with q=0.
bool accepts_gzip(std::string_view accept_encoding);

// `bytes` as one gzip member (RFC 1952), zlib's default level.
std::string gzip(std::string_view bytes);

}  // namespace hone::server
