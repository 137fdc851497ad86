#include "data/stats.hpp"

#include "common/run_context.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "common/text.hpp"

namespace hone::data {

namespace {

// Counts occurrences of 64-bit keys: open addressing with linear probing, a
// count of 0 marks an empty slot. Used while the distinct values stay few enough
// for the table to sit in cache; add() returns false once it holds more than
// `limit` keys, and the caller switches to sorting.
class CountTable {
public:
    explicit CountTable(std::size_t limit) : limit_(limit) { rehash(1024); }

    bool add(std::uint64_t key) {
        std::size_t i = slot(key);
        while (counts_[i] != 0) {
            if (keys_[i] == key) {
                ++counts_[i];
                return true;
            }
            i = (i + 1) & mask_;
        }
        keys_[i] = key;
        counts_[i] = 1;
        if (++size_ > limit_) return false;
        if (size_ * 2 > counts_.size()) rehash(counts_.size() * 2);
        return true;
    }

    std::size_t size() const { return size_; }

    template <class F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < counts_.size(); ++i)
            if (counts_[i] != 0) f(keys_[i], counts_[i]);
    }

private:
    static std::uint64_t mix(std::uint64_t x) {
        // splitmix64's finalizer: spreads near-identical keys (consecutive ints,
        // doubles differing in low bits) over the whole table.
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebULL;
        x ^= x >> 31;
        return x;
    }
    std::size_t slot(std::uint64_t key) const { return static_cast<std::size_t>(mix(key)) & mask_; }

    void rehash(std::size_t capacity) {
        std::vector<std::uint64_t> old_keys = std::move(keys_);
        std::vector<std::size_t> old_counts = std::move(counts_);
        keys_.assign(capacity, 0);
        counts_.assign(capacity, 0);
        mask_ = capacity - 1;
        for (std::size_t i = 0; i < old_counts.size(); ++i) {
            if (old_counts[i] == 0) continue;
            std::size_t j = slot(old_keys[i]);
            while (counts_[j] != 0) j = (j + 1) & mask_;
            keys_[j] = old_keys[i];
            counts_[j] = old_counts[i];
        }
    }

    std::size_t limit_;
    std::vector<std::uint64_t> keys_;
    std::vector<std::size_t> counts_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
};

// In-place MSD radix sort of 64-bit keys (American flag sort), 11 bits a level,
// starting at the highest bit where the keys of the range differ (so the shared
// exponent bits of similar doubles cost nothing). In place because describe runs
// beside the whole Frame: a second key array per thread would be the peak memory.
void radix_sort(std::uint64_t* first, std::uint64_t* last) {
    constexpr int bits = 11;
    constexpr std::size_t buckets = std::size_t{1} << bits;
    const std::size_t n = static_cast<std::size_t>(last - first);
    if (n < 512) {
        std::sort(first, last);
        return;
    }
    std::uint64_t differ = 0;
    for (const std::uint64_t* p = first; p != last; ++p) differ |= *p ^ *first;
    if (differ == 0) return;
    const int top = 63 - std::countl_zero(differ);
    const int shift = std::max(0, top + 1 - bits);
    auto digit = [&](std::uint64_t k) { return static_cast<std::size_t>(k >> shift) & (buckets - 1); };

    std::vector<std::size_t> count(buckets, 0);
    for (const std::uint64_t* p = first; p != last; ++p) ++count[digit(*p)];
    std::vector<std::size_t> head(buckets), tail(buckets);
    for (std::size_t b = 0, sum = 0; b < buckets; ++b) {
        head[b] = sum;
        sum += count[b];
        tail[b] = sum;
    }
    for (std::size_t b = 0; b < buckets; ++b) {
        while (head[b] < tail[b]) {
            std::uint64_t k = first[head[b]];
            std::size_t d = digit(k);
            while (d != b) {
                std::swap(k, first[head[d]++]);
                d = digit(k);
            }
            first[head[b]++] = k;
        }
    }
    if (shift == 0) return;
    for (std::size_t b = 0, begin = 0; b < buckets; ++b) {
        radix_sort(first + begin, first + begin + count[b]);
        begin += count[b];
    }
}

// Distinct count and the top_k most frequent of `keys`, whose unsigned order is
// the order of the values they encode (so ties break by value). Few distinct
// values are hashed; many (ids, measurements) are sorted, which for a million
// mostly-distinct keys is several times faster than a hash table of that size.
struct Tally {
    std::size_t distinct = 0;
    std::vector<std::pair<std::uint64_t, std::size_t>> top;
};

// Keeps the `k` best (value, count) pairs seen: higher count first, then the
// smaller value, so the result does not depend on hash or dictionary order.
template <class V, class Less>
class TopK {
public:
    TopK(std::size_t k, Less less) : k_(k), less_(less) {}

