// Text augmentation: exact copies for fixed seeds (the expected texts come from
// an independent reference of the documented draws, std::mt19937_64 and
// uniform_below included), labels and weights carried, never an empty copy,
// and option checks that name the option.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/error.hpp"
#include "data/augment.hpp"

using namespace hone;
using data::AugmentOptions;
using Strings = std::vector<std::string>;
using LabelSets = std::vector<Strings>;

namespace {

const Strings kTexts = {"the quick brown fox jumps over the lazy dog", "refund my last invoice please", "hello", "   ",
                        "billing  question\tabout my\naccount"};
const LabelSets kLabels = {{"animals"}, {"billing", "refunds"}, {"greeting"}, {"empty"}, {"billing", "account"}};

AugmentOptions options(int copies, double deletion, int swaps, double crop) {
    AugmentOptions o;
    o.copies = copies;
    o.deletion = deletion;
    o.swaps = swaps;
    o.crop = crop;
    return o;
}

std::string message_of(const AugmentOptions& o) {
    std::mt19937_64 rng(1);
    try {
        data::augment_texts({"a b"}, {{"x"}}, {}, o, rng);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "invalid_field");
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Augment, DefaultsAreOneCopyAFewEdits) {
    AugmentOptions o;
    EXPECT_EQ(o.copies, 1);
    EXPECT_EQ(o.deletion, 0.1);
    EXPECT_EQ(o.swaps, 1);
    EXPECT_EQ(o.crop, 0.9);
}

TEST(Augment, ExactCopiesForAFixedSeedCarryLabelsAndWeights) {
    std::mt19937_64 rng(42);
    auto out = data::augment_texts(kTexts, kLabels, {1.0, 2.5, 0.5, 3.0, 4.0}, options(2, 0.1, 1, 0.9), rng);
    EXPECT_EQ(out.texts, (Strings{"the jumps brown quick over the lazy dog", "the quick brown fox jumps over the dog",
                                  "refund my invoice last", "please my invoice refund", "hello", "hello",
                                  "my question about billing account", "my question about billing account"}));
    // The whitespace-only text (index 3) has no words, so no copies.
    EXPECT_EQ(out.sources, (std::vector<std::size_t>{0, 0, 1, 1, 2, 2, 4, 4}));
    EXPECT_EQ(out.weights, (std::vector<double>{1.0, 1.0, 2.5, 2.5, 0.5, 0.5, 4.0, 4.0}));
    ASSERT_EQ(out.label_sets.size(), 8u);
    for (std::size_t k = 0; k < out.size(); ++k) EXPECT_EQ(out.label_sets[k], kLabels[out.sources[k]]) << k;
}

TEST(Augment, DeletionAloneAndWeightsDefaultToOne) {
    std::mt19937_64 rng(7);
    auto out = data::augment_texts(kTexts, kLabels, {}, options(1, 0.5, 0, 1.0), rng);
    EXPECT_EQ(out.texts, (Strings{"the fox over lazy dog", "my last invoice please", "hello", "about account"}));
    EXPECT_EQ(out.weights, (std::vector<double>{1.0, 1.0, 1.0, 1.0}));
}

TEST(Augment, CropKeepsAContiguousSpanOfAtLeastTheFraction) {
    std::mt19937_64 rng(1);
    auto out = data::augment_texts({"a b c d e f g h i j"}, {{"x"}}, {}, options(3, 0.0, 0, 0.5), rng);
    EXPECT_EQ(out.texts, (Strings{"d e f g h i j", "d e f g h i j", "a b c d e f g"}));
}

TEST(Augment, ACopyOfANonEmptyTextIsNeverEmpty) {
    std::mt19937_64 rng(3);
    // Deleting nearly every word still keeps one, drawn uniformly.
    auto out = data::augment_texts({"one two three"}, {{"x"}}, {}, options(4, 0.99, 0, 1.0), rng);
    EXPECT_EQ(out.texts, (Strings{"two", "one", "one", "three"}));
    std::mt19937_64 many(11);
    auto lots = data::augment_texts(kTexts, kLabels, {}, options(100, 0.9, 5, 0.1), many);
    EXPECT_EQ(lots.size(), 400u);
    for (const auto& t : lots.texts) EXPECT_FALSE(t.empty());
}

TEST(Augment, TheSameSeedGivesTheSameCopiesAndNoCopiesGiveNothing) {
    std::mt19937_64 a(5), b(5);
    auto first = data::augment_texts(kTexts, kLabels, {}, AugmentOptions{}, a);
    auto second = data::augment_texts(kTexts, kLabels, {}, AugmentOptions{}, b);
    EXPECT_EQ(first.texts, second.texts);
    std::mt19937_64 rng(5);
    EXPECT_EQ(data::augment_texts(kTexts, kLabels, {}, options(0, 0.1, 1, 0.9), rng).size(), 0u);
}

TEST(Augment, OptionsOutOfRangeNameTheOption) {
    EXPECT_EQ(message_of(options(-1, 0.1, 1, 0.9)), "augmentation option 'copies' must be a whole number from 0 to 100, got -1");
    EXPECT_EQ(message_of(options(101, 0.1, 1, 0.9)), "augmentation option 'copies' must be a whole number from 0 to 100, got 101");
    EXPECT_EQ(message_of(options(1, 1.0, 1, 0.9)), "augmentation option 'deletion' must be in [0, 1), got 1");
    EXPECT_EQ(message_of(options(1, -0.1, 1, 0.9)), "augmentation option 'deletion' must be in [0, 1), got -0.1");
    EXPECT_EQ(message_of(options(1, 0.1, -2, 0.9)), "augmentation option 'swaps' must be a whole number from 0 to 100, got -2");
    EXPECT_EQ(message_of(options(1, 0.1, 1, 0.0)), "augmentation option 'crop' must be in (0, 1], got 0");
    EXPECT_EQ(message_of(options(1, 0.1, 1, 1.5)), "augmentation option 'crop' must be in (0, 1], got 1.5");
    EXPECT_EQ(message_of(options(1, std::nan(""), 1, 0.9)), "augmentation option 'deletion' must be in [0, 1), got nan");
}

TEST(Augment, MisalignedInputsAreTheCallersBug) {
    std::mt19937_64 rng(1);
    try {
        data::augment_texts({"a", "b"}, {{"x"}}, {}, AugmentOptions{}, rng);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::internal);
        EXPECT_EQ(std::string(e.what()), "augment_texts: 2 texts but 1 label sets and 0 weights");
    }
}
