#include "data/csv_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"

// How a read works: the header (or the first row) and the delimiter are found on
// the calling thread; the data is then cut into chunks at guessed row starts (the
// first line start after each nominal cut) and every chunk is parsed on its own,
// into its own typed column pieces, on all threads. A guess can be wrong only when
// the cut falls inside a quoted field that spans lines; a sequential check then
// compares where each chunk really began (the previous chunk's end) with where it
// was parsed from, and re-parses the rare chunk that disagrees. Errors found in a
// chunk are only reported once that chunk is known to be well cut, so the first
// error in file order is the one raised. Finally the pieces of each column are
// joined into one column of the common type (int pieces widen to float; a piece of
// numbers in a column that turned out to hold strings is re-read as text).

namespace hone::data {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// The per-chunk type of a column, ordered loosely by generality. `unknown` means
// "only nulls so far".
enum class Kind : std::uint8_t { unknown, boolean, int64, float64, string };

Kind join(Kind a, Kind b) {
    if (a == Kind::unknown) return b;
    if (b == Kind::unknown || a == b) return a;
    if ((a == Kind::int64 && b == Kind::float64) || (a == Kind::float64 && b == Kind::int64)) return Kind::float64;
    return Kind::string;
}

Kind kind_of(DType t) {
    switch (t) {
        case DType::float64: return Kind::float64;
        case DType::int64: return Kind::int64;
        case DType::boolean: return Kind::boolean;
        case DType::string: return Kind::string;
    }
    return Kind::string;
}

DType dtype_of(Kind k) {
    switch (k) {
        case Kind::boolean: return DType::boolean;
        case Kind::int64: return DType::int64;
        case Kind::float64: return DType::float64;
        default: return DType::string;
    }
}

// ---- values -----------------------------------------------------------------

class NaSet {
public:
    explicit NaSet(const std::vector<std::string>& extra) {
        tokens_ = {"", "NA", "N/A", "n/a", "#N/A", "<NA>", "NaN", "nan", "null", "NULL", "None"};
        for (const auto& t : extra) tokens_.push_back(t);
        first_.fill(0);
        for (const auto& t : tokens_) {
            if (t.empty()) continue;
            first_[static_cast<unsigned char>(t[0])] = 1;
            max_len_ = std::max(max_len_, t.size());
        }
    }
    // Hot: called for every field, so most fields leave after one table lookup.
    bool operator()(std::string_view v) const {
        if (v.empty()) return true;
        if (__builtin_expect(!first_[static_cast<unsigned char>(v[0])] || v.size() > max_len_, 1)) return false;
        return match(v);
    }

private:
    bool match(std::string_view v) const {
        for (const auto& t : tokens_)
            if (t == v) return true;
        return false;
    }

