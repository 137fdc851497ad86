#include "data/processing_steps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/interactions.hpp"
#include "data/split.hpp"

namespace hone::data::steps {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kOther = "__other__";  // the one-hot column of unseen categories, as preprocessing names it

bool parse_number(const std::string& text, double& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

const Column& input(const Step& s, const Frame& frame, std::size_t i) {
    const Column* c = frame.find(s.inputs[i]);
    if (!c)
        throw Error(ErrorKind::not_found, "missing_feature",
                    "column '" + s.inputs[i] + "' is missing from the data" + did_you_mean(s.inputs[i], frame.names()),
                    {}, Processing::describe(s) + " reads it");
    return *c;
}

// The column as numbers, NaN for null; numbers written as text are read.
std::vector<double> numbers_of(const Step& s, const Column& c) {
    std::vector<double> out(c.size(), kNaN);
    if (c.type() != DType::string) {
        for (std::size_t r = 0; r < c.size(); ++r) out[r] = c.as_double(r);
        return out;
    }
    for (std::size_t r = 0; r < c.size(); ++r) {
        if (c.is_null(r)) continue;
        std::string text(c.string_at(r));
        if (!parse_number(text, out[r])) {
            Location where;
            where.row = static_cast<std::int64_t>(r) + 1;
            where.column = c.name();
            throw Error(ErrorKind::data, "feature_type_mismatch",
                        Processing::describe(s) + " expected a number, found '" + text + "'", where);
        }
    }
    return out;
}

// Sorted values without NaN.
std::vector<double> sorted_values(const std::vector<double>& v) {
    std::vector<double> out;
    for (double x : v)
        if (!std::isnan(x)) out.push_back(x);
    std::sort(out.begin(), out.end());
    return out;
}

// numpy's default (linear) quantile of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return kNaN;
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

Column float_column(const std::string& name, const std::vector<double>& values) {
    Column c(name, DType::float64);
    c.reserve(values.size());
    for (double v : values) std::isnan(v) ? c.push_null() : c.push_float(v);
    return c;
}

std::vector<std::string> distinct_texts(const Column& c) {
    std::vector<std::string> out;
    if (c.type() == DType::string) {
        std::vector<std::uint8_t> used(c.dictionary().size(), 0);
        for (auto code : c.codes())
            if (code >= 0) used[static_cast<std::size_t>(code)] = 1;
        for (std::size_t k = 0; k < used.size(); ++k)
            if (used[k]) out.push_back(c.dictionary()[k]);
    } else {
        for (std::size_t r = 0; r < c.size(); ++r)
            if (!c.is_null(r)) out.push_back(c.to_text(r));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// Each row's index in `categories` (byte order), -1 for unseen, -2 for null.
std::vector<std::int64_t> category_slots(const Column& c, const std::vector<std::string>& categories) {
    auto slot = [&](const std::string& text) -> std::int64_t {
        auto it = std::lower_bound(categories.begin(), categories.end(), text);
        return it != categories.end() && *it == text ? it - categories.begin() : -1;
    };
    std::vector<std::int64_t> out(c.size(), -2);
    if (c.type() == DType::string) {
        std::vector<std::int64_t> by_code;
        for (const auto& d : c.dictionary()) by_code.push_back(slot(d));
        for (std::size_t r = 0; r < c.size(); ++r)
            if (c.codes()[r] >= 0) out[r] = by_code[static_cast<std::size_t>(c.codes()[r])];
        return out;
    }
    for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_null(r)) out[r] = slot(c.to_text(r));
    return out;
}

// Days since 1970-01-01 to year, month, day (Howard Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

double date_part(double seconds, const std::string& part) {
    const auto days = static_cast<std::int64_t>(std::floor(seconds / 86400.0));
    if (part == "hour") return std::floor((seconds - static_cast<double>(days) * 86400.0) / 3600.0);
    if (part == "weekday") return static_cast<double>(((days + 3) % 7 + 7) % 7);  // Monday 0, as pandas
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    if (part == "year") return static_cast<double>(y);
    return part == "month" ? m : d;
}

// Seconds since the epoch of each row: ISO 8601 text, or numbers as seconds.
std::vector<double> timestamps(const Step& s, const Column& c, bool fitting) {
    std::vector<double> out(c.size(), kNaN);
    for (std::size_t r = 0; r < c.size(); ++r) {
        if (c.is_null(r)) continue;
        if (c.type() != DType::string) {
            out[r] = c.as_double(r);
            continue;
        }
        std::string text(c.string_at(r));
        if (auto t = iso8601_seconds(text)) out[r] = *t;
        else if (fitting) value_error(s, c.name(), r, "expected an ISO 8601 date or time, found '" + text + "'");
    }
    return out;
}

double code_points(std::string_view text) {
    double n = 0;
    for (unsigned char ch : text)
        if ((ch & 0xC0) != 0x80) ++n;
    return n;
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return h;
}

std::vector<Column> numeric_outputs(const Step& s, const Frame& frame, bool fitting) {
    const std::vector<double> x = numbers_of(s, input(s, frame, 0));
    std::vector<double> y(x.size(), kNaN);
    for (std::size_t r = 0; r < x.size(); ++r) {
        const double v = x[r];
        if (std::isnan(v)) continue;
        if (s.op == "log") {
            if (v <= -1 && fitting) value_error(s, s.inputs[0], r, "log1p needs values above -1, found " + format_double(v));
            y[r] = v <= -1 ? kNaN : std::log1p(v);
        } else if (s.op == "clip") {
            y[r] = std::min(std::max(v, s.numbers[0]), s.numbers[1]);
        } else if (s.op == "bin") {
            y[r] = static_cast<double>(std::upper_bound(s.numbers.begin(), s.numbers.end(), v) - s.numbers.begin());
        } else {  // normalize
            y[r] = (v - s.numbers[0]) / s.numbers[1];
        }
    }
    return {float_column(s.outputs[0], y)};
}

std::vector<Column> product_outputs(const Step& s, const Frame& frame) {
    std::vector<std::vector<double>> x;
    for (std::size_t i = 0; i < s.inputs.size(); ++i) x.push_back(numbers_of(s, input(s, frame, i)));
    std::vector<Column> out;
    const std::size_t rows = frame.rows();
    for (std::size_t t = 0; t < s.terms.size(); ++t) {
        std::vector<double> y(rows, 1.0);
        for (std::size_t r = 0; r < rows; ++r)
            for (int factor : s.terms[t]) y[r] *= x[static_cast<std::size_t>(factor)][r];  // NaN stays NaN
        out.push_back(float_column(s.outputs[t], y));
    }
    return out;
}

std::vector<Column> date_outputs(const Step& s, const Frame& frame, bool fitting) {
    const std::vector<double> t = timestamps(s, input(s, frame, 0), fitting);
    std::vector<Column> out;
    for (std::size_t p = 0; p < s.parts.size(); ++p) {
        std::vector<double> y(t.size(), kNaN);
        for (std::size_t r = 0; r < t.size(); ++r)
            if (std::isfinite(t[r])) y[r] = date_part(t[r], s.parts[p]);
        out.push_back(float_column(s.outputs[p], y));
    }
    return out;
}

std::vector<Column> text_length_outputs(const Step& s, const Frame& frame) {
    const Column& c = input(s, frame, 0);
    std::vector<double> y(c.size(), kNaN);
    for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_null(r)) y[r] = c.type() == DType::string ? code_points(c.string_at(r)) : code_points(c.to_text(r));
    return {float_column(s.outputs[0], y)};
}

std::vector<Column> categorical_outputs(const Step& s, const Frame& frame) {
    const Column& c = input(s, frame, 0);
    const std::vector<std::int64_t> slot = category_slots(c, s.categories);
    const std::size_t rows = c.size(), k = s.outputs.size();
    std::vector<std::vector<double>> y(k, std::vector<double>(rows, 0.0));
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int64_t at = slot[r];
        if (s.op == "ordinal") {
            y[0][r] = at == -2 ? kNaN : static_cast<double>(at);
        } else if (s.op == "onehot") {
            if (at != -2) y[at == -1 ? k - 1 : static_cast<std::size_t>(at)][r] = 1.0;  // null: no category
        } else if (s.op == "hashing") {
            if (at != -2) y[fnv1a(c.to_text(r)) % k][r] = 1.0;
        } else {  // target: the category's means, the prior for an unseen or null one
            const std::size_t base = at < 0 ? 0 : k * (static_cast<std::size_t>(at) + 1);
            for (std::size_t j = 0; j < k; ++j) y[j][r] = s.numbers[base + j];
        }
    }
    std::vector<Column> out;
    for (std::size_t j = 0; j < k; ++j) out.push_back(float_column(s.outputs[j], y[j]));
    return out;
}

Step base_step(const std::string& op, std::vector<std::string> inputs, const Frame& frame, int line, int col,
               const std::string& what) {
    Step s;
    s.op = op;
    s.inputs = std::move(inputs);
    s.line = line;
    s.col = col;
    for (const auto& name : s.inputs)
        if (!frame.find(name)) {
            Location where;
            where.line = line;
            where.col = col;
            throw Error(ErrorKind::not_found, "missing_column",
                        what + " names column '" + name + "', which the dataset does not have" +
                            did_you_mean(name, frame.names()),
                        where, "the columns are: " + join(frame.names()));
        }
    return s;
}

// Polynomial products of total degree 2 to `degree`, in scikit-learn's order.
void add_terms(Step& s, int degree) {
    const int k = static_cast<int>(s.inputs.size());
    for (int d = 2; d <= degree; ++d) {
        std::vector<int> idx(static_cast<std::size_t>(d), 0);
        while (true) {
            s.terms.push_back(idx);
            std::string name;
            for (std::size_t i = 0; i < idx.size();) {
                std::size_t j = i;
                while (j < idx.size() && idx[j] == idx[i]) ++j;
                if (!name.empty()) name += "*";
                name += s.inputs[static_cast<std::size_t>(idx[i])];
                if (j - i > 1) name += "^" + std::to_string(j - i);
                i = j;
            }
            s.outputs.push_back(name);
            int pos = d - 1;  // next combination with replacement
            while (pos >= 0 && idx[static_cast<std::size_t>(pos)] == k - 1) --pos;
            if (pos < 0) break;
            const int next = idx[static_cast<std::size_t>(pos)] + 1;
            for (int q = pos; q < d; ++q) idx[static_cast<std::size_t>(q)] = next;
        }
    }
}

// Inner bin edges of the training values; values at or past an edge go up a bin.
std::vector<double> bin_edges(const Step& s, const std::vector<double>& sorted, int n_bins, const std::string& strategy) {
    if (sorted.empty()) value_error(s, s.inputs[0], 0, "has no value in the training rows to fit bins on");
    std::vector<double> inner;
    const double lo = sorted.front(), hi = sorted.back();
    for (int b = 1; b < n_bins; ++b) {
        const double q = static_cast<double>(b) / n_bins;
        const double edge = strategy == "uniform" ? lo + (hi - lo) * q : quantile(sorted, q);
        if (inner.empty() || edge > inner.back()) inner.push_back(edge);  // equal edges would make empty bins
    }
    return inner;
}

}  // namespace

