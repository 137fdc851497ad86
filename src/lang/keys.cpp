// The job language's keys. Each table lists a block's or section's keys in the
// order the binder reads them (a later key may refine an earlier one: a
// training's `seed` after its `split`). Defaults are the specs' own (spec.hpp),
// read from a default-constructed spec for the docs, so they are written once.
#include "lang/keys.hpp"

#include <cmath>
#include <regex>
#include <type_traits>

#include "common/text.hpp"
#include "lang/processing_keys.hpp"

namespace hone::lang {

const std::vector<std::string>& column_types() {
    static const std::vector<std::string> v = {"int", "float", "string", "bool", "category", "datetime"};
    return v;
}
const std::vector<std::string>& model_types() {
    static const std::vector<std::string> v = {"classifier", "regressor", "clusterer", "recommender",
                                               "text_classifier"};
    return v;
}
const std::vector<std::string>& frameworks() {
    static const std::vector<std::string> v = {"sklearn", "xgboost", "pytorch", "tensorflow"};
    return v;
}

namespace {

const Rule kString{};
const Rule kBool{.type = ValueType::boolean};
const Rule kMap{.type = ValueType::map};
const Rule kRequired{.required = true};

Rule choice(std::vector<std::string> values) { return Rule{.choices = std::move(values)}; }
Rule names_of(std::string registry) { return Rule{.names_from = std::move(registry)}; }
Rule at_least(double min) { return Rule{.type = ValueType::integer, .min = min}; }
Rule section() { return Rule{.type = ValueType::section}; }

// `cv`: 0 (no folds) or at least 2; a thousand folds is a typo, not a plan.
Rule folds() {
    return Rule{.type = ValueType::integer, .min = 0, .max = 1000, .check = [](const Json& v) -> std::string {
                    if (v.get<std::int64_t>() != 1) return "";
                    return "'cv' must be 0 (use the validation split) or at least 2, found 1";
                }};
}

template <class Spec>
Key<Spec> description_key() {
    return {"description", kString, member(&Spec::description), "what it is for, shown in listings"};
}
template <class Spec>
Key<Spec> metadata_key() {
    return {"metadata", kMap, member(&Spec::metadata), "anything, any nesting; kept with the results"};
}

// `delimiter: "\t"` or `tab` for a tab; else one character.
void set_delimiter(DatasetSpec& d, const Json& v, Fields& f, const Node& n) {
    const auto text = v.get<std::string>();
    std::string delim = text == "\\t" || text == "tab" ? "\t" : text;
    if (delim.size() != 1)
        f.diags().error(n.pos, "'delimiter' must be one character, found '" + text + "'");
    else
        d.delimiter = delim;
}

// One `name: type` of a schema.
void add_column(DatasetSpec& d, const Entry& e, Diagnostics& diags) {
    const auto& types = column_types();
    if (!e.value.is_scalar() || !e.value.value.is_string()) {
        diags.error(e.value.pos, "the type of column '" + e.key + "' must be one of " + join_or(types, "'") +
                                     ", found " + e.value.describe());
        return;
    }
    std::string type = e.value.value.get<std::string>();
    if (std::find(types.begin(), types.end(), type) == types.end()) {
        std::string msg = "unknown type '" + type + "' for column '" + e.key + "': expected " + join_or(types, "'");
        msg += did_you_mean(type, types);
        diags.error(e.value.pos, msg);
        return;
    }
    for (const auto& c : d.schema)
        if (c.name == e.key) {
            diags.error(e.key_pos, "column '" + e.key + "' is declared twice in the schema");
            return;
        }
    d.schema.push_back(ColumnDecl{e.key, type, e.key_pos});
}

// `schema:` as a list of `- name: type`, or a map of name: type.
void set_schema(DatasetSpec& d, const Json&, Fields& f, const Node& schema) {
    if (schema.is_map()) {
        for (const auto& e : schema.entries) add_column(d, e, f.diags());
        return;
    }
    if (!schema.is_list()) {
        f.diags().error(schema.pos, "'schema' must be a list of '- name: type', found " + schema.describe());
        return;
    }
    for (const auto& item : schema.items) {
        if (!item.is_map() || item.entries.size() != 1)
            f.diags().error(item.pos, "each schema item is '- name: type', found " + item.describe());
        else
            add_column(d, item.entries.front(), f.diags());
    }
}

// Ratios left out share what the given ones leave; all must sum to 1.
void finish_split(Fields& parent, SplitInput& in) {
    double sum = 0;
    int missing = 0;
    for (const auto& r : in.ratio) r ? sum += *r : ++missing;
    double parts[3];
    for (int i = 0; i < 3; ++i) parts[i] = in.ratio[i] ? *in.ratio[i] : std::max(0.0, (1 - sum) / missing);
    double total = parts[0] + parts[1] + parts[2];
    if (std::fabs(total - 1) > 1e-6) {
        parent.diags().error(parent.key_pos("split"),
                             "split ratios must sum to 1, found " + number_text(parts[0]) + " + " +
                                 number_text(parts[1]) + " + " + number_text(parts[2]) + " = " + number_text(total));
        return;
    }
    in.split.train = parts[0];
    in.split.validation = parts[1];
    in.split.test = parts[2];
}

Setter<SplitInput> ratio(int i) {
    return [i](SplitInput& s, const Json& v, Fields&, const Node& n) {
        s.ratio[i] = v.get<double>();
        s.ratio_node[i] = &n;
    };
}

template <class Spec>
Setter<Spec> early_stopping_setter(std::optional<EarlyStoppingSpec> Spec::*field) {
    return [field](Spec& spec, const Json&, Fields& f, const Node& n) {
        // `true` (the defaults) or `false` (none): how an override turns it off.
        if (n.is_scalar() && n.value.is_boolean()) {
            spec.*field = n.value.get<bool>() ? std::optional(EarlyStoppingSpec{}) : std::nullopt;
            return;
        }
        if (!n.is_map()) {
            f.type_error("early_stopping", n, "a map of 'key: value' lines, or true or false");
            return;
        }
        spec.*field = read_early_stopping(f, n);
    };
}

// `search_space:` a map of name to range (a name alone: the catalog's range), or
// a list of names.
void set_search_space(TuningSpec& t, const Json&, Fields& f, const Node& n) {
    if (n.is_list() && !n.items.empty()) {
        for (const auto& item : n.items) {
            if (!item.is_scalar() || !item.value.is_string()) {
                f.diags().error(item.pos, "'search_space' lists hyperparameter names, found " + item.describe());
                continue;
            }
            SearchDimension d;
            d.name = item.value.get<std::string>();
            d.pos = item.pos;
            d.type = SearchDimension::Type::catalog;
            t.search_space.push_back(std::move(d));
        }
        return;
    }
    if (!n.is_map() || n.entries.empty()) {
        f.diags().error(n.pos, "'search_space' must map each hyperparameter to its range, found " + n.describe());
        return;
    }
    for (const auto& e : n.entries) t.search_space.push_back(read_dimension(e, f.diags()));
}

const std::string kEarlyStoppingType = "map (see early_stopping), or `true` (the defaults) / `false` (none)";

}  // namespace

const std::vector<Key<AppSpec>>& app_keys() {
    static const std::vector<Key<AppSpec>> keys = {
        {"name", kString, member(&AppSpec::name), "the application's name"},
        {"version", kString, member(&AppSpec::version), "the application's version"},
        description_key<AppSpec>(),
        metadata_key<AppSpec>(),
    };
    return keys;
}

// ---- a dataset's `validation:` section ----

namespace {

// `allowed: [basic, pro]`, or one value alone: scalars, at least one, none null.
void set_allowed(ColumnRulesSpec& c, const Json&, Fields& f, const Node& n) {
    const std::vector<const Node*> items = n.elements();
    if (items.empty()) {
        f.diags().error(n.pos, f.key_ref("allowed") + " needs at least one value");
        return;
    }
    for (const Node* item : items)
        if (!item->is_scalar() || item->is_null()) {
            f.diags().error(item->pos, f.key_ref("allowed") + " must list values (text, numbers or true/false), found " +
                                           item->describe());
            return;
        }
    for (const Node* item : items) c.allowed.push_back(item->value);
}

// The pattern is compiled here so a bad one is reported where it was written,
// not after the data is loaded.
void set_regex(ColumnRulesSpec& c, const Json& v, Fields& f, const Node& n) {
    const auto pattern = v.get<std::string>();
    try {
        std::regex compiled(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        f.diags().error(n.pos, f.key_ref("regex") + " is not a valid regular expression (ECMAScript syntax): " +
                                   e.what());
        return;
    }
    c.regex = pattern;
}

template <class Spec, class T>
Setter<Spec> optional_of(std::optional<T> Spec::*field) {
    return [field](Spec& spec, const Json& v, Fields&, const Node&) { spec.*field = v.get<T>(); };
}

// min above max can match no value: said at max, which is where the range ends.
void check_bounds(Fields& f, const std::optional<double>& lo, const std::optional<double>& hi, const char* lo_key,
                  const char* hi_key) {
    if (!lo || !hi || *lo <= *hi) return;
    f.diags().error(f.find(hi_key)->pos, f.key_ref(hi_key) + " (" + number_text(*hi) + ") is below " + lo_key + " (" +
                                             number_text(*lo) + "): nothing can pass");
}

ColumnRulesSpec read_column_rules(const Entry& e, const std::string& severity, Diagnostics& diags) {
    ColumnRulesSpec c;
    c.column = e.key;
    c.pos = e.key_pos;
    c.severity = severity;
    std::string what = "validation of column '" + e.key + "'";
    if (!e.value.is_map() || e.value.entries.empty()) {
        diags.error(e.value.pos.line ? e.value.pos : e.key_pos,
                    what + " must be a map of rules such as {not_null: true}, found " + e.value.describe());
        return c;
    }
    Fields f(e.value, what, e.key_pos, diags, true);
    read_keys(f, c, column_rule_keys());
    f.finish();
    check_bounds(f, c.min, c.max, "min", "max");
    return c;
}

// `columns:` maps each column to its rules.
void set_column_rules(ValidationRulesSpec& v, const Json&, Fields& f, const Node& n) {
    if (!n.is_map() || n.entries.empty()) {
        f.type_error("columns", n, "a map of each column to its rules");
        return;
    }
    for (const auto& e : n.entries) v.columns.push_back(read_column_rules(e, v.severity, f.diags()));
}

const Rule kSeverity = Rule{.choices = {"error", "warning"}};

void set_validation(DatasetSpec& d, const Json&, Fields& f, const Node& n) {
    Fields vf(n, "validation", n.pos, f.diags(), true);
    d.validation.pos = n.pos;
    read_keys(vf, d.validation, validation_keys());
    vf.finish();
    std::optional<double> lo, hi;
    if (d.validation.min_rows) lo = static_cast<double>(*d.validation.min_rows);
    if (d.validation.max_rows) hi = static_cast<double>(*d.validation.max_rows);
    check_bounds(vf, lo, hi, "min_rows", "max_rows");
}

}  // namespace

const std::vector<Key<ColumnRulesSpec>>& column_rule_keys() {
    static const std::vector<Key<ColumnRulesSpec>> keys = {
        {"not_null", kBool, member(&ColumnRulesSpec::not_null), "every row has a value"},
        {"unique", kBool, member(&ColumnRulesSpec::unique),
         "no value repeats (a row repeating an earlier row's value fails; nulls are not compared)"},
        {"min", Rule{.type = ValueType::number}, optional_of(&ColumnRulesSpec::min),
         "the least value allowed (text that is not a number fails)", {}, "", "none"},
        {"max", Rule{.type = ValueType::number}, optional_of(&ColumnRulesSpec::max),
         "the greatest value allowed, not below `min`", {}, "", "none"},
        {"allowed", Rule{.type = ValueType::any}, Setter<ColumnRulesSpec>(set_allowed),
         "the only values allowed (numbers compared as numbers in numeric columns, else as text)", {},
         "list of values", "any value"},
        {"regex", kString, Setter<ColumnRulesSpec>(set_regex),
         "a regular expression (ECMAScript) found in each value's text; `^...$` to match the whole value", {}, "",
         "none"},
        {"max_missing_ratio", Rule{.type = ValueType::number, .min = 0, .max = 1},
         optional_of(&ColumnRulesSpec::max_missing_ratio), "the largest share of rows that may be null", {}, "",
         "none"},
        {"severity", kSeverity, member(&ColumnRulesSpec::severity),
         "`warning`: this column's failures are reported but do not fail the check", {}, "",
         "the section's `severity`"},
    };
    return keys;
}

const std::vector<Key<ValidationRulesSpec>>& validation_keys() {
    static const std::vector<Key<ValidationRulesSpec>> keys = {
        {"min_rows", at_least(0), optional_of(&ValidationRulesSpec::min_rows), "the fewest rows allowed", {}, "",
         "none"},
        {"max_rows", at_least(0), optional_of(&ValidationRulesSpec::max_rows),
         "the most rows allowed, not below `min_rows`", {}, "", "none"},
        {"severity", kSeverity, member(&ValidationRulesSpec::severity),
         "`warning`: failures are reported but do not fail the check; the row counts' and every column's unless "
         "the column says otherwise"},
        {"columns", Rule{.type = ValueType::any}, Setter<ValidationRulesSpec>(set_column_rules),
         "each column's rules (see dataset.validation.columns.NAME)", {}, "map of column to rules", "none",
         [] { return key_names(column_rule_keys()); }},
    };
    return keys;
}

const std::vector<Key<DatasetSpec>>& dataset_keys() {
    static const std::vector<Key<DatasetSpec>> keys = {
        {"source", Rule{.required = true, .names_from = "sources"}, member(&DatasetSpec::source),
         "where rows come from"},
        {"path", kString, member(&DatasetSpec::path),
         "file path (every source but postgres); relative paths resolve against the job file's folder"},
        {"table", kString, member(&DatasetSpec::table), "sqlite and postgres: the table (or give `query`)"},
        {"query", kString, member(&DatasetSpec::query), "sqlite and postgres: a SELECT (or give `table`)"},
        {"connection", kString, member(&DatasetSpec::connection), "postgres connection URL",
         {}, "", "`HONE_POSTGRES_URL`, then `DATABASE_URL`"},
        {"format", names_of("formats"), member(&DatasetSpec::format), "for `source: file`", {}, "",
         "from the extension"},
        {"delimiter", kString, Setter<DatasetSpec>(set_delimiter), "csv: the field separator", {},
         "one character (`\\t` or `tab` for tab)", "detected among `, ; \\t |`"},
        {"header", kBool, member(&DatasetSpec::header), "csv: the first row names the columns"},
        {"na_values", Rule{.type = ValueType::names}, member(&DatasetSpec::na_values),
         "csv: null tokens besides empty, NA, N/A, NaN, nan, null, NULL, None"},
        {"schema", Rule{.type = ValueType::any}, Setter<DatasetSpec>(set_schema),
         "column types, checked against the data", {}, "list of `- column: type` (or a map)", "inferred"},
        {"validation", section(), Setter<DatasetSpec>(set_validation),
         "rules the loaded rows must pass: `hone data validate FILE DATASET` (see dataset.validation)", {},
         "map (see dataset.validation)", "none", [] { return key_names(validation_keys()); }},
        {"processing", Rule{.type = ValueType::any}, Setter<DatasetSpec>(set_processing),
         "filters, transformations, encodings and normalizations fitted on a training's training rows and replayed "
         "at prediction; sampling and augmentation of the training rows (see dataset.processing)",
         {}, "map (see dataset.processing)", "none", [] { return key_names(processing_keys()); }},
        description_key<DatasetSpec>(),
        metadata_key<DatasetSpec>(),
    };
    return keys;
}

const std::vector<Key<ModelSpec>>& model_keys() {
    static const std::vector<Key<ModelSpec>> keys = {
        {"type", choice(model_types()), member(&ModelSpec::type), "the task"},
        {"engine", choice(frameworks()), member(&ModelSpec::engine), "which family of implementations"},
        {"algorithm", names_of("algorithms"), member(&ModelSpec::algorithm),
         "a catalog name or scikit-learn class name (docs/algorithms.md)", {}, "", "the task's default"},
        {"hyperparameters", kMap, member(&ModelSpec::hyperparameters), "defaults for every training of this model"},
        description_key<ModelSpec>(),
        metadata_key<ModelSpec>(),
    };
    return keys;
}

const std::vector<Key<SplitInput>>& split_keys() {
    const Rule share{.type = ValueType::number, .min = 0, .max = 1, .max_open = true};
    static const std::vector<Key<SplitInput>> keys = {
        {"train", Rule{.type = ValueType::number, .min = 0, .max = 1, .min_open = true, .max_open = true}, ratio(0),
         "share of rows to fit on; ratios left out share what the given ones leave", {}, "", "0.7"},
        {"validation", share, ratio(1), "share of rows to score while fitting (early stopping, tuning)", {}, "",
         "0.15"},
        {"test", share, ratio(2), "share of rows held out for the final metrics", {}, "", "0.15"},
        {"stratify", kBool, Ref<SplitInput, bool>([](SplitInput& s) -> bool& { return s.split.stratify; }),
         "keep the target's class shares in every part (classifiers)"},
        {"shuffle", kBool, Ref<SplitInput, bool>([](SplitInput& s) -> bool& { return s.split.shuffle; }),
         "shuffle before splitting"},
        {"seed", at_least(0), Ref<SplitInput, std::uint64_t>([](SplitInput& s) -> std::uint64_t& { return s.split.seed; }),
         "the shuffle's seed"},
    };
    return keys;
}

const std::vector<Key<EarlyStoppingSpec>>& early_stopping_keys() {
    static const std::vector<Key<EarlyStoppingSpec>> keys = {
        {"enabled", kBool, member(&EarlyStoppingSpec::enabled), "false keeps the settings but does not stop"},
        {"metric", names_of("metrics"), member(&EarlyStoppingSpec::metric),
         "the validation metric watched (`val_` prefix optional); a recommender's default is `val_ndcg@10`"},
        {"patience", at_least(0), member(&EarlyStoppingSpec::patience),
         "rounds (or trials) without improvement before stopping"},
        {"min_delta", Rule{.type = ValueType::number, .min = 0}, member(&EarlyStoppingSpec::min_delta),
         "the least change that counts as an improvement"},
        {"mode", choice({"min", "max", "auto"}), member(&EarlyStoppingSpec::mode),
         "`auto`: the metric's own direction, from the metric registry", {}, "", "`auto`"},
    };
    return keys;
}

const std::vector<Key<ComputeSpec>>& compute_keys() {
    static const std::vector<Key<ComputeSpec>> keys = {
        {"backend", kString, member(&ComputeSpec::backend),
         "`local`: hone's own process; `distributed`: data-parallel worker processes of hone on this machine "
         "(the XGBoost algorithms and mlp, see docs/distributed.md); another backend is kept and said in a warning",
         {}, "", "`local`"},
        {"workers", Rule{.type = ValueType::integer, .min = 1, .max = 256}, member(&ComputeSpec::workers),
         "with `backend: distributed`: worker processes, each fitting its share of the training rows (or of "
         "every batch)", {}, "", "2"},
        {"resources", kMap, member(&ComputeSpec::resources), "kept and said in a warning (threads: `--threads`)"},
    };
    return keys;
}

const std::vector<Key<CheckpointSpec>>& checkpoint_keys() {
    static const std::vector<Key<CheckpointSpec>> keys = {
        {"enabled", kBool, member(&CheckpointSpec::enabled), "write checkpoints while training"},
        {"save_best", kBool, member(&CheckpointSpec::save_best), "keep the best epoch's weights"},
        {"save_latest", kBool, member(&CheckpointSpec::save_latest),
         "keep the latest state (model, optimizer, scheduler, random generator, epoch, history): what a resume "
         "continues from"},
        {"every_n_epochs", at_least(1), member(&CheckpointSpec::every_n_epochs), "how often the latest is written"},
        {"path", Rule{.path_name = true}, member(&CheckpointSpec::path),
         "a folder name under the model root's `.checkpoints/` (a name, not a path: a job writes nowhere else); "
         "runs of the job share it", {}, "", "the run's id"},
    };
    return keys;
}

const std::vector<Key<PreprocessSpec>>& preprocessing_keys() {
    static const std::vector<Key<PreprocessSpec>> keys = {
        {"impute", choice({"mean", "median", "most_frequent", "constant"}), member(&PreprocessSpec::impute_numeric),
         "how missing numbers are filled"},
        {"impute_categorical", choice({"most_frequent", "constant"}), member(&PreprocessSpec::impute_categorical),
         "how missing categories are filled"},
        {"fill_value", Rule{.type = ValueType::any}, member(&PreprocessSpec::fill_value), "the value for `constant`"},
        {"encode", choice({"onehot", "ordinal"}), member(&PreprocessSpec::encode), "how categories become numbers"},
        {"max_categories", at_least(1), member(&PreprocessSpec::max_categories),
         "one-hot keeps the most frequent this many; the rest become \"other\""},
        {"scale", choice({"none", "standard", "minmax"}), member(&PreprocessSpec::scale), "numeric scaling"},
    };
    return keys;
}

namespace {

// `k: [5, 10]`, or one K alone: cut-offs of at least 1, each once.
void set_cutoffs(RankingEvaluationSpec& e, const Json&, Fields& f, const Node& n) {
    std::vector<int> ks;
    const std::vector<const Node*> items = n.elements();
    for (const Node* item : items) {
        const Json& v = item->value;
        if (!item->is_scalar() || !v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 100000) {
            f.diags().error(item->pos, "each 'k' must be a whole number from 1 to 100000, found " + item->describe());
            return;
        }
        int k = static_cast<int>(v.get<std::int64_t>());
        if (std::find(ks.begin(), ks.end(), k) != ks.end()) {
            f.diags().error(item->pos, "'k' lists " + std::to_string(k) + " twice");
            return;
        }
        ks.push_back(k);
    }
    if (ks.empty()) {
        f.diags().error(n.pos, "'k' needs at least one cut-off, such as [10]");
        return;
    }
    e.k = std::move(ks);
}

}  // namespace

const std::vector<Key<RankingEvaluationSpec>>& evaluation_keys() {
    static const std::vector<Key<RankingEvaluationSpec>> keys = {
        {"protocol", choice({"leave_one_out", "full"}), member(&RankingEvaluationSpec::protocol),
         "`leave_one_out`: each user's held-out item ranked among `negatives` sampled unseen items (the NCF "
         "paper's numbers); `full`: among every item the user has not interacted with (lower, and closer to "
         "serving)"},
        {"negatives", Rule{.type = ValueType::integer, .min = 1, .max = 100000},
         member(&RankingEvaluationSpec::negatives), "sampled items per user in `leave_one_out`"},
        {"k", Rule{.type = ValueType::any}, Setter<RankingEvaluationSpec>(set_cutoffs),
         "the cut-offs K of hr@K, ndcg@K, precision@K, recall@K, map@K and coverage@K", {}, "list of int ≥ 1",
         "[10]"},
    };
    return keys;
}

const std::vector<Key<AugmentationSpec>>& augmentation_keys() {
    auto option = [](auto AugmentOptions::*field) {
        using T = std::remove_reference_t<decltype(AugmentOptions{}.*field)>;
        return Ref<AugmentationSpec, T>([field](AugmentationSpec& a) -> T& { return a.options.*field; });
    };
    const Rule count{.type = ValueType::integer, .min = 0, .max = 100};
    static const std::vector<Key<AugmentationSpec>> keys = {
        {"enabled", kBool, member(&AugmentationSpec::enabled),
         "false keeps the settings but adds no text", {}, "", "true (written, the section turns it on)"},
        {"copies", count, option(&AugmentOptions::copies), "augmented copies made of each training text"},
        {"deletion", Rule{.type = ValueType::number, .min = 0, .max = 1, .max_open = true},
         option(&AugmentOptions::deletion), "probability that each word of a copy is deleted (one word always stays)"},
        {"swaps", count, option(&AugmentOptions::swaps), "times two words of a copy swap places"},
        {"crop", Rule{.type = ValueType::number, .min = 0, .max = 1, .min_open = true}, option(&AugmentOptions::crop),
         "a copy keeps a contiguous span of at least this share of its words; 1 keeps every word"},
        {"seed", at_least(0),
         Setter<AugmentationSpec>([](AugmentationSpec& a, const Json& v, Fields&, const Node&) {
             a.seed = v.get<std::uint64_t>();
         }),
         "the seed of the copies' draws", {}, "", "the training's seed"},
    };
    return keys;
}

namespace {

// A training's `augmentation`: `true` (the defaults), `false` (none) or the
// section, which turns it on unless it says `enabled: false`.
void set_augmentation(TrainingSpec& t, const Json&, Fields& f, const Node& n) {
    read_switchable(t.augmentation, f, n, "augmentation", augmentation_keys());
}

// A training's `rating_threshold`: a number kept as optional.
void set_rating_threshold(TrainingSpec& t, const Json& v, Fields&, const Node&) {
    t.interactions.rating_threshold = v.get<double>();
}

}  // namespace

const std::vector<Key<TrainingSpec>>& training_keys() {
    static const std::vector<Key<TrainingSpec>> keys = {
        {"model", Rule{.required = true, .names_from = "model blocks"}, member(&TrainingSpec::model),
         "the model block to train"},
        {"dataset", Rule{.required = true, .names_from = "dataset blocks"}, member(&TrainingSpec::dataset),
         "the dataset block to train on"},
        {"target", kString, member(&TrainingSpec::target), "the label column (none for clustering)"},
        {"features", Rule{.type = ValueType::names}, member(&TrainingSpec::features), "the columns to learn from",
         {}, "", "all but the target"},
        {"framework", choice(frameworks()), member(&TrainingSpec::framework),
         "`tensorflow` has no runtime in hone: a warning"},
        {"objective", Rule{.required = true, .names_from = "metrics"}, member(&TrainingSpec::objective),
         "what the job optimizes; the direction is the metric's own when not written", {},
         "`maximize_METRIC`, `minimize_METRIC` or a metric name"},
        {"hyperparameters", kMap, member(&TrainingSpec::hyperparameters),
         "merged over the model's; names, types and ranges from the catalog"},
        {"split", section(),
         Setter<TrainingSpec>([](TrainingSpec& t, const Json&, Fields& f, const Node& n) { t.split = read_split(f, n); }),
         "how rows are split (see training.split)", {}, "map (see training.split)",
         "0.7 / 0.15 / 0.15, stratified, shuffled, seed 42", [] { return key_names(split_keys()); }},
        {"validation_split", Rule{.type = ValueType::number, .min = 0, .max = 1, .min_open = true, .max_open = true},
         Setter<TrainingSpec>([](TrainingSpec& t, const Json& v, Fields& f, const Node&) {
             if (f.find("split")) {
                 f.diags().error(f.key_pos("validation_split"), "give either 'split' or 'validation_split', not both");
                 return;
             }
             t.split.train = 1 - v.get<double>();
             t.split.validation = v.get<double>();
             t.split.test = 0;
         }),
         "short form of split: train = 1 − v, validation = v, test = 0"},
        {"early_stopping", Rule{.type = ValueType::any}, early_stopping_setter(&TrainingSpec::early_stopping),
         "stop when the validation metric stops improving", {}, kEarlyStoppingType, "none",
         [] { return key_names(early_stopping_keys()); }},
        {"checkpoints", Rule{.type = ValueType::any},
         Setter<TrainingSpec>([](TrainingSpec& t, const Json&, Fields& f, const Node& n) {
             // `true` (the defaults) or `false` (none), as early_stopping.
             if (n.is_scalar() && n.value.is_boolean()) {
                 t.checkpoints = CheckpointSpec{};
                 t.checkpoints.enabled = n.value.get<bool>();
                 return;
             }
             if (!n.is_map()) {
                 f.type_error("checkpoints", n, "a map of 'key: value' lines, or true or false");
                 return;
             }
             Fields cf(n, "checkpoints", n.pos, f.diags(), true);
             t.checkpoints.enabled = true;  // a checkpoints map turns them on unless it says enabled: false
             read_keys(cf, t.checkpoints, checkpoint_keys());
             cf.finish();
         }),
         "checkpoints of epoch-trained models, to resume (see training.checkpoints)", {},
         "map (see training.checkpoints), or `true` / `false`", "none", [] { return key_names(checkpoint_keys()); }},
        {"compute", section(),
         Setter<TrainingSpec>([](TrainingSpec& t, const Json&, Fields& f, const Node& n) {
             Fields cf(n, "compute", n.pos, f.diags(), true);
             read_keys(cf, t.compute, compute_keys());
             cf.finish();
         }),
         "where it runs (see training.compute)", {}, "map (see training.compute)", "`local`",
         [] { return key_names(compute_keys()); }},
        {"distributed", kBool, Setter<TrainingSpec>([](TrainingSpec& t, const Json& v, Fields& f, const Node&) {
             if (f.find("compute")) {
                 f.diags().error(f.key_pos("distributed"), "give either 'compute' or 'distributed', not both");
                 return;
             }
             t.compute.backend = v.get<bool>() ? "distributed" : "local";
         }),
         "short for `compute: {backend: distributed}` (true) or `local` (false)"},
        {"world_size", Rule{.type = ValueType::integer, .min = 1, .max = 256},
         Setter<TrainingSpec>([](TrainingSpec& t, const Json& v, Fields& f, const Node&) {
             if (f.find("compute")) {
                 f.diags().error(f.key_pos("world_size"), "give either 'compute' or 'world_size', not both");
                 return;
             }
             t.compute.workers = static_cast<int>(v.get<std::int64_t>());
         }),
         "with `distributed: true`: worker processes (as `compute.workers`)", {}, "", "2"},
        {"strategy", choice({"data_parallel"}),
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.compute.strategy; }),
         "with `distributed: true`: how the work is split; `data_parallel`, each worker fits its share of the "
         "rows (or of every batch), is the one there is"},
        {"metrics", Rule{.type = ValueType::names, .names_from = "metrics"}, member(&TrainingSpec::metrics),
         "the metrics to report", {}, "list of metric names",
         "the task's usual ones"},
        {"preprocessing", section(),
         Setter<TrainingSpec>([](TrainingSpec& t, const Json&, Fields& f, const Node& n) {
             Fields pf(n, "preprocessing", n.pos, f.diags(), true);
             read_keys(pf, t.preprocessing, preprocessing_keys());
             pf.finish();
         }),
         "fitted on the training rows only (see training.preprocessing)", {}, "map (see training.preprocessing)",
         "mean, most_frequent, onehot, 20, none", [] { return key_names(preprocessing_keys()); }},
        {"output_registry", Rule{.path_name = true}, member(&TrainingSpec::output_registry),
         "the registry key to register under", {}, "", "the training's name"},
        description_key<TrainingSpec>(),
        metadata_key<TrainingSpec>(),
        {"strict", kBool, member(&TrainingSpec::strict), "unknown hyperparameters are errors, not warnings"},
        {"cv", folds(), member(&TrainingSpec::cv),
         "K ≥ 2: also score K stratified, seeded folds (each metric per fold, mean, `cv_std`), then fit as the job says"},
        {"return_train_score", kBool, member(&TrainingSpec::return_train_score),
         "with `cv`, also score each fold's training rows"},
        {"seed", at_least(0),
         Ref<TrainingSpec, std::uint64_t>([](TrainingSpec& t) -> std::uint64_t& { return t.split.seed; }),
         "the split's seed (as `split.seed`)"},
        {"user", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.interactions.user; }),
         "recommenders: the column of user ids"},
        {"item", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.interactions.item; }),
         "recommenders: the column of item ids"},
        {"rating", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.interactions.rating; }),
         "recommenders: a numeric column of feedback; rows with none are dropped", {}, "", "none"},
        {"rating_threshold", Rule{.type = ValueType::number}, Setter<TrainingSpec>(set_rating_threshold),
         "recommenders, with `rating`: rows rated below it are not interactions (implicit feedback from ratings)",
         {}, "", "none: every rated row counts"},
        {"timestamp", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.interactions.timestamp; }),
         "recommenders: when each interaction happened (ISO 8601 or seconds); each user's latest is held out",
         {}, "", "`timestamp` when the table has it, else row order"},
        {"text", kString, Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.text.text; }),
         "text classifiers: the column of texts"},
        {"label_delimiter", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.text.label_delimiter; }),
         "text classifiers: splits a target cell into its labels (`|` for `000|004`): a set of labels per text",
         {}, "", "none: one label per text (`|` for the classification format)"},
        {"weight", kString,
         Ref<TrainingSpec, std::string>([](TrainingSpec& t) -> std::string& { return t.text.weight; }),
         "text classifiers: a numeric column of per-text weights", {}, "", "`confidence` when the table has it"},
        {"allow_empty", kBool, Ref<TrainingSpec, bool>([](TrainingSpec& t) -> bool& { return t.text.allow_empty; }),
         "text classifiers with label sets: a text may get no label (else at least its most probable one)"},
        {"augmentation", Rule{.type = ValueType::any}, Setter<TrainingSpec>(set_augmentation),
         "text classifiers: extra training texts made from the training split only, after the split, by seeded "
         "word deletion, swaps and crops (see training.augmentation)",
         {"augment"}, "map (see training.augmentation), or `true` (the defaults) / `false` (none)", "none",
         [] { return key_names(augmentation_keys()); }},
        {"evaluation", section(),
         Setter<TrainingSpec>([](TrainingSpec& t, const Json&, Fields& f, const Node& n) {
             Fields ef(n, "evaluation", n.pos, f.diags(), true);
             read_keys(ef, t.evaluation, evaluation_keys());
             ef.finish();
         }),
         "recommenders: how the held-out interactions are ranked (see training.evaluation)", {},
         "map (see training.evaluation)", "leave_one_out, 99 negatives, k [10]",
         [] { return key_names(evaluation_keys()); }},
    };
    return keys;
}

