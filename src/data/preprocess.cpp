#include "data/preprocess.hpp"

#include "common/run_context.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <thread>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::data {

namespace {

using Json = nlohmann::ordered_json;
using Step = Preprocessor::Step;

constexpr const char* default_fill_category = "missing_value";  // scikit-learn's SimpleImputer default
constexpr int state_version = 1;

Error invalid_setting(const std::string& field, const std::string& value, const std::vector<std::string>& valid) {
    return Error(ErrorKind::validation, "invalid_preprocessing",
                 "preprocessing." + field + " must be " + join_or(valid) + ", not '" + value + "'" +
                     did_you_mean(value, valid));
}

void check_choice(const std::string& field, const std::string& value, const std::vector<std::string>& valid) {
    if (std::find(valid.begin(), valid.end(), value) == valid.end()) throw invalid_setting(field, value, valid);
}

// The settings checked, or a validation error naming the field as a job file's
// `preprocessing:` block spells it (impute is the numeric imputation).
void validate(const lang::PreprocessSpec& s) {
    check_choice("impute", s.impute_numeric, Preprocessor::numeric_imputations());
    check_choice("impute_categorical", s.impute_categorical, Preprocessor::categorical_imputations());
    check_choice("encode", s.encode, Preprocessor::encodings());
    check_choice("scale", s.scale, Preprocessor::scalings());
    if (s.max_categories < 1)
        throw Error(ErrorKind::validation, "invalid_preprocessing",
                    "preprocessing.max_categories must be at least 1, not " + std::to_string(s.max_categories));
    if (s.impute_numeric == "constant" && !s.fill_value.is_null() && !s.fill_value.is_number() &&
        !s.fill_value.is_boolean())
        throw Error(ErrorKind::validation, "invalid_preprocessing",
                    "preprocessing.fill_value must be a number when impute is constant, not " +
                        s.fill_value.dump());
    if (s.impute_categorical == "constant" && (s.fill_value.is_array() || s.fill_value.is_object()))
        throw Error(ErrorKind::validation, "invalid_preprocessing",
                    "preprocessing.fill_value must be a string or a number when impute_categorical is constant, not " +
                        s.fill_value.dump());
}

double numeric_fill_value(const lang::PreprocessSpec& s) {
    if (s.fill_value.is_boolean()) return s.fill_value.get<bool>() ? 1.0 : 0.0;
    if (s.fill_value.is_number()) return s.fill_value.get<double>();
    return 0.0;
}

std::string categorical_fill_value(const lang::PreprocessSpec& s) {
    const auto& v = s.fill_value;
    if (v.is_null()) return default_fill_category;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) return format_double(v.get<double>());
    return v.dump();  // integers print as themselves
}

