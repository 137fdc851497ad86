#include "data/processing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/processing_steps.hpp"
#include "data/split.hpp"

namespace hone::data {

namespace {

using Json = nlohmann::ordered_json;
using Step = Processing::Step;
constexpr int kStateVersion = 1;

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// ---- filter ----

std::string json_text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) return format_double(v.get<double>());
    return v.dump();
}

bool compare(double a, const std::string& op, double b) {
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "==") return a == b;
    return a != b;
}

// One cell against one condition; a null cell passes only `null`.
bool keeps(const Column& c, std::size_t r, const lang::RowFilter& f) {
    const bool null = c.is_null(r) || (c.type() == DType::float64 && std::isnan(c.floats()[r]));
    if (f.op == "null") return null;
    if (f.op == "not null") return !null;
    if (null) return false;
    const bool numeric_cell = c.type() != DType::string;
    if (f.op == "in" || f.op == "not in") {
        bool found = false;
        for (const auto& v : f.values)
            found = found || (numeric_cell && v.is_number() ? c.as_double(r) == v.get<double>()
                                                            : c.to_text(r) == json_text(v));
        return f.op == "in" ? found : !found;
    }
    const Json& v = f.values.front();
    if (v.is_number()) {
        double x = 0;
        if (numeric_cell) {
            x = c.as_double(r);
        } else {
            const std::string text = c.to_text(r);
            char* end = nullptr;
            x = std::strtod(text.c_str(), &end);
            if (text.empty() || end != text.c_str() + text.size()) return f.op == "!=";
        }
        return compare(x, f.op, v.get<double>());
    }
    const bool equal = c.to_text(r) == json_text(v);
    return f.op == "==" ? equal : f.op == "!=" ? !equal : false;
}

// ---- fitting ----

void refuse_target(const Step& s, const std::string& target) {
    if (target.empty() || !contains(s.inputs, target)) return;
    Location where;
    where.line = s.line;
    where.col = s.col;
    throw Error(ErrorKind::validation, "invalid_processing",
                Processing::describe(s) + " reads the target column '" + target +
                    "'; the target is left as loaded (and a feature made from it would leak the answer)",
                where);
}

bool is_number_column(const Column& c) { return c.type() == DType::float64 || c.type() == DType::int64; }

// `normalization:` as per-column steps: the columns named, then, for a method
// given for every column, each numeric column not named and not the target.
std::vector<std::pair<std::string, std::string>> normalization_plan(const std::vector<lang::NormalizationStep>& spec,
                                                                    const Frame& frame, const std::string& target) {
    std::vector<std::string> named;
    for (const auto& n : spec)
        if (!n.column.empty()) named.push_back(n.column);
    std::vector<std::pair<std::string, std::string>> plan;
    for (const auto& n : spec) {
        if (!n.column.empty()) {
            plan.emplace_back(n.column, n.method);
            continue;
        }
        for (const auto& c : frame.columns())
            if (is_number_column(c) && c.name() != target && !contains(named, c.name()))
                plan.emplace_back(c.name(), n.method);
    }
    return plan;
}

// ---- state ----

