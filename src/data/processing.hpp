#pragma once
// A dataset's `processing:` section (lang/processing_spec.hpp) fitted on the
// training rows of a training and replayed at prediction.
//
// The stages, in order:
//  - filter: rows a training keeps when the dataset loads (filtered_rows);
//    prediction rows are never filtered, every row gets an answer.
//  - transformations, then normalization, then encoding: each step fitted on
//    the training rows as the steps before it left them, and applied to the
//    frame (Processing). A step writes float columns: in place (same name) or
//    new ones; date_parts, onehot, target with several classes and hashing
//    replace their column by the ones they make. A null stays null (the
//    training's preprocessing imputes it) except where a step says otherwise.
//  - sampling and augmentation: the training part's rows only, after the
//    preprocessing (sample_rows, add_noisy_copies).
//
// Replay is exact: transform() of the training rows gives the numbers the fit
// gave them, bit for bit, but for target encoding, whose training rows get
// out-of-fold means (so no row sees its own target) while every other row,
// prediction included, gets the means of every training row.
//
// The fitted state is plain JSON (to_json/from_json), every number kept whole.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "data/matrix.hpp"
#include "lang/processing_spec.hpp"

namespace hone::data {

// Indices of the rows of `frame` that every condition keeps, in order. A null
// cell fails every condition but `null`. A column the frame lacks is
// hone::Error(not_found, "missing_column") located at the condition in `file`.
std::vector<std::size_t> filtered_rows(const std::vector<lang::RowFilter>& filters, const Frame& frame,
                                       const std::string& file = {});

// What fitting needs besides the rows.
struct ProcessingContext {
    std::string target;              // the target column: no step may read it
    const std::vector<float>* y = nullptr;  // the training rows' target (class index or value); target encoding
    std::vector<std::string> classes;       // class labels (classification); empty for regression
    std::vector<std::string> features;      // the training's feature columns as loaded (before the steps)
    std::uint64_t seed = 42;                // target encoding's folds
    std::string file;                       // the job file, to locate errors
};

class Processing {
public:
    // One fitted step. Public so tests and tools can inspect it.
    struct Step {
        std::string op;  // log, clip, bin, polynomial, interaction, date_parts, text_length,
                         // normalize, onehot, ordinal, target, hashing
        std::vector<std::string> inputs;   // the columns it reads
        std::vector<std::string> outputs;  // the columns it writes (an input's name: in place)
        bool drop_inputs = false;          // its inputs leave the frame
        std::string method;                // normalize: standard, minmax, robust
        std::vector<double> numbers;       // fitted: clip bounds, bin edges, offset and divisor, target means
        std::vector<std::string> categories;  // onehot, ordinal, target: training categories in byte order
        std::vector<std::vector<int>> terms;  // polynomial: per output, the input index of each factor
        std::vector<std::string> parts;       // date_parts
        int line = 0, col = 0;                // where the job file wrote it
    };

    Processing() = default;

    // Fits every step of `spec` on `train` (the training part, after the split)
    // and gives the training rows through them in `fitted_train`. hone::Error
    // (not_found, "missing_column") for a column the data lacks, (validation,
    // "invalid_processing") for a step that reads the target or cannot apply
    // to its column, (data, "invalid_processing") for a value it cannot take
    // (log of -1 or less, a date that is not ISO 8601), each naming the step.
    static Processing fit(const lang::ProcessingSpec& spec, const Frame& train, const ProcessingContext& context,
                          Frame* fitted_train);

    // The rows of `frame` through the fitted steps: the columns it had, with the
    // steps' outputs in place or added. A column a step reads that the frame
    // lacks is hone::Error(not_found, "missing_feature").
    Frame transform(const Frame& frame) const;

    // True when there is a step to replay.
    bool active() const { return !steps_.empty(); }
    // The columns prediction rows must hold (as loaded, before the steps), and
    // the feature columns after them, which the preprocessing takes.
    const std::vector<std::string>& input_columns() const { return inputs_; }
    const std::vector<std::string>& feature_columns() const { return features_; }
    const std::vector<Step>& steps() const { return steps_; }
    // "transformation log of 'income'": a step as messages name it.
    static std::string describe(const Step& step);

    nlohmann::ordered_json to_json() const;
    // Reads what to_json wrote; anything else is hone::Error(data, "invalid_processing_state").
    static Processing from_json(const nlohmann::ordered_json& j);

private:
    std::vector<Step> steps_;
    std::vector<std::string> inputs_;
    std::vector<std::string> features_;

    void keep_steps_for(const std::vector<std::string>& before);
};

// The training rows after `spec`'s sampling, as indices into them (a row drawn
// twice appears twice), in row order with added draws after. `y` holds class
// indices when `classification`, else values. Undersample and oversample
// balance classes: a regression target is hone::Error(validation,
// "invalid_processing").
std::vector<std::size_t> sample_rows(const lang::SamplingSpec& spec, const std::vector<float>& y, bool classification,
                                     std::uint64_t seed);

// Appends spec.copies noisy copies of every row of `x` (and its target to `y`):
// each of `columns` (indices into x's columns) gets Gaussian noise of standard
// deviation spec.noise times that column's population standard deviation in x.
void add_noisy_copies(const lang::NoiseAugmentationSpec& spec, const std::vector<std::size_t>& columns, Matrix& x,
                      std::vector<float>& y, std::uint64_t seed);

}  // namespace hone::data
