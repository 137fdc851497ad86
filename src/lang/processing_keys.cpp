// The keys of a dataset's `processing:` section. Steps are lists of maps (a
// transformation) or maps of column to method (encoding, normalization); each
// map is read through its own key table, so unknown keys, wrong types and
// ranges get the language's located messages. Column names are checked against
// the dataset's schema when it declares one; otherwise when the data loads.
#include "lang/processing_keys.hpp"

#include <algorithm>
#include <set>

#include "common/text.hpp"

namespace hone::lang {

const std::vector<std::string>& transform_ops() {
    static const std::vector<std::string> v = {"log",         "clip",       "bin",        "polynomial",
                                               "interaction", "date_parts", "text_length"};
    return v;
}
const std::vector<std::string>& encoding_methods() {
    static const std::vector<std::string> v = {"onehot", "ordinal", "target", "hashing"};
    return v;
}
const std::vector<std::string>& normalization_methods() {
    static const std::vector<std::string> v = {"standard", "minmax", "robust"};
    return v;
}
const std::vector<std::string>& sampling_methods() {
    static const std::vector<std::string> v = {"none", "undersample", "oversample", "stratified", "class_weights"};
    return v;
}
const std::vector<std::string>& date_parts() {
    static const std::vector<std::string> v = {"year", "month", "day", "weekday", "hour"};
    return v;
}
const std::vector<std::string>& filter_ops() {
    static const std::vector<std::string> v = {"==", "!=", "<", "<=", ">", ">=", "in", "not in", "null", "not null"};
    return v;
}

namespace {

const Rule kNumber{.type = ValueType::number};
const Rule kQuantile{.type = ValueType::number, .min = 0, .max = 1};
const Rule kSeed{.type = ValueType::integer, .min = 0};

Rule choice_of(const std::vector<std::string>& values) { return Rule{.choices = values}; }

std::optional<double>& opt(TransformStep& s, std::optional<double> TransformStep::*m) { return s.*m; }

Setter<TransformStep> optional_number(std::optional<double> TransformStep::*m) {
    return [m](TransformStep& s, const Json& v, Fields&, const Node&) { opt(s, m) = v.get<double>(); };
}

// Which keys each op takes beyond op, column(s) and as.
const std::vector<std::pair<std::string, std::vector<std::string>>>& op_keys() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> v = {
        {"clip", {"min", "max", "min_quantile", "max_quantile"}},
        {"bin", {"n_bins", "strategy"}},
        {"polynomial", {"degree"}},
        {"date_parts", {"parts"}},
    };
    return v;
}

std::string ops_taking(const std::string& key) {
    std::vector<std::string> ops;
    for (const auto& [op, keys] : op_keys())
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) ops.push_back(op);
    return join_or(ops);
}

bool op_takes(const std::string& op, const std::string& key) {
    for (const auto& [name, keys] : op_keys())
        if (name == op) return std::find(keys.begin(), keys.end(), key) != keys.end();
    return false;
}

// How many columns an op reads: {least, most}.
std::pair<std::size_t, std::size_t> column_count(const std::string& op) {
    if (op == "polynomial") return {1, 10};
    if (op == "interaction") return {2, 2};
    return {1, 1};
}