void value_error(const Step& step, const std::string& column, std::size_t row, const std::string& what) {
    Location where;
    where.row = static_cast<std::int64_t>(row) + 1;
    where.column = column;
    throw Error(ErrorKind::data, "invalid_processing", Processing::describe(step) + ": " + what, where);
}

Step fit_transformation(const lang::TransformStep& spec, const Frame& frame) {
    Step s = base_step(spec.op, spec.columns, frame, spec.line, spec.col, "transformation " + spec.op);
    const std::string& first = s.inputs.front();
    if (spec.op == "polynomial") {
        add_terms(s, spec.degree);
    } else if (spec.op == "interaction") {
        s.terms = {{0, 1}};
        s.outputs = {spec.output.empty() ? s.inputs[0] + "*" + s.inputs[1] : spec.output};
    } else if (spec.op == "date_parts") {
        s.parts = spec.parts;
        for (const auto& p : spec.parts) s.outputs.push_back(first + "_" + p);
        s.drop_inputs = true;
    } else {
        s.outputs = {spec.output.empty() ? first : spec.output};
    }
    if (spec.op == "clip" || spec.op == "bin") {
        const std::vector<double> sorted = sorted_values(numbers_of(s, frame.at(first)));
        if (spec.op == "bin") {
            s.numbers = bin_edges(s, sorted, spec.n_bins, spec.strategy);
        } else {
            const double lo = spec.min ? *spec.min : spec.min_quantile ? quantile(sorted, *spec.min_quantile) : -kInf;
            const double hi = spec.max ? *spec.max : spec.max_quantile ? quantile(sorted, *spec.max_quantile) : kInf;
            s.numbers = {std::isnan(lo) ? -kInf : lo, std::isnan(hi) ? kInf : hi};
        }
    }
    return s;
}