const std::vector<Key<DimensionInput>>& dimension_keys() {
    auto node_of = [](const Node* DimensionInput::*field) {
        return Setter<DimensionInput>([field](DimensionInput& d, const Json&, Fields&, const Node& n) { d.*field = &n; });
    };
    static const std::vector<Key<DimensionInput>> keys = {
        {"type", choice({"float", "int", "categorical"}),
         Setter<DimensionInput>([](DimensionInput& d, const Json& v, Fields&, const Node&) { d.type = v.get<std::string>(); }),
         "without it: `values` means categorical, whole-number bounds int, else float", {}, "", "inferred"},
        {"min", Rule{.type = ValueType::number}, node_of(&DimensionInput::min), "the range's low end (float, int)"},
        {"max", Rule{.type = ValueType::number}, node_of(&DimensionInput::max),
         "the range's high end, above min (float, int)"},
        {"log", kBool,
         Setter<DimensionInput>([](DimensionInput& d, const Json& v, Fields&, const Node& n) {
             d.log = v.get<bool>();
             d.log_node = &n;
         }),
         "sample on a log scale (float, int; needs min > 0)", {}, "", "false"},
        {"step", Rule{.type = ValueType::number, .min = 0, .min_open = true},
         Setter<DimensionInput>([](DimensionInput& d, const Json& v, Fields&, const Node&) { d.step = v.get<double>(); }),
         "only multiples of step above min (float, int)"},
        {"values", Rule{.type = ValueType::any}, node_of(&DimensionInput::values),
         "the choices (categorical; at least one)", {}, "list"},
    };
    return keys;
}

