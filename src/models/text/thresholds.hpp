#pragma once
// Multi-label decisions: a text gets every label whose probability reaches that
// label's threshold. Thresholds are tuned per label on validation texts and stored
// with the model (a label set is never a joined string).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hone::models::text {

// The threshold given to a label that validation cannot tune (it never occurs there).
inline constexpr float kDefaultThreshold = 0.5f;

// Per label, the threshold that maximizes that label's F1 on validation, where a
// text is predicted positive when its probability is >= the threshold. The
// candidates are the label's distinct probabilities; equal F1 goes to the higher
// threshold (fewer positives). A label with no true text in `truth` keeps
// kDefaultThreshold. `proba` is truth.size() x labels, row-major; label indices in
// `truth` out of range, or a size that does not match: hone::Error(internal,
// "invalid_threshold_input").
std::vector<float> tune_thresholds(std::span<const float> proba, std::span<const std::vector<std::int32_t>> truth,
                                   std::size_t labels);

// Per row of `proba` (rows x thresholds.size()), the labels whose probability is
// >= their threshold, ascending. A row with none gets its most probable label
// (ties to the lower index) unless `allow_empty`.
std::vector<std::vector<std::int32_t>> decide(std::span<const float> proba, std::span<const float> thresholds,
                                              bool allow_empty = false);

}  // namespace hone::models::text
