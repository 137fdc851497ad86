#include "models/text/thresholds.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "common/error.hpp"

namespace hone::models::text {

namespace {

[[noreturn]] void bad_input(const std::string& why) {
    throw Error(ErrorKind::internal, "invalid_threshold_input", why);
}

// One label's best threshold: texts by probability, highest first; each distinct
// probability, from the top, is a candidate with every text at or above it positive.
float best_threshold(std::vector<std::pair<float, bool>> column, std::size_t positives) {
    std::stable_sort(column.begin(), column.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    double best_f1 = -1, tp = 0;
    float best = kDefaultThreshold;
    for (std::size_t i = 0; i < column.size(); ++i) {
        tp += column[i].second ? 1.0 : 0.0;
        if (i + 1 < column.size() && column[i + 1].first == column[i].first) continue;
        // 2tp / (predicted + true): equal ratios are equal doubles, so ties are exact.
        double f1 = 2.0 * tp / (static_cast<double>(i + 1) + static_cast<double>(positives));
        if (f1 > best_f1) {
            best_f1 = f1;
            best = column[i].first;
        }
    }
    return best;
}

}  // namespace

std::vector<float> tune_thresholds(std::span<const float> proba, std::span<const std::vector<std::int32_t>> truth,
                                   std::size_t labels) {
    if (proba.size() != truth.size() * labels)
        bad_input(std::to_string(proba.size()) + " probabilities for " + std::to_string(truth.size()) +
                  " texts of " + std::to_string(labels) + " labels");
    std::vector<std::vector<bool>> is_true(labels, std::vector<bool>(truth.size(), false));
    std::vector<std::size_t> positives(labels, 0);
    for (std::size_t r = 0; r < truth.size(); ++r)
        for (auto l : truth[r]) {
            if (l < 0 || static_cast<std::size_t>(l) >= labels)
                bad_input("label " + std::to_string(l) + " is outside 0.." + std::to_string(labels - 1));
            if (!is_true[static_cast<std::size_t>(l)][r]) ++positives[static_cast<std::size_t>(l)];
            is_true[static_cast<std::size_t>(l)][r] = true;
        }
    std::vector<float> out(labels, kDefaultThreshold);
    for (std::size_t l = 0; l < labels; ++l) {
        if (positives[l] == 0) continue;
        std::vector<std::pair<float, bool>> column(truth.size());
        for (std::size_t r = 0; r < truth.size(); ++r) column[r] = {proba[r * labels + l], is_true[l][r]};
        out[l] = best_threshold(std::move(column), positives[l]);
    }
    return out;
}

std::vector<std::vector<std::int32_t>> decide(std::span<const float> proba, std::span<const float> thresholds,
                                              bool allow_empty) {
    const std::size_t labels = thresholds.size();
    if (labels == 0 || proba.size() % labels != 0)
        bad_input(std::to_string(proba.size()) + " probabilities for " + std::to_string(labels) + " labels");
    std::vector<std::vector<std::int32_t>> out(proba.size() / labels);
    for (std::size_t r = 0; r < out.size(); ++r) {
        auto row = proba.subspan(r * labels, labels);
        for (std::size_t l = 0; l < labels; ++l)
            if (row[l] >= thresholds[l]) out[r].push_back(static_cast<std::int32_t>(l));
        if (out[r].empty() && !allow_empty)
            out[r].push_back(static_cast<std::int32_t>(std::max_element(row.begin(), row.end()) - row.begin()));
    }
    return out;
}

}  // namespace hone::models::text
