#include "metrics/multilabel.hpp"

#include "common/error.hpp"
#include "metrics/input.hpp"
#include "metrics/ranking.hpp"

namespace hone::metrics {

namespace {

// True positives, predicted and true labels of one label, one row or all cells.
struct Counts {
    double tp = 0, predicted = 0, truth = 0;
};

// scikit-learn's _prf_divide with zero_division "warn": 0 where the denominator is 0.
double ratio(double numerator, double denominator) { return denominator == 0.0 ? 0.0 : numerator / denominator; }

struct Prf {
    double precision = 0, recall = 0, f1 = 0;
};

// As scikit-learn computes F from P and R (not from the counts), for the same last bits.
Prf prf(const Counts& c) {
    Prf out{ratio(c.tp, c.predicted), ratio(c.tp, c.truth), 0.0};
    double denom = out.precision + out.recall;
    out.f1 = 2.0 * out.precision * out.recall / (denom == 0.0 ? 1.0 : denom);
    return out;
}

// The mean of each group's P, R and F, as np.average does it.
Prf mean_prf(const std::vector<Counts>& groups) {
    std::vector<double> p, r, f;
    for (const auto& c : groups) {
        Prf one = prf(c);
        p.push_back(one.precision);
        r.push_back(one.recall);
        f.push_back(one.f1);
    }
    return {mean(p), mean(r), mean(f)};
}

void check_shapes(const LabelIndicator& truth, const LabelIndicator& predicted) {
    if (truth.rows != predicted.rows || truth.labels != predicted.labels)
        throw_invalid_input("label indicators of different shapes: " + std::to_string(truth.rows) + "x" +
                            std::to_string(truth.labels) + " and " + std::to_string(predicted.rows) + "x" +
                            std::to_string(predicted.labels));
    if (truth.rows == 0 || truth.labels == 0) throw_invalid_input("label indicators need rows and labels");
    if (truth.cells.size() != truth.rows * truth.labels || predicted.cells.size() != truth.cells.size())
        throw_invalid_input("a label indicator's cells do not match its shape");
}

}  // namespace

LabelIndicator indicator_from_sets(std::span<const std::vector<std::int32_t>> sets, std::size_t labels) {
    LabelIndicator out{sets.size(), labels, std::vector<std::uint8_t>(sets.size() * labels, 0)};
    for (std::size_t r = 0; r < sets.size(); ++r)
        for (auto label : sets[r]) {
            if (label < 0 || static_cast<std::size_t>(label) >= labels)
                throw_invalid_input("label " + std::to_string(label) + " is outside 0.." + std::to_string(labels - 1));
            out.cells[r * labels + static_cast<std::size_t>(label)] = 1;
        }
    return out;
}

MultilabelScores multilabel_scores(const LabelIndicator& truth, const LabelIndicator& predicted) {
    check_shapes(truth, predicted);
    std::vector<Counts> per_label(truth.labels), per_row(truth.rows);
    Counts total;
    double wrong_cells = 0, exact_rows = 0;
    for (std::size_t r = 0; r < truth.rows; ++r) {
        bool exact = true;
        for (std::size_t l = 0; l < truth.labels; ++l) {
            bool t = truth.at(r, l), p = predicted.at(r, l);
            Counts add{t && p ? 1.0 : 0.0, p ? 1.0 : 0.0, t ? 1.0 : 0.0};
            for (Counts* c : {&per_label[l], &per_row[r], &total}) {
                c->tp += add.tp;
                c->predicted += add.predicted;
                c->truth += add.truth;
            }
            if (t != p) {
                wrong_cells += 1;
                exact = false;
            }
        }
        if (exact) exact_rows += 1;
    }
    MultilabelScores s;
    Prf micro = prf(total), macro = mean_prf(per_label), samples = mean_prf(per_row);
    s.micro_precision = micro.precision, s.micro_recall = micro.recall, s.micro_f1 = micro.f1;
    s.macro_precision = macro.precision, s.macro_recall = macro.recall, s.macro_f1 = macro.f1;
    s.samples_precision = samples.precision, s.samples_recall = samples.recall, s.samples_f1 = samples.f1;
    s.hamming_loss = wrong_cells / static_cast<double>(truth.rows * truth.labels);
    s.subset_accuracy = exact_rows / static_cast<double>(truth.rows);
    return s;
}

std::vector<std::pair<std::string, double>> multilabel_metrics(const LabelIndicator& truth,
                                                               const LabelIndicator& predicted) {
    auto s = multilabel_scores(truth, predicted);
    return {{"micro_f1", s.micro_f1},
            {"micro_precision", s.micro_precision},
            {"micro_recall", s.micro_recall},
            {"macro_f1", s.macro_f1},
            {"macro_precision", s.macro_precision},
            {"macro_recall", s.macro_recall},
            {"samples_f1", s.samples_f1},
            {"samples_precision", s.samples_precision},
            {"samples_recall", s.samples_recall},
            {"hamming_loss", s.hamming_loss},
            {"subset_accuracy", s.subset_accuracy}};
}

double precision_at_k(std::span<const float> proba, const LabelIndicator& truth, std::size_t k) {
    if (k < 1 || k > truth.labels)
        throw Error(ErrorKind::validation, "invalid_k",
                    "precision@k needs k in 1.." + std::to_string(truth.labels) + " (the number of labels), got " +
                        std::to_string(k));
    if (proba.size() != truth.rows * truth.labels || truth.rows == 0)
        throw_invalid_input("precision@k: " + std::to_string(proba.size()) + " probabilities for " +
                            std::to_string(truth.rows) + " rows of " + std::to_string(truth.labels) + " labels");
    std::vector<double> per_row(truth.rows);
    for (std::size_t r = 0; r < truth.rows; ++r) {
        auto best = top_k(proba.subspan(r * truth.labels, truth.labels), k);
        double hits = 0;
        for (auto l : best) hits += truth.at(r, static_cast<std::size_t>(l)) ? 1.0 : 0.0;
        per_row[r] = hits / static_cast<double>(k);
    }
    return mean(per_row);
}

}  // namespace hone::metrics