// What a transformation checks beyond its keys' own rules: the keys that belong
// to its op, its number of columns, a clip's bounds.
void check_step(const TransformStep& s, Fields& f, const std::string& what) {
    Diagnostics& diags = f.diags();
    for (const auto& [op, keys] : op_keys())
        for (const auto& key : keys)
            if (f.find(key) && !op_takes(s.op, key))
                diags.error(f.key_pos(key), "'" + key + "' applies to op " + ops_taking(key) + ", not " + s.op);
    auto [least, most] = column_count(s.op);
    if (!f.find("column") && !f.find("columns")) {
        f.missing("column");
    } else if (s.columns.size() < least || s.columns.size() > most) {
        std::string want = least == most ? std::to_string(least) : std::to_string(least) + " to " + std::to_string(most);
        diags.error(f.key_pos(f.find("columns") ? "columns" : "column"),
                    what + ": op " + s.op + " takes " + want + (most == 1 ? " column" : " columns") + ", found " +
                        std::to_string(s.columns.size()));
    }
    if (f.find("as") && (s.op == "polynomial" || s.op == "date_parts"))
        diags.error(f.key_pos("as"), "'as' names one new column; op " + s.op + " makes several, named after its columns");
    if (s.op == "clip") {
        if (!s.min && !s.max && !s.min_quantile && !s.max_quantile)
            diags.error(f.owner_pos(), what + ": op clip needs 'min', 'max', 'min_quantile' or 'max_quantile'");
        if (s.min && s.min_quantile)
            diags.error(f.key_pos("min_quantile"), "give either 'min' or 'min_quantile', not both");
        if (s.max && s.max_quantile)
            diags.error(f.key_pos("max_quantile"), "give either 'max' or 'max_quantile', not both");
        if (s.min && s.max && *s.min > *s.max)
            diags.error(f.key_pos("max"), what + ": 'max' (" + number_text(*s.max) + ") is below 'min' (" +
                                              number_text(*s.min) + ")");
        if (s.min_quantile && s.max_quantile && *s.min_quantile > *s.max_quantile)
            diags.error(f.key_pos("max_quantile"), what + ": 'max_quantile' is below 'min_quantile'");
    }
}

// The columns a step makes, named as data/processing.hpp names them.
std::vector<std::string> made_columns(const TransformStep& s) {
    if (!s.output.empty()) return {s.output};
    if (s.op == "interaction" && s.columns.size() == 2) return {s.columns[0] + "*" + s.columns[1]};
    if (s.op == "date_parts") {
        std::vector<std::string> out;
        for (const auto& p : s.parts) out.push_back(s.columns.front() + "_" + p);
        return out;
    }
    if (s.op == "polynomial") {
        // Any name made of the columns: the check below only needs to know them.
        std::vector<std::string> out;
        for (const auto& c : s.columns) out.push_back(c + "^2");
        for (std::size_t i = 0; i < s.columns.size(); ++i)
            for (std::size_t j = i + 1; j < s.columns.size(); ++j) out.push_back(s.columns[i] + "*" + s.columns[j]);
        return out;
    }
    return {};
}

// A column's method in `encoding:` or `normalization:`; nullopt after reporting.
std::optional<std::string> method_of(const Node& value, const std::string& section, const std::string& column,
                                     const std::vector<std::string>& valid, Diagnostics& diags) {
    if (!value.is_scalar() || !value.value.is_string()) {
        diags.error(value.pos, "the " + section + " of '" + column + "' must be one of " + join_or(valid, "'") +
                                   ", found " + value.describe());
        return std::nullopt;
    }
    const std::string method = value.value.get<std::string>();
    if (std::find(valid.begin(), valid.end(), method) != valid.end()) return method;
    diags.error(value.pos, "unknown " + section + " method '" + method + "' for column '" + column + "': expected " +
                               join_or(valid, "'") + did_you_mean(method, valid));
    return std::nullopt;
}

std::optional<TransformStep> read_transform(const Node& item, std::size_t index, Diagnostics& diags) {
    const std::string what = "transformation " + std::to_string(index + 1);
    if (!item.is_map()) {
        diags.error(item.pos, what + " must be a map such as '- column: income' with 'op: log' below it, found " +
                                  item.describe());
        return std::nullopt;
    }
    Fields f(item, what, item.pos, diags, true);
    TransformStep s;
    s.line = item.pos.line;
    s.col = item.pos.col;
    read_keys(f, s, transform_keys());
    f.finish();
    if (s.op.empty()) return std::nullopt;  // missing or refused: reported
    // Column errors found later point at the column's name.
    if (const Node* c = f.find("column") ? f.find("column") : f.find("columns")) {
        s.line = c->pos.line;
        s.col = c->pos.col;
    }
    if (f.find("column") && f.find("columns"))
        diags.error(f.key_pos("columns"), "give either 'column' or 'columns', not both");
    check_step(s, f, what);
    return s;
}

