#pragma once
// Preprocessing fitted on the training part only and replayed at prediction time.
//
// Per feature column, in the order the features are given:
//  - float/int columns: nulls (and NaN) imputed by `impute_numeric` (mean, median,
//    most_frequent, constant with `fill_value`, default 0), then scaled by `scale`
//    (none; standard: (x - mean) / population std; minmax: (x - min) / (max - min)).
//    Scaling statistics are taken after imputation, as in a scikit-learn
//    Pipeline(SimpleImputer, StandardScaler); a zero std or range divides by 1.
//    One output column named like the feature.
//  - bool columns: 0/1, nulls imputed by `impute_numeric` like numbers; not scaled.
//  - string columns: nulls imputed by `impute_categorical` (most_frequent, or
//    constant with `fill_value`, default "missing_value"), then encoded by `encode`:
//      onehot: the `max_categories` most frequent training categories (ties by
//        value), output in byte order as `<col>=<category>`, then always one
//        `<col>=__other__` column that takes the rest and every category unseen at
//        fit time;
//      ordinal: training categories in byte order coded 0..n-1; an unseen category
//        is -1. Codes are not scaled.
// Encoded columns at transform time are matched by their text, so a categorical
// feature that arrives as int or bool (e.g. from JSON) still encodes.
//
// The fitted state is plain JSON (to_json/from_json) holding every number with
// full precision, so a round trip transforms to bit-identical output.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "data/matrix.hpp"
#include "lang/spec.hpp"

namespace hone::data {

// Something the trainer should warn about: a feature that carries no information
// in the training data.
struct FeatureWarning {
    std::string column;
    std::string kind;     // "all_null" or "constant"
    std::string message;  // one sentence naming the column
};

class Preprocessor {
public:
    Preprocessor() = default;

    // Validates the spec (hone::Error(validation, "invalid_preprocessing") naming
    // the field as the job file's `preprocessing:` block spells it, where
    // impute_numeric is `impute`, and its valid values), then fits on `train`. A feature missing
    // from `train` is hone::Error(not_found, "missing_feature"); an empty feature
    // list, a repeated feature or a training frame with no rows is a validation/data error.
    static Preprocessor fit(const lang::PreprocessSpec& spec, const std::vector<std::string>& features,
                            const Frame& train);

    // Rows of `frame` through the fitted steps. Extra columns are ignored. A
    // feature missing from `frame` is hone::Error(not_found, "missing_feature"); a
    // numeric feature that arrives as a string column is hone::Error(data, "feature_type_mismatch").
    // Rows are filled on up to `threads` threads (0 = every core) when the frame
    // is large enough to repay it; the result does not depend on how many.
    Matrix transform(const Frame& frame, unsigned threads = 0) const;

    // The input columns, in order, and the output feature names ("age",
    // "contract_type=monthly", "contract_type=__other__").
    const std::vector<std::string>& input_columns() const { return inputs_; }
    const std::vector<std::string>& feature_names() const { return outputs_; }
    std::size_t output_size() const { return outputs_.size(); }

    // Features that are entirely null or constant (after imputation) in the
    // training data, in feature order.
    const std::vector<FeatureWarning>& warnings() const { return warnings_; }

    nlohmann::ordered_json to_json() const;
    // Reads what to_json wrote; anything else is hone::Error(data, "invalid_preprocessor").
    static Preprocessor from_json(const nlohmann::ordered_json& j);

    // The valid values of each setting, for messages and documentation.
    static const std::vector<std::string>& numeric_imputations();
    static const std::vector<std::string>& categorical_imputations();
    static const std::vector<std::string>& encodings();
    static const std::vector<std::string>& scalings();

    // One fitted input column. Public so tests and tools can inspect a plan; users
    // go through fit/transform.
    struct Step {
        enum class Kind { numeric, boolean, onehot, ordinal };
        std::string column;
        Kind kind = Kind::numeric;
        double fill = 0;       // numeric/boolean: the value a null becomes
        double offset = 0;     // numeric: out = (x - offset) / divisor
        double divisor = 1;
        std::string fill_category;            // onehot/ordinal: the category a null becomes
        std::vector<std::string> categories;  // onehot: kept; ordinal: all; byte order
    };
    const std::vector<Step>& steps() const { return steps_; }

private:
    lang::PreprocessSpec spec_;
    std::vector<Step> steps_;
    std::vector<std::string> inputs_;
    std::vector<std::string> outputs_;
    std::vector<FeatureWarning> warnings_;

    void finish();  // derives inputs_ and outputs_ from steps_
};

// The suffix of the one-hot bucket for rare and unseen categories.
inline constexpr const char* other_category = "__other__";

}  // namespace hone::data
