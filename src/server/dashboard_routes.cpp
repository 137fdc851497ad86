// The dashboard: pages for people over the public JSON API, served from files
// embedded in the binary (dashboard_assets.hpp). The pages hold no data, so they
// are answered without the bearer token; the data they fetch asks for it.
#include <string>

#include "common/error.hpp"
#include "server/compression.hpp"
#include "server/context.hpp"
#include "server/dashboard_assets.hpp"

namespace hone::server {

namespace {

const EmbeddedAsset* find_asset(std::string_view name) {
    for (const auto& a : embedded_assets())
        if (a.name == name) return &a;
    return nullptr;
}

// One asset, or 304 when the browser's copy (If-None-Match) is this build's.
// "no-cache" makes the browser ask each time; the ETag makes asking cheap, and a
// new hone binary never leaves an old page in a cache.
// The gzipped copy goes to a client that takes gzip; each encoding has its own
// ETag, as a cache keeps both.
Response serve_asset(const Request& req, const EmbeddedAsset& asset) {
    bool gzipped = accepts_gzip(req.header("Accept-Encoding"));
    std::string etag = "\"" + std::string(asset.digest) + (gzipped ? "-gzip\"" : "\"");
    Response r;
    r.content_type = std::string(asset.content_type);
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzipped) r.headers.emplace_back("Content-Encoding", "gzip");
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (asset.name == "index.html") {
        // Everything comes from this server: a page that works offline, and no
        // script from elsewhere ever sees the token. ECharts' tooltips set inline styles.
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'none'");
        r.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    if (req.header("If-None-Match") == etag) {
        r.status = 304;
        return r;
    }
    r.text = std::string(gzipped ? asset.gzip : asset.bytes);
    return r;
}

}  // namespace

std::vector<Route> dashboard_routes() {
    return {
        {"GET", "/", "The dashboard: runs, studies, models and the audit log, for people (reads this API)", false,
         [](const Request& req) { return serve_asset(req, *find_asset("index.html")); }},
        {"GET", "/ui/{file}", "The dashboard's scripts and styles, embedded in hone", false,
         [](const Request& req) {
             const EmbeddedAsset* asset = find_asset(req.param("file"));
             if (!asset)
                 throw Error(ErrorKind::not_found, "asset_not_found", "no dashboard file '" + req.param("file") + "'",
                             {}, "the dashboard starts at /");
             return serve_asset(req, *asset);
         }},
    };
}

}  // namespace hone::server
