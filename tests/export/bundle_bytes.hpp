#pragma once
// Bundles taken apart and damaged on purpose, for the tests of what import
// refuses: where each member's header and content are, and headers rewritten
// (with a valid tar checksum) to name, type or size a member otherwise.
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/tar.hpp"

namespace hone::test_support {

struct TarMember {
    std::string name;
    std::size_t header_at = 0, content_at = 0, size = 0;
};

// The members of a ustar archive, in order, up to the end marker.
inline std::vector<TarMember> tar_members(const std::string& bytes) {
    std::vector<TarMember> out;
    for (std::size_t at = 0; at + 512 <= bytes.size() && bytes[at] != '\0';) {
        TarMember m;
        m.name = std::string(bytes.c_str() + at);
        m.header_at = at;
        m.content_at = at + 512;
        m.size = std::strtoull(bytes.substr(at + 124, 12).c_str(), nullptr, 8);
        out.push_back(m);
        at = m.content_at + (m.size + 511) / 512 * 512;
    }
    return out;
}

inline TarMember tar_member(const std::string& bytes, const std::string& name) {
    for (const auto& m : tar_members(bytes))
        if (m.name == name) return m;
    ADD_FAILURE() << "no member " << name;
    return {};
}

// The bundle with `name`'s header replaced: named `to`, of `size`, of tar type `type`.
inline std::string with_header(std::string bytes, const std::string& name, const std::string& to, std::size_t size,
                               char type = '0') {
    TarMember m = tar_member(bytes, name);
    auto h = exporting::tar::header(to, size, 0);
    if (type != '0') {
        h[156] = type;
        unsigned sum = 0;
        for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
        std::snprintf(h.data() + 148, 8, "%06o", sum);
        h[155] = ' ';
    }
    bytes.replace(m.header_at, 512, h.data(), 512);
    return bytes;
}

// The bundle's manifest (hone-bundle.json) as JSON.
inline nlohmann::ordered_json bundle_manifest(const std::string& bytes) {
    TarMember m = tar_member(bytes, "hone-bundle.json");
    return nlohmann::ordered_json::parse(bytes.substr(m.content_at, m.size));
}

// The SHA-256 the manifest lists for `name`.
inline std::string listed_sha256(const std::string& bytes, const std::string& name) {
    const nlohmann::ordered_json manifest = bundle_manifest(bytes);  // kept alive for the loop
    for (const auto& f : manifest["files"])
        if (f["name"] == name) return f["sha256"];
    ADD_FAILURE() << name << " is not listed";
    return "";
}

}  // namespace hone::test_support