const std::vector<Key<TuningSpec>>& tuning_keys() {
    static const std::vector<Key<TuningSpec>> keys = {
        {"training_job", Rule{.required = true, .names_from = "training blocks"}, member(&TuningSpec::training_job),
         "the training whose hyperparameters are searched"},
        {"strategy", names_of("samplers"), member(&TuningSpec::strategy), "how trials are chosen", {"sampler"}},
        {"max_trials", at_least(1), member(&TuningSpec::max_trials), "trials in the study", {"n_trials"}},
        {"parallel_trials", at_least(1), member(&TuningSpec::parallel_trials), "trials run at once", {"n_jobs"}},
        {"objective_metric", names_of("metrics"), member(&TuningSpec::objective_metric),
         "the validation metric maximized or minimized (its direction from the metric registry)"},
        {"search_space", Rule{.type = ValueType::any, .required = true}, Setter<TuningSpec>(set_search_space),
         "each hyperparameter's range (see tuning.search_space.NAME); a name alone, or a list of names, takes the "
         "algorithm's default range from the catalog",
         {}, "map of name to range, or list of names"},
        {"early_stopping", Rule{.type = ValueType::any}, early_stopping_setter(&TuningSpec::early_stopping),
         "stop the study when the objective stops improving over completed trials", {}, kEarlyStoppingType, "none",
         [] { return key_names(early_stopping_keys()); }},
        {"pruner", names_of("pruners"), member(&TuningSpec::pruner), "stops unpromising trials early"},
        {"cv", folds(), member(&TuningSpec::cv), "0 scores each trial on the validation split; K ≥ 2 on K folds"},
        {"grid_points", at_least(2), member(&TuningSpec::grid_points), "grid values for a float range without step"},
        {"seed", at_least(0), member(&TuningSpec::seed), "the sampler's seed"},
        {"register", choice({"best", "all"}), member(&TuningSpec::register_models),
         "which trials' models go to the registry"},
        {"heartbeat_interval", Rule{.type = ValueType::number, .min = 0, .min_open = true},
         member(&TuningSpec::heartbeat_interval),
         "tuning workers: seconds between a running trial's heartbeats in the store"},
        {"grace_period", Rule{.type = ValueType::number, .min = 0, .min_open = true},
         member(&TuningSpec::grace_period),
         "tuning workers: seconds without a heartbeat after which a running trial is lost, marked failed and "
         "rerun; more than heartbeat_interval"},
        {"max_retry", at_least(0), member(&TuningSpec::max_retry),
         "tuning workers: how many times a lost trial is rerun with the same params"},
        description_key<TuningSpec>(),
        metadata_key<TuningSpec>(),
    };
    return keys;
}

