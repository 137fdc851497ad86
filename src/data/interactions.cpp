#include "data/interactions.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/seed_formats.hpp"
#include "data/split.hpp"

namespace hone::data {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- reading the table ----

const Column& required_column(const Frame& frame, const std::string& what, const std::string& name,
                              const std::string& dataset) {
    if (const Column* c = frame.find(name)) return *c;
    // Worded as the trainer words its missing target and features (train/setup.cpp).
    std::string msg = what + " column '" + name + "' is not in dataset '" + dataset + "'";
    msg += did_you_mean(name, frame.names());
    throw Error(ErrorKind::validation, "missing_column", msg, {}, "its columns are: " + join(frame.names()));
}

const Column* optional_column(const Frame& frame, const std::string& what, const std::string& name,
                              const std::string& dataset) {
    return name.empty() ? nullptr : &required_column(frame, what, name, dataset);
}

// Maps a column's cells to dense indices in first-seen order, appending each new
// id's text to `ids`. Strings are looked up once per dictionary entry and numbers
// by value, so a row costs a lookup and no allocation.
class IdIndex {
public:
    IdIndex(const Column& column, std::vector<std::string>& ids) : column_(column), ids_(ids) {
        if (column.type() == DType::string) by_code_.assign(column.dictionary().size(), kUnassigned);
    }

    bool missing(std::size_t row) const {
        return column_.is_null(row) || (column_.type() == DType::float64 && std::isnan(column_.floats()[row]));
    }

    // The row's index, given one when its id is new. The row must not be missing():
    // ids are given only to rows that are kept, so every id has an interaction.
    std::int32_t operator()(std::size_t row) {
        switch (column_.type()) {
            case DType::string: return of_code(row);
            case DType::int64: return of_value(column_.ints()[row], row);
            case DType::boolean: return of_value(column_.bools()[row], row);
            case DType::float64: {
                double v = column_.floats()[row];
                return of_value(std::bit_cast<std::int64_t>(v == 0.0 ? 0.0 : v), row);  // -0 is 0
            }
        }
        return -1;
    }

private:
    static constexpr std::int32_t kUnassigned = -2;

    std::int32_t of_code(std::size_t row) {
        auto code = static_cast<std::size_t>(column_.codes()[row]);
        std::int32_t& index = by_code_[code];
        if (index == kUnassigned) {
            // Two dictionary entries with one text are one id.
            const std::string& text = column_.dictionary()[code];
            auto [it, added] = by_text_.try_emplace(text, next_index());
            if (added) ids_.push_back(text);
            index = it->second;
        }
        return index;
    }

    std::int32_t of_value(std::int64_t key, std::size_t row) {
        auto [it, added] = by_value_.try_emplace(key, 0);
        if (added) {
            it->second = next_index();
            bool zero = column_.type() == DType::float64 && column_.floats()[row] == 0.0;
            ids_.push_back(zero ? "0" : column_.to_text(row));  // not "-0"
        }
        return it->second;
    }

