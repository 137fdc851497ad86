#include "server/compression.hpp"

#include <stdexcept>

#include <zlib.h>

#include "common/text.hpp"

namespace hone::server {

namespace {

// "gzip;q=0.5" -> coding "gzip", weight 0.5; a missing q is 1.
std::pair<std::string, double> coding_and_weight(std::string_view item) {
    std::string_view coding = item.substr(0, item.find(';'));
    double weight = 1;
    if (auto q = item.find("q="); q != std::string_view::npos) {
        try {
            weight = std::stod(std::string(item.substr(q + 2)));
        } catch (const std::exception&) {
            weight = 0;  // an unreadable weight is not a yes
        }
    }
    return {to_lower(trim(coding)), weight};
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    bool star = false;
    for (std::string_view rest = accept_encoding; !rest.empty();) {
        std::size_t comma = rest.find(',');
        auto [coding, weight] = coding_and_weight(rest.substr(0, comma));
        if (coding == "gzip" || coding == "x-gzip") return weight > 0;
        if (coding == "*") star = weight > 0;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return star;
}

std::string gzip(std::string_view bytes) {
    z_stream z{};
    // 15 window bits + 16: a gzip header and trailer rather than zlib's.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("gzip: zlib could not start");
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip: zlib could not compress the answer");
    return out;
}

}  // namespace hone::server