void set_transformations(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    if (!n.is_list()) {
        f.type_error("transformations", n, "a list of steps ('- column: NAME' with 'op: ...' below)");
        return;
    }
    for (std::size_t i = 0; i < n.items.size(); ++i)
        if (auto s = read_transform(n.items[i], i, f.diags())) p.transformations.push_back(std::move(*s));
}

// `encoding:` column: method, or column: {method: ..., ...}.
void set_encoding(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    if (!n.is_map()) {
        f.type_error("encoding", n, "a map of column: method (" + join_or(encoding_methods()) + ")");
        return;
    }
    for (const auto& e : n.entries) {
        EncodingStep s;
        s.column = e.key;
        s.line = e.key_pos.line;
        s.col = e.key_pos.col;
        const std::string what = "the encoding of '" + e.key + "'";
        if (e.value.is_scalar()) {
            auto method = method_of(e.value, "encoding", e.key, encoding_methods(), f.diags());
            if (!method) continue;
            s.method = *method;
        } else if (e.value.is_map()) {
            Fields ef(e.value, what, e.key_pos, f.diags(), true);
            read_keys(ef, s, encoding_keys());
            ef.finish();
            if (s.method.empty()) continue;
            for (const char* key : {"smoothing", "folds"})
                if (ef.find(key) && s.method != "target")
                    f.diags().error(ef.key_pos(key), "'" + std::string(key) + "' applies to method target, not " + s.method);
            if (ef.find("n_features") && s.method != "hashing")
                f.diags().error(ef.key_pos("n_features"), "'n_features' applies to method hashing, not " + s.method);
        } else {
            f.diags().error(e.value.pos, what + " must be a method (" + join_or(encoding_methods()) +
                                             ") or a map with 'method', found " + e.value.describe());
            continue;
        }
        p.encoding.push_back(std::move(s));
    }
}

// `normalization: standard` (every numeric column) or column: method.
void set_normalization(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    if (n.is_scalar()) {
        auto v = read_checked(f, "normalization", n, choice_of(normalization_methods()));
        if (v) p.normalization.push_back({"", v->get<std::string>(), n.pos.line, n.pos.col});
        return;
    }
    if (!n.is_map()) {
        f.type_error("normalization", n, "a method for every numeric column, or a map of column: method");
        return;
    }
    for (const auto& e : n.entries) {
        auto method = method_of(e.value, "normalization", e.key, normalization_methods(), f.diags());
        if (method) p.normalization.push_back({e.key, *method, e.key_pos.line, e.key_pos.col});
    }
}

void set_filter(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    const std::vector<const Node*> items = n.elements();
    for (const Node* item : items) {
        if (!item->is_scalar() || !item->value.is_string()) {
            f.diags().error(item->pos, "each filter is a condition such as 'age >= 18', found " + item->describe());
            continue;
        }
        RowFilter r;
        std::string problem = parse_row_filter(item->value.get<std::string>(), r);
        if (!problem.empty()) {
            f.diags().error(item->pos, problem);
            continue;
        }
        r.line = item->pos.line;
        r.col = item->pos.col;
        p.filter.push_back(std::move(r));
    }
}

void set_sampling(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    if (n.is_scalar()) {
        auto v = read_checked(f, "sampling", n, choice_of(sampling_methods()));
        if (v) p.sampling.method = v->get<std::string>();
        return;
    }
    if (!n.is_map()) {
        f.type_error("sampling", n, "a method (" + join_or(sampling_methods()) + ") or a map with 'method'");
        return;
    }
    Fields sf(n, "sampling", n.pos, f.diags(), true);
    read_keys(sf, p.sampling, sampling_keys());
    sf.finish();
    if (sf.find("fraction") && p.sampling.method != "stratified")
        f.diags().error(sf.key_pos("fraction"), "'fraction' applies to method stratified, not " + p.sampling.method);
}