    std::int32_t next_index() const {
        if (ids_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw Error(ErrorKind::data, "dataset_load_failed",
                        "column '" + column_.name() + "' has more than 2^31 - 1 distinct ids");
        return static_cast<std::int32_t>(ids_.size());
    }

    const Column& column_;
    std::vector<std::string>& ids_;
    std::vector<std::int32_t> by_code_;
    std::unordered_map<std::string_view, std::int32_t> by_text_;
    std::unordered_map<std::int64_t, std::int32_t> by_value_;
};

// A whole number or decimal of seconds, nothing else around it.
std::optional<double> number_seconds(std::string_view text) {
    double v = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// Reads the time of a row: seconds from the timestamp column, or the row number.
class TimeReader {
public:
    TimeReader(const Column* column, const std::string& dataset) : column_(column), dataset_(dataset) {
        if (column_ && column_->size() > 0 && column_->null_count() == column_->size()) column_ = nullptr;
        if (!column_) return;
        if (column_->type() == DType::boolean)
            throw Error(ErrorKind::data, "invalid_timestamp",
                        "timestamp column '" + column_->name() + "' of dataset '" + dataset_ +
                            "' holds true/false values, not times");
        if (column_->type() == DType::string) {
            // Each distinct text is parsed once; NaN marks one that is not a time.
            const auto& dict = column_->dictionary();
            parsed_.resize(dict.size());
            for (std::size_t k = 0; k < dict.size(); ++k) {
                auto v = iso8601_seconds(dict[k]);
                if (!v) v = number_seconds(trim(dict[k]));
                parsed_[k] = v.value_or(kNaN);
            }
        }
    }

    bool timed() const { return column_ != nullptr; }

    double operator()(std::size_t row) const {
        if (!column_) return static_cast<double>(row);
        double v = kNaN;
        if (!column_->is_null(row)) {
            switch (column_->type()) {
                case DType::string: v = parsed_[static_cast<std::size_t>(column_->codes()[row])]; break;
                case DType::int64: v = static_cast<double>(column_->ints()[row]); break;
                case DType::float64: v = column_->floats()[row]; break;
                case DType::boolean: break;
            }
        }
        if (!std::isfinite(v)) invalid(row);
        return v;
    }

private:
    [[noreturn]] void invalid(std::size_t row) const {
        Location where(dataset_);
        where.row = static_cast<std::int64_t>(row) + 1;
        where.column = column_->name();
        if (column_->is_null(row))
            throw Error(ErrorKind::data, "invalid_timestamp", "the timestamp is empty", where,
                        "give every row a timestamp, or no timestamp column to order by row");
        throw Error(ErrorKind::data, "invalid_timestamp",
                    "timestamp '" + column_->to_text(row) +
                        "' is neither ISO 8601 (such as 2024-01-15T10:30:00Z) nor a number of seconds since the epoch",
                    where);
    }

    const Column* column_;
    const std::string& dataset_;
    std::vector<double> parsed_;
};

// Rating checks; without a rating column every row passes.
enum class RatingVerdict { keep, missing, below };

struct RatingFilter {
    const Column* column = nullptr;
    std::optional<double> threshold;

    RatingVerdict operator()(std::size_t row) const {
        if (!column) return RatingVerdict::keep;
        double v = column->as_double(row);  // NaN for null
        if (std::isnan(v)) return RatingVerdict::missing;
        return threshold && v < *threshold ? RatingVerdict::below : RatingVerdict::keep;
    }
};

RatingFilter rating_filter(const Frame& frame, const InteractionColumns& columns, const std::string& dataset) {
    RatingFilter f{optional_column(frame, "rating", columns.rating, dataset), columns.rating_threshold};
    if (f.threshold && !f.column)
        throw Error(ErrorKind::validation, "invalid_field", "rating_threshold needs a rating column to compare with");
    if (f.threshold && !std::isfinite(*f.threshold))
        throw Error(ErrorKind::validation, "invalid_field", "rating_threshold must be a finite number");
    if (f.column && f.column->type() == DType::string)
        throw Error(ErrorKind::validation, "invalid_field",
                    "rating column '" + columns.rating + "' of dataset '" + dataset + "' holds text; a rating must be a number");
    return f;
}

// Reads every row into `out` (ids, filters, times), before repeated pairs are merged.
void read_rows(const Frame& frame, const InteractionColumns& columns, const std::string& dataset, Interactions& out) {
    const Column& user_col = required_column(frame, "user", columns.user, dataset);
    const Column& item_col = required_column(frame, "item", columns.item, dataset);
    RatingFilter rating = rating_filter(frame, columns, dataset);
    TimeReader time(optional_column(frame, "timestamp", columns.timestamp, dataset), dataset);
    IdIndex user_of(user_col, out.user_ids), item_of(item_col, out.item_ids);

    out.rows = frame.rows();
    out.timed = time.timed();
    out.users.reserve(out.rows);
    out.items.reserve(out.rows);
    out.times.reserve(out.rows);
    for (std::size_t r = 0; r < out.rows; ++r) {
        if (user_of.missing(r) || item_of.missing(r)) {
            ++out.missing_ids;
            continue;
        }
        RatingVerdict verdict = rating(r);
        if (verdict != RatingVerdict::keep) {
            ++(verdict == RatingVerdict::missing ? out.missing_ratings : out.below_threshold);
            continue;
        }
        out.times.push_back(time(r));
        out.users.push_back(user_of(r));
        out.items.push_back(item_of(r));
    }
}

// Interaction positions grouped by user (ascending within each user): a
// counting sort, linear in the interactions.
std::vector<std::size_t> by_user(const Interactions& x, std::vector<std::size_t>& offsets) {
    offsets.assign(x.num_users() + 1, 0);
    for (auto u : x.users) ++offsets[static_cast<std::size_t>(u) + 1];
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    std::vector<std::size_t> order(x.size());
    std::vector<std::size_t> next(offsets.begin(), offsets.end() - 1);
    for (std::size_t k = 0; k < x.size(); ++k) order[next[static_cast<std::size_t>(x.users[k])]++] = k;
    return order;
}

// Keeps one interaction per (user, item): the latest in time, the later one on
// ties. Those kept stay in their order.
void keep_latest(Interactions& x) {
    std::vector<std::size_t> offsets;
    std::vector<std::size_t> order = by_user(x, offsets);
    std::vector<std::uint8_t> keep(x.size(), 1);
    for (std::size_t u = 0; u + 1 < offsets.size(); ++u) {
        auto first = order.begin() + static_cast<std::ptrdiff_t>(offsets[u]);
        auto last = order.begin() + static_cast<std::ptrdiff_t>(offsets[u + 1]);
        // By (item, time, position): of each item's interactions, the one kept comes last.
        std::sort(first, last, [&](std::size_t a, std::size_t b) {
            if (x.items[a] != x.items[b]) return x.items[a] < x.items[b];
            return x.times[a] != x.times[b] ? x.times[a] < x.times[b] : a < b;
        });
        for (auto it = first; it + 1 < last; ++it)
            if (x.items[*it] == x.items[*(it + 1)]) keep[*it] = 0;
    }
    std::size_t n = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        if (!keep[k]) continue;
        x.users[n] = x.users[k];
        x.items[n] = x.items[k];
        x.times[n] = x.times[k];
        ++n;
    }
    x.duplicates = x.size() - n;
    x.users.resize(n);
    x.items.resize(n);
    x.times.resize(n);
}

std::string count_of(std::size_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

[[noreturn]] void no_interactions(const Interactions& x, const InteractionColumns& columns, const std::string& dataset) {
    std::string msg = "dataset '" + dataset + "' has no interactions: ";
    if (x.rows == 0) throw Error(ErrorKind::data, "no_interactions", msg + "it has no rows");
    std::vector<std::string> why;
    if (x.missing_ids) why.push_back(count_of(x.missing_ids, "has", "have") + " no user or item");
    if (x.missing_ratings) why.push_back(count_of(x.missing_ratings, "has", "have") + " no rating");
    if (x.below_threshold)
        why.push_back(count_of(x.below_threshold, "has", "have") + " a rating below " +
                      format_double(columns.rating_threshold.value_or(0.0)));
    msg += "of its " + count_of(x.rows, "row", "rows") + ", ";
    for (std::size_t k = 0; k < why.size(); ++k) msg += (k == 0 ? "" : k + 1 == why.size() ? " and " : ", ") + why[k];
    std::string hint = x.below_threshold ? "lower rating_threshold, or leave it out to count every rated row" : "";
    throw Error(ErrorKind::data, "no_interactions", msg, {}, hint);
}

}  // namespace

double Interactions::density() const {
    double cells = static_cast<double>(num_users()) * static_cast<double>(num_items());
    return cells > 0 ? static_cast<double>(size()) / cells : 0.0;
}

nlohmann::ordered_json Interactions::stats() const {
    return {{"users", num_users()},     {"items", num_items()},
            {"interactions", size()},   {"density", density()},
            {"rows", rows},             {"missing_ids", missing_ids},
            {"missing_ratings", missing_ratings}, {"below_threshold", below_threshold},
            {"duplicates", duplicates}};
}

Interactions interactions_from(const Frame& frame, const InteractionColumns& columns, const std::string& dataset_name) {
    Interactions out;
    read_rows(frame, columns, dataset_name, out);
    if (out.users.empty()) no_interactions(out, columns, dataset_name);
    keep_latest(out);
    return out;
}

std::optional<double> iso8601_seconds(std::string_view s) {
    if (!is_iso8601(s)) return std::nullopt;
    // is_iso8601 has checked the layout: fields sit at fixed places up to the seconds.
    auto num = [&](std::size_t pos, std::size_t n) {
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    using namespace std::chrono;
    year_month_day date{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))}, day{static_cast<unsigned>(num(8, 2))}};
    double t = static_cast<double>(sys_days{date}.time_since_epoch().count()) * 86400.0;
    if (s.size() == 10) return t;
    t += num(11, 2) * 3600.0 + num(14, 2) * 60.0;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        t += num(pos + 1, 2);
        pos += 3;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            // digits / 10^n, one rounding: ".25" is exactly 0.25. Past 18 digits
            // (below an attosecond) the rest is ignored.
            std::int64_t digits = 0, scale = 1;
            for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos)
                if (scale < 1'000'000'000'000'000'000) digits = digits * 10 + (s[pos] - '0'), scale *= 10;
            t += static_cast<double>(digits) / static_cast<double>(scale);
        }
    }
    if (pos == s.size() || s[pos] == 'Z' || s[pos] == 'z') return t;
    // ±hh, ±hhmm or ±hh:mm: local time = UTC + offset.
    int sign = s[pos] == '-' ? -1 : 1;
    int offset = num(pos + 1, 2) * 3600;
    pos += 3;
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (pos < s.size()) offset += num(pos, 2) * 60;
    return t - sign * offset;
}

