#include "data/augment.hpp"

#include <cmath>
#include <utility>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/split.hpp"

namespace hone::data {

namespace {

using Words = std::vector<std::string>;

[[noreturn]] void out_of_range(const char* option, const std::string& range, const std::string& value) {
    throw Error(ErrorKind::validation, "invalid_field",
                "augmentation option '" + std::string(option) + "' must be " + range + ", got " + value);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

Words split_words(const std::string& text) {
    Words words;
    for (std::size_t at = 0; at < text.size();) {
        while (at < text.size() && is_space(text[at])) ++at;
        std::size_t end = at;
        while (end < text.size() && !is_space(text[end])) ++end;
        if (end > at) words.push_back(text.substr(at, end - at));
        at = end;
    }
    return words;
}

// Uniform in [0, 1) from the top 53 bits of one bounded draw.
double unit(std::mt19937_64& rng) { return static_cast<double>(uniform_below(rng, 1ull << 53)) * 0x1.0p-53; }

Words delete_words(const Words& words, double p, std::mt19937_64& rng) {
    Words kept;
    for (const auto& w : words)
        if (!(unit(rng) < p)) kept.push_back(w);
    // Never empty: a copy of a non-empty text keeps one of its words.
    if (kept.empty()) kept.push_back(words[uniform_below(rng, words.size())]);
    return kept;
}

void swap_words(Words& words, int swaps, std::mt19937_64& rng) {
    if (words.size() < 2) return;
    for (int s = 0; s < swaps; ++s) {
        auto i = uniform_below(rng, words.size());
        auto j = uniform_below(rng, words.size());
        std::swap(words[i], words[j]);
    }
}

Words crop_words(Words words, double crop, std::mt19937_64& rng) {
    const std::size_t n = words.size();
    if (crop >= 1.0 || n < 2) return words;
    // The tolerance keeps 0.9 * 10 at 9 words despite 0.9's binary rounding.
    auto least = static_cast<std::size_t>(std::ceil(crop * static_cast<double>(n) - 1e-9));
    least = std::max<std::size_t>(least, 1);
    std::size_t length = least + uniform_below(rng, n - least + 1);
    std::size_t start = uniform_below(rng, n - length + 1);
    return Words(words.begin() + static_cast<std::ptrdiff_t>(start),
                 words.begin() + static_cast<std::ptrdiff_t>(start + length));
}

std::string augmented_copy(const Words& words, const AugmentOptions& o, std::mt19937_64& rng) {
    Words copy = delete_words(words, o.deletion, rng);
    swap_words(copy, o.swaps, rng);
    return join(crop_words(std::move(copy), o.crop, rng), " ");
}

}  // namespace

void check_augment_options(const AugmentOptions& o) {
    if (o.copies < 0 || o.copies > 100) out_of_range("copies", "a whole number from 0 to 100", std::to_string(o.copies));
    if (!(o.deletion >= 0.0 && o.deletion < 1.0)) out_of_range("deletion", "in [0, 1)", format_double(o.deletion));
    if (o.swaps < 0 || o.swaps > 100) out_of_range("swaps", "a whole number from 0 to 100", std::to_string(o.swaps));
    if (!(o.crop > 0.0 && o.crop <= 1.0)) out_of_range("crop", "in (0, 1]", format_double(o.crop));
}

AugmentedTexts augment_texts(const std::vector<std::string>& texts,
                             const std::vector<std::vector<std::string>>& label_sets,
                             const std::vector<double>& weights, const AugmentOptions& options,
                             std::mt19937_64& rng) {
    check_augment_options(options);
    if (label_sets.size() != texts.size() || (!weights.empty() && weights.size() != texts.size()))
        throw Error(ErrorKind::internal, "invalid_argument",
                    "augment_texts: " + std::to_string(texts.size()) + " texts but " +
                        std::to_string(label_sets.size()) + " label sets and " + std::to_string(weights.size()) +
                        " weights");
    AugmentedTexts out;
    for (std::size_t t = 0; t < texts.size(); ++t) {
        const Words words = split_words(texts[t]);
        if (words.empty()) continue;
        for (int c = 0; c < options.copies; ++c) {
            out.texts.push_back(augmented_copy(words, options, rng));
            out.label_sets.push_back(label_sets[t]);
            out.weights.push_back(weights.empty() ? 1.0 : weights[t]);
            out.sources.push_back(t);
        }
    }
    return out;
}

}  // namespace hone::data