void set_noise(ProcessingSpec& p, const Json&, Fields& f, const Node& n) {
    read_switchable(p.augmentation, f, n, "augmentation", noise_augmentation_keys());
}

// The columns a step names that are neither in the schema nor made by an
// earlier step.
class ColumnCheck {
public:
    ColumnCheck(const DatasetSpec& d, Diagnostics& diags) : diags_(diags) {
        for (const auto& c : d.schema) {
            known_.push_back(c.name);
            file_ = c.pos.file;
        }
    }
    void require(const std::string& column, int line, int col, const std::string& what) {
        if (std::find(known_.begin(), known_.end(), column) != known_.end()) return;
        SourcePos at{file_, line, col, 0};
        diags_.error(at, what + " names column '" + column + "', which is not in the dataset" +
                             did_you_mean(column, known_));
    }
    void add(const std::vector<std::string>& columns) { known_.insert(known_.end(), columns.begin(), columns.end()); }

private:
    Diagnostics& diags_;
    std::vector<std::string> known_;
    std::string file_;
};

void check_columns(const DatasetSpec& d, const ProcessingSpec& p, Diagnostics& diags) {
    if (d.schema.empty()) return;  // checked when the data loads
    ColumnCheck check(d, diags);
    for (const auto& r : p.filter) check.require(r.column, r.line, r.col, "filter '" + r.text + "'");
    for (std::size_t i = 0; i < p.transformations.size(); ++i) {
        const auto& s = p.transformations[i];
        for (const auto& c : s.columns)
            check.require(c, s.line, s.col, "transformation " + std::to_string(i + 1) + " (" + s.op + ")");
        check.add(made_columns(s));
    }
    for (const auto& s : p.normalization)
        if (!s.column.empty()) check.require(s.column, s.line, s.col, "normalization");
    for (const auto& s : p.encoding) check.require(s.column, s.line, s.col, "encoding");
}

Json filter_json(const RowFilter& r) { return r.text; }

}  // namespace