// Non-finite numbers have no JSON form: they are written as strings.
Json number_json(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

double number_from_json(const Json& j, const char* what) {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (s == "inf") return std::numeric_limits<double>::infinity();
        if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    throw Error(ErrorKind::data, "invalid_preprocessor",
                std::string("invalid preprocessor state: '") + what + "' must be a number, not " + j.dump());
}

std::string_view kind_name(Step::Kind k) {
    switch (k) {
        case Step::Kind::numeric: return "numeric";
        case Step::Kind::boolean: return "boolean";
        case Step::Kind::onehot: return "onehot";
        case Step::Kind::ordinal: return "ordinal";
    }
    return "numeric";
}

// Fits imputation and scaling of a float, int or bool column.
Step fit_numeric(const Column& c, const lang::PreprocessSpec& spec, std::vector<FeatureWarning>& warnings) {
    Step step;
    step.column = c.name();
    const bool is_bool = c.type() == DType::boolean;
    step.kind = is_bool ? Step::Kind::boolean : Step::Kind::numeric;

    std::vector<double> values;
    values.reserve(c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
        double v = c.as_double(i);
        if (!std::isnan(v)) values.push_back(v);
    }
    const std::size_t nulls = c.size() - values.size();

    const std::string& how = spec.impute_numeric;
    if (how == "constant") {
        step.fill = numeric_fill_value(spec);
    } else if (values.empty()) {
        step.fill = 0.0;  // nothing to learn from: the same default a constant fill has
    } else if (how == "mean") {
        double sum = 0;
        for (double v : values) sum += v;
        step.fill = sum / static_cast<double>(values.size());
    } else {
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        if (how == "median") {
            std::size_t n = sorted.size();
            step.fill = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        } else {  // most_frequent: the longest run; ties go to the smallest value, as in scikit-learn
            std::size_t best_len = 0;
            for (std::size_t i = 0; i < sorted.size();) {
                std::size_t j = i;
                while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
                if (j - i > best_len) {
                    best_len = j - i;
                    step.fill = sorted[i];
                }
                i = j;
            }
        }
    }

    // The column as the model sees it: values plus `nulls` copies of the fill.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
    for (double v : values) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
    }
    if (nulls) {
        lo = std::min(lo, step.fill);
        hi = std::max(hi, step.fill);
        sum += step.fill * static_cast<double>(nulls);
    }
    const std::size_t n = c.size();

    if (values.empty())
        warnings.push_back({c.name(), "all_null",
                            "feature '" + c.name() + "' is null in every training row; it is filled with " +
                                format_double(step.fill)});
    else if (lo == hi)
        warnings.push_back({c.name(), "constant",
                            "feature '" + c.name() + "' has the single value " + format_double(lo) +
                                " in the training data"});

    if (is_bool || spec.scale == "none" || n == 0) return step;
    if (lo == hi) {
        // A constant column: centre it and divide by 1, never by zero.
        step.offset = lo;
        step.divisor = 1.0;
        return step;
    }
    if (spec.scale == "standard") {
        const double mean = sum / static_cast<double>(n);
        double m2 = 0;
        for (double v : values) m2 += (v - mean) * (v - mean);
        m2 += static_cast<double>(nulls) * (step.fill - mean) * (step.fill - mean);
        const double sd = std::sqrt(m2 / static_cast<double>(n));  // population std, as StandardScaler
        step.offset = mean;
        step.divisor = sd > 0 && std::isfinite(sd) ? sd : 1.0;
    } else {  // minmax
        step.offset = lo;
        const double range = hi - lo;
        step.divisor = range > 0 && std::isfinite(range) ? range : 1.0;
    }
    return step;
}

// Category counts ordered most frequent first, ties by value.
bool more_frequent(const std::pair<std::string, std::size_t>& a, const std::pair<std::string, std::size_t>& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
}

// Fits imputation and encoding of a string column.
Step fit_categorical(const Column& c, const lang::PreprocessSpec& spec, std::vector<FeatureWarning>& warnings) {
    Step step;
    step.column = c.name();
    step.kind = spec.encode == "ordinal" ? Step::Kind::ordinal : Step::Kind::onehot;

    const auto& dict = c.dictionary();
    std::vector<std::size_t> code_counts(dict.size(), 0);
    std::size_t nulls = 0;
    for (auto code : c.codes()) {
        if (code < 0)
            ++nulls;
        else
            ++code_counts[static_cast<std::size_t>(code)];
    }
    std::vector<std::pair<std::string, std::size_t>> counts;  // present categories only
    for (std::size_t k = 0; k < dict.size(); ++k)
        if (code_counts[k]) counts.emplace_back(dict[k], code_counts[k]);
    // Most frequent first, ties by value: the order the cap and most_frequent use.
    std::sort(counts.begin(), counts.end(), more_frequent);

    if (spec.impute_categorical == "most_frequent" && !counts.empty())
        step.fill_category = counts.front().first;
    else
        step.fill_category = categorical_fill_value(spec);

    const bool all_null = counts.empty();
    if (all_null)
        warnings.push_back({c.name(), "all_null",
                            "feature '" + c.name() + "' is null in every training row; it is filled with '" +
                                step.fill_category + "'"});

    if (nulls) {
        // Imputation happens before encoding, so the fill counts as a category.
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& e) { return e.first == step.fill_category; });
        if (it != counts.end())
            it->second += nulls;
        else
            counts.emplace_back(step.fill_category, nulls);
        std::sort(counts.begin(), counts.end(), more_frequent);
    }
    if (!all_null && counts.size() == 1)
        warnings.push_back({c.name(), "constant",
                            "feature '" + c.name() + "' has the single value '" + counts.front().first +
                                "' in the training data"});

    if (step.kind == Step::Kind::onehot) {
        for (const auto& [value, n] : counts) {
            // A category literally named __other__ is the other bucket already.
            if (value == other_category) continue;
            if (step.categories.size() == static_cast<std::size_t>(spec.max_categories)) break;
            step.categories.push_back(value);
        }
    } else {
        for (const auto& e : counts) step.categories.push_back(e.first);
    }
    std::sort(step.categories.begin(), step.categories.end());
    return step;
}