bool UserItems::contains(std::int32_t user, std::int32_t item) const {
    if (user < 0 || static_cast<std::size_t>(user) >= num_users()) return false;
    auto in = of(user);
    return std::binary_search(in.begin(), in.end(), item);
}

std::span<const std::int32_t> UserItems::of(std::int32_t user) const {
    assert(user >= 0 && static_cast<std::size_t>(user) < num_users());
    auto u = static_cast<std::size_t>(user);
    return {items.data() + offsets[u], offsets[u + 1] - offsets[u]};
}

UserItems user_items(const Interactions& x) {
    UserItems out;
    std::vector<std::size_t> order = by_user(x, out.offsets);
    out.items.resize(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) out.items[k] = x.items[order[k]];
    for (std::size_t u = 0; u + 1 < out.offsets.size(); ++u)
        std::sort(out.items.begin() + static_cast<std::ptrdiff_t>(out.offsets[u]),
                  out.items.begin() + static_cast<std::ptrdiff_t>(out.offsets[u + 1]));
    return out;
}

std::size_t LeaveOneOut::evaluated_users() const {
    return static_cast<std::size_t>(std::count_if(held_out.begin(), held_out.end(), [](auto i) { return i >= 0; }));
}

LeaveOneOut leave_one_out(const Interactions& x) {
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> latest(x.num_users(), none), count(x.num_users(), 0);
    for (std::size_t k = 0; k < x.size(); ++k) {
        auto u = static_cast<std::size_t>(x.users[k]);
        ++count[u];
        if (latest[u] == none || x.times[k] >= x.times[latest[u]]) latest[u] = k;  // >=: the later one on ties
    }
    LeaveOneOut out;
    out.held_out.assign(x.num_users(), -1);
    std::vector<std::uint8_t> held(x.size(), 0);
    for (std::size_t u = 0; u < x.num_users(); ++u) {
        if (count[u] < 2) continue;
        out.held_out[u] = x.items[latest[u]];
        held[latest[u]] = 1;
    }
    Interactions& train = out.train;
    train.user_ids = x.user_ids;
    train.item_ids = x.item_ids;
    train.timed = x.timed;
    train.rows = x.rows;
    train.missing_ids = x.missing_ids;
    train.missing_ratings = x.missing_ratings;
    train.below_threshold = x.below_threshold;
    train.duplicates = x.duplicates;
    std::size_t n = x.size() - out.evaluated_users();
    train.users.reserve(n);
    train.items.reserve(n);
    train.times.reserve(n);
    for (std::size_t k = 0; k < x.size(); ++k) {
        if (held[k]) continue;
        train.users.push_back(x.users[k]);
        train.items.push_back(x.items[k]);
        train.times.push_back(x.times[k]);
    }
    return out;
}