Step fit_normalization(const std::string& column, const std::string& method, const Frame& frame) {
    Step s = base_step("normalize", {column}, frame, 0, 0, "normalization " + method);
    s.method = method;
    s.outputs = {column};
    const std::vector<double> v = sorted_values(numbers_of(s, frame.at(column)));
    double offset = 0, divisor = 1;
    if (!v.empty()) {
        if (method == "standard") {
            double sum = 0;
            for (double x : v) sum += x;
            offset = sum / static_cast<double>(v.size());
            double m2 = 0;
            for (double x : v) m2 += (x - offset) * (x - offset);
            divisor = std::sqrt(m2 / static_cast<double>(v.size()));  // population, as StandardScaler
        } else if (method == "minmax") {
            offset = v.front();
            divisor = v.back() - v.front();
        } else {  // robust, as RobustScaler: median and interquartile range
            offset = quantile(v, 0.5);
            divisor = quantile(v, 0.75) - quantile(v, 0.25);
        }
    }
    if (!(divisor > 0) || !std::isfinite(divisor)) divisor = 1;  // a constant column is centred, never divided by 0
    s.numbers = {offset, divisor};
    return s;
}

Step fit_categorical(const lang::EncodingStep& spec, const Frame& frame) {
    Step s = base_step(spec.method, {spec.column}, frame, spec.line, spec.col, "encoding " + spec.method);
    const Column& c = frame.at(spec.column);
    if (spec.method == "hashing") {
        for (int i = 0; i < spec.n_features; ++i) s.outputs.push_back(spec.column + "#" + std::to_string(i));
        s.drop_inputs = true;
        return s;
    }
    s.categories = distinct_texts(c);
    if (spec.method == "ordinal") {
        s.outputs = {spec.column};
        return s;
    }
    for (const auto& cat : s.categories) s.outputs.push_back(spec.column + "=" + cat);
    s.outputs.push_back(spec.column + "=" + kOther);
    s.drop_inputs = true;
    return s;
}

