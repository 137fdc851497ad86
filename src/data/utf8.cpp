#include "data/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace hone::data {

namespace {

// The length of the valid UTF-8 sequence at p (1 to 4), or 0 when there is none.
std::size_t sequence_at(const unsigned char* p, const unsigned char* end) {
    unsigned char c = *p;
    if (c < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07u;
    else return 0;
    if (static_cast<std::size_t>(end - p) <= n) return 0;
    for (std::size_t i = 1; i <= n; ++i) {
        if ((p[i] & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return n + 1;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A name no other column of `frame` has: `name`, else name.1, name.2, ...
std::string unused_name(const Frame& frame, const std::string& name) {
    if (!frame.find(name)) return name;
    for (std::size_t k = 1;; ++k) {
        std::string candidate = name + "." + std::to_string(k);
        if (!frame.find(candidate)) return candidate;
    }
}

void mend_names(Frame& frame) {
    for (std::size_t c = 0; c < frame.cols(); ++c) {
        Column& col = frame.columns_mut()[c];
        if (is_valid_utf8(col.name())) continue;
        std::string name = unused_name(frame, latin1_to_utf8(col.name()));
        frame.columns_mut()[c].set_name(name);
        frame.warn(name, "column '" + name + "' (column " + std::to_string(c + 1) +
                             "): its name is not valid UTF-8, read as Latin-1");
    }
}

void mend_values(Frame& frame, Column& col) {
    const std::vector<std::string>& dict = col.dictionary();
    std::vector<std::uint8_t> bad(dict.size(), 0);
    std::size_t nbad = 0;
    for (std::size_t i = 0; i < dict.size(); ++i)
        if (!is_valid_utf8(dict[i])) bad[i] = 1, ++nbad;
    if (nbad == 0) return;
    // The mended dictionary in the same order, equal values merged into the first.
    std::vector<std::string> mended;
    std::vector<std::int32_t> remap(dict.size());
    std::unordered_map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < dict.size(); ++i) {
        std::string v = bad[i] ? latin1_to_utf8(dict[i]) : dict[i];
        auto [it, fresh] = index.emplace(v, static_cast<std::int32_t>(mended.size()));
        if (fresh) mended.push_back(std::move(v));
        remap[i] = it->second;
    }
    std::vector<std::int32_t> codes = col.codes();
    std::size_t rows = 0, first = 0;
    for (std::size_t r = 0; r < codes.size(); ++r) {
        if (codes[r] < 0) continue;
        if (bad[static_cast<std::size_t>(codes[r])] && rows++ == 0) first = r;
        codes[r] = remap[static_cast<std::size_t>(codes[r])];
    }
    col.set_strings(std::move(codes), std::move(mended));
    if (rows == 0) return;  // values no row uses: mended, nothing to tell
    frame.warn(col.name(), "column '" + col.name() + "': " + plural(nbad, "value is", "values are") +
                               " not valid UTF-8, read as Latin-1 (in " + plural(rows, "row", "rows") +
                               (rows == 1 ? ", row " : ", the first is row ") + std::to_string(first + 1) + ")");
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        // Eight ASCII bytes at a time: most values are ASCII.
        if (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            if ((w & 0x8080808080808080ull) == 0) {
                p += 8;
                continue;
            }
        }
        std::size_t n = sequence_at(p, end);
        if (n == 0) return false;
        p += n;
    }
    return true;
}

std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (char ch : s) {
        auto b = static_cast<unsigned char>(ch);
        if (b < 0x80) {
            out.push_back(ch);
        } else {
            out.push_back(static_cast<char>(0xC0 | (b >> 6)));
            out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
        }
    }
    return out;
}

std::string escape_invalid_utf8(std::string_view s) {
    if (is_valid_utf8(s)) return std::string(s);
    static const char* hex = "0123456789abcdef";
    std::string out;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        std::size_t n = sequence_at(p, end);
        if (n > 0) {
            out.append(reinterpret_cast<const char*>(p), n);
            p += n;
        } else {
            out += "\\x";
            out.push_back(hex[*p >> 4]);
            out.push_back(hex[*p & 0xF]);
            ++p;
        }
    }
    return out;
}

void make_valid_utf8(Frame& frame) {
    mend_names(frame);
    for (auto& col : frame.columns_mut())
        if (col.type() == DType::string) mend_values(frame, col);
}

}  // namespace hone::data