    void offer(const V& value, std::size_t count) {
        if (k_ == 0) return;
        if (best_.size() == k_ && !better(value, count, best_.back().first, best_.back().second)) return;
        auto pos = std::find_if(best_.begin(), best_.end(),
                                [&](const auto& e) { return better(value, count, e.first, e.second); });
        best_.insert(pos, {value, count});
        if (best_.size() > k_) best_.pop_back();
    }

    const std::vector<std::pair<V, std::size_t>>& items() const { return best_; }

private:
    bool better(const V& a, std::size_t ca, const V& b, std::size_t cb) const {
        if (ca != cb) return ca > cb;
        return less_(a, b);
    }

    std::size_t k_;
    Less less_;
    std::vector<std::pair<V, std::size_t>> best_;
};

Tally tally(std::vector<std::uint64_t>& keys, std::size_t top_k) {
    TopK<std::uint64_t, std::less<std::uint64_t>> top(top_k, {});
    Tally t;
    CountTable table(std::size_t{1} << 15);
    bool fits = true;
    for (std::uint64_t k : keys)
        if (!(fits = table.add(k))) break;
    if (fits) {
        t.distinct = table.size();
        table.for_each([&](std::uint64_t k, std::size_t n) { top.offer(k, n); });
    } else {
        radix_sort(keys.data(), keys.data() + keys.size());
        for (std::size_t i = 0; i < keys.size();) {
            std::size_t j = i + 1;
            while (j < keys.size() && keys[j] == keys[i]) ++j;
            ++t.distinct;
            top.offer(keys[i], j - i);
            i = j;
        }
    }
    t.top = top.items();
    return t;
}

constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

// Order-preserving keys: unsigned comparison of keys = numeric comparison of values.
std::uint64_t double_key(double v) {
    if (v == 0.0) v = 0.0;  // -0.0 and 0.0 are one value
    std::uint64_t b = std::bit_cast<std::uint64_t>(v);
    return (b & sign_bit) ? ~b : b | sign_bit;
}
double key_double(std::uint64_t k) { return std::bit_cast<double>((k & sign_bit) ? k ^ sign_bit : ~k); }
std::uint64_t int_key(std::int64_t v) { return static_cast<std::uint64_t>(v) ^ sign_bit; }
std::int64_t key_int(std::uint64_t k) { return static_cast<std::int64_t>(k ^ sign_bit); }

// Moments of the non-null values. Two sweeps: the first gathers count, sum, min
// and max; the second adds the squared deviations from the mean, which is more
// accurate than a running sum of squares (and matches pandas' two-pass std).
struct Moments {
    std::size_t count = 0;
    double sum = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double m2 = 0;

    void fill(ColumnStats& s) const {
        if (count == 0) return;
        double mean = sum / static_cast<double>(count);
        s.mean = mean;
        s.min = min;
        s.max = max;
        if (count > 1) s.std = std::sqrt(m2 / static_cast<double>(count - 1));
    }
};

void describe_float(const Column& c, std::size_t top_k, ColumnStats& s) {
    const auto& v = c.floats();
    const auto& valid = c.validity();
    const bool masked = !valid.empty();

    Moments m;
    std::vector<std::uint64_t> keys;
    keys.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        // A NaN that is not flagged null still counts as missing.
        if ((masked && !valid[i]) || std::isnan(v[i])) continue;
        m.sum += v[i];
        m.min = std::min(m.min, v[i]);
        m.max = std::max(m.max, v[i]);
        keys.push_back(double_key(v[i]));
    }
    m.count = keys.size();
    const double mean = m.count ? m.sum / static_cast<double>(m.count) : 0.0;
    for (std::uint64_t k : keys) {
        double d = key_double(k) - mean;
        m.m2 += d * d;
    }
    s.count = m.count;
    s.nulls = v.size() - m.count;
    m.fill(s);
    Tally t = tally(keys, top_k);
    s.distinct = t.distinct;
    for (const auto& [k, n] : t.top) s.top.emplace_back(format_double(key_double(k)), n);
}