Json number_json(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

double number_from(const Json& j) {
    if (j.is_number()) return j.get<double>();
    const auto s = j.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    throw Error(ErrorKind::data, "invalid_processing_state", "invalid processing state: '" + s + "' is not a number");
}

const std::vector<std::string>& step_ops() {
    static const std::vector<std::string> v = {"log",       "clip",      "bin",    "polynomial", "interaction",
                                               "date_parts", "text_length", "normalize", "onehot", "ordinal",
                                               "target",     "hashing"};
    return v;
}

// The numbers each op needs, so a damaged state is refused at load, not used.
bool numbers_fit(const Step& s) {
    if (s.op == "clip" || s.op == "normalize") return s.numbers.size() == 2 && (s.op == "clip" || s.numbers[1] > 0);
    if (s.op == "bin") return std::is_sorted(s.numbers.begin(), s.numbers.end());
    if (s.op == "target") return s.numbers.size() == (s.categories.size() + 1) * s.outputs.size();
    return true;
}

bool shape_fits(const Step& s) {
    if (s.inputs.empty() || s.outputs.empty()) return false;
    if (s.op == "polynomial" || s.op == "interaction") {
        if (s.terms.size() != s.outputs.size()) return false;
        for (const auto& t : s.terms)
            for (int i : t)
                if (i < 0 || static_cast<std::size_t>(i) >= s.inputs.size()) return false;
    }
    if (s.op == "date_parts" && s.parts.size() != s.outputs.size()) return false;
    if (s.op == "onehot" && s.outputs.size() != s.categories.size() + 1) return false;
    return std::adjacent_find(s.categories.begin(), s.categories.end(),
                              [](const auto& a, const auto& b) { return !(a < b); }) == s.categories.end();
}

// ---- sampling ----

std::map<long, std::vector<std::size_t>> rows_by_class(const std::vector<float>& y) {
    std::map<long, std::vector<std::size_t>> out;
    for (std::size_t r = 0; r < y.size(); ++r) out[std::lround(y[r])].push_back(r);
    return out;
}

std::vector<std::size_t> shuffled_head(std::vector<std::size_t> rows, std::size_t keep, std::mt19937_64& rng) {
    shuffle_indices(rows, rng);
    rows.resize(std::min(keep, rows.size()));
    return rows;
}

std::size_t share_of(std::size_t n, double fraction) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))));
}

// A standard normal draw from the engine alone (Box-Muller), the same on every platform.
double standard_normal(std::mt19937_64& rng) {
    constexpr double scale = 1.0 / 9007199254740992.0;  // 2^-53
    const double u1 = 1.0 - static_cast<double>(rng() >> 11) * scale;  // in (0, 1]
    const double u2 = static_cast<double>(rng() >> 11) * scale;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

std::vector<std::size_t> filtered_rows(const std::vector<lang::RowFilter>& filters, const Frame& frame,
                                       const std::string& file) {
    std::vector<const Column*> columns;
    for (const auto& f : filters) {
        const Column* c = frame.find(f.column);
        if (!c) {
            Location where(file);
            where.line = f.line;
            where.col = f.col;
            throw Error(ErrorKind::not_found, "missing_column",
                        "filter '" + f.text + "' names column '" + f.column + "', which the dataset does not have" +
                            did_you_mean(f.column, frame.names()),
                        where, "the columns are: " + join(frame.names()));
        }
        columns.push_back(c);
    }
    std::vector<std::size_t> kept;
    for (std::size_t r = 0; r < frame.rows(); ++r) {
        bool keep = true;
        for (std::size_t i = 0; i < filters.size() && keep; ++i) keep = keeps(*columns[i], r, filters[i]);
        if (keep) kept.push_back(r);
    }
    return kept;
}

std::string Processing::describe(const Step& s) {
    std::string what = s.op == "normalize" ? "normalization " + s.method
                       : s.op == "onehot" || s.op == "ordinal" || s.op == "target" || s.op == "hashing"
                           ? "encoding " + s.op
                           : "transformation " + s.op;
    std::string columns;
    for (const auto& c : s.inputs) columns += (columns.empty() ? "'" : ", '") + c + "'";
    return what + " of " + columns;
}

Processing Processing::fit(const lang::ProcessingSpec& spec, const Frame& train, const ProcessingContext& context,
                           Frame* fitted_train) {
    Processing p;
    Frame frame = train;
    auto locate = [&](const Error& e) {
        if (e.where().line == 0) return e;
        Location where = e.where();
        where.file = context.file;
        return Error(e.kind(), e.code(), e.message(), where, e.hint());
    };
    try {
        for (const auto& t : spec.transformations) {
            Step s = steps::fit_transformation(t, frame);
            refuse_target(s, context.target);
            steps::put(s, steps::apply(s, frame, true), frame);
            p.steps_.push_back(std::move(s));
        }
        for (const auto& [column, method] : normalization_plan(spec.normalization, frame, context.target)) {
            Step s = steps::fit_normalization(column, method, frame);
            for (const auto& n : spec.normalization)
                if (n.column == column) {
                    s.line = n.line;
                    s.col = n.col;
                }
            refuse_target(s, context.target);
            steps::put(s, steps::apply(s, frame, true), frame);
            p.steps_.push_back(std::move(s));
        }
        for (const auto& e : spec.encoding) {
            if (e.method == "target") {
                std::vector<Column> out_of_fold;
                Step s = steps::fit_target(e, frame, context, out_of_fold);
                refuse_target(s, context.target);
                steps::put(s, std::move(out_of_fold), frame);
                p.steps_.push_back(std::move(s));
                continue;
            }
            Step s = steps::fit_categorical(e, frame);
            refuse_target(s, context.target);
            steps::put(s, steps::apply(s, frame, true), frame);
            p.steps_.push_back(std::move(s));
        }
    } catch (const Error& e) {
        throw locate(e);
    }
    p.keep_steps_for(context.features);
    if (fitted_train) *fitted_train = std::move(frame);
    return p;
}

void Processing::keep_steps_for(const std::vector<std::string>& before) {
    // Forward: a step whose columns are all features adds what it makes to them
    // (and takes away the columns it replaces).
    std::vector<std::string> current = before;
    for (const Step& s : steps_) {
        bool reads_features = true;
        for (const auto& in : s.inputs) reads_features = reads_features && contains(current, in);
        if (!reads_features) continue;
        for (const auto& out : s.outputs)
            if (!contains(current, out)) current.push_back(out);
        if (s.drop_inputs)
            current.erase(std::remove_if(current.begin(), current.end(),
                                         [&](const std::string& c) { return contains(s.inputs, c) && !contains(s.outputs, c); }),
                          current.end());
    }
    features_ = current;
    // Backward: only the steps the features need are kept, and the columns
    // they read as loaded are what prediction rows must hold.
    std::set<std::string> needed(features_.begin(), features_.end());
    std::vector<Step> kept;
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
        bool feeds = false;
        for (const auto& out : it->outputs) feeds = feeds || needed.count(out) > 0;
        if (!feeds) continue;
        for (const auto& out : it->outputs)
            if (!contains(it->inputs, out)) needed.erase(out);
        needed.insert(it->inputs.begin(), it->inputs.end());
        kept.push_back(std::move(*it));
    }
    steps_.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
    inputs_.clear();
    for (const auto& b : before)
        if (needed.count(b)) inputs_.push_back(b);
    for (const auto& n : needed)
        if (!contains(inputs_, n)) inputs_.push_back(n);
}

