#pragma once
// User-item interactions for recommenders (NCF, the popularity baseline): a loaded
// table turned into dense user and item indices, the leave-one-out split of He et
// al. 2017, and seeded negative sampling for training and for the sampled
// evaluation protocol.
//
// Indices are int32 (what embedding lookups take), assigned in first-seen row
// order, so the same table gives the same indices. Every random draw goes through
// uniform_below (split.hpp) on a caller's std::mt19937_64: the same input and the
// same generator state give the same output bit for bit on every platform.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::data {

// Which columns of a table hold the interactions. The defaults are the column
// names of the interactions format (seed_formats.hpp).
struct InteractionColumns {
    // Required. Cells may be strings or numbers (an id is its text, Column::to_text);
    // a null cell drops the row (counted in Interactions::missing_ids).
    std::string user = "user_id";
    std::string item = "item_id";
    // Optional ("" = none). A numeric column (float64, int64 or bool); with it, a
    // row whose rating is null or NaN is dropped (missing_ratings).
    std::string rating;
    // Only with `rating`: rows whose rating is below this are dropped
    // (below_threshold). Default none: every row with a rating counts, whatever
    // its value, as implicit feedback does.
    std::optional<double> rating_threshold;
    // Optional ("" = none): when each interaction happened, which orders each
    // user's interactions (the latest is held out; a repeated pair keeps its
    // latest). Cells are ISO 8601 text (iso8601_seconds) or seconds since the
    // epoch, as numbers or as text. A column whose every cell is null counts as
    // no column (the interactions format makes one when no record has a
    // timestamp); otherwise a null cell is an invalid timestamp.
    std::string timestamp;
};

struct Interactions {
    // Index -> the original id as text, in first-seen row order.
    std::vector<std::string> user_ids, item_ids;
    // One entry per interaction, in the order of the rows they come from:
    // users[k] indexes user_ids, items[k] item_ids. No (user, item) pair repeats.
    std::vector<std::int32_t> users, items;
    // Per interaction: seconds since the epoch (UTC) from the timestamp column, or
    // the 0-based row number in the table when there is none (see `timed`).
    std::vector<double> times;
    // True when `times` come from a timestamp column.
    bool timed = false;

    // What the load saw and dropped, for the trainer's messages and warnings.
    // rows = interactions + missing_ids + missing_ratings + below_threshold + duplicates.
    std::size_t rows = 0;             // rows in the table
    std::size_t missing_ids = 0;      // a null user or item
    std::size_t missing_ratings = 0;  // a null or NaN rating (with a rating column)
    std::size_t below_threshold = 0;  // a rating below rating_threshold
    std::size_t duplicates = 0;       // a (user, item) pair seen again: one kept, the latest

    std::size_t num_users() const { return user_ids.size(); }
    std::size_t num_items() const { return item_ids.size(); }
    std::size_t size() const { return users.size(); }
    // interactions / (users * items); 0 when there are none.
    double density() const;
    // {"users", "items", "interactions", "density", "rows", "missing_ids",
    //  "missing_ratings", "below_threshold", "duplicates"}, in that order.
    nlohmann::ordered_json stats() const;
};

// Reads the interactions of `frame`; `dataset_name` names it in messages. Each row
// is checked in this order: ids (null -> missing_ids), rating (null or NaN ->
// missing_ratings; below the threshold -> below_threshold), timestamp (checked
// only on rows kept so far), then repeated pairs keep the latest interaction
// (ties: the later row). Errors:
//   - a named column not in the frame: hone::Error(validation, "missing_column"),
//     e.g. "user column 'usr' is not in dataset 'clicks'; did you mean 'user'?"
//     with the hint "its columns are: user, item"; rating_threshold without a
//     rating column, or a rating column of text: hone::Error(validation, "invalid_field");
//   - a timestamp that is neither ISO 8601 nor a finite number (a null one too):
//     hone::Error(data, "invalid_timestamp") located at its 1-based row and column;
//   - no interactions left: hone::Error(data, "no_interactions") saying what
//     dropped the rows.
// Linear in the rows but for sorting each user's interactions by item.
Interactions interactions_from(const Frame& frame, const InteractionColumns& columns, const std::string& dataset_name);

// Seconds since the epoch (UTC) of the ISO 8601 text is_iso8601 accepts
// (seed_formats.hpp): date-only is midnight, fractional seconds are kept, a Z or
// no offset is UTC, and ±hh[[:]mm] is the local time's offset from UTC. nullopt
// for anything else.
std::optional<double> iso8601_seconds(std::string_view text);