    std::vector<std::string> tokens_;
    std::array<std::uint8_t, 256> first_{};
    std::size_t max_len_ = 0;
};

inline std::string_view strip_spaces(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

// 10^0 .. 10^22: exact in a double, and (up to 10^19) in a uint64.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr std::uint64_t kPow10u[] = {1,         10,         100,         1000,         10000,
                                     100000,    1000000,    10000000,    100000000,    1000000000,
                                     10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
                                     100000000000000ull, 1000000000000000ull, 10000000000000000ull,
                                     100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

// Reads the run of ASCII digits at q (stopping at e) into m (m = m * 10^k + the
// digits' value; it wraps past 19 digits, which callers reject) and adds k to
// `count`. `padded`: the 8 bytes at any position up to e may be read, so digits go
// eight at a time (the byte trick of fast_float's parse_eight_digits_unrolled).
inline const char* read_digits(const char* q, const char* e, bool padded, std::uint64_t& m, std::size_t& count) {
    if (padded) {
        constexpr std::uint64_t zeros = 0x3030303030303030ull, highs = 0xF0F0F0F0F0F0F0F0ull;
        for (;;) {
            std::uint64_t w;
            std::memcpy(&w, q, 8);
            // A byte is a digit iff its high nibble is 3 and adding 6 keeps it 3.
            // A carry out of a non-digit byte can only spoil bytes after it.
            std::uint64_t bad = ((w & highs) ^ zeros) | (((w + 0x0606060606060606ull) & highs) ^ zeros);
            auto n = static_cast<std::size_t>(bad ? __builtin_ctzll(bad) >> 3 : 8);
            n = std::min(n, static_cast<std::size_t>(e - q));
            if (n == 0) return q;
            // Digit values in the first n bytes; shifting left puts n digits last,
            // behind 8 - n leading zeros, then three multiplies combine them.
            std::uint64_t v = (w - zeros) << (8 * (8 - n));
            v = v * 10 + (v >> 8);
            v = (((v & 0x000000FF000000FFull) * 0x000F424000000064ull) +
                 (((v >> 16) & 0x000000FF000000FFull) * 0x0000271000000001ull)) >> 32;
            m = m * kPow10u[n] + v;
            count += n;
            q += n;
            if (n < 8) return q;
        }
    }
    for (; q < e && static_cast<unsigned>(*q - '0') <= 9; ++q, ++count) m = m * 10 + static_cast<unsigned>(*q - '0');
    return q;
}

// `padded` as for read_digits, for the whole of v.
inline bool parse_int(std::string_view v, std::int64_t& out, bool padded = false) {
    if (!v.empty() && (v.front() == ' ' || v.back() == ' ')) v = strip_spaces(v);
    const char* p = v.data();
    const char* e = p + v.size();
    bool neg = false;
    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        ++p;
    }
    if (p == e) return false;
    std::uint64_t x = 0;
    std::size_t digits = 0;
    if (read_digits(p, e, padded, x, digits) != e) return false;
    if (digits > 18) {
        // Could overflow (or be leading zeros): redo with a check per digit.
        x = 0;
        for (; p < e; ++p) {
            unsigned d = static_cast<unsigned char>(*p) - '0';
            if (x > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
            x = x * 10 + d;
        }
    }
    if (neg) {
        if (x > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) return false;
        out = static_cast<std::int64_t>(0 - x);
    } else {
        if (x > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
        out = static_cast<std::int64_t>(x);
    }
    return true;
}

inline bool parse_float(std::string_view v, double& out, bool padded = false) {
    if (!v.empty() && (v.front() == ' ' || v.back() == ' ')) v = strip_spaces(v);
    const char* p = v.data();
    const char* e = p + v.size();
    // Fast path for plain decimals (-12.345): with at most 2^53 as the digits and
    // at most 22 decimals, digits / 10^decimals is one correctly rounded division
    // (Clinger), so the result equals from_chars'.
    {
        const char* q = p;
        bool neg = false;
        if (q < e && (*q == '-' || *q == '+')) neg = *q++ == '-';
        std::uint64_t m = 0;
        std::size_t digits = 0, decimals = 0;
        q = read_digits(q, e, padded, m, digits);
        if (q < e && *q == '.') {
            q = read_digits(q + 1, e, padded, m, decimals);
            digits += decimals;
        }
        if (q == e && digits > 0 && digits <= 19 && decimals <= 22 && m <= (std::uint64_t{1} << 53)) {
            double d = static_cast<double>(m) / kPow10[decimals];
            out = neg && m != 0 ? -d : d;  // -0 reads as 0, as it does in an int column
            return true;
        }
    }
    if (p < e && *p == '+') {
        ++p;
        if (p == e || *p == '-' || *p == '+') return false;
    }
    if (p == e) return false;
    auto r = std::from_chars(p, e, out, std::chars_format::general);
    if (r.ptr != e) return false;
    if (r.ec == std::errc()) {
        if (out == 0) out = 0;  // no negative zero: "-0" must read the same in int and float columns
        return true;
    }
    if (r.ec != std::errc::result_out_of_range) return false;
    // 1e400 or 1e-400: a valid spelling, so read it as strtod does (+-inf or 0).
    std::string copy(p, e);
    out = std::strtod(copy.c_str(), nullptr);
    if (out == 0) out = 0;
    return true;
}

// -1 = not a bool, else 0/1.
inline int parse_bool(std::string_view v, bool digits) {
    if (!v.empty() && (v.front() == ' ' || v.back() == ' ')) v = strip_spaces(v);
    if (v.size() == 4 && (v == "true" || v == "True" || v == "TRUE")) return 1;
    if (v.size() == 5 && (v == "false" || v == "False" || v == "FALSE")) return 0;
    if (digits && v.size() == 1 && (v[0] == '0' || v[0] == '1')) return v[0] - '0';
    return -1;
}

// A value for a message: quoted, shortened, control bytes escaped.
std::string show(std::string_view v) {
    std::string out = "'";
    std::size_t n = 0;
    for (char c : v) {
        if (++n > 60) {
            out += "...";
            break;
        }
        auto u = static_cast<unsigned char>(c);
        if (u == '\n') out += "\\n";
        else if (u == '\r') out += "\\r";
        else if (u == '\t') out += "\\t";
        else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else out += c;
    }
    return out + "'";
}

std::string show_char(char c) { return show(std::string_view(&c, 1)); }

// ---- string dictionary --------------------------------------------------------

// The first (up to) 8 bytes of s, little-endian, zero-padded. `padded`: the 8
// bytes at p may be read even when n < 8.
inline std::uint64_t head_word(const char* p, std::size_t n, bool padded) {
    if (n >= 8 || padded) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        return n >= 8 ? w : w & (~std::uint64_t{0} >> (64 - 8 * n));
    }
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return w;
}

inline std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

inline std::uint64_t hash_bytes(std::uint64_t head, const char* p, std::size_t n, bool padded) {
    std::uint64_t h = (head ^ (n * 0x9E3779B97F4A7C15ull)) * 0xbf58476d1ce4e5b9ull;
    for (std::size_t i = 8; i < n; i += 8) {
        std::uint64_t w = head_word(p + i, std::min<std::size_t>(8, n - i), padded);
        h = (h ^ (h >> 31) ^ w) * 0x94d049bb133111ebull;
    }
    return mix(h);
}

// Interns strings into dense codes 0, 1, ... in first-seen order. Open addressing
// over a flat byte arena: no allocation per distinct value beyond the arena, and
// short values (<= 8 bytes, most categories) compare as one integer.
class StrDict {
public:
    // `padded`: s lies in a buffer whose bytes may be read up to the next multiple
    // of 8 past s.data() (a field in the middle of the input).
    std::int32_t intern(std::string_view s, bool padded = false) {
        if (slots_.empty()) rehash(64);
        std::uint64_t head = head_word(s.data(), s.size(), padded && !s.empty());
        std::uint64_t h = hash_bytes(head, s.data(), s.size(), padded);
        std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            std::int32_t code = slots_[i];
            if (code < 0) break;
            const Entry& e = entries_[static_cast<std::size_t>(code)];
            if (e.head == head && e.len == s.size() &&
                (s.size() <= 8 || std::memcmp(bytes_.data() + e.off + 8, s.data() + 8, s.size() - 8) == 0))
                return code;
        }
        if (entries_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw Error(ErrorKind::data, "dataset_load_failed", "a string column has more than 2^31 distinct values");
        auto code = static_cast<std::int32_t>(entries_.size());
        entries_.push_back(Entry{head, bytes_.size(), s.size(), h});
        bytes_.append(s);
        if (entries_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
        else insert_slot(h, code);
        return code;
    }
    std::size_t size() const { return entries_.size(); }
    std::string_view at(std::int32_t code) const {
        const Entry& e = entries_[static_cast<std::size_t>(code)];
        return std::string_view(bytes_).substr(e.off, e.len);
    }
    std::vector<std::string> strings() const {
        std::vector<std::string> out;
        out.reserve(size());
        for (std::size_t i = 0; i < size(); ++i) out.emplace_back(at(static_cast<std::int32_t>(i)));
        return out;
    }

private:
    struct Entry {
        std::uint64_t head;
        std::size_t off;
        std::size_t len;
        std::uint64_t hash;
    };

    void insert_slot(std::uint64_t h, std::int32_t code) {
        std::size_t mask = slots_.size() - 1;
        std::size_t i = h & mask;
        while (slots_[i] >= 0) i = (i + 1) & mask;
        slots_[i] = code;
    }
    [[gnu::noinline]] void rehash(std::size_t n) {
        slots_.assign(n, -1);
        for (std::size_t c = 0; c < entries_.size(); ++c) insert_slot(entries_[c].hash, static_cast<std::int32_t>(c));
    }

    std::string bytes_;
    std::vector<Entry> entries_;
    std::vector<std::int32_t> slots_;
};

// ---- tokenizer ------------------------------------------------------------------

enum class RecordStatus : std::uint8_t { ok, unclosed_quote, junk_after_quote };

struct RecordEnd {
    const char* next = nullptr;  // the byte after the row's terminator
    std::size_t fields = 0;
    RecordStatus status = RecordStatus::ok;
    std::size_t bad_field = 0;  // 0-based field of an unclosed quote or junk
    char junk = 0;
};

struct Tokenizer {
    static constexpr std::uint64_t ones = 0x0101010101010101ull;

    explicit Tokenizer(char d) : delim(d), delim_word(ones * static_cast<unsigned char>(d)) {
        stop.fill(0);
        stop[static_cast<unsigned char>(d)] = 1;
        stop['\n'] = 1;
        stop['\r'] = 1;
    }

    // The first delimiter, \n or \r at or after p (end if none): 16 or 8 bytes a
    // step, since most fields are a few bytes long and this is the innermost loop.
    const char* find_stop(const char* p, const char* end) const {
#if defined(__SSE2__)
        const __m128i d = _mm_set1_epi8(delim), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
        while (end - p >= 16) {
            __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, d), _mm_cmpeq_epi8(w, nl)), _mm_cmpeq_epi8(w, cr));
            if (int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
            p += 16;
        }
#endif
        constexpr std::uint64_t highs = 0x8080808080808080ull;
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            std::uint64_t a = w ^ delim_word, b = w ^ (ones * '\n'), c = w ^ (ones * '\r');
            // (x - 1) & ~x & 0x80 per byte flags a zero byte; the lowest flag is exact.
            std::uint64_t z = (((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) & highs;
            if (z) return p + (__builtin_ctzll(z) >> 3);
            p += 8;
        }
        while (p < end && !stop[static_cast<unsigned char>(*p)]) ++p;
        return p;
    }

    char delim;
    std::uint64_t delim_word;
    std::array<std::uint8_t, 256> stop{};
};

// Parses one row starting at `p` (a row start that is not a blank line), handing
// fields 0..ncols-1 to sink.field(index, text); further fields are only counted.
// A field's text lives in the input or in `scratch` until the next call.
template <class Sink>
inline RecordEnd parse_record(const Tokenizer& tok, const char* p, const char* end, std::size_t ncols,
                              std::string& scratch, Sink& sink) {
    RecordEnd r;
    std::size_t col = 0;
    for (;;) {
        std::string_view value;
        if (p < end && *p == '"') {
            const char* s = ++p;
            bool escaped = false;
            const char* q;
            for (;;) {
                q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
                if (!q) {
                    r.next = end;
                    r.fields = col + 1;
                    r.status = RecordStatus::unclosed_quote;
                    r.bad_field = col;
                    return r;
                }
                if (q + 1 < end && q[1] == '"') {
                    escaped = true;
                    p = q + 2;
                    continue;
                }
                break;
            }
            if (escaped) {
                scratch.clear();
                for (const char* c = s; c < q; ++c) {
                    scratch.push_back(*c);
                    if (*c == '"') ++c;  // the second quote of a doubled pair
                }
                value = scratch;
            } else {
                value = std::string_view(s, static_cast<std::size_t>(q - s));
            }
            p = q + 1;
            while (p < end && *p == ' ' && tok.delim != ' ') ++p;
            if (p < end && *p != tok.delim && *p != '\n' && *p != '\r') {
                r.next = p;
                r.fields = col + 1;
                r.status = RecordStatus::junk_after_quote;
                r.bad_field = col;
                r.junk = *p;
                return r;
            }
        } else {
            const char* s = p;
            p = tok.find_stop(p, end);
            value = std::string_view(s, static_cast<std::size_t>(p - s));
        }
        if (col < ncols) sink.field(col, value);
        ++col;
        if (p >= end) {
            r.next = end;
            break;
        }
        char c = *p++;
        if (c == tok.delim) continue;
        if (c == '\r' && p < end && *p == '\n') ++p;
        r.next = p;
        break;
    }
    r.fields = col;
    return r;
}

// If `p` is at a blank line, the start of the next line; else p.
inline const char* skip_blank_lines(const char* p, const char* end) {
    while (p < end && (*p == '\n' || *p == '\r')) {
        if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
        ++p;
    }
    return p;
}

struct NullSink {
    void field(std::size_t, std::string_view) {}
};

// ---- chunks -----------------------------------------------------------------------

// One column of one chunk: values of the chunk's rows in the chunk's own type.
struct ChunkCol {
    Kind kind = Kind::unknown;
    std::vector<std::int64_t> i64;
    std::vector<double> f64;
    std::vector<std::uint8_t> b;
    std::vector<std::int32_t> codes;  // string: index into dict, -1 = null
    std::vector<std::uint8_t> valid;  // 1 = present; empty = no null so far
    StrDict dict;
    // When a column of numbers meets its first string at row r, rows [0, r) are
    // re-read as text when the chunk ends.
    std::size_t pending_text_rows = 0;
};

struct Chunk {
    std::size_t begin = 0;  // where parsing started: a row start (guessed, until checked)
    std::size_t limit = 0;  // the next chunk's start: parsing stops at the first row start >= limit
    std::size_t end = 0;    // where parsing stopped
    std::size_t rows = 0;
    std::vector<ChunkCol> cols;
    bool failed = false;
    std::size_t err_row = 0;      // 0-based within the chunk
    std::size_t err_col = npos;   // column index, or npos
    std::string err_msg;
};

// Everything a chunk parse needs, shared read-only by all threads.
struct Context {
    std::string_view text;
    std::string name;
    Tokenizer tok;
    std::size_t ncols = 0;
    bool header = true;
    NaSet na;
    std::vector<Kind> declared;  // Kind::unknown = infer
    std::size_t expect_row_bytes = 64;
    // Called with byte ranges already parsed, so a mapped file's pages can go.
    std::function<void(std::size_t, std::size_t)> drop;
};

class ChunkSink {
public:
    ChunkSink(const Context& ctx, Chunk& ch, std::size_t expect_rows)
        : ctx_(ctx),
          ch_(ch),
          expect_rows_(expect_rows),
          text_begin_(ctx.text.data()),
          text_end_(ctx.text.data() + ctx.text.size()) {}

    [[gnu::flatten]] void field(std::size_t c, std::string_view v) {
        ChunkCol& col = ch_.cols[c];
        // Whether the parsers may read 8 bytes past any position of v: true for
        // every field but those at the very end of the input or unescaped into scratch.
        bool padded = v.data() >= text_begin_ && v.data() + v.size() + 8 <= text_end_;
        switch (col.kind) {
            case Kind::float64: {
                if (ctx_.na(v)) return push_null(col);
                double d;
                if (parse_float(v, d, padded)) {
                    if (std::isnan(d)) return push_null(col);
                    col.f64.push_back(d);
                    return present(col);
                }
                break;
            }
            case Kind::int64: {
                if (ctx_.na(v)) return push_null(col);
                std::int64_t x;
                if (parse_int(v, x, padded)) {
                    col.i64.push_back(x);
                    return present(col);
                }
                break;
            }
            case Kind::string: {
                if (ctx_.na(v)) return push_null(col);
                col.codes.push_back(col.dict.intern(v, padded));
                return present(col);
            }
            case Kind::boolean: {
                if (ctx_.na(v)) return push_null(col);
                int t = parse_bool(v, ctx_.declared[c] == Kind::boolean);
                if (t >= 0) {
                    col.b.push_back(static_cast<std::uint8_t>(t));
                    return present(col);
                }
                break;
            }
            case Kind::unknown:
                if (ctx_.na(v)) return;  // still nothing but nulls: nothing to store
                break;
        }
        slow(c, col, v);
    }

    std::size_t row = 0;  // the row being filled, 0-based within the chunk

private:
    void present(ChunkCol& col) {
        if (!col.valid.empty()) col.valid.push_back(1);
    }
    [[gnu::noinline]] void push_null(ChunkCol& col) {
        if (col.kind == Kind::string) {  // a string column's nulls are its -1 codes
            col.codes.push_back(-1);
            return;
        }
        if (col.valid.empty()) {
            col.valid.reserve(expect_rows_);
            col.valid.assign(row, 1);
        }
        col.valid.push_back(0);
        switch (col.kind) {
            case Kind::float64: col.f64.push_back(std::numeric_limits<double>::quiet_NaN()); break;
            case Kind::int64: col.i64.push_back(0); break;
            case Kind::boolean: col.b.push_back(0); break;
            case Kind::string: col.codes.push_back(-1); break;
            case Kind::unknown: break;
        }
    }

    // A value the column's current kind does not take (or the first value).
    [[gnu::noinline]] void slow(std::size_t c, ChunkCol& col, std::string_view v) {
        Kind want = ctx_.declared[c];
        if (want != Kind::unknown) {
            const char* what = want == Kind::int64 ? "an int" : want == Kind::float64 ? "a float" : "a bool";
            fail(c, "value " + show(v) + " is not " + what);
            return;
        }
        std::int64_t x;
        double d;
        if (col.kind == Kind::unknown) {
            Kind k;
            int t = parse_bool(v, false);
            if (t >= 0) k = Kind::boolean;
            else if (parse_int(v, x)) k = Kind::int64;
            else if (parse_float(v, d)) k = Kind::float64;
            else k = Kind::string;
            start(col, k);
            switch (k) {
                case Kind::boolean: col.b.push_back(static_cast<std::uint8_t>(t)); break;
                case Kind::int64: col.i64.push_back(x); break;
                case Kind::float64:
                    if (std::isnan(d)) return push_null(col);
                    col.f64.push_back(d);
                    break;
                default: col.codes.push_back(col.dict.intern(v)); break;
            }
            return present(col);
        }
        if (col.kind == Kind::int64 && parse_float(v, d)) {
            widen_to_float(col);
            if (std::isnan(d)) return push_null(col);
            col.f64.push_back(d);
            return present(col);
        }
        to_string(col);
        col.codes.push_back(col.dict.intern(v));
        present(col);
    }

    // The first value of a column that held only nulls (rows [0, row)).
    void start(ChunkCol& col, Kind k) {
        col.kind = k;
        std::size_t n = std::max(expect_rows_, row + 1);
        if (row > 0 && k != Kind::string) {
            col.valid.reserve(n);
            col.valid.assign(row, 0);
        }
        switch (k) {
            case Kind::boolean: col.b.reserve(n), col.b.assign(row, 0); break;
            case Kind::int64: col.i64.reserve(n), col.i64.assign(row, 0); break;
            case Kind::float64:
                col.f64.reserve(n), col.f64.assign(row, std::numeric_limits<double>::quiet_NaN());
                break;
            default: col.codes.reserve(n), col.codes.assign(row, -1); break;
        }
    }

    void widen_to_float(ChunkCol& col) {
        std::vector<double> f;
        f.reserve(std::max(expect_rows_, row + 1));
        for (std::size_t i = 0; i < col.i64.size(); ++i)
            f.push_back(!col.valid.empty() && !col.valid[i] ? std::numeric_limits<double>::quiet_NaN()
                                                            : static_cast<double>(col.i64[i]));
        std::vector<std::int64_t>().swap(col.i64);
        col.f64 = std::move(f);
        col.kind = Kind::float64;
    }

    void to_string(ChunkCol& col) {
        col.pending_text_rows = row;
        std::vector<std::int64_t>().swap(col.i64);
        std::vector<double>().swap(col.f64);
        std::vector<std::uint8_t>().swap(col.b);
        std::vector<std::uint8_t>().swap(col.valid);
        col.codes.reserve(std::max(expect_rows_, row + 1));
        col.codes.assign(row, -1);
        col.kind = Kind::string;
    }

    void fail(std::size_t c, std::string msg) {
        if (ch_.failed) return;
        ch_.failed = true;
        ch_.err_row = row;
        ch_.err_col = c;
        ch_.err_msg = std::move(msg);
    }

    const Context& ctx_;
    Chunk& ch_;
    std::size_t expect_rows_;
    const char* text_begin_;
    const char* text_end_;
};

// Calls sink.field for the first `rows` rows of a chunk that parsed cleanly.
template <class Sink>
void for_each_row(const Context& ctx, std::size_t begin, std::size_t rows, Sink& sink) {
    const char* end = ctx.text.data() + ctx.text.size();
    const char* p = ctx.text.data() + begin;
    std::string scratch;
    for (std::size_t r = 0; r < rows; ++r) {
        p = skip_blank_lines(p, end);
        sink.row = r;
        p = parse_record(ctx.tok, p, end, ctx.ncols, scratch, sink).next;
    }
}

// Re-reads columns of a chunk as text: `cols[c]` says which, `upto[c]` how many
// leading rows (the rest already hold codes into the old dictionary). The new
// dictionary lists values in first-seen order, as if the column had been a string
// column from its first row.
void reread_as_text(const Context& ctx, Chunk& ch, const std::vector<std::size_t>& upto) {
    struct TextSink {
        const Context& ctx;
        Chunk& ch;
        const std::vector<std::size_t>& upto;
        std::vector<StrDict> dicts;
        std::size_t row = 0;
        void field(std::size_t c, std::string_view v) {
            if (row >= upto[c]) return;
            ch.cols[c].codes[row] = ctx.na(v) ? -1 : dicts[c].intern(v);
        }
    } sink{ctx, ch, upto, std::vector<StrDict>(ch.cols.size())};
    std::size_t rows = 0;
    for (std::size_t c = 0; c < upto.size(); ++c) {
        if (upto[c] == 0) continue;
        rows = std::max(rows, upto[c]);
        ChunkCol& col = ch.cols[c];
        if (col.kind != Kind::string) {
            std::vector<std::int64_t>().swap(col.i64);
            std::vector<double>().swap(col.f64);
            std::vector<std::uint8_t>().swap(col.b);
            std::vector<std::uint8_t>().swap(col.valid);
            col.codes.assign(ch.rows, -1);
            col.kind = Kind::string;
            col.dict = StrDict();
        }
    }
    for_each_row(ctx, ch.begin, rows, sink);
    for (std::size_t c = 0; c < upto.size(); ++c) {
        if (upto[c] == 0) continue;
        ChunkCol& col = ch.cols[c];
        StrDict& fresh = sink.dicts[c];
        std::vector<std::int32_t> remap(col.dict.size(), -1);
        for (std::size_t r = upto[c]; r < col.codes.size(); ++r) {
            std::int32_t old = col.codes[r];
            if (old < 0) continue;
            if (remap[old] < 0) remap[old] = fresh.intern(col.dict.at(old));
            col.codes[r] = remap[old];
        }
        col.dict = std::move(fresh);
        col.pending_text_rows = 0;
    }
}

Chunk parse_chunk(const Context& ctx, std::size_t begin, std::size_t limit) {
    Chunk ch;
    ch.begin = begin;
    ch.limit = limit;
    ch.cols.resize(ctx.ncols);
    std::size_t expect_rows =
        limit > begin ? (limit - begin) / std::max<std::size_t>(ctx.expect_row_bytes, 1) * 5 / 4 + 16 : 0;
    for (std::size_t c = 0; c < ctx.ncols; ++c) {
        Kind k = ctx.declared[c];
        ChunkCol& col = ch.cols[c];
        col.kind = k;
        switch (k) {
            case Kind::boolean: col.b.reserve(expect_rows); break;
            case Kind::int64: col.i64.reserve(expect_rows); break;
            case Kind::float64: col.f64.reserve(expect_rows); break;
            case Kind::string: col.codes.reserve(expect_rows); break;
            case Kind::unknown: break;
        }
    }
    ChunkSink sink(ctx, ch, expect_rows);
    const char* base = ctx.text.data();
    const char* end = base + ctx.text.size();
    const char* lim = base + limit;
    const char* p = base + begin;
    std::string scratch;
    constexpr std::size_t drop_every = 4 << 20;
    std::size_t dropped = begin;
    while (p < lim) {
        // Blank lines one at a time, so that a guessed chunk start among blank
        // lines is still met exactly.
        if (*p == '\n') {
            ++p;
            continue;
        }
        if (*p == '\r') {
            ++p;
            if (p < end && *p == '\n') ++p;
            continue;
        }
        sink.row = ch.rows;
        RecordEnd r = parse_record(ctx.tok, p, end, ctx.ncols, scratch, sink);
        if (ch.failed) break;
        if (r.status != RecordStatus::ok || r.fields != ctx.ncols) {
            ch.failed = true;
            ch.err_row = ch.rows;
            if (r.status == RecordStatus::unclosed_quote && r.bad_field < ctx.ncols) {
                ch.err_col = r.bad_field;
                ch.err_msg = "unclosed quote: the quoted field that starts in this row has no closing quote";
            } else if (r.status == RecordStatus::junk_after_quote && r.bad_field < ctx.ncols) {
                ch.err_col = r.bad_field;
                std::string d = ctx.tok.delim == '\t' ? "\\t" : std::string(1, ctx.tok.delim);
                ch.err_msg = "unexpected " + show_char(r.junk) + " after a closing quote; expected the delimiter '" +
                             d + "' or the end of the row";
            } else {
                std::size_t fields = r.fields;
                if (r.status != RecordStatus::ok) {
                    // A broken quote past the last column: count the fields seen so far.
                    fields = std::max(fields, ctx.ncols + 1);
                }
                ch.err_col = fields < ctx.ncols ? fields : ctx.ncols - 1;
                ch.err_msg = "row has " + std::to_string(fields) + (fields == 1 ? " field, " : " fields, ") +
                             (ctx.header ? "the header has " : "the first row has ") + std::to_string(ctx.ncols);
            }
            break;
        }
        ++ch.rows;
        p = r.next;
        if (ctx.drop && static_cast<std::size_t>(p - base) >= dropped + drop_every) {
            ctx.drop(dropped, static_cast<std::size_t>(p - base));
            dropped = static_cast<std::size_t>(p - base);
        }
    }
    ch.end = static_cast<std::size_t>(p - base);
    if (ch.failed) return ch;

    std::vector<std::size_t> upto(ctx.ncols, 0);
    bool pending = false;
    for (std::size_t c = 0; c < ctx.ncols; ++c) {
        upto[c] = ch.cols[c].pending_text_rows;
        pending = pending || upto[c] > 0;
    }
    if (pending) reread_as_text(ctx, ch, upto);
    return ch;
}

// ---- threads -----------------------------------------------------------------------

// Runs fn(0..n-1) on up to `threads` threads (the caller's included); the first
// exception thrown is rethrown after all threads stop.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, Fn&& fn) {
    if (n == 0) return;
    std::size_t t = std::min<std::size_t>(std::max(threads, 1u), n);
    if (t == 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex mu;
    auto work = [&] {
        for (;;) {
            std::size_t i = next.fetch_add(1);
            if (i >= n) return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!error) error = std::current_exception();
                next.store(n);
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < t; ++i) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
}

// ---- the header, the delimiter, names ----------------------------------------------

struct CollectSink {
    std::vector<std::string> fields;
    void field(std::size_t, std::string_view v) { fields.emplace_back(v); }
};

char detect_delimiter(std::string_view text) {
    constexpr std::size_t sample_bytes = 1 << 16;
    constexpr std::size_t sample_rows = 20;
    bool whole = text.size() <= sample_bytes;
    std::string_view sample = text.substr(0, sample_bytes);
    const char* end = sample.data() + sample.size();
    const char candidates[] = {',', ';', '\t', '|'};
    char best = ',';
    std::size_t best_fields = 1;
    std::string scratch;
    NullSink none;
    for (char d : candidates) {
        Tokenizer tok(d);
        std::vector<std::size_t> counts;
        const char* p = sample.data();
        while (counts.size() < sample_rows) {
            p = skip_blank_lines(p, end);
            if (p >= end) break;
            RecordEnd r = parse_record(tok, p, end, 0, scratch, none);
            bool cut = r.next >= end && !whole;  // the sample ends inside this row
            if (cut) break;
            if (r.status != RecordStatus::ok) break;
            counts.push_back(r.fields);
            p = r.next;
        }
        if (counts.empty()) continue;
        bool same = std::all_of(counts.begin(), counts.end(), [&](std::size_t n) { return n == counts[0]; });
        if (same && counts[0] > best_fields) {
            best = d;
            best_fields = counts[0];
        }
    }
    return best;
}

std::vector<std::string> unique_names(std::vector<std::string> raw) {
    for (std::size_t i = 0; i < raw.size(); ++i)
        if (raw[i].empty()) raw[i] = "column_" + std::to_string(i + 1);
    std::unordered_set<std::string> all(raw.begin(), raw.end());
    std::unordered_set<std::string> used;
    std::vector<std::string> out;
    out.reserve(raw.size());
    for (auto& n : raw) {
        if (used.count(n)) {
            std::string base = n;
            for (std::size_t k = 1;; ++k) {
                n = base + "." + std::to_string(k);
                if (!used.count(n) && !all.count(n)) break;
            }
        }
        used.insert(n);
        out.push_back(std::move(n));
    }
    return out;
}

// ---- joining chunks into columns ------------------------------------------------

template <class T>
void append_fill(std::vector<T>& out, std::size_t n, T v) {
    out.insert(out.end(), n, v);
}

template <class T>
void release(std::vector<T>& v) {
    std::vector<T>().swap(v);
}

Column join_column(std::size_t c, const std::string& name, Kind kind, std::vector<Chunk>& chunks,
                   std::size_t total) {
    Column out(name, dtype_of(kind));
    if (chunks.size() == 1 && chunks[0].cols[c].kind == kind) {
        // One piece of the right type already is the column: move, do not copy.
        ChunkCol& col = chunks[0].cols[c];
        switch (kind) {
            case Kind::float64: out.floats_mut() = std::move(col.f64); break;
            case Kind::int64: out.ints_mut() = std::move(col.i64); break;
            case Kind::boolean: out.bools_mut() = std::move(col.b); break;
            default: out.set_strings(std::move(col.codes), col.dict.strings()); return out;
        }
        out.validity_mut() = std::move(col.valid);
        return out;
    }
    if (kind == Kind::string) {
        std::vector<std::int32_t> codes;
        codes.reserve(total);
        StrDict dict;
        std::vector<std::int32_t> remap;
        for (auto& ch : chunks) {
            ChunkCol& col = ch.cols[c];
            if (col.kind == Kind::unknown) {
                append_fill(codes, ch.rows, std::int32_t{-1});
                continue;
            }
            remap.assign(col.dict.size(), 0);
            for (std::size_t i = 0; i < remap.size(); ++i)
                remap[i] = dict.intern(col.dict.at(static_cast<std::int32_t>(i)));
            for (std::int32_t code : col.codes) codes.push_back(code < 0 ? -1 : remap[code]);
            release(col.codes);
            col.dict = StrDict();
        }
        out.set_strings(std::move(codes), dict.strings());
        return out;
    }

    bool nulls = false;
    for (auto& ch : chunks) {
        const ChunkCol& col = ch.cols[c];
        nulls = nulls || !col.valid.empty() || (col.kind == Kind::unknown && ch.rows > 0);
    }
    std::vector<std::uint8_t> valid;
    if (nulls) valid.reserve(total);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> f64;
    std::vector<std::int64_t> i64;
    std::vector<std::uint8_t> b;
    if (kind == Kind::float64) f64.reserve(total);
    if (kind == Kind::int64) i64.reserve(total);
    if (kind == Kind::boolean) b.reserve(total);
    for (auto& ch : chunks) {
        ChunkCol& col = ch.cols[c];
        if (nulls) {
            if (col.kind == Kind::unknown) append_fill(valid, ch.rows, std::uint8_t{0});
            else if (col.valid.empty()) append_fill(valid, ch.rows, std::uint8_t{1});
            else valid.insert(valid.end(), col.valid.begin(), col.valid.end());
        }
        switch (kind) {
            case Kind::float64:
                if (col.kind == Kind::unknown) append_fill(f64, ch.rows, nan);
                else if (col.kind == Kind::float64) f64.insert(f64.end(), col.f64.begin(), col.f64.end());
                else
                    for (std::size_t i = 0; i < col.i64.size(); ++i)
                        f64.push_back(!col.valid.empty() && !col.valid[i] ? nan : static_cast<double>(col.i64[i]));
                break;
            case Kind::int64:
                if (col.kind == Kind::unknown) append_fill(i64, ch.rows, std::int64_t{0});
                else i64.insert(i64.end(), col.i64.begin(), col.i64.end());
                break;
            case Kind::boolean:
                if (col.kind == Kind::unknown) append_fill(b, ch.rows, std::uint8_t{0});
                else b.insert(b.end(), col.b.begin(), col.b.end());
                break;
            default: break;
        }
        release(col.f64);
        release(col.i64);
        release(col.b);
        release(col.valid);
    }
    out.floats_mut() = std::move(f64);
    out.ints_mut() = std::move(i64);
    out.bools_mut() = std::move(b);
    out.validity_mut() = std::move(valid);
    return out;
}

Location file_location(const std::string& file) {
    Location where;
    where.file = file;
    return where;
}

// ---- input --------------------------------------------------------------------------

// A file's bytes, memory-mapped read-only when possible (else read into memory).
// Parsed ranges can be dropped from the mapping so that the file's pages do not
// stay resident next to the Frame being built. The DataFile has checked that it
// is a regular file, so the size is known and reading ends.
class Input {
public:
    explicit Input(const DataFile& file) {
        if (file.size() > 0) {
            size_ = static_cast<std::size_t>(file.size());
            void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.fd(), 0);
            if (m != MAP_FAILED) {
                map_ = static_cast<const char*>(m);
                ::madvise(m, size_, MADV_SEQUENTIAL);
                return;
            }
        }
        owned_ = file.read_all();
    }
    ~Input() {
        if (map_) ::munmap(const_cast<char*>(map_), size_);
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;

    std::string_view text() const { return map_ ? std::string_view(map_, size_) : std::string_view(owned_); }

    // Drops the pages wholly inside [b, e) from the mapping; reading them again
    // simply maps them back in.
    void drop(std::size_t b, std::size_t e) const {
        if (!map_) return;
        static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        std::size_t lo = (b + page - 1) / page * page;
        std::size_t hi = e / page * page;
        if (hi > lo) ::madvise(const_cast<char*>(map_) + lo, hi - lo, MADV_DONTNEED);
    }

private:
    const char* map_ = nullptr;
    std::size_t size_ = 0;
    std::string owned_;
};

// The first line start at or after `from` (after \n, \r\n or a lone \r), or text.size().
std::size_t next_line_start(std::string_view text, std::size_t from) {
    const char* base = text.data();
    const char* end = base + text.size();
    for (const char* p = base + from; p < end; ++p) {
        if (*p == '\n') return static_cast<std::size_t>(p + 1 - base);
        if (*p == '\r') {
            if (p + 1 < end && p[1] == '\n') ++p;
            return static_cast<std::size_t>(p + 1 - base);
        }
    }
    return text.size();
}

Error load_error(const std::string& name, std::int64_t row, std::string column, std::string message) {
    Location where;
    where.file = name;
    where.row = row;
    where.column = std::move(column);
    return Error(ErrorKind::data, "dataset_load_failed", std::move(message), std::move(where));
}

Frame parse(std::string_view text, const CsvOptions& options, const std::string& name, const Input* input) {
    if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) text.remove_prefix(3);
    const char* base = text.data();
    const char* end = base + text.size();
    const char* first = skip_blank_lines(base, end);
    if (first == end) return Frame();

    char delim = options.delimiter;
    if (delim == '"' || delim == '\n' || delim == '\r')
        throw Error(ErrorKind::validation, "dataset_load_failed",
                    "the delimiter cannot be a quote or a line break", file_location(name));
    if (delim == 0) delim = detect_delimiter(std::string_view(first, static_cast<std::size_t>(end - first)));

    Context ctx{text, name, Tokenizer(delim), 0, options.header, NaSet(options.na_values), {}, 64, {}};
    if (input) ctx.drop = [input](std::size_t b, std::size_t e) { input->drop(b, e); };

    std::string scratch;
    CollectSink head;
    RecordEnd r = parse_record(ctx.tok, first, end, npos, scratch, head);
    if (r.status != RecordStatus::ok) {
        std::string d = delim == '\t' ? "\\t" : std::string(1, delim);
        std::string msg = r.status == RecordStatus::unclosed_quote
                              ? "unclosed quote: the quoted field that starts in this row has no closing quote"
                              : "unexpected " + show_char(r.junk) + " after a closing quote; expected the delimiter '" +
                                    d + "' or the end of the row";
        Location loc;
        loc.file = name;
        if (options.header) {
            msg += " (in the header)";
            loc.line = static_cast<int>(std::count(base, first, '\n') + 1);
        } else {
            loc.row = 1;
            loc.column = "column_" + std::to_string(r.bad_field + 1);
        }
        throw Error(ErrorKind::data, "dataset_load_failed", msg, loc);
    }
    std::vector<std::string> names;
    std::size_t data_begin;
    if (options.header) {
        names = unique_names(std::move(head.fields));
        data_begin = static_cast<std::size_t>(r.next - base);
    } else {
        for (std::size_t i = 0; i < r.fields; ++i) names.push_back("column_" + std::to_string(i + 1));
        data_begin = static_cast<std::size_t>(first - base);
    }
    ctx.ncols = names.size();
    ctx.declared.assign(ctx.ncols, Kind::unknown);
    for (const auto& t : options.types) {
        auto it = std::find(names.begin(), names.end(), t.name);
        if (it == names.end()) {
            if (options.ignore_absent_types) continue;
            std::string msg = "the declared column '" + t.name + "' is not in the file";
            std::string hint = "the columns are: ";
            for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + names[i];
            throw Error(ErrorKind::data, "dataset_load_failed", msg, file_location(name), hint);
        }
        ctx.declared[static_cast<std::size_t>(it - names.begin())] = kind_of(t.type);
    }

    // Bytes per row from the first rows, to size the column pieces up front.
    {
        NullSink none;
        const char* p = base + data_begin;
        std::size_t n = 0;
        while (n < 256) {
            p = skip_blank_lines(p, end);
            if (p >= end) break;
            RecordEnd rr = parse_record(ctx.tok, p, end, 0, scratch, none);
            if (rr.status != RecordStatus::ok) break;
            p = rr.next;
            ++n;
        }
        if (n > 0) ctx.expect_row_bytes = std::max<std::size_t>(1, static_cast<std::size_t>(p - (base + data_begin)) / n);
    }

    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::size_t data_len = text.size() - data_begin;
    std::size_t chunk = options.chunk_bytes;
    if (chunk == 0)
        chunk = threads == 1 ? data_len : std::clamp<std::size_t>(data_len / (threads * 8), 1 << 20, 8 << 20);
    // Chunk starts: the first line start at least `chunk` bytes after the previous
    // start. A start inside a quoted field is caught and mended below.
    std::vector<std::size_t> starts{data_begin};
    for (std::size_t next = data_begin + chunk; chunk > 0 && next < text.size();) {
        std::size_t s = next_line_start(text, next);
        if (s >= text.size()) break;
        starts.push_back(s);
        next = s + chunk;
    }
    std::size_t nchunks = starts.size();
    starts.push_back(text.size());

    std::vector<Chunk> chunks(nchunks);
    parallel_for(nchunks, threads, [&](std::size_t i) {
        chunks[i] = parse_chunk(ctx, starts[i], starts[i + 1]);
        if (input) input->drop(chunks[i].begin, chunks[i].end);
    });

    // Check the cuts in order and raise the first error in file order.
    std::size_t pos = data_begin;
    std::size_t rows = 0;
    for (std::size_t i = 0; i < nchunks; ++i) {
        Chunk& ch = chunks[i];
        if (ch.begin != pos) {
            ch = parse_chunk(ctx, pos, std::max(pos, ch.limit));
            if (input) input->drop(ch.begin, ch.end);
        }
        if (ch.failed) {
            std::string column = ch.err_col < names.size() ? names[ch.err_col] : std::string();
            throw load_error(name, static_cast<std::int64_t>(rows + ch.err_row + 1), column, ch.err_msg);
        }
        rows += ch.rows;
        pos = ch.end;
    }

    std::vector<Kind> kinds(ctx.ncols, Kind::unknown);
    for (std::size_t c = 0; c < ctx.ncols; ++c) {
        if (ctx.declared[c] != Kind::unknown) {
            kinds[c] = ctx.declared[c];
            continue;
        }
        for (const auto& ch : chunks) kinds[c] = join(kinds[c], ch.cols[c].kind);
        if (kinds[c] == Kind::unknown) kinds[c] = Kind::string;
    }

    // Pieces of numbers or bools in what turned out to be a string column are re-read as text.
    parallel_for(nchunks, threads, [&](std::size_t i) {
        Chunk& ch = chunks[i];
        std::vector<std::size_t> upto(ctx.ncols, 0);
        bool any = false;
        for (std::size_t c = 0; c < ctx.ncols; ++c) {
            Kind k = ch.cols[c].kind;
            if (kinds[c] == Kind::string && k != Kind::string && k != Kind::unknown) {
                upto[c] = ch.rows;
                any = true;
            }
        }
        if (any) {
            reread_as_text(ctx, ch, upto);
            if (input) input->drop(ch.begin, ch.end);
        }
    });

    std::vector<Column> columns(ctx.ncols);
    parallel_for(ctx.ncols, threads,
                 [&](std::size_t c) { columns[c] = join_column(c, names[c], kinds[c], chunks, rows); });
    Frame frame;
    for (auto& col : columns) frame.add(std::move(col));
#if defined(__GLIBC__)
    // The chunk pieces were freed, many of them inside the worker threads' malloc
    // arenas, which glibc keeps resident; hand those pages back now (about 5% of
    // the Frame), so whatever runs next (statistics, training) has the room.
    if (nchunks > 1) {
        chunks.clear();
        chunks.shrink_to_fit();
        ::malloc_trim(0);
    }
#endif
    return frame;
}

}  // namespace

Frame read_csv(const DataFile& file, const CsvOptions& options) {
    Input input(file);
    return parse(input.text(), options, file.path().string(), &input);
}

Frame read_csv(const std::filesystem::path& path, const CsvOptions& options) {
    DataFile file(path);
    return read_csv(file, options);
}

Frame read_csv_text(std::string_view text, const CsvOptions& options, const std::string& name) {
    return parse(text, options, name, nullptr);
}

}  // namespace hone::data