Frame Processing::transform(const Frame& frame) const {
    Frame out = frame;
    for (const Step& s : steps_) steps::put(s, steps::apply(s, out, false), out);
    return out;
}

nlohmann::ordered_json Processing::to_json() const {
    Json steps = Json::array();
    for (const Step& s : steps_) {
        Json j{{"op", s.op}, {"inputs", s.inputs}, {"outputs", s.outputs}};
        if (s.drop_inputs) j["drop_inputs"] = true;
        if (!s.method.empty()) j["method"] = s.method;
        if (!s.numbers.empty()) {
            Json numbers = Json::array();
            for (double v : s.numbers) numbers.push_back(number_json(v));
            j["numbers"] = std::move(numbers);
        }
        if (!s.categories.empty()) j["categories"] = s.categories;
        if (!s.terms.empty()) j["terms"] = s.terms;
        if (!s.parts.empty()) j["parts"] = s.parts;
        if (s.line) j["at"] = {s.line, s.col};
        steps.push_back(std::move(j));
    }
    return Json{{"format", "hone.processing"},
                {"version", kStateVersion},
                {"inputs", inputs_},
                {"features", features_},
                {"steps", std::move(steps)}};
}

Processing Processing::from_json(const nlohmann::ordered_json& j) {
    auto bad = [](const std::string& what) {
        return Error(ErrorKind::data, "invalid_processing_state", "invalid processing state: " + what);
    };
    try {
        if (!j.is_object() || j.value("format", std::string()) != "hone.processing")
            throw bad("'format' must be \"hone.processing\"");
        if (j.at("version").get<int>() != kStateVersion)
            throw bad("version " + j.at("version").dump() + " is not supported (this build reads version " +
                      std::to_string(kStateVersion) + ")");
        Processing p;
        p.inputs_ = j.at("inputs").get<std::vector<std::string>>();
        p.features_ = j.at("features").get<std::vector<std::string>>();
        for (const Json& js : j.at("steps")) {
            Step s;
            s.op = js.at("op").get<std::string>();
            if (!contains(step_ops(), s.op)) throw bad("unknown step '" + s.op + "'");
            s.inputs = js.at("inputs").get<std::vector<std::string>>();
            s.outputs = js.at("outputs").get<std::vector<std::string>>();
            s.drop_inputs = js.value("drop_inputs", false);
            s.method = js.value("method", std::string());
            if (js.contains("numbers"))
                for (const Json& v : js.at("numbers")) s.numbers.push_back(number_from(v));
            s.categories = js.value("categories", std::vector<std::string>());
            s.terms = js.value("terms", std::vector<std::vector<int>>());
            s.parts = js.value("parts", std::vector<std::string>());
            if (js.contains("at")) {
                s.line = js.at("at").at(0).get<int>();
                s.col = js.at("at").at(1).get<int>();
            }
            if (!shape_fits(s) || !numbers_fit(s)) throw bad("the step " + describe(s) + " is damaged");
            p.steps_.push_back(std::move(s));
        }
        return p;
    } catch (const nlohmann::json::exception& e) {
        throw bad(e.what());
    }
}