SplitSpec read_split(Fields& parent, const Node& node) {
    Fields f(node, "split", node.pos, parent.diags(), true);
    SplitInput in;
    read_keys(f, in, split_keys());
    f.finish();
    for (const char* name : {"train", "validation", "test"})
        if (f.find(name) && parent.diags().has_error_at(f.find(name)->pos)) return in.split;
    finish_split(parent, in);
    return in.split;
}

EarlyStoppingSpec read_early_stopping(Fields& parent, const Node& node) {
    Fields f(node, "early_stopping", node.pos, parent.diags(), true);
    EarlyStoppingSpec es;
    read_keys(f, es, early_stopping_keys());
    f.finish();
    return es;
}

namespace {

// The type a range without `type:` has.
SearchDimension::Type inferred_type(const DimensionInput& in) {
    if (in.values) return SearchDimension::Type::categorical;
    bool ints = in.min && in.max && in.min->value.is_number_integer() && in.max->value.is_number_integer();
    return ints ? SearchDimension::Type::int_ : SearchDimension::Type::float_;
}

SearchDimension::Type type_named(const std::string& name) {
    if (name == "categorical") return SearchDimension::Type::categorical;
    return name == "int" ? SearchDimension::Type::int_ : SearchDimension::Type::float_;
}

void read_categorical(SearchDimension& d, const DimensionInput& in, const SourcePos& at, const std::string& what,
                      Diagnostics& diags) {
    const Node* values = in.values;
    if (!values || (values->is_list() && values->items.empty())) {
        diags.error(values ? values->pos : at, what + ": a categorical needs at least one value");
        return;
    }
    if (!values->is_list()) {
        diags.error(values->pos, what + ": 'values' must be a list, found " + values->describe());
        return;
    }
    for (const auto& v : values->items) d.values.push_back(v.to_json());
    if (d.values.size() == 1) diags.warning(values->pos, what + " has one value; it is fixed, not searched");
}

void read_range(SearchDimension& d, const DimensionInput& in, Fields& f, const std::string& what) {
    Diagnostics& diags = f.diags();
    // A bound given but refused was reported already.
    if (!in.min && !f.find("min")) f.missing("min");
    if (!in.max && !f.find("max")) f.missing("max");
    if (!in.min || !in.max) return;
    d.min = in.min->value.get<double>();
    d.max = in.max->value.get<double>();
    if (d.type == SearchDimension::Type::int_)
        for (const Node* node : {in.min, in.max})
            if (double v = node->value.get<double>(); v != std::floor(v))
                diags.error(node->pos, what + ": an int range needs whole numbers, found " + number_text(v));
    if (d.min >= d.max)
        diags.error(in.max->pos,
                    what + ": min (" + number_text(d.min) + ") must be less than max (" + number_text(d.max) + ")");
    if (in.log) {
        d.log = true;
        if (d.min <= 0) diags.error(in.min->pos, what + ": log: true needs min > 0, found " + number_text(d.min));
    }
    d.step = in.step;
}

}  // namespace