namespace {

// Smoothed means of the target's columns per category over `rows`: the prior
// (their mean over those rows) first, then each category's.
std::vector<double> target_means(const std::vector<std::int64_t>& slot, const std::vector<std::vector<double>>& target,
                                 const std::vector<std::size_t>& rows, std::size_t categories, double smoothing) {
    const std::size_t k = target.size();
    std::vector<double> sums((categories + 1) * k, 0.0), counts(categories + 1, 0.0);
    for (std::size_t r : rows) {
        const std::size_t at = slot[r] < 0 ? categories : static_cast<std::size_t>(slot[r]);
        counts[at] += 1;
        for (std::size_t j = 0; j < k; ++j) sums[at * k + j] += target[j][r];
    }
    std::vector<double> out((categories + 1) * k, 0.0);
    for (std::size_t j = 0; j < k; ++j) {
        double total = 0;
        for (std::size_t cat = 0; cat <= categories; ++cat) total += sums[cat * k + j];
        out[j] = rows.empty() ? 0.0 : total / static_cast<double>(rows.size());
    }
    for (std::size_t cat = 0; cat < categories; ++cat)
        for (std::size_t j = 0; j < k; ++j) {
            const double n = counts[cat] + smoothing;
            out[(cat + 1) * k + j] = n > 0 ? (sums[cat * k + j] + smoothing * out[j]) / n : out[j];
        }
    return out;
}

}  // namespace