std::vector<std::size_t> sample_rows(const lang::SamplingSpec& spec, const std::vector<float>& y, bool classification,
                                     std::uint64_t seed) {
    std::vector<std::size_t> all(y.size());
    for (std::size_t r = 0; r < all.size(); ++r) all[r] = r;
    // class_weights keeps every row: the model weighs them (train/setup.cpp).
    if (spec.method == "none" || spec.method == "class_weights" || y.empty()) return all;
    std::mt19937_64 rng(seed);
    if (!classification) {
        if (spec.method != "stratified")
            throw Error(ErrorKind::validation, "invalid_processing",
                        "sampling '" + spec.method + "' balances classes; a regression target has none", {},
                        "use 'stratified' with a fraction, or no sampling");
        std::vector<std::size_t> kept = shuffled_head(all, share_of(all.size(), spec.fraction), rng);
        std::sort(kept.begin(), kept.end());
        return kept;
    }
    const auto classes = rows_by_class(y);
    std::size_t fewest = y.size(), most = 0;
    for (const auto& [cls, rows] : classes) {
        fewest = std::min(fewest, rows.size());
        most = std::max(most, rows.size());
    }
    std::vector<std::size_t> out;
    if (spec.method == "oversample") {
        out = all;
        for (const auto& [cls, rows] : classes)
            for (std::size_t i = rows.size(); i < most; ++i) out.push_back(rows[uniform_below(rng, rows.size())]);
        return out;
    }
    for (const auto& [cls, rows] : classes) {
        const std::size_t keep = spec.method == "undersample" ? fewest : share_of(rows.size(), spec.fraction);
        auto picked = shuffled_head(rows, keep, rng);
        out.insert(out.end(), picked.begin(), picked.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void add_noisy_copies(const lang::NoiseAugmentationSpec& spec, const std::vector<std::size_t>& columns, Matrix& x,
                      std::vector<float>& y, std::uint64_t seed) {
    if (!spec.enabled || x.rows == 0 || spec.copies < 1) return;
    const std::size_t n = x.rows;
    std::vector<double> sd(columns.size(), 0.0);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        double sum = 0, m2 = 0;
        for (std::size_t r = 0; r < n; ++r) sum += x.at(r, columns[i]);
        const double mean = sum / static_cast<double>(n);
        for (std::size_t r = 0; r < n; ++r) m2 += (x.at(r, columns[i]) - mean) * (x.at(r, columns[i]) - mean);
        sd[i] = std::sqrt(m2 / static_cast<double>(n)) * spec.noise;
    }
    std::mt19937_64 rng(seed);
    x.data.reserve(x.data.size() * static_cast<std::size_t>(spec.copies + 1));
    for (int copy = 0; copy < spec.copies; ++copy) {
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t start = x.data.size();
            for (std::size_t c = 0; c < x.cols; ++c) x.data.push_back(x.data[r * x.cols + c]);
            for (std::size_t i = 0; i < columns.size(); ++i)
                x.data[start + columns[i]] += static_cast<float>(sd[i] * standard_normal(rng));
            y.push_back(y[r]);
        }
    }
    x.rows = n * static_cast<std::size_t>(spec.copies + 1);
}

}  // namespace hone::data