SearchDimension read_dimension(const Entry& entry, Diagnostics& diags) {
    SearchDimension d;
    d.name = entry.key;
    d.pos = entry.key_pos;
    std::string what = "search space '" + d.name + "'";
    if (entry.value.is_null() || (entry.value.is_map() && entry.value.entries.empty())) {
        d.type = SearchDimension::Type::catalog;
        return d;
    }
    if (!entry.value.is_map()) {
        diags.error(entry.value.pos.line ? entry.value.pos : entry.key_pos,
                    what + " must be a map with 'type' and its range (or nothing: the catalog's range), found " +
                        entry.value.describe());
        return d;
    }
    Fields f(entry.value, what, entry.key_pos, diags, true);
    DimensionInput in;
    read_keys(f, in, dimension_keys());
    f.finish();
    if (f.find("type") && !in.type) return d;  // reported
    d.type = in.type ? type_named(*in.type) : inferred_type(in);
    if (d.type == SearchDimension::Type::categorical)
        read_categorical(d, in, entry.key_pos, what, diags);
    else
        read_range(d, in, f, what);
    return d;
}

std::vector<SectionDoc> language_sections() {
    std::vector<SectionDoc> sections = {
        {"app", "app", describe(app_keys())},
        {"dataset", "dataset \"name\"", describe(dataset_keys())},
        {"dataset.validation", "validation (in a dataset)", describe(validation_keys())},
        {"dataset.validation.columns.NAME", "a column's rules (in a dataset's validation)",
         describe(column_rule_keys())},
        {"model", "model \"name\"", describe(model_keys())},
        {"training", "training \"name\"", describe(training_keys())},
        {"training.split", "split (in a training)", describe(split_keys())},
        {"training.preprocessing", "preprocessing (in a training)", describe(preprocessing_keys())},
        {"training.compute", "compute (in a training)", describe(compute_keys())},
        {"training.checkpoints", "checkpoints (in a training)", describe(checkpoint_keys())},
        {"training.evaluation", "evaluation (in a training of a recommender)", describe(evaluation_keys())},
        {"training.augmentation", "augmentation (in a training of a text classifier)",
         describe(augmentation_keys())},
        {"early_stopping", "early_stopping (in a training or a tuning)", describe(early_stopping_keys())},
        {"tuning", "tuning \"name\"", describe(tuning_keys())},
        {"tuning.search_space.NAME", "a search-space entry (in a tuning)", describe(dimension_keys())},
        {"pipeline", "pipeline \"name\"", describe(pipeline_keys())},
        {"pipeline.stages.ID", "a stage (in a pipeline or a template)", describe(stage_keys())},
        {"template", "template \"name\"", describe(template_keys())},
    };
    auto processing = processing_sections();
    sections.insert(sections.begin() + 2, processing.begin(), processing.end());
    return sections;
}