// Text to number for a numeric feature that arrives as strings (e.g. from JSON
// or a form): finite decimal numbers and true/false; "nan", "na", "null",
// "none" and "" are missing (imputed as when fitted); "inf" is refused.
bool parse_number(std::string_view text, double& out) {
    text = trim(text);
    std::string lower = to_lower(text);
    if (lower == "true") return out = 1.0, true;
    if (lower == "false") return out = 0.0, true;
    if (lower == "nan" || lower == "na" || lower == "null" || lower == "none" || lower.empty())
        return out = std::numeric_limits<double>::quiet_NaN(), true;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto res = std::from_chars(text.data(), text.data() + text.size(), out);
    // "inf" and "infinity" parse, but no model takes an infinite feature: they
    // are refused as not a number rather than predicted into null probabilities.
    return res.ec == std::errc() && res.ptr == text.data() + text.size() && std::isfinite(out);
}

// One step bound to the column it reads in a frame, with everything per
// dictionary entry worked out up front, so filling rows is table lookups only and
// cannot fail.
struct BoundStep {
    const Step* step = nullptr;
    const Column* column = nullptr;
    std::size_t out_col = 0;
    std::vector<double> parsed;         // numeric step over a string column: value per code
    std::vector<std::int64_t> by_code;  // encoded step over a string column: slot per code
    std::vector<std::int64_t> by_row;   // encoded step over another column: slot per row
    std::int64_t fill_slot = -1;
};

BoundStep bind_numeric(const Step& s, const Column& c) {
    BoundStep b;
    b.step = &s;
    b.column = &c;
    if (c.type() != DType::string) return b;
    // Numbers that arrive as text: parse each dictionary entry once, and fail on
    // the first row that uses one that is not a number.
    const auto& dict = c.dictionary();
    b.parsed.resize(dict.size());
    std::vector<std::uint8_t> ok(dict.size());
    for (std::size_t k = 0; k < dict.size(); ++k) ok[k] = parse_number(dict[k], b.parsed[k]);
    const auto& codes = c.codes();
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] < 0 || ok[static_cast<std::size_t>(codes[i])]) continue;
        Location where;
        where.row = static_cast<std::int64_t>(i) + 1;
        where.column = c.name();
        throw Error(ErrorKind::data, "feature_type_mismatch",
                    "expected a number, found '" + dict[static_cast<std::size_t>(codes[i])] +
                        "' (the feature was numeric when fitted)",
                    where);
    }
    return b;
}

BoundStep bind_encoded(const Step& s, const Column& c) {
    BoundStep b;
    b.step = &s;
    b.column = &c;
    // Category -> slot: index in `categories`, or -1 for one not kept.
    std::unordered_map<std::string_view, std::int64_t> slot_of;
    for (std::size_t k = 0; k < s.categories.size(); ++k) slot_of.emplace(s.categories[k], static_cast<std::int64_t>(k));
    auto lookup = [&](std::string_view v) -> std::int64_t {
        auto it = slot_of.find(v);
        return it == slot_of.end() ? -1 : it->second;
    };
    b.fill_slot = lookup(s.fill_category);
    if (c.type() == DType::string) {
        const auto& dict = c.dictionary();
        b.by_code.resize(dict.size());
        for (std::size_t k = 0; k < dict.size(); ++k) b.by_code[k] = lookup(dict[k]);
    } else {
        // A categorical feature that arrives as numbers or bools matches by text.
        b.by_row.resize(c.size());
        for (std::size_t r = 0; r < c.size(); ++r) b.by_row[r] = c.is_null(r) ? b.fill_slot : lookup(c.to_text(r));
    }
    return b;
}