std::string parse_row_filter(const std::string& written, RowFilter& out) {
    const std::string expected =
        "expected 'COLUMN OP VALUE' (OP one of == != < <= > >=), 'COLUMN in [a, b]', 'COLUMN not in [a, b]', "
        "'COLUMN null' or 'COLUMN not null'";
    out.text = written;
    std::string text = written;
    auto trim = [](std::string s) {
        auto b = s.find_first_not_of(' ');
        auto e = s.find_last_not_of(' ');
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    text = trim(text);
    auto space = text.find(' ');
    if (space == std::string::npos) return "filter '" + written + "' has no condition: " + expected;
    out.column = text.substr(0, space);
    std::string rest = trim(text.substr(space + 1));
    for (const char* null_form : {"is not null", "not null", "is null", "null"}) {
        if (rest == null_form) {
            out.op = rest.find("not") != std::string::npos ? "not null" : "null";
            return "";
        }
    }
    std::string op;
    for (const char* candidate : {"not in ", "in ", "==", "!=", "<=", ">=", "<", ">"})
        if (rest.rfind(candidate, 0) == 0) {
            op = candidate;
            break;
        }
    if (op.empty()) return "filter '" + written + "': " + expected;
    std::string value = trim(rest.substr(op.size()));
    out.op = trim(op);
    if (value.empty()) return "filter '" + written + "' has no value after '" + out.op + "'";
    auto scalar = [](std::string v) -> Json {
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
            return v.substr(1, v.size() - 2);
        return type_scalar(v);
    };
    if (out.op == "in" || out.op == "not in") {
        if (value.front() != '[' || value.back() != ']')
            return "filter '" + written + "': '" + out.op + "' takes a list such as [a, b]";
        std::string inner = value.substr(1, value.size() - 2);
        std::size_t at = 0;
        while (at <= inner.size()) {
            auto comma = inner.find(',', at);
            std::string item = trim(inner.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
            if (!item.empty()) out.values.push_back(scalar(item));
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
        if (out.values.empty()) return "filter '" + written + "': the list after '" + out.op + "' is empty";
        return "";
    }
    out.values.push_back(scalar(value));
    if ((out.op == "<" || out.op == "<=" || out.op == ">" || out.op == ">=") && !out.values.front().is_number())
        return "filter '" + written + "': '" + out.op + "' compares with a number, found '" + value + "'";
    return "";
}

const std::vector<Key<TransformStep>>& transform_keys() {
    static const std::vector<Key<TransformStep>> keys = {
        {"op", Rule{.choices = transform_ops(), .required = true}, member(&TransformStep::op),
         "the step: `log` (log1p), `clip`, `bin`, `polynomial`, `interaction` (a product of two columns), "
         "`date_parts`, `text_length`"},
        {"column", Rule{},
         Setter<TransformStep>([](TransformStep& s, const Json& v, Fields&, const Node&) {
             s.columns = {v.get<std::string>()};
         }),
         "the column it reads", {}, "name", "required (or `columns`)"},
        {"columns", Rule{.type = ValueType::names}, member(&TransformStep::columns),
         "the columns it reads (polynomial: 1 to 10; interaction: 2)"},
        {"as", Rule{}, member(&TransformStep::output),
         "the new column's name, the read column kept (log, clip, bin, interaction, text_length)", {}, "",
         "in place; interaction: `a*b`"},
        {"min", kNumber, optional_number(&TransformStep::min), "clip: the lowest value kept", {}, "number", "none"},
        {"max", kNumber, optional_number(&TransformStep::max), "clip: the highest value kept", {}, "number", "none"},
        {"min_quantile", kQuantile, optional_number(&TransformStep::min_quantile),
         "clip: the lowest value kept is this quantile of the training rows", {}, "number between 0 and 1", "none"},
        {"max_quantile", kQuantile, optional_number(&TransformStep::max_quantile),
         "clip: the highest value kept is this quantile of the training rows", {}, "number between 0 and 1", "none"},
        {"n_bins", Rule{.type = ValueType::integer, .min = 2, .max = 1000}, member(&TransformStep::n_bins),
         "bin: how many bins (the value becomes its bin's index, 0 to n_bins − 1)"},
        {"strategy", choice_of({"quantile", "uniform"}), member(&TransformStep::strategy),
         "bin: edges at the training rows' quantiles, or evenly between their min and max"},
        {"degree", Rule{.type = ValueType::integer, .min = 2, .max = 3}, member(&TransformStep::degree),
         "polynomial: the highest total degree of the products added"},
        {"parts", Rule{.type = ValueType::names, .check = [](const Json& v) -> std::string {
                           for (const auto& p : v) {
                               const auto name = p.get<std::string>();
                               const auto& valid = date_parts();
                               if (std::find(valid.begin(), valid.end(), name) == valid.end())
                                   return "unknown date part '" + name + "': expected " + join_or(valid, "'") +
                                          did_you_mean(name, valid);
                           }
                           return v.empty() ? "'parts' needs at least one of " + join_or(date_parts(), "'") : "";
                       }},
         member(&TransformStep::parts), "date_parts: which parts become columns `<column>_<part>`", {},
         "list of `year`, `month`, `day`, `weekday`, `hour`"},
    };
    return keys;
}

const std::vector<Key<EncodingStep>>& encoding_keys() {
    static const std::vector<Key<EncodingStep>> keys = {
        {"method", Rule{.choices = encoding_methods(), .required = true}, member(&EncodingStep::method),
         "how the column's categories become numbers"},
        {"smoothing", Rule{.type = ValueType::number, .min = 0}, member(&EncodingStep::smoothing),
         "target: rows' worth of the overall mean mixed into each category's mean"},
        {"folds", Rule{.type = ValueType::integer, .min = 2, .max = 20}, member(&EncodingStep::folds),
         "target: the training rows get out-of-fold means over this many seeded folds"},
        {"n_features", Rule{.type = ValueType::integer, .min = 1, .max = 4096}, member(&EncodingStep::n_features),
         "hashing: the columns categories are hashed into"},
    };
    return keys;
}

const std::vector<Key<SamplingSpec>>& sampling_keys() {
    static const std::vector<Key<SamplingSpec>> keys = {
        {"method", choice_of(sampling_methods()), member(&SamplingSpec::method),
         "`undersample`: every class cut to the rarest's count; `oversample`: every class drawn up to the most "
         "frequent's; `stratified`: keep `fraction` of each class; `class_weights`: every row kept, classes "
         "weighed by the algorithm's `class_weight: balanced`"},
        {"fraction", Rule{.type = ValueType::number, .min = 0, .max = 1, .min_open = true},
         member(&SamplingSpec::fraction), "stratified: the share of training rows kept"},
        {"seed", kSeed,
         Setter<SamplingSpec>([](SamplingSpec& s, const Json& v, Fields&, const Node&) { s.seed = v.get<std::uint64_t>(); }),
         "the draws' seed", {}, "", "the training's seed"},
    };
    return keys;
}

const std::vector<Key<NoiseAugmentationSpec>>& noise_augmentation_keys() {
    static const std::vector<Key<NoiseAugmentationSpec>> keys = {
        {"enabled", Rule{.type = ValueType::boolean}, member(&NoiseAugmentationSpec::enabled),
         "false keeps the settings but adds no row", {}, "", "true (written, the section turns it on)"},
        {"noise", Rule{.type = ValueType::number, .min = 0, .max = 10, .min_open = true},
         member(&NoiseAugmentationSpec::noise), "the noise's standard deviation, as a share of each column's"},
        {"copies", Rule{.type = ValueType::integer, .min = 1, .max = 100}, member(&NoiseAugmentationSpec::copies),
         "noisy copies added of each training row"},
        {"columns", Rule{.type = ValueType::names}, member(&NoiseAugmentationSpec::columns),
         "the numeric features that get noise", {}, "", "every numeric feature"},
        {"seed", kSeed,
         Setter<NoiseAugmentationSpec>([](NoiseAugmentationSpec& s, const Json& v, Fields&, const Node&) {
             s.seed = v.get<std::uint64_t>();
         }),
         "the noise's seed", {}, "", "the training's seed"},
    };
    return keys;
}

const std::vector<Key<ProcessingSpec>>& processing_keys() {
    static const std::vector<Key<ProcessingSpec>> keys = {
        {"filter", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_filter),
         "rows a training keeps when the dataset loads, every condition true (prediction rows are not filtered)",
         {}, "list of conditions: `age >= 18`, `plan in [a, b]`, `income not null`", "every row"},
        {"transformations", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_transformations),
         "steps in order, fitted on the training rows (see dataset.processing.transformations)", {},
         "list of maps (see dataset.processing.transformations)", "none",
         [] { return key_names(transform_keys()); }},
        {"normalization", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_normalization),
         "after the transformations: `standard`, `minmax` or `robust` (median and interquartile range)", {},
         "a method for every numeric column, or a map of column: method", "none"},
        {"encoding", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_encoding),
         "categorical columns: `onehot`, `ordinal`, `target` or `hashing` (see dataset.processing.encoding)", {},
         "map of column: method, or column: {method: ..., ...}", "the training's preprocessing.encode",
         [] { return key_names(encoding_keys()); }},
        {"sampling", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_sampling),
         "resamples the training rows only (see dataset.processing.sampling)", {},
         "a method, or map (see dataset.processing.sampling)", "`none`", [] { return key_names(sampling_keys()); }},
        {"augmentation", Rule{.type = ValueType::any}, Setter<ProcessingSpec>(set_noise),
         "noisy copies of the training rows (see dataset.processing.augmentation)", {},
         "map (see dataset.processing.augmentation), or `true` / `false`", "none",
         [] { return key_names(noise_augmentation_keys()); }},
    };
    return keys;
}