TrainingPairs sample_training_pairs(const Interactions& train, const UserItems& seen, int ratio, std::mt19937_64& rng) {
    if (ratio < 0)
        throw Error(ErrorKind::validation, "invalid_field",
                    "the negative sampling ratio must be 0 or more, not " + std::to_string(ratio));
    const std::size_t num_items = train.num_items();
    const auto per_positive = static_cast<std::size_t>(ratio);
    TrainingPairs out;
    std::size_t capacity = train.size() * (1 + per_positive);
    out.users.reserve(capacity);
    out.items.reserve(capacity);
    out.labels.reserve(capacity);
    for (std::size_t k = 0; k < train.size(); ++k) {
        std::int32_t u = train.users[k];
        out.users.push_back(u);
        out.items.push_back(train.items[k]);
        out.labels.push_back(1.0f);
        std::size_t seen_count = static_cast<std::size_t>(u) < seen.num_users() ? seen.of(u).size() : 0;
        if (seen_count >= num_items) continue;  // nothing left to draw
        for (std::size_t n = 0; n < per_positive; ++n) {
            std::int32_t j = 0;
            do j = static_cast<std::int32_t>(uniform_below(rng, num_items));
            while (seen.contains(u, j));
            out.users.push_back(u);
            out.items.push_back(j);
            out.labels.push_back(0.0f);
        }
    }
    return out;
}

