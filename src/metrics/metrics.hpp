#pragma once
// Classification and regression metrics that give scikit-learn's numbers (the
// version Debian ships, 1.2): the same formulas, the same order of operations and
// the same summation (NumPy's pairwise sum), so results agree to the last bits or
// within a few ulps.
//
// Inputs. Class labels are indices 0..num_classes-1; probabilities are row-major,
// rows * num_classes doubles, column j = class j. Regression values are doubles.
// y_true and y_pred have the same length. A length mismatch, a label outside
// 0..num_classes-1, num_classes < 2 or a probability matrix of the wrong size is a
// bug of the caller: hone::Error(internal, "invalid_metric_input").
//
// Undefined values. Where scikit-learn divides by zero in precision, recall or F1
// it returns 0.0 (its default zero_division), and so do these. Where scikit-learn
// raises instead (no rows; AUC when y_true holds a single class; r2 of fewer than
// two rows) these return NaN, which evaluate() reports as JSON null. NaN in the
// inputs propagates to the result.
#include <cstdint>
#include <span>
#include <vector>

namespace hone::metrics {

// Counts of (true class, predicted class) pairs; rows are true classes, columns
// predicted ones, as scikit-learn's confusion_matrix(labels=range(k)).
struct ConfusionMatrix {
    int num_classes = 0;
    std::vector<std::int64_t> counts;  // row-major, num_classes * num_classes

    std::int64_t at(int true_class, int predicted_class) const {
        return counts[static_cast<std::size_t>(true_class) * num_classes + predicted_class];
    }
    std::vector<std::vector<std::int64_t>> rows() const;
};

ConfusionMatrix confusion_matrix(std::span<const int> y_true, std::span<const int> y_pred, int num_classes);

// How precision, recall and F1 combine per-class values, as scikit-learn's
// `average`. The classes averaged over are those present in y_true or y_pred
// (scikit-learn's default labels=None). `binary` scores class 1 alone
// (pos_label=1) and needs num_classes == 2.
enum class Average { binary, micro, macro, weighted };

// What the registry's precision, recall and f1 use: binary for two classes,
// macro for more.
Average default_average(int num_classes);

double accuracy(std::span<const int> y_true, std::span<const int> y_pred);
// Mean recall over the classes present in y_true (adjusted=False).
double balanced_accuracy(std::span<const int> y_true, std::span<const int> y_pred, int num_classes);
double precision(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average);
double recall(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average);
double f1(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average);

// ROC AUC from probabilities. Two classes: the AUC of column 1 (tied scores count
// one half, as the trapezoids of roc_auc_score). More classes: one-vs-rest, macro
// average over the classes present in y_true (scikit-learn's
// roc_auc_score(multi_class="ovr") when every class is present; it raises
// otherwise). NaN when y_true holds one class only or a score is NaN.
double roc_auc(std::span<const int> y_true, std::span<const double> proba, int num_classes);

// Mean negative log-likelihood of the true class. As scikit-learn 1.2 with
// eps="auto" and labels=range(num_classes): each probability is clipped to
// [eps, 1 - eps] with eps = 2.220446049250313e-16 (float64's machine epsilon),
// then each row is divided by its sum.
double log_loss(std::span<const int> y_true, std::span<const double> proba, int num_classes);

double mse(std::span<const double> y_true, std::span<const double> y_pred);
double rmse(std::span<const double> y_true, std::span<const double> y_pred);  // sqrt(mse)
double mae(std::span<const double> y_true, std::span<const double> y_pred);
// 1 - SS_res / SS_tot. A constant y_true gives 1.0 when predicted exactly, else
// 0.0 (force_finite=True).
double r2(std::span<const double> y_true, std::span<const double> y_pred);
// mean(|y_pred - y_true| / max(|y_true|, eps)), eps = 2.220446049250313e-16: a zero
// in y_true gives a huge but finite term, as mean_absolute_percentage_error. A
// fraction, not a percentage.
double mape(std::span<const double> y_true, std::span<const double> y_pred);

// NumPy's pairwise summation (what np.sum and np.mean do on a contiguous float64
// array), so sums agree with scikit-learn's bit for bit.
double pairwise_sum(std::span<const double> values);

}  // namespace hone::metrics
