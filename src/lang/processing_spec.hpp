#pragma once
// A dataset's `processing:` section, bound (keys_processing.cpp reads it;
// data/processing.hpp fits and replays it). Every fitted number comes from the
// training rows of a training, after its split; the model keeps the fitted steps
// and replays them at prediction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::lang {

// One row condition of `filter:`, as written ("age >= 18", "plan in [a, b]",
// "income not null"). Rows that fail any condition are left out when the
// dataset loads for a training; prediction rows are never filtered.
struct RowFilter {
    std::string text;    // as written, for messages
    std::string column;
    std::string op;      // ==, !=, <, <=, >, >=, in, not in, null, not null
    std::vector<nlohmann::ordered_json> values;  // one for comparisons, the list for in / not in
    int line = 0, col = 0;
};

// One step of `transformations:`.
struct TransformStep {
    std::string op;  // log, clip, bin, polynomial, interaction, date_parts, text_length
    std::vector<std::string> columns;
    std::string output;  // `as`: the new column's name; "" = in place (or the op's derived names)
    std::optional<double> min, max;                    // clip: fixed bounds
    std::optional<double> min_quantile, max_quantile;  // clip: bounds fitted on the training rows
    int n_bins = 5;                                    // bin
    std::string strategy = "quantile";                 // bin: quantile or uniform edges
    int degree = 2;                                    // polynomial
    std::vector<std::string> parts = {"year", "month", "day", "weekday", "hour"};  // date_parts
    int line = 0, col = 0;
};

// One column's entry of `encoding:`.
struct EncodingStep {
    std::string column;
    std::string method;       // onehot, ordinal, target, hashing
    double smoothing = 10;    // target: weight of the overall mean, in rows
    int folds = 5;            // target: out-of-fold means for the training rows
    int n_features = 16;      // hashing
    int line = 0, col = 0;
};

// One entry of `normalization:`; column "" is every numeric column.
struct NormalizationStep {
    std::string column;
    std::string method;  // standard, minmax, robust
    int line = 0, col = 0;
};

// `sampling:` the training rows only, after the split.
struct SamplingSpec {
    std::string method = "none";  // none, undersample, oversample, stratified, class_weights
    double fraction = 1.0;        // stratified: the share of training rows kept
    std::optional<std::uint64_t> seed;  // none: the training's seed
};

// `augmentation:` noisy copies of training rows (numeric features only).
struct NoiseAugmentationSpec {
    bool enabled = false;
    double noise = 0.05;  // the noise's standard deviation, as a share of each column's
    int copies = 1;       // noisy copies of each training row
    std::vector<std::string> columns;  // empty: every numeric feature
    std::optional<std::uint64_t> seed;  // none: the training's seed
};

struct ProcessingSpec {
    std::vector<RowFilter> filter;
    std::vector<TransformStep> transformations;
    std::vector<NormalizationStep> normalization;
    std::vector<EncodingStep> encoding;
    SamplingSpec sampling;
    NoiseAugmentationSpec augmentation;

    // True when the section fits or replays nothing.
    bool empty() const {
        return filter.empty() && transformations.empty() && normalization.empty() && encoding.empty() &&
               sampling.method == "none" && !augmentation.enabled;
    }
};

// The valid values, for the key table, messages and docs.
const std::vector<std::string>& transform_ops();
const std::vector<std::string>& encoding_methods();
const std::vector<std::string>& normalization_methods();
const std::vector<std::string>& sampling_methods();
const std::vector<std::string>& date_parts();
const std::vector<std::string>& filter_ops();

// The section as JSON (a dataset's to_json); processing_keys.cpp.
nlohmann::ordered_json to_json(const ProcessingSpec& p);

}  // namespace hone::lang
