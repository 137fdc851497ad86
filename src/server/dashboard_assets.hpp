#pragma once
// The dashboard's files (web/static and the chart library), embedded in the
// binary at build time by cmake/embed_assets.cmake, which generates
// embedded_assets()'s definition.
#include <string_view>
#include <vector>

namespace hone::server {

struct EmbeddedAsset {
    std::string_view name;          // "index.html", "app.js", ... as served under /ui/
    std::string_view content_type;  // from the file's extension
    std::string_view bytes;
    std::string_view gzip;          // the same bytes gzipped at build time
    std::string_view digest;        // 16 hex digits of the bytes' SHA-256: the ETag's core
};

const std::vector<EmbeddedAsset>& embedded_assets();

}  // namespace hone::server