void describe_int(const Column& c, std::size_t top_k, ColumnStats& s) {
    const auto& v = c.ints();
    const auto& valid = c.validity();
    const bool masked = !valid.empty();

    Moments m;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (masked && !valid[i]) continue;
        ++m.count;
        m.sum += static_cast<double>(v[i]);
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
    }
    s.count = m.count;
    s.nulls = v.size() - m.count;
    if (m.count == 0) return;
    m.min = static_cast<double>(lo);
    m.max = static_cast<double>(hi);
    const double mean = m.sum / static_cast<double>(m.count);

    // A narrow range (codes, ages, counts) counts into a flat array; a wide one
    // (ids, timestamps) goes through tally().
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (range < (std::uint64_t{1} << 22) && range <= 4 * static_cast<std::uint64_t>(m.count) + 1024) {
        TopK<std::int64_t, std::less<std::int64_t>> top(top_k, {});
        std::vector<std::uint32_t> counts(static_cast<std::size_t>(range) + 1, 0);
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (masked && !valid[i]) continue;
            double d = static_cast<double>(v[i]) - mean;
            m.m2 += d * d;
            ++counts[static_cast<std::size_t>(static_cast<std::uint64_t>(v[i]) - static_cast<std::uint64_t>(lo))];
        }
        for (std::size_t k = 0; k < counts.size(); ++k) {
            if (counts[k] == 0) continue;
            ++s.distinct;
            top.offer(static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + k), counts[k]);
        }
        for (const auto& [value, n] : top.items()) s.top.emplace_back(std::to_string(value), n);
    } else {
        std::vector<std::uint64_t> keys;
        keys.reserve(m.count);
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (masked && !valid[i]) continue;
            double d = static_cast<double>(v[i]) - mean;
            m.m2 += d * d;
            keys.push_back(int_key(v[i]));
        }
        Tally t = tally(keys, top_k);
        s.distinct = t.distinct;
        for (const auto& [k, n] : t.top) s.top.emplace_back(std::to_string(key_int(k)), n);
    }
    m.fill(s);
}

void describe_bool(const Column& c, std::size_t top_k, ColumnStats& s) {
    const auto& v = c.bools();
    const auto& valid = c.validity();
    const bool masked = !valid.empty();
    std::size_t trues = 0, falses = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (masked && !valid[i]) continue;
        if (v[i])
            ++trues;
        else
            ++falses;
    }
    s.count = trues + falses;
    s.nulls = v.size() - s.count;
    s.distinct = (trues ? 1 : 0) + (falses ? 1 : 0);
    if (s.count == 0) return;
    const double n = static_cast<double>(s.count);
    const double mean = static_cast<double>(trues) / n;
    s.mean = mean;
    s.min = falses ? 0.0 : 1.0;
    s.max = trues ? 1.0 : 0.0;
    if (s.count > 1) {
        double m2 = static_cast<double>(trues) * (1 - mean) * (1 - mean) + static_cast<double>(falses) * mean * mean;
        s.std = std::sqrt(m2 / (n - 1));
    }
    TopK<int, std::less<int>> top(top_k, {});
    if (falses) top.offer(0, falses);
    if (trues) top.offer(1, trues);
    for (const auto& [value, k] : top.items()) s.top.emplace_back(value ? "true" : "false", k);
}

void describe_string(const Column& c, std::size_t top_k, ColumnStats& s) {
    // Count dictionary codes, never strings: one array increment per row.
    const auto& codes = c.codes();
    const auto& dict = c.dictionary();
    std::vector<std::size_t> counts(dict.size(), 0);
    std::size_t nulls = 0;
    for (auto code : codes) {
        if (code < 0)
            ++nulls;
        else
            ++counts[static_cast<std::size_t>(code)];
    }
    s.count = codes.size() - nulls;
    s.nulls = nulls;
    // The dictionary is unique, but after Frame::take it may hold values no row uses.
    auto less = [&](std::size_t a, std::size_t b) { return dict[a] < dict[b]; };
    TopK<std::size_t, decltype(less)> top(top_k, less);
    for (std::size_t k = 0; k < counts.size(); ++k) {
        if (counts[k] == 0) continue;
        ++s.distinct;
        top.offer(k, counts[k]);
    }
    for (const auto& [code, n] : top.items()) s.top.emplace_back(dict[code], n);
}

ColumnStats describe_column(const Column& c, std::size_t top_k) {
    ColumnStats s;
    s.name = c.name();
    s.type = c.type();
    switch (c.type()) {
        case DType::float64: describe_float(c, top_k, s); break;
        case DType::int64: describe_int(c, top_k, s); break;
        case DType::boolean: describe_bool(c, top_k, s); break;
        case DType::string: describe_string(c, top_k, s); break;
    }
    return s;
}

// Numbers for the table: integers up to 1e9 in full, anything else with 4
// significant digits ("0.3333", "1.235e+06").
std::string compact(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == std::trunc(v) && std::fabs(v) < 1e9) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v == 0.0 ? 0.0 : v);
        return buf;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string compact(const std::optional<double>& v) { return v ? compact(*v) : "-"; }

// Display width of UTF-8 text: one per code point (no wide-glyph handling).
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

