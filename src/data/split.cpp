#include "data/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <type_traits>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::data {

namespace {

// Rows labelled by class: ids[i] indexes names (classes in value order), so
// everything derived from them is independent of dictionary or row order.
struct Classes {
    std::vector<std::uint32_t> ids;
    std::vector<std::string> names;
    std::vector<std::size_t> counts;
};

template <class KeyOf>
Classes classes_by_key(const Column& target, KeyOf key_of) {
    using Key = std::decay_t<decltype(key_of(std::size_t{0}))>;
    const std::size_t n = target.size();
    std::map<Key, std::pair<std::size_t, std::uint32_t>> index;  // key -> (first row, class id)
    for (std::size_t i = 0; i < n; ++i) index.try_emplace(key_of(i), i, 0);
    Classes out;
    for (auto& [key, entry] : index) {
        entry.second = static_cast<std::uint32_t>(out.names.size());
        out.names.push_back(target.to_text(entry.first));
    }
    out.ids.resize(n);
    out.counts.assign(index.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t id = index.find(key_of(i))->second.second;
        out.ids[i] = id;
        ++out.counts[id];
    }
    return out;
}

Classes classes_of(const Column& target) {
    const std::size_t n = target.size();
    for (std::size_t i = 0; i < n; ++i) {
        bool missing = target.is_null(i) || (target.type() == DType::float64 && std::isnan(target.floats()[i]));
        if (!missing) continue;
        Location where;
        where.row = static_cast<std::int64_t>(i) + 1;
        where.column = target.name();
        throw Error(ErrorKind::data, "split_failed",
                    "the target is null; rows without a target cannot be split by class",
                    where, "drop the rows without a target first");
    }
    switch (target.type()) {
        case DType::string: {
            // Codes compare as their strings: rank the dictionary once.
            const auto& dict = target.dictionary();
            std::vector<std::size_t> order(dict.size());
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](auto a, auto b) { return dict[a] < dict[b]; });
            std::vector<std::size_t> rank(dict.size());
            for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
            const auto& codes = target.codes();
            return classes_by_key(target, [&](std::size_t i) { return rank[static_cast<std::size_t>(codes[i])]; });
        }
        case DType::int64: return classes_by_key(target, [&](std::size_t i) { return target.ints()[i]; });
        case DType::boolean: return classes_by_key(target, [&](std::size_t i) { return target.bools()[i]; });
        case DType::float64:
            return classes_by_key(target, [&](std::size_t i) {
                double v = target.floats()[i];
                return v == 0.0 ? 0.0 : v;  // -0.0 is the class 0
            });
    }
    return {};
}

// Divides `total` among groups in proportion to `weights` (summing to `weight_sum`)
// by largest remainder: floor shares first, then one more each to the largest
// fractional parts, ties to the larger group and then the earlier one. Never
// gives a group more than its weight.
std::vector<std::size_t> apportion(std::size_t total, const std::vector<std::size_t>& weights,
                                   std::size_t weight_sum) {
    std::vector<std::size_t> out(weights.size(), 0);
    if (weight_sum == 0 || total == 0) return out;
    std::vector<std::pair<unsigned __int128, std::size_t>> rest;  // (remainder, group)
    std::size_t given = 0;
    for (std::size_t j = 0; j < weights.size(); ++j) {
        unsigned __int128 exact = static_cast<unsigned __int128>(total) * weights[j];
        out[j] = static_cast<std::size_t>(exact / weight_sum);
        given += out[j];
        rest.emplace_back(exact % weight_sum, j);
    }
    std::sort(rest.begin(), rest.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        if (weights[a.second] != weights[b.second]) return weights[a.second] > weights[b.second];
        return a.second < b.second;
    });
    for (std::size_t r = 0; given < total && r < rest.size(); ++r) {
        std::size_t j = rest[r].second;
        if (out[j] < weights[j]) ++out[j], ++given;
    }
    return out;
}

void check_ratio(const char* field, double v) {
    if (!(v >= 0.0 && v <= 1.0))
        throw Error(ErrorKind::validation, "invalid_split",
                    std::string("split.") + field + " must be between 0 and 1, not " + format_double(v));
}

std::string ratios_text(const lang::SplitSpec& spec) {
    return format_double(spec.train) + "/" + format_double(spec.validation) + "/" + format_double(spec.test);
}

void sort_parts(SplitIndices& s) {
    std::sort(s.train.begin(), s.train.end());
    std::sort(s.validation.begin(), s.validation.end());
    std::sort(s.test.begin(), s.test.end());
}