// The value of a numeric step's column at row r (NaN = missing).
double numeric_at(const BoundStep& b, std::size_t r) {
    const Column& c = *b.column;
    if (c.is_null(r)) return std::numeric_limits<double>::quiet_NaN();
    switch (c.type()) {
        case DType::float64: return c.floats()[r];
        case DType::int64: return static_cast<double>(c.ints()[r]);
        case DType::boolean: return c.bools()[r];
        case DType::string: return b.parsed[static_cast<std::size_t>(c.codes()[r])];
    }
    return std::numeric_limits<double>::quiet_NaN();
}

std::int64_t slot_at(const BoundStep& b, std::size_t r) {
    if (!b.by_row.empty()) return b.by_row[r];
    std::int32_t code = b.column->codes()[r];
    return code < 0 ? b.fill_slot : b.by_code[static_cast<std::size_t>(code)];
}

// Rows [begin, end) of the output, step by step. Blocks of rows keep the part of
// the matrix being written in cache however many columns it has.
void fill_rows(const std::vector<BoundStep>& bound, Matrix& m, std::size_t begin, std::size_t end) {
    constexpr std::size_t block = 1024;
    for (std::size_t lo = begin; lo < end; lo += block) {
        const std::size_t hi = std::min(end, lo + block);
        for (const BoundStep& b : bound) {
            const Step& s = *b.step;
            float* out = m.data.data() + b.out_col;
            switch (s.kind) {
                case Step::Kind::numeric:
                case Step::Kind::boolean:
                    for (std::size_t r = lo; r < hi; ++r) {
                        double x = numeric_at(b, r);
                        if (std::isnan(x)) x = s.fill;
                        out[r * m.cols] = static_cast<float>((x - s.offset) / s.divisor);
                    }
                    break;
                case Step::Kind::ordinal:
                    for (std::size_t r = lo; r < hi; ++r) out[r * m.cols] = static_cast<float>(slot_at(b, r));
                    break;
                case Step::Kind::onehot: {
                    const auto other = static_cast<std::int64_t>(s.categories.size());
                    for (std::size_t r = lo; r < hi; ++r) {
                        std::int64_t k = slot_at(b, r);
                        out[r * m.cols + static_cast<std::size_t>(k < 0 ? other : k)] = 1.0f;
                    }
                    break;
                }
            }
        }
    }
}

}  // namespace

const std::vector<std::string>& Preprocessor::numeric_imputations() {
    static const std::vector<std::string> v = {"mean", "median", "most_frequent", "constant"};
    return v;
}
const std::vector<std::string>& Preprocessor::categorical_imputations() {
    static const std::vector<std::string> v = {"most_frequent", "constant"};
    return v;
}
const std::vector<std::string>& Preprocessor::encodings() {
    static const std::vector<std::string> v = {"onehot", "ordinal"};
    return v;
}
const std::vector<std::string>& Preprocessor::scalings() {
    static const std::vector<std::string> v = {"none", "standard", "minmax"};
    return v;
}