namespace {

}  // namespace

std::string key_type_text(const KeyDoc& k, const NameLists& names) {
    // Long lists (algorithms, metrics) have pages of their own.
    constexpr std::size_t kMaxListed = 12;
    auto it = names.find(k.names_from);
    if (k.names_from.empty() || it == names.end() || it->second.size() > kMaxListed) return k.type;
    std::vector<std::string> quoted;
    for (const auto& n : it->second) quoted.push_back("`" + n + "`");
    return join(quoted);
}

std::string key_name_text(const KeyDoc& k) {
    std::string out = k.key;
    for (const auto& a : k.aliases) out += " (or " + a + ")";
    return out;
}

namespace {

std::string escape_cell(std::string text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

}  // namespace

std::string keys_markdown(const SectionDoc& section, const NameLists& names) {
    std::string out = "| key | type | default | meaning |\n| --- | --- | --- | --- |\n";
    for (const auto& k : section.keys) {
        out += "| " + key_name_text(k) + " | " + escape_cell(key_type_text(k, names)) + " | " + escape_cell(k.default_value) + " | " +
               escape_cell(k.doc) + " |\n";
    }
    return out;
}

std::string fill_key_tables(std::string_view text, const NameLists& names, std::vector<std::string>* unknown) {
    static const std::string open = "<!-- keys ", close = "<!-- /keys -->";
    const auto sections = language_sections();
    std::string out;
    std::size_t at = 0;
    while (true) {
        auto start = text.find(open, at);
        auto end = start == std::string_view::npos ? start : text.find(close, start);
        if (end == std::string_view::npos) break;
        auto name_end = text.find(" -->", start);
        std::string name(text.substr(start + open.size(), name_end - start - open.size()));
        out += text.substr(at, name_end + 4 - at);
        out += "\n";
        const SectionDoc* found = nullptr;
        for (const auto& s : sections)
            if (s.name == name) found = &s;
        if (found)
            out += keys_markdown(*found, names);
        else if (unknown)
            unknown->push_back(name);
        out += close;
        at = end + close.size();
    }
    out += text.substr(at);
    return out;
}

Json keys_json(const NameLists& names) {
    Json out = Json::array();
    for (const auto& s : language_sections()) {
        Json keys = Json::array();
        for (const auto& k : s.keys) {
            Json j{{"key", k.key}, {"type", k.type}, {"default", k.default_value}, {"doc", k.doc}};
            if (!k.aliases.empty()) j["aliases"] = k.aliases;
            if (auto it = names.find(k.names_from); it != names.end()) j["values"] = it->second;
            keys.push_back(std::move(j));
        }
        out.push_back(Json{{"section", s.name}, {"title", s.title}, {"keys", std::move(keys)}});
    }
    return out;
}

}  // namespace hone::lang