// Test folds given as a fold number per row -> (train, test) per fold.
std::vector<Fold> folds_from(const std::vector<std::uint32_t>& fold_of, std::size_t k) {
    std::vector<Fold> folds(k);
    std::vector<std::size_t> sizes(k, 0);
    for (auto f : fold_of) ++sizes[f];
    for (std::size_t f = 0; f < k; ++f) {
        folds[f].test.reserve(sizes[f]);
        folds[f].train.reserve(fold_of.size() - sizes[f]);
    }
    for (std::size_t i = 0; i < fold_of.size(); ++i)
        for (std::size_t f = 0; f < k; ++f) (fold_of[i] == f ? folds[f].test : folds[f].train).push_back(i);
    return folds;
}

void check_k(std::size_t n, std::size_t k) {
    if (k < 2)
        throw Error(ErrorKind::validation, "invalid_folds",
                    "k-fold needs at least 2 folds, not " + std::to_string(k));
    if (k > n)
        throw Error(ErrorKind::validation, "invalid_folds",
                    "cannot make " + std::to_string(k) + " folds from " + std::to_string(n) +
                        (n == 1 ? " row" : " rows") + ": k must not exceed the number of rows");
}

}  // namespace

std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
    // Reject the lowest (2^64 mod bound) outputs so every residue is equally likely.
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        std::uint64_t r = rng();
        if (r >= threshold) return r % bound;
    }
}

void shuffle_indices(std::vector<std::size_t>& v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) {
        std::size_t j = static_cast<std::size_t>(uniform_below(rng, i));
        std::swap(v[i - 1], v[j]);
    }
}

SplitSizes split_sizes(std::size_t n, const lang::SplitSpec& spec) {
    check_ratio("train", spec.train);
    check_ratio("validation", spec.validation);
    check_ratio("test", spec.test);
    if (spec.train <= 0.0)
        throw Error(ErrorKind::validation, "invalid_split", "split.train must be above 0, not " + format_double(spec.train));
    double sum = spec.train + spec.validation + spec.test;
    if (std::fabs(sum - 1.0) > 1e-6)
        throw Error(ErrorKind::validation, "invalid_split",
                    "split ratios must sum to 1, but " + format_double(spec.train) + " + " +
                        format_double(spec.validation) + " + " + format_double(spec.test) + " = " + format_double(sum));

    // Nearest integer, halves up; the slack absorbs products such as 100 * 0.15 =
    // 15.000000000000002 so they round as written.
    const double slack = 1e-9 * (1.0 + static_cast<double>(n));
    auto part = [&](double ratio) -> std::size_t {
        if (ratio <= 0.0) return 0;
        auto rows = static_cast<std::size_t>(std::floor(static_cast<double>(n) * ratio + 0.5 + slack));
        return std::max<std::size_t>(rows, 1);
    };
    SplitSizes s;
    s.validation = part(spec.validation);
    s.test = part(spec.test);
    if (s.validation + s.test >= n)
        throw Error(ErrorKind::data, "split_failed",
                    "the training part would be empty: " + std::to_string(n) + (n == 1 ? " row" : " rows") +
                        " split " + ratios_text(spec) + " leave no rows for training",
                    {}, "use more data or smaller validation and test ratios");
    s.train = n - s.validation - s.test;
    return s;
}