Preprocessor Preprocessor::fit(const lang::PreprocessSpec& spec, const std::vector<std::string>& features,
                               const Frame& train) {
    Preprocessor p;
    validate(spec);
    p.spec_ = spec;
    if (features.empty())
        throw Error(ErrorKind::validation, "invalid_preprocessing", "there are no feature columns to preprocess");
    for (std::size_t i = 0; i < features.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (features[i] == features[j])
                throw Error(ErrorKind::validation, "invalid_preprocessing",
                            "feature '" + features[i] + "' is listed more than once");
    for (const auto& f : features) {
        if (train.find(f)) continue;
        std::string msg = "feature column '" + f + "' is missing from the training data";
        msg += did_you_mean(f, train.names());
        throw Error(ErrorKind::not_found, "missing_feature", msg, {}, "the columns are: " + join(train.names()));
    }
    if (train.rows() == 0)
        throw Error(ErrorKind::data, "empty_training_set", "cannot fit preprocessing on a training part with no rows");

    for (const auto& f : features) {
        const Column& c = *train.find(f);
        if (c.type() == DType::string)
            p.steps_.push_back(fit_categorical(c, p.spec_, p.warnings_));
        else
            p.steps_.push_back(fit_numeric(c, p.spec_, p.warnings_));
    }
    p.finish();
    return p;
}

void Preprocessor::finish() {
    inputs_.clear();
    outputs_.clear();
    for (const auto& s : steps_) {
        inputs_.push_back(s.column);
        if (s.kind == Step::Kind::onehot) {
            for (const auto& cat : s.categories) outputs_.push_back(s.column + "=" + cat);
            outputs_.push_back(s.column + "=" + other_category);
        } else {
            outputs_.push_back(s.column);
        }
    }
}

Matrix Preprocessor::transform(const Frame& frame, unsigned threads) const {
    std::vector<const Column*> cols;
    std::vector<std::string> missing;
    const auto& columns = frame.columns();
    for (std::size_t si = 0; si < steps_.size(); ++si) {
        const Step& s = steps_[si];
        // Frames usually hold the columns in the fitted order: looked up by position first.
        const Column* c = si < columns.size() && columns[si].name() == s.column ? &columns[si] : frame.find(s.column);
        if (!c) missing.push_back(s.column);
        cols.push_back(c);
    }
    if (!missing.empty()) {
        std::string msg;
        if (missing.size() == 1) {
            msg = "feature column '" + missing.front() + "' is missing from the data";
            msg += did_you_mean(missing.front(), frame.names());
        } else {
            msg = "feature columns ";
            for (std::size_t i = 0; i < missing.size(); ++i) {
                if (i) msg += i + 1 == missing.size() ? " and " : ", ";
                msg += "'" + missing[i] + "'";
            }
            msg += " are missing from the data";
        }
        throw Error(ErrorKind::not_found, "missing_feature", msg, {}, "the model was fitted on: " + join(inputs_));
    }

    Matrix m;
    m.rows = frame.rows();
    m.cols = outputs_.size();
    m.names = outputs_;
    std::vector<BoundStep> bound;
    std::size_t out_col = 0;
    for (std::size_t si = 0; si < steps_.size(); ++si) {
        const Step& s = steps_[si];
        const bool encoded = s.kind == Step::Kind::onehot || s.kind == Step::Kind::ordinal;
        bound.push_back(encoded ? bind_encoded(s, *cols[si]) : bind_numeric(s, *cols[si]));
        bound.back().out_col = out_col;
        out_col += s.kind == Step::Kind::onehot ? s.categories.size() + 1 : 1;
    }
    m.data.assign(m.rows * m.cols, 0.0f);

    // Rows are independent: a large frame is filled by several threads, a
    // block of rows each. Every check happened while binding, so they cannot fail.
    const unsigned n = m.rows * m.cols >= (std::size_t{1} << 20) ? threads_for(threads, m.rows) : 1;
    if (n > 1) {
        std::vector<std::thread> helpers;
        const std::size_t block = (m.rows + n - 1) / n;
        for (unsigned t = 1; t < n; ++t)
            helpers.emplace_back([&, t] { fill_rows(bound, m, t * block, std::min(m.rows, (t + 1) * block)); });
        fill_rows(bound, m, 0, std::min(m.rows, block));
        for (auto& h : helpers) h.join();
    } else {
        fill_rows(bound, m, 0, m.rows);
    }
    return m;
}

nlohmann::ordered_json Preprocessor::to_json() const {
    Json settings = {{"impute_numeric", spec_.impute_numeric},
                     {"impute_categorical", spec_.impute_categorical},
                     {"fill_value", spec_.fill_value},
                     {"encode", spec_.encode},
                     {"max_categories", spec_.max_categories},
                     {"scale", spec_.scale}};
    Json steps = Json::array();
    for (const auto& s : steps_) {
        Json j = {{"column", s.column}, {"kind", std::string(kind_name(s.kind))}};
        if (s.kind == Step::Kind::numeric || s.kind == Step::Kind::boolean) {
            j["fill"] = number_json(s.fill);
            if (s.kind == Step::Kind::numeric) {
                j["offset"] = number_json(s.offset);
                j["divisor"] = number_json(s.divisor);
            }
        } else {
            j["fill"] = s.fill_category;
            j["categories"] = s.categories;
        }
        steps.push_back(std::move(j));
    }
    Json warnings = Json::array();
    for (const auto& w : warnings_) warnings.push_back({{"column", w.column}, {"kind", w.kind}, {"message", w.message}});
    return Json{{"format", "hone.preprocessor"},
                {"version", state_version},
                {"settings", std::move(settings)},
                {"steps", std::move(steps)},
                {"features", outputs_},
                {"warnings", std::move(warnings)}};
}

Preprocessor Preprocessor::from_json(const nlohmann::ordered_json& j) {
    auto bad = [](const std::string& what) {
        return Error(ErrorKind::data, "invalid_preprocessor", "invalid preprocessor state: " + what);
    };
    try {
        if (!j.is_object()) throw bad("expected a JSON object");
        if (j.value("format", std::string()) != "hone.preprocessor")
            throw bad("'format' must be \"hone.preprocessor\"");
        int version = j.at("version").get<int>();
        if (version != state_version)
            throw bad("version " + std::to_string(version) + " is not supported (this build reads version " +
                      std::to_string(state_version) + ")");

        Preprocessor p;
        const Json& st = j.at("settings");
        p.spec_.impute_numeric = st.at("impute_numeric").get<std::string>();
        p.spec_.impute_categorical = st.at("impute_categorical").get<std::string>();
        p.spec_.fill_value = st.value("fill_value", Json());
        p.spec_.encode = st.at("encode").get<std::string>();
        p.spec_.max_categories = st.at("max_categories").get<int>();
        p.spec_.scale = st.at("scale").get<std::string>();
        validate(p.spec_);

        for (const Json& js : j.at("steps")) {
            Step s;
            s.column = js.at("column").get<std::string>();
            std::string kind = js.at("kind").get<std::string>();
            if (kind == "numeric" || kind == "boolean") {
                s.kind = kind == "numeric" ? Step::Kind::numeric : Step::Kind::boolean;
                s.fill = number_from_json(js.at("fill"), "fill");
                if (s.kind == Step::Kind::numeric) {
                    s.offset = number_from_json(js.at("offset"), "offset");
                    s.divisor = number_from_json(js.at("divisor"), "divisor");
                    if (!(s.divisor > 0) || !std::isfinite(s.divisor))
                        throw bad("the divisor of '" + s.column + "' must be a positive number");
                }
            } else if (kind == "onehot" || kind == "ordinal") {
                s.kind = kind == "onehot" ? Step::Kind::onehot : Step::Kind::ordinal;
                s.fill_category = js.at("fill").get<std::string>();
                s.categories = js.at("categories").get<std::vector<std::string>>();
                if (std::adjacent_find(s.categories.begin(), s.categories.end(),
                                       [](const auto& a, const auto& b) { return !(a < b); }) != s.categories.end())
                    throw bad("the categories of '" + s.column + "' must be distinct and in byte order");
            } else {
                throw bad("step kind '" + kind + "' is not numeric, boolean, onehot or ordinal");
            }
            p.steps_.push_back(std::move(s));
        }
        if (p.steps_.empty()) throw bad("there are no steps");
        if (j.contains("warnings"))
            for (const Json& w : j.at("warnings"))
                p.warnings_.push_back({w.at("column").get<std::string>(), w.at("kind").get<std::string>(),
                                       w.at("message").get<std::string>()});
        p.finish();
        if (j.contains("features") && j.at("features").get<std::vector<std::string>>() != p.outputs_)
            throw bad("'features' does not match the steps");
        return p;
    } catch (const nlohmann::json::exception& e) {
        throw bad(e.what());
    } catch (const Error& e) {
        if (e.code() == "invalid_preprocessor") throw;
        throw bad(e.message());
    }
}

}  // namespace hone::data
