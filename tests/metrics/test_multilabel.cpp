// Multi-label metrics against scikit-learn 1.2 on a small indicator case that has
// every zero division: a row with no true label, a row that predicts none, a label
// never true and a label never predicted.
#include <gtest/gtest.h>

#include "metrics/multilabel.hpp"
#include "../support/errors.hpp"

using namespace hone::metrics;
using hone::ErrorKind;
using hone::test_support::expect_error;

namespace {

LabelIndicator indicator(std::vector<std::vector<std::uint8_t>> rows) {
    LabelIndicator out{rows.size(), rows.front().size(), {}};
    for (const auto& r : rows) out.cells.insert(out.cells.end(), r.begin(), r.end());
    return out;
}

const LabelIndicator kTruth = indicator(
    {{1, 0, 1, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 1, 0}, {1, 1, 0, 0}});
const LabelIndicator kPredicted = indicator(
    {{1, 0, 0, 0}, {0, 1, 0, 1}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}});

}  // namespace

// The expected values, from /usr/bin/python3 (scikit-learn 1.2.1):
//   import numpy as np, warnings; from sklearn import metrics as m
//   warnings.simplefilter("ignore")
//   yt = np.array([[1,0,1,0],[0,1,0,0],[1,1,0,0],[0,0,0,0],[1,0,0,0],[0,1,1,0],[1,1,0,0]])
//   yp = np.array([[1,0,0,0],[0,1,0,1],[1,0,0,0],[0,0,0,1],[0,0,0,0],[0,1,0,0],[1,1,0,0]])
//   for avg in ["micro", "macro", "samples"]:
//       print(avg, repr(m.precision_score(yt, yp, average=avg)), repr(m.recall_score(yt, yp, average=avg)),
//             repr(m.f1_score(yt, yp, average=avg)))
//   print(repr(m.hamming_loss(yt, yp)), repr(m.accuracy_score(yt, yp)))
TEST(MultilabelMetrics, MatchScikitLearnWithItsZeroDivisions) {
    auto s = multilabel_scores(kTruth, kPredicted);
    EXPECT_DOUBLE_EQ(s.micro_precision, 0.75);
    EXPECT_DOUBLE_EQ(s.micro_recall, 0.6);
    EXPECT_DOUBLE_EQ(s.micro_f1, 0.6666666666666665);  // 2PR/(P+R), not 2tp/(2tp+fp+fn)
    EXPECT_DOUBLE_EQ(s.macro_precision, 0.5);
    EXPECT_DOUBLE_EQ(s.macro_recall, 0.375);
    EXPECT_DOUBLE_EQ(s.macro_f1, 0.42857142857142855);
    EXPECT_DOUBLE_EQ(s.samples_precision, 0.6428571428571429);
    EXPECT_DOUBLE_EQ(s.samples_recall, 0.5);
    EXPECT_DOUBLE_EQ(s.samples_f1, 0.5238095238095238);
    EXPECT_DOUBLE_EQ(s.hamming_loss, 0.21428571428571427);
    EXPECT_DOUBLE_EQ(s.subset_accuracy, 0.14285714285714285);
}

TEST(MultilabelMetrics, ComeByNameInADocumentedOrder) {
    auto named = multilabel_metrics(kTruth, kPredicted);
    ASSERT_EQ(named.size(), 11u);
    EXPECT_EQ(named[0].first, "micro_f1");
    EXPECT_DOUBLE_EQ(named[0].second, 0.6666666666666665);
    EXPECT_EQ(named[9].first, "hamming_loss");
    EXPECT_EQ(named[10].first, "subset_accuracy");
}

TEST(MultilabelMetrics, SetsBecomeTheSameIndicator) {
    std::vector<std::vector<std::int32_t>> sets = {{0, 2}, {1}, {0, 1}, {}, {0}, {1, 2}, {1, 0}};
    auto from_sets = indicator_from_sets(sets, 4);
    EXPECT_EQ(from_sets.cells, kTruth.cells);
    std::vector<std::vector<std::int32_t>> outside = {{4}};
    expect_error([&] { indicator_from_sets(outside, 4); }, ErrorKind::internal, "invalid_metric_input",
                 "label 4 is outside 0..3");
}

TEST(MultilabelMetrics, RefuseIndicatorsOfDifferentShapes) {
    auto fewer = indicator({{1, 0, 1, 0}});
    expect_error([&] { multilabel_scores(kTruth, fewer); }, ErrorKind::internal, "invalid_metric_input",
                 "label indicators of different shapes: 7x4 and 1x4");
}

// Row 0: top 2 = labels 1 and 3 (0.9, 0.7): one true of 2. Row 1: the tie at 0.5
// goes to the lower label (0 before 2): both true. Row 2: nothing true.
TEST(PrecisionAtK, CountsTheTrueAmongTheKMostProbable) {
    auto truth = indicator({{0, 1, 1, 0}, {1, 0, 1, 0}, {0, 0, 0, 0}});
    std::vector<float> proba = {0.1f, 0.9f, 0.2f, 0.7f, 0.5f, 0.1f, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f, 0.3f};
    EXPECT_DOUBLE_EQ(precision_at_k(proba, truth, 2), (0.5 + 1.0 + 0.0) / 3);
    EXPECT_DOUBLE_EQ(precision_at_k(proba, truth, 1), (1.0 + 1.0 + 0.0) / 3);
    EXPECT_DOUBLE_EQ(precision_at_k(proba, truth, 4), (0.5 + 0.5 + 0.0) / 3);
    expect_error([&] { precision_at_k(proba, truth, 5); }, ErrorKind::validation, "invalid_k",
                 "precision@k needs k in 1..4 (the number of labels), got 5");
}
