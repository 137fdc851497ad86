#pragma once
// Text augmentation for small text-classification sets: extra training examples
// made from each text by seeded random word deletion, word swaps and a random
// crop (the "easy data augmentation" operations), each keeping its source's
// labels and weight.
//
// The contract: apply it to the TRAINING rows only, after the split. A copy of
// a text that is also in the validation or test rows leaks that text into
// training and inflates every held-out metric; augmenting before splitting does
// exactly that. augment_texts knows nothing of splits, so the caller passes only
// training rows.
//
// Deterministic: every draw is uniform_below (split.hpp) on the caller's
// std::mt19937_64, in the order documented at augment_texts, so the same inputs
// and generator state give the same copies on every platform.
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "lang/spec.hpp"

namespace hone::data {

// copies, deletion, swaps and crop with their ranges and defaults: the job
// language's, so a training's `augmentation` section and this are one.
using AugmentOptions = lang::AugmentOptions;

// Throws hone::Error(validation, "invalid_field") naming the first option out
// of its range and the range, e.g. "augmentation option 'deletion' must be in
// [0, 1), got 1.5".
void check_augment_options(const AugmentOptions& options);

// The extra examples only, aligned: texts[k] was made from source text
// sources[k] and carries its label set and weight.
struct AugmentedTexts {
    std::vector<std::string> texts;
    std::vector<std::vector<std::string>> label_sets;
    std::vector<double> weights;
    std::vector<std::size_t> sources;  // index into the inputs

    std::size_t size() const { return texts.size(); }
};

// For each text in order, `copies` copies, each made as follows. Words are the
// runs of non-whitespace (ASCII space, tab, line breaks); a copy's words are
// joined by single spaces. Draws, in this order:
//   1. deletion: one draw per word; the word goes when it is below `deletion`
//      (uniform in [0, 1) from 53 bits). When every word went, one word, drawn
//      uniformly, is kept: a copy of a non-empty text is never empty.
//   2. swaps: with 2 or more words left, `swaps` times two positions drawn
//      uniformly swap.
//   3. crop: with crop < 1 and 2 or more words, a length drawn uniformly in
//      [ceil(crop * words), words], then its start in [0, words - length].
// A text with no words (empty or whitespace) gets no copies and no draws. A
// copy may equal its source (a one-word text, or draws that changed nothing).
// `label_sets` must have one entry per text; `weights` one per text or none
// (every weight 1). Other sizes are hone::Error(internal, "invalid_argument");
// options as check_augment_options.
AugmentedTexts augment_texts(const std::vector<std::string>& texts,
                             const std::vector<std::vector<std::string>>& label_sets,
                             const std::vector<double>& weights, const AugmentOptions& options,
                             std::mt19937_64& rng);

}  // namespace hone::data