void set_processing(DatasetSpec& d, const Json&, Fields& f, const Node& n) {
    if (!n.is_map()) {
        f.type_error("processing", n, "a map of 'key: value' lines");
        return;
    }
    Fields pf(n, "processing", n.pos, f.diags(), true);
    read_keys(pf, d.processing, processing_keys());
    pf.finish();
    check_columns(d, d.processing, f.diags());
}

Json to_json(const ProcessingSpec& p) {
    Json j = Json::object();
    if (!p.filter.empty()) {
        Json f = Json::array();
        for (const auto& r : p.filter) f.push_back(filter_json(r));
        j["filter"] = f;
    }
    if (!p.transformations.empty()) {
        Json steps = Json::array();
        for (const auto& s : p.transformations) {
            Json step{{"op", s.op}, {"columns", s.columns}};
            if (!s.output.empty()) step["as"] = s.output;
            if (s.min) step["min"] = *s.min;
            if (s.max) step["max"] = *s.max;
            if (s.min_quantile) step["min_quantile"] = *s.min_quantile;
            if (s.max_quantile) step["max_quantile"] = *s.max_quantile;
            if (s.op == "bin") {
                step["n_bins"] = s.n_bins;
                step["strategy"] = s.strategy;
            }
            if (s.op == "polynomial") step["degree"] = s.degree;
            if (s.op == "date_parts") step["parts"] = s.parts;
            steps.push_back(std::move(step));
        }
        j["transformations"] = steps;
    }
    if (!p.normalization.empty()) {
        Json n = Json::object();
        for (const auto& s : p.normalization) n[s.column.empty() ? "*" : s.column] = s.method;
        j["normalization"] = n;
    }
    if (!p.encoding.empty()) {
        Json e = Json::object();
        for (const auto& s : p.encoding) {
            Json one{{"method", s.method}};
            if (s.method == "target") {
                one["smoothing"] = s.smoothing;
                one["folds"] = s.folds;
            }
            if (s.method == "hashing") one["n_features"] = s.n_features;
            e[s.column] = one;
        }
        j["encoding"] = e;
    }
    if (p.sampling.method != "none") {
        Json s{{"method", p.sampling.method}};
        if (p.sampling.method == "stratified") s["fraction"] = p.sampling.fraction;
        if (p.sampling.seed) s["seed"] = *p.sampling.seed;
        j["sampling"] = s;
    }
    if (p.augmentation.enabled) {
        Json a{{"noise", p.augmentation.noise}, {"copies", p.augmentation.copies}};
        if (!p.augmentation.columns.empty()) a["columns"] = p.augmentation.columns;
        if (p.augmentation.seed) a["seed"] = *p.augmentation.seed;
        j["augmentation"] = a;
    }
    return j;
}

std::vector<SectionDoc> processing_sections() {
    return {
        {"dataset.processing", "processing (in a dataset)", describe(processing_keys())},
        {"dataset.processing.transformations", "a transformation (in a dataset's processing)",
         describe(transform_keys())},
        {"dataset.processing.encoding", "an encoding map (in a dataset's processing)", describe(encoding_keys())},
        {"dataset.processing.sampling", "sampling (in a dataset's processing)", describe(sampling_keys())},
        {"dataset.processing.augmentation", "augmentation (in a dataset's processing)",
         describe(noise_augmentation_keys())},
    };
}

}  // namespace hone::lang