// A value as it fits in one table cell: control characters become spaces and a
// value wider than max_width is cut at a code point boundary and ends in "...".
std::string cell_value(std::string_view s, std::size_t max_width = 20) {
    std::string out;
    std::size_t w = 0;
    std::size_t cut = std::string::npos;  // byte length of the first max_width - 3 code points
    for (unsigned char ch : s) {
        if ((ch & 0xC0) != 0x80) {
            if (w == max_width - 3) cut = out.size();
            if (++w > max_width) return out.substr(0, cut) + "...";
        }
        out.push_back(ch < 0x20 || ch == 0x7f ? ' ' : static_cast<char>(ch));
    }
    return out;
}

// The frame's loading warnings, each on the column it names.
void attach_warnings(const Frame& frame, std::vector<ColumnStats>& stats) {
    for (const auto& w : frame.warnings())
        for (auto& s : stats)
            if (s.name == w.column) s.warnings.push_back(w.message);
}

std::vector<ColumnStats> describe_columns(const Frame& frame, std::size_t top_k, unsigned allowed) {
    const auto& cols = frame.columns();
    std::vector<ColumnStats> out(cols.size());
    // Columns are independent: when the frame is big enough to repay it, more
    // threads share them, each taking the next column not yet started.
    const unsigned threads = frame.rows() * cols.size() >= 200'000 ? threads_for(allowed, cols.size()) : 1;
    if (threads == 1) {
        for (std::size_t i = 0; i < cols.size(); ++i) out[i] = describe_column(cols[i], top_k);
        return out;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        try {
            for (std::size_t i = next++; i < cols.size(); i = next++) out[i] = describe_column(cols[i], top_k);
        } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
        }
    };
    std::vector<std::thread> helpers;
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& h : helpers) h.join();
    if (failure) std::rethrow_exception(failure);
    return out;
}

}  // namespace

std::vector<ColumnStats> describe(const Frame& frame, std::size_t top_k, unsigned threads) {
    std::vector<ColumnStats> out = describe_columns(frame, top_k, threads);
    attach_warnings(frame, out);
    return out;
}

nlohmann::ordered_json to_json(const std::vector<ColumnStats>& stats, std::size_t rows) {
    using Json = nlohmann::ordered_json;
    auto opt = [](const std::optional<double>& v) -> Json {
        if (!v || !std::isfinite(*v)) return nullptr;
        return *v;
    };
    Json columns = Json::array();
    for (const auto& s : stats) {
        Json top = Json::array();
        for (const auto& [value, count] : s.top) top.push_back({{"value", value}, {"count", count}});
        columns.push_back({{"name", s.name},
                           {"type", std::string(to_string(s.type))},
                           {"count", s.count},
                           {"nulls", s.nulls},
                           {"mean", opt(s.mean)},
                           {"std", opt(s.std)},
                           {"min", opt(s.min)},
                           {"max", opt(s.max)},
                           {"distinct", s.distinct},
                           {"top", std::move(top)}});
        if (!s.warnings.empty()) columns.back()["warnings"] = s.warnings;
    }
    return Json{{"rows", rows}, {"columns", std::move(columns)}};
}

std::string format_table(const std::vector<ColumnStats>& stats, std::size_t rows) {
    const std::vector<std::string> header = {"name", "type", "count", "nulls", "mean", "std",
                                             "min",  "max",  "distinct", "top"};
    // Text columns are left-aligned, numbers right-aligned.
    const std::vector<bool> left = {true, true, false, false, false, false, false, false, false, true};
    std::vector<std::vector<std::string>> cells;
    cells.push_back(header);
    for (const auto& s : stats) {
        // Where every value is different (ids, measurements) the top values are
        // noise: say so instead.
        std::string top;
        if (s.count > 1 && s.distinct == s.count)
            top = "all distinct";
        else
            for (const auto& [value, count] : s.top)
                top += (top.empty() ? "" : ", ") + cell_value(value) + " (" + std::to_string(count) + ")";
        cells.push_back({s.name, std::string(to_string(s.type)), std::to_string(s.count), std::to_string(s.nulls),
                         compact(s.mean), compact(s.std), compact(s.min), compact(s.max),
                         std::to_string(s.distinct), top.empty() ? "-" : top});
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& row : cells)
        for (std::size_t j = 0; j < row.size(); ++j) widths[j] = std::max(widths[j], width(row[j]));

    std::string out = std::to_string(rows) + (rows == 1 ? " row, " : " rows, ") + std::to_string(stats.size()) +
                      (stats.size() == 1 ? " column\n" : " columns\n");
    for (const auto& row : cells) {
        std::string line;
        for (std::size_t j = 0; j < row.size(); ++j) {
            std::string pad(widths[j] - width(row[j]), ' ');
            if (j) line += "  ";
            line += left[j] ? row[j] + pad : pad + row[j];
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    for (const auto& s : stats)
        for (const auto& w : s.warnings) out += "warning: " + w + "\n";
    return out;
}

}  // namespace hone::data