SplitIndices split_rows(std::size_t n, const lang::SplitSpec& spec, const Column* stratify_by) {
    const SplitSizes sizes = split_sizes(n, spec);
    std::mt19937_64 rng(spec.seed);
    SplitIndices out;

    if (!stratify_by) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        if (spec.shuffle) shuffle_indices(order, rng);
        auto first = order.begin();
        out.train.assign(first, first + sizes.train);
        out.validation.assign(first + sizes.train, first + sizes.train + sizes.validation);
        out.test.assign(first + sizes.train + sizes.validation, order.end());
        sort_parts(out);
        return out;
    }

    if (stratify_by->size() != n)
        throw Error(ErrorKind::internal, "internal",
                    "stratification column '" + stratify_by->name() + "' has " + std::to_string(stratify_by->size()) +
                        " rows, expected " + std::to_string(n));
    const Classes classes = classes_of(*stratify_by);
    for (std::size_t j = 0; j < classes.names.size(); ++j) {
        if (classes.counts[j] >= 2) continue;
        Location where;
        where.column = stratify_by->name();
        throw Error(ErrorKind::data, "split_failed",
                    "cannot stratify the split: class '" + classes.names[j] +
                        "' has only 1 row, and each class needs at least 2",
                    where,
                    "add rows of class '" + classes.names[j] + "', drop them, or set split.stratify to false");
    }

    // Test first, then validation from what is left, then training takes the rest;
    // each share proportional to the class sizes.
    const std::vector<std::size_t> test = apportion(sizes.test, classes.counts, n);
    std::vector<std::size_t> left(classes.counts.size());
    for (std::size_t j = 0; j < left.size(); ++j) left[j] = classes.counts[j] - test[j];
    const std::vector<std::size_t> validation = apportion(sizes.validation, left, n - sizes.test);

    std::vector<std::vector<std::size_t>> rows_of(classes.names.size());
    for (std::size_t j = 0; j < rows_of.size(); ++j) rows_of[j].reserve(classes.counts[j]);
    for (std::size_t i = 0; i < n; ++i) rows_of[classes.ids[i]].push_back(i);

    out.train.reserve(sizes.train);
    out.validation.reserve(sizes.validation);
    out.test.reserve(sizes.test);
    for (std::size_t j = 0; j < rows_of.size(); ++j) {
        auto& rows = rows_of[j];
        if (spec.shuffle) shuffle_indices(rows, rng);
        const std::size_t n_train = left[j] - validation[j];
        out.train.insert(out.train.end(), rows.begin(), rows.begin() + n_train);
        out.validation.insert(out.validation.end(), rows.begin() + n_train, rows.begin() + left[j]);
        out.test.insert(out.test.end(), rows.begin() + left[j], rows.end());
    }
    sort_parts(out);
    return out;
}

std::vector<Fold> kfold(std::size_t n, std::size_t k, std::uint64_t seed, bool shuffle) {
    check_k(n, k);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (shuffle) {
        std::mt19937_64 rng(seed);
        shuffle_indices(order, rng);
    }
    std::vector<std::uint32_t> fold_of(n);
    std::size_t pos = 0;
    for (std::size_t f = 0; f < k; ++f) {
        std::size_t size = n / k + (f < n % k ? 1 : 0);
        for (std::size_t e = pos + size; pos < e; ++pos) fold_of[order[pos]] = static_cast<std::uint32_t>(f);
    }
    return folds_from(fold_of, k);
}

std::vector<Fold> stratified_kfold(const Column& target, std::size_t k, std::uint64_t seed, bool shuffle) {
    const std::size_t n = target.size();
    check_k(n, k);
    const Classes classes = classes_of(target);
    // The smallest class decides; ties go to the first class in value order.
    std::size_t smallest = 0;
    for (std::size_t j = 1; j < classes.counts.size(); ++j)
        if (classes.counts[j] < classes.counts[smallest]) smallest = j;
    if (classes.counts[smallest] < k) {
        Location where;
        where.column = target.name();
        std::size_t c = classes.counts[smallest];
        throw Error(ErrorKind::validation, "invalid_folds",
                    "cannot make " + std::to_string(k) + " stratified folds: class '" + classes.names[smallest] +
                        "' has only " + std::to_string(c) + (c == 1 ? " row" : " rows") +
                        ", and each class needs at least " + std::to_string(k),
                    where);
    }

    // Deal the class-sorted rows round-robin: position p goes to fold p % k. That
    // fixes each fold's count per class and keeps fold sizes within one of each other.
    std::vector<std::vector<std::size_t>> rows_of(classes.names.size());
    for (std::size_t i = 0; i < n; ++i) rows_of[classes.ids[i]].push_back(i);
    std::mt19937_64 rng(seed);
    std::vector<std::uint32_t> fold_of(n);
    std::size_t pos = 0;
    for (auto& rows : rows_of) {
        if (shuffle) shuffle_indices(rows, rng);
        // Class j holds positions [pos, pos + size): its r-th row goes to fold
        // number r counted in fold order among those positions.
        std::vector<std::size_t> per_fold(k, 0);
        for (std::size_t p = pos; p < pos + rows.size(); ++p) ++per_fold[p % k];
        std::size_t r = 0;
        for (std::size_t f = 0; f < k; ++f)
            for (std::size_t c = 0; c < per_fold[f]; ++c) fold_of[rows[r++]] = static_cast<std::uint32_t>(f);
        pos += rows.size();
    }
    return folds_from(fold_of, k);
}

}  // namespace hone::data