Step fit_target(const lang::EncodingStep& spec, const Frame& frame, const ProcessingContext& context,
                std::vector<Column>& out_of_fold) {
    Step s = base_step("target", {spec.column}, frame, spec.line, spec.col, "encoding target");
    if (!context.y || context.y->size() != frame.rows())
        throw Error(ErrorKind::validation, "invalid_processing",
                    Processing::describe(s) + " needs a target: only classifiers and regressors take it");
    const Column& c = frame.at(spec.column);
    s.categories = distinct_texts(c);
    const std::vector<float>& y = *context.y;
    const std::size_t k = context.classes.size() > 2 ? context.classes.size() : 1;
    std::vector<std::vector<double>> target(k, std::vector<double>(y.size(), 0.0));
    for (std::size_t r = 0; r < y.size(); ++r) {
        if (k == 1) target[0][r] = y[r];  // a value, or the second class's indicator (0 or 1)
        else target[static_cast<std::size_t>(y[r])][r] = 1.0;
    }
    if (k == 1) s.outputs = {spec.column};
    else {
        for (const auto& cls : context.classes) s.outputs.push_back(spec.column + ":" + cls);
        s.drop_inputs = true;
    }
    const std::vector<std::int64_t> slot = category_slots(c, s.categories);
    std::vector<std::size_t> all(y.size());
    for (std::size_t r = 0; r < all.size(); ++r) all[r] = r;
    s.numbers = target_means(slot, target, all, s.categories.size(), spec.smoothing);

    // The training rows: each fold's rows get the means of the other folds.
    std::vector<std::vector<double>> encoded(k, std::vector<double>(y.size(), 0.0));
    const std::size_t folds = std::min<std::size_t>(static_cast<std::size_t>(spec.folds), y.size());
    std::vector<Fold> parts = folds >= 2 ? kfold(y.size(), folds, context.seed) : std::vector<Fold>{{all, all}};
    for (const Fold& fold : parts) {
        const std::vector<double> means = target_means(slot, target, fold.train, s.categories.size(), spec.smoothing);
        std::vector<std::uint8_t> seen(s.categories.size(), 0);
        for (std::size_t t : fold.train)
            if (slot[t] >= 0) seen[static_cast<std::size_t>(slot[t])] = 1;
        for (std::size_t r : fold.test) {
            // A category the other folds lack gets their prior, as an unseen one would.
            const auto at = slot[r];
            const std::size_t base = at >= 0 && seen[static_cast<std::size_t>(at)] ? k * (static_cast<std::size_t>(at) + 1) : 0;
            for (std::size_t j = 0; j < k; ++j) encoded[j][r] = means[base + j];
        }
    }
    out_of_fold.clear();
    for (std::size_t j = 0; j < k; ++j) out_of_fold.push_back(float_column(s.outputs[j], encoded[j]));
    return s;
}

std::vector<Column> apply(const Step& s, const Frame& frame, bool fitting) {
    if (s.op == "log" || s.op == "clip" || s.op == "bin" || s.op == "normalize")
        return numeric_outputs(s, frame, fitting);
    if (s.op == "polynomial" || s.op == "interaction") return product_outputs(s, frame);
    if (s.op == "date_parts") return date_outputs(s, frame, fitting);
    if (s.op == "text_length") return text_length_outputs(s, frame);
    return categorical_outputs(s, frame);
}

void put(const Step& step, std::vector<Column> columns, Frame& frame) {
    for (auto& c : columns) {
        if (Column* existing = frame.find_mut(c.name())) *existing = std::move(c);
        else frame.add(std::move(c));
    }
    if (!step.drop_inputs) return;
    auto& cols = frame.columns_mut();
    cols.erase(std::remove_if(cols.begin(), cols.end(),
                              [&](const Column& c) {
                                  const auto& in = step.inputs;
                                  const auto& out = step.outputs;
                                  return std::find(in.begin(), in.end(), c.name()) != in.end() &&
                                         std::find(out.begin(), out.end(), c.name()) == out.end();
                              }),
               cols.end());
}

}  // namespace hone::data::steps