namespace {

// Items in [0, num_items) not in `seen` (ascending), for the enumerating draw.
std::vector<std::int32_t> unseen_items(std::span<const std::int32_t> seen, std::size_t num_items) {
    std::vector<std::int32_t> out;
    out.reserve(num_items - std::min(num_items, seen.size()));
    auto s = seen.begin();
    for (std::size_t i = 0; i < num_items; ++i) {
        auto item = static_cast<std::int32_t>(i);
        while (s != seen.end() && *s < item) ++s;
        if (s == seen.end() || *s != item) out.push_back(item);
    }
    return out;
}

// `count` distinct unseen items of one user, ascending. `marked` (num_items
// entries, all 0) is scratch for the rejection draw and is left all 0.
std::vector<std::int32_t> draw_unseen(const UserItems& seen, std::int32_t user, std::size_t num_items,
                                      std::size_t count, std::mt19937_64& rng, std::vector<std::uint8_t>& marked) {
    std::span<const std::int32_t> known = seen.of(user);
    std::size_t unseen = num_items - std::min(num_items, known.size());
    std::vector<std::int32_t> out;
    if (unseen <= count) return unseen_items(known, num_items);
    if ((unseen - count) * 2 >= num_items) {
        // At least half of the draws land on a new unseen item: rejection is cheap.
        out.reserve(count);
        while (out.size() < count) {
            auto j = static_cast<std::int32_t>(uniform_below(rng, num_items));
            if (marked[static_cast<std::size_t>(j)] || std::binary_search(known.begin(), known.end(), j)) continue;
            marked[static_cast<std::size_t>(j)] = 1;
            out.push_back(j);
        }
        for (auto j : out) marked[static_cast<std::size_t>(j)] = 0;
    } else {
        // Few candidates: a partial Fisher-Yates over them.
        out = unseen_items(known, num_items);
        for (std::size_t i = 0; i < count; ++i)
            std::swap(out[i], out[i + static_cast<std::size_t>(uniform_below(rng, out.size() - i))]);
        out.resize(count);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::vector<std::vector<std::int32_t>> evaluation_negatives(const LeaveOneOut& split, const UserItems& seen,
                                                            std::size_t num_items, int count, std::mt19937_64& rng) {
    if (count < 0)
        throw Error(ErrorKind::validation, "invalid_field",
                    "the number of evaluation negatives must be 0 or more, not " + std::to_string(count));
    std::vector<std::vector<std::int32_t>> out(split.held_out.size());
    std::vector<std::uint8_t> marked(num_items, 0);
    for (std::size_t u = 0; u < split.held_out.size(); ++u) {
        auto user = static_cast<std::int32_t>(u);
        if (split.held_out[u] < 0) continue;
        // Seen from train alone would let the held-out item be drawn as a negative of its own user.
        if (!seen.contains(user, split.held_out[u]))
            throw Error(ErrorKind::internal, "invalid_argument",
                        "evaluation negatives need the items of every interaction, held-out ones included; user " +
                            std::to_string(u) + "'s held-out item is not among them");
        out[u] = draw_unseen(seen, user, num_items, static_cast<std::size_t>(count), rng, marked);
    }
    return out;
}

std::vector<std::int64_t> item_counts(const Interactions& train) {
    std::vector<std::int64_t> out(train.num_items(), 0);
    for (auto i : train.items) ++out[static_cast<std::size_t>(i)];
    return out;
}

namespace {

// ---- the synthetic generator ----

void check_synthetic(const SyntheticInteractions& o) {
    auto bad = [](const std::string& msg) { throw Error(ErrorKind::validation, "invalid_field", msg); };
    if (o.users < 1) bad("synthetic interactions need at least 1 user");
    if (o.items < 2) bad("synthetic interactions need at least 2 items (every user has 2 interactions)");
    if (o.users > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) ||
        o.items > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        bad("synthetic interactions take at most 2^31 - 1 users and items");
    if (!(o.density > 0.0 && o.density <= 1.0))
        bad("density must be above 0 and at most 1, not " + format_double(o.density));
    if (!(o.skew >= 0.0 && std::isfinite(o.skew))) bad("skew must be 0 or more, not " + format_double(o.skew));
}

// A uniform double in (0, 1] from the engine's top 53 bits, the same everywhere.
double unit_interval(std::mt19937_64& rng) { return static_cast<double>((rng() >> 11) + 1) * 0x1.0p-53; }

// Interactions per user: 2 each, the rest to users drawn uniformly (a full user is drawn again).
// Rows of the table, the options checked.
std::size_t interaction_total(const SyntheticInteractions& o) {
    const double cells = static_cast<double>(o.users) * static_cast<double>(o.items);
    auto total = static_cast<std::size_t>(std::llround(std::min(o.density * cells, cells)));
    return std::min(std::max(total, 2 * o.users), o.users * o.items);
}

std::vector<std::size_t> user_counts(const SyntheticInteractions& o, std::mt19937_64& rng) {
    const std::size_t total = interaction_total(o);
    if (total == o.users * o.items) return std::vector<std::size_t>(o.users, o.items);
    std::vector<std::size_t> counts(o.users, 2);
    for (std::size_t left = total - 2 * o.users; left > 0;) {
        auto u = static_cast<std::size_t>(uniform_below(rng, o.users));
        if (counts[u] == o.items) continue;
        ++counts[u];
        --left;
    }
    return counts;
}

// Draws each user's distinct items, item k with weight 1 / (k + 1)^skew.
class ZipfItems {
public:
    explicit ZipfItems(const SyntheticInteractions& o) : weights_(o.items), cumulative_(o.items), marked_(o.items, 0) {
        double sum = 0;
        for (std::size_t k = 0; k < o.items; ++k) {
            weights_[k] = std::pow(static_cast<double>(k + 1), -o.skew);
            cumulative_[k] = sum += weights_[k];
        }
    }

    // `count` distinct items. Rejection while it finds new ones often enough;
    // then, when the rest lie in the thin tail, weighted sampling without
    // replacement over the items not yet drawn (Efraimidis-Spirakis keys).
    std::vector<std::int32_t> draw(std::size_t count, std::mt19937_64& rng) {
        std::vector<std::int32_t> out;
        out.reserve(count);
        for (std::size_t tries = 0; out.size() < count && tries < 4 * count + 32; ++tries) {
            double x = unit_interval(rng) * cumulative_.back();
            auto k = static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
            k = std::min(k, cumulative_.size() - 1);
            if (marked_[k]) continue;
            marked_[k] = 1;
            out.push_back(static_cast<std::int32_t>(k));
        }
        if (out.size() < count) draw_rest(out, count, rng);
        for (auto k : out) marked_[static_cast<std::size_t>(k)] = 0;
        return out;
    }

private:
    void draw_rest(std::vector<std::int32_t>& out, std::size_t count, std::mt19937_64& rng) {
        std::vector<std::pair<double, std::int32_t>> keyed;  // (log(u) / w, item): the largest keys win
        for (std::size_t k = 0; k < weights_.size(); ++k) {
            if (marked_[k]) continue;
            // A weight that underflowed to 0 (a huge skew) ranks last rather than making 0 / 0.
            double key = weights_[k] > 0 ? std::log(unit_interval(rng)) / weights_[k]
                                         : -std::numeric_limits<double>::infinity();
            keyed.emplace_back(key, static_cast<std::int32_t>(k));
        }
        auto need = static_cast<std::ptrdiff_t>(count - out.size());
        std::partial_sort(keyed.begin(), keyed.begin() + need, keyed.end(), std::greater<>());
        for (std::ptrdiff_t i = 0; i < need; ++i) {
            out.push_back(keyed[static_cast<std::size_t>(i)].second);
            marked_[static_cast<std::size_t>(keyed[static_cast<std::size_t>(i)].second)] = 1;
        }
    }

    std::vector<double> weights_, cumulative_;
    std::vector<std::uint8_t> marked_;
};

struct SyntheticRow {
    std::int64_t time;  // seconds since the epoch
    std::int32_t user, item;
    double rating;
};

// "2024-03-05T14:07:21Z"
std::string iso8601_text(std::int64_t seconds) {
    using namespace std::chrono;
    sys_seconds t{std::chrono::seconds{seconds}};
    sys_days day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss<std::chrono::seconds> hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

// A string column of prefix + (index + 1), its dictionary in first-seen order.
Column id_column(const std::string& name, const std::string& prefix, const std::vector<std::int32_t>& index,
                 std::size_t distinct) {
    std::vector<std::int32_t> code_of(distinct, -1), codes(index.size());
    std::vector<std::string> dict;
    for (std::size_t r = 0; r < index.size(); ++r) {
        std::int32_t& code = code_of[static_cast<std::size_t>(index[r])];
        if (code < 0) {
            code = static_cast<std::int32_t>(dict.size());
            dict.push_back(prefix + std::to_string(index[r] + 1));
        }
        codes[r] = code;
    }
    Column c(name, DType::string);
    c.set_strings(std::move(codes), std::move(dict));
    return c;
}

Frame synthetic_frame(std::vector<SyntheticRow>& rows, const SyntheticInteractions& o) {
    std::sort(rows.begin(), rows.end(), [](const SyntheticRow& a, const SyntheticRow& b) {
        if (a.time != b.time) return a.time < b.time;
        return a.user != b.user ? a.user < b.user : a.item < b.item;
    });
    std::vector<std::int32_t> users(rows.size()), items(rows.size()), time_codes(rows.size());
    std::vector<std::string> times;  // rows are in time order: equal times are neighbours
    Column rating("implicit_rating", DType::float64);
    rating.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        users[r] = rows[r].user;
        items[r] = rows[r].item;
        if (r == 0 || rows[r].time != rows[r - 1].time) times.push_back(iso8601_text(rows[r].time));
        time_codes[r] = static_cast<std::int32_t>(times.size() - 1);
        rating.push_float(rows[r].rating);
    }
    Column time("timestamp", DType::string);
    time.set_strings(std::move(time_codes), std::move(times));
    Frame f;
    f.reserve(4);
    f.add(id_column("user_id", "user_", users, o.users));
    f.add(id_column("item_id", "item_", items, o.items));
    f.add(std::move(time));
    f.add(std::move(rating));
    return f;
}

}  // namespace

Frame synthetic_interactions(const SyntheticInteractions& o) {
    check_synthetic(o);
    std::mt19937_64 rng(o.seed);
    std::vector<std::size_t> counts = user_counts(o, rng);
    ZipfItems zipf(o);
    constexpr std::int64_t start = 1704067200;  // 2024-01-01T00:00:00Z
    constexpr std::uint64_t year = 366 * 86400;  // 2024 is a leap year
    std::vector<SyntheticRow> rows;
    rows.reserve(std::accumulate(counts.begin(), counts.end(), std::size_t{0}));
    for (std::size_t u = 0; u < o.users; ++u)
        for (std::int32_t item : zipf.draw(counts[u], rng)) {
            auto time = start + static_cast<std::int64_t>(uniform_below(rng, year));
            auto rating = static_cast<double>(1 + uniform_below(rng, 5));
            rows.push_back({time, static_cast<std::int32_t>(u), item, rating});
        }
    return synthetic_frame(rows, o);
}

std::size_t synthetic_interaction_count(const SyntheticInteractions& o) {
    check_synthetic(o);
    return interaction_total(o);
}

}  // namespace hone::data