// Each user's items, sorted, for "has u seen i" in O(log n).
struct UserItems {
    std::vector<std::size_t> offsets;  // num_users + 1 entries: user u's items are [offsets[u], offsets[u+1])
    std::vector<std::int32_t> items;   // every user's items, ascending within each user

    std::size_t num_users() const { return offsets.empty() ? 0 : offsets.size() - 1; }
    // False for a user outside [0, num_users).
    bool contains(std::int32_t user, std::int32_t item) const;
    // `user` must be in [0, num_users).
    std::span<const std::int32_t> of(std::int32_t user) const;
};

// Every interaction of `interactions`, for every user of its id table (users with
// none get an empty range).
UserItems user_items(const Interactions& interactions);

struct LeaveOneOut {
    // The same id tables, times and load counts; every interaction but the held-out
    // ones, in their order.
    Interactions train;
    // Per user: the held-out item, or -1 when the user has fewer than 2
    // interactions (all kept in train, the user not evaluated).
    std::vector<std::int32_t> held_out;

    std::size_t evaluated_users() const;
};

// Holds out each user's latest interaction (by time; ties: the later one in the
// interactions' order, i.e. the later row), as the NCF paper's protocol does.
LeaveOneOut leave_one_out(const Interactions& interactions);

// Training pairs for one epoch, aligned: users[k], items[k], labels[k].
struct TrainingPairs {
    std::vector<std::int32_t> users, items;
    std::vector<float> labels;  // 1 positive, 0 negative
};

// Every interaction of `train` in its order as a positive (label 1), each
// followed by `ratio` negatives (label 0) of the same user: items drawn uniformly
// from [0, train.num_items()) by rejection until one is not in `seen`, with
// replacement (a negative may repeat across positives). Pass user_items(train) as
// the paper does (a held-out item may then be drawn as a negative), or the
// user_items of every interaction so it never is. A user who has seen every item
// gets no negatives, so the pairs are then fewer than size() * (1 + ratio).
// `seen` must cover train's users. ratio < 0 is hone::Error(validation, "invalid_field").
TrainingPairs sample_training_pairs(const Interactions& train, const UserItems& seen, int ratio, std::mt19937_64& rng);

// The negatives of the sampled evaluation protocol: per user of `split` (empty for
// users with no held-out item), `count` distinct items in [0, num_items) that the
// user never interacted with, ascending. `seen` must hold ALL interactions, train
// and held-out (user_items of what leave_one_out split), so the held-out item is
// never among them. A user with `count` or fewer unseen items gets all of them.
// Draws by rejection when at least half of all items are unseen and not among
// the `count` (cheap draws), else by a partial shuffle of the unseen items. count < 0 is
// hone::Error(validation, "invalid_field"); a held-out item missing from `seen`
// (seen built from train alone) is hone::Error(internal, "invalid_argument").
std::vector<std::vector<std::int32_t>> evaluation_negatives(const LeaveOneOut& split, const UserItems& seen,
                                                            std::size_t num_items, int count, std::mt19937_64& rng);

// Interactions per item of `train` (num_items entries): the popularity baseline's
// scores and the ranking for users it has not seen.
std::vector<std::int64_t> item_counts(const Interactions& train);

// A synthetic interactions table for tests, demos and benchmarks.
struct SyntheticInteractions {
    std::size_t users = 1000;   // >= 1
    std::size_t items = 500;    // >= 2
    // Share of all (user, item) pairs that interact, in (0, 1]. The table has
    // round(density * users * items) rows, at least 2 per user.
    double density = 0.02;
    // Zipf exponent of item popularity: item k (0-based) is drawn with weight
    // 1 / (k + 1)^skew, so item_1 is the most popular; 0 is uniform. >= 0.
    double skew = 1.0;
    std::uint64_t seed = 42;
};

// Columns user_id ("user_1" ...), item_id ("item_1" ...), timestamp (ISO 8601
// text in UTC such as "2024-03-05T14:07:21Z", during 2024) and implicit_rating
// (a whole number from 1 to 5, as float64), rows ordered by time (ties by user,
// then item). Every user has at least 2 interactions, no pair repeats, the rest of
// the rows go to users drawn uniformly. The same options give the same frame.
// Options out of range are hone::Error(validation, "invalid_field").
Frame synthetic_interactions(const SyntheticInteractions& options);

// How many rows synthetic_interactions(options) makes, computed without making
// them: round(density * users * items), at least 2 per user, at most
// users * items. A caller refuses a request too large for it before paying for
// it. Options out of range throw as synthetic_interactions does.
std::size_t synthetic_interaction_count(const SyntheticInteractions& options);

}  // namespace hone::data
