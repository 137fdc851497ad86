#include "lang/binder.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "common/names.hpp"
#include "common/text.hpp"

namespace hone::lang {

const std::vector<std::string>& block_kinds() {
    static const std::vector<std::string> v = {"app", "dataset", "model", "training", "tuning"};
    return v;
}
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

// Numbers in messages: up to 6 significant digits, so 0.7 + 0.2 + 0.2 reads 1.1.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string quoted_list(const std::vector<std::string>& names) { return join_or(names, "'"); }

// Reads the entries of one map, remembering which keys the language asked for,
// so that finish() can report the rest as unknown with the nearest known key.
class Fields {
public:
    Fields(const Node& map, std::string what, SourcePos owner_pos, Diagnostics& diags)
        : map_(map), what_(std::move(what)), owner_pos_(std::move(owner_pos)), diags_(diags) {}

    const Node* get(const std::string& key) {
        known_.push_back(key);
        for (const auto& e : map_.entries)
            if (e.key == key) return &e.value;
        return nullptr;
    }
    const SourcePos& key_pos(const std::string& key) const {
        for (const auto& e : map_.entries)
            if (e.key == key) return e.key_pos;
        return owner_pos_;
    }

    void missing(const std::string& key) {
        diags_.error(owner_pos_, what_ + " is missing required field '" + key + "'");
    }

    std::optional<std::string> text(const std::string& key, bool required = false) {
        const Node* n = get(key);
        if (!n || n->is_null()) {
            if (required) missing(key);
            return std::nullopt;
        }
        if (!n->is_scalar()) {
            type_error(key, *n, "a single value");
            return std::nullopt;
        }
        if (n->value.is_string()) return n->value.get<std::string>();
        return n->value.dump();
    }

    std::optional<std::int64_t> integer(const std::string& key, std::int64_t min_value) {
        const Node* n = get(key);
        if (!n || n->is_null()) return std::nullopt;
        if (!n->is_scalar() || !n->value.is_number_integer() || n->quoted) {
            type_error(key, *n, "an integer");
            return std::nullopt;
        }
        std::int64_t v = n->value.get<std::int64_t>();
        if (v < min_value) {
            diags_.error(n->pos, "'" + key + "' must be at least " + std::to_string(min_value) + ", found " +
                                     std::to_string(v));
            return std::nullopt;
        }
        return v;
    }

    std::optional<double> number(const std::string& key) {
        const Node* n = get(key);
        if (!n || n->is_null()) return std::nullopt;
        if (!n->is_scalar() || !n->value.is_number() || n->quoted) {
            type_error(key, *n, "a number");
            return std::nullopt;
        }
        return n->value.get<double>();
    }

    std::optional<bool> boolean(const std::string& key) {
        const Node* n = get(key);
        if (!n || n->is_null()) return std::nullopt;
        if (!n->is_scalar() || !n->value.is_boolean()) {
            type_error(key, *n, "true or false");
            return std::nullopt;
        }
        return n->value.get<bool>();
    }

    // A list of names; a single name is read as a list of one.
    std::optional<std::vector<std::string>> names(const std::string& key) {
        const Node* n = get(key);
        if (!n || n->is_null()) return std::nullopt;
        std::vector<std::string> out;
        if (n->is_scalar()) {
            out.push_back(n->value.is_string() ? n->value.get<std::string>() : n->value.dump());
            return out;
        }
        if (!n->is_list()) {
            type_error(key, *n, "a list of names");
            return std::nullopt;
        }
        for (const auto& item : n->items) {
            if (!item.is_scalar() || item.is_null()) {
                diags_.error(item.pos, "'" + key + "' must be a list of names, found " + item.describe() +
                                           " in it");
                continue;
            }
            out.push_back(item.value.is_string() ? item.value.get<std::string>() : item.value.dump());
        }
        return out;
    }

    // A map (hyperparameters, metadata, resources) as JSON.
    std::optional<Json> object(const std::string& key) {
        const Node* n = get(key);
        if (!n || n->is_null()) return std::nullopt;
        if (!n->is_map()) {
            type_error(key, *n, "a map of 'key: value' lines");
            return std::nullopt;
        }
        return n->to_json();
    }

    // A nested map read by its own Fields, or nullptr (after reporting) if not a map.
    const Node* section(const std::string& key) {
        const Node* n = get(key);
        if (!n || n->is_null()) return nullptr;
        if (!n->is_map()) {
            type_error(key, *n, "a map of 'key: value' lines");
            return nullptr;
        }
        return n;
    }

    // Checks a value against an enumeration; the caller already read it with text().
    bool one_of(const std::string& key, const std::string& value, const std::vector<std::string>& allowed) {
        for (const auto& a : allowed)
            if (a == value) return true;
        const Node* n = find(key);
        std::string msg = "invalid " + key + " '" + value + "' in " + what_ + ": expected " + quoted_list(allowed);
        std::string near = nearest(value, allowed);
        if (!near.empty()) msg += "; did you mean '" + near + "'?";
        diags_.error(n ? n->pos : owner_pos_, msg);
        return false;
    }

    void finish() {
        for (const auto& e : map_.entries) {
            bool known = false;
            for (const auto& k : known_) known = known || k == e.key;
            if (known) continue;
            std::string near = nearest(e.key, known_);
            std::string msg = "unknown key '" + e.key + "' in " + what_;
            if (!near.empty())
                msg += "; did you mean '" + near + "'?";
            else
                msg += "; expected " + quoted_list(known_);
            diags_.error(e.key_pos, msg);
        }
    }

    const Node* find(const std::string& key) const {
        for (const auto& e : map_.entries)
            if (e.key == key) return &e.value;
        return nullptr;
    }
    const SourcePos& owner_pos() const { return owner_pos_; }
    Diagnostics& diags() { return diags_; }

private:
    void type_error(const std::string& key, const Node& n, const std::string& expected) {
        diags_.error(n.pos, "'" + key + "' must be " + expected + ", found " + n.describe());
    }

    const Node& map_;
    std::string what_;
    SourcePos owner_pos_;
    Diagnostics& diags_;
    std::vector<std::string> known_;
};

std::string block_title(const Block& b) { return b.label.empty() ? b.kind : b.kind + " \"" + b.label + "\""; }

SourcePos block_pos(const Block& b) { return b.label_pos.line ? b.label_pos : b.kind_pos; }

EarlyStoppingSpec bind_early_stopping(const Node& node, Diagnostics& diags) {
    Fields f(node, "early_stopping", node.pos, diags);
    EarlyStoppingSpec es;
    if (auto v = f.boolean("enabled")) es.enabled = *v;
    if (auto v = f.text("metric")) es.metric = *v;
    if (auto v = f.integer("patience", 0)) es.patience = static_cast<int>(*v);
    if (auto v = f.number("min_delta")) {
        if (*v < 0)
            diags.error(f.find("min_delta")->pos, "'min_delta' must be at least 0, found " + num(*v));
        else
            es.min_delta = *v;
    }
    if (auto v = f.text("mode"))
        if (f.one_of("mode", *v, {"min", "max", "auto"})) es.mode = *v;
    f.finish();
    return es;
}

// `early_stopping:` a map of settings; or true (the defaults) or false (none),
// which is how an override turns it off.
std::optional<EarlyStoppingSpec> read_early_stopping(Fields& f, Diagnostics& diags) {
    const Node* n = f.find("early_stopping");
    if (n && n->is_scalar() && n->value.is_boolean()) {
        f.get("early_stopping");
        return n->value.get<bool>() ? std::optional(EarlyStoppingSpec{}) : std::nullopt;
    }
    if (const Node* es = f.section("early_stopping")) return bind_early_stopping(*es, diags);
    return std::nullopt;
}

// `cv: K`: 0 (no cross-validation) or at least 2 folds.
std::optional<int> read_cv(Fields& f, Diagnostics& diags) {
    auto v = f.integer("cv", 0);
    if (!v) return std::nullopt;
    if (*v == 1) {
        diags.error(f.find("cv")->pos, "'cv' must be 0 (use the validation split) or at least 2, found 1");
        return std::nullopt;
    }
    return static_cast<int>(std::min<std::int64_t>(*v, 1000));
}

void bind_split(Fields& parent, TrainingSpec& t, Diagnostics& diags) {
    const Node* split = parent.section("split");
    const Node* short_form = parent.find("validation_split");
    auto validation_split = parent.number("validation_split");
    if (split && short_form) {
        diags.error(parent.key_pos("validation_split"),
                    "give either 'split' or 'validation_split', not both");
        return;
    }
    if (validation_split) {
        double v = *validation_split;
        if (!(v > 0 && v < 1)) {
            diags.error(short_form->pos, "'validation_split' must be between 0 and 1 (exclusive), found " + num(v));
            return;
        }
        t.split.train = 1 - v;
        t.split.validation = v;
        t.split.test = 0;
        return;
    }
    if (!split) return;
    Fields f(*split, "split", split->pos, diags);
    const char* names[3] = {"train", "validation", "test"};
    std::optional<double> given[3];
    bool bad = false;
    for (int i = 0; i < 3; ++i) {
        given[i] = f.number(names[i]);
        if (!given[i]) continue;
        double v = *given[i];
        // Training needs rows; validation or test may be empty (0).
        bool ok = i == 0 ? (v > 0 && v < 1) : (v >= 0 && v < 1);
        if (!ok) {
            diags.error(f.find(names[i])->pos, std::string("split ratio '") + names[i] + "' must be " +
                                                   (i == 0 ? "between 0 and 1 (exclusive)" : "at least 0 and below 1") +
                                                   ", found " + num(v));
            bad = true;
        }
    }
    if (auto v = f.boolean("stratify")) t.split.stratify = *v;
    if (auto v = f.boolean("shuffle")) t.split.shuffle = *v;
    if (auto v = f.integer("seed", 0)) t.split.seed = static_cast<std::uint64_t>(*v);
    f.finish();
    if (bad) return;
    // Ratios left out share what the given ones leave.
    double sum = 0;
    int missing = 0;
    for (int i = 0; i < 3; ++i) given[i] ? sum += *given[i] : ++missing;
    double parts[3];
    for (int i = 0; i < 3; ++i) parts[i] = given[i] ? *given[i] : std::max(0.0, (1 - sum) / missing);
    double total = parts[0] + parts[1] + parts[2];
    if (std::fabs(total - 1) > 1e-6) {
        diags.error(parent.key_pos("split"), "split ratios must sum to 1, found " + num(parts[0]) + " + " + num(parts[1]) +
                                    " + " + num(parts[2]) + " = " + num(total));
        return;
    }
    t.split.train = parts[0];
    t.split.validation = parts[1];
    t.split.test = parts[2];
}

void bind_preprocessing(const Node& node, PreprocessSpec& p, Diagnostics& diags) {
    Fields f(node, "preprocessing", node.pos, diags);
    if (auto v = f.text("impute"))
        if (f.one_of("impute", *v, {"mean", "median", "most_frequent", "constant"})) p.impute_numeric = *v;
    if (auto v = f.text("impute_categorical"))
        if (f.one_of("impute_categorical", *v, {"most_frequent", "constant"})) p.impute_categorical = *v;
    if (const Node* v = f.get("fill_value")) p.fill_value = v->to_json();
    if (auto v = f.text("encode"))
        if (f.one_of("encode", *v, {"onehot", "ordinal"})) p.encode = *v;
    if (auto v = f.integer("max_categories", 1)) p.max_categories = static_cast<int>(*v);
    if (auto v = f.text("scale"))
        if (f.one_of("scale", *v, {"none", "standard", "minmax"})) p.scale = *v;
    f.finish();
}

SearchDimension bind_dimension(const Entry& entry, Diagnostics& diags) {
    SearchDimension d;
    d.name = entry.key;
    d.pos = entry.key_pos;
    std::string what = "search space '" + d.name + "'";
    if (!entry.value.is_map()) {
        diags.error(entry.value.pos.line ? entry.value.pos : entry.key_pos,
                    what + " must be a map with 'type' and its range, found " + entry.value.describe());
        return d;
    }
    Fields f(entry.value, what, entry.key_pos, diags);
    auto type = f.text("type");
    const Node* min_node = f.find("min");
    const Node* max_node = f.find("max");
    auto min = f.number("min");
    auto max = f.number("max");
    auto log = f.boolean("log");
    auto step = f.number("step");
    const Node* values = f.get("values");
    f.finish();

    std::string t;
    if (type) {
        t = *type;
        if (!f.one_of("type", t, {"float", "int", "categorical"})) return d;
    } else if (values) {
        t = "categorical";
    } else {
        bool ints = min_node && max_node && min_node->value.is_number_integer() && max_node->value.is_number_integer();
        t = ints ? "int" : "float";
    }
    if (t == "categorical") {
        d.type = SearchDimension::Type::categorical;
        if (!values || values->is_null() || (values->is_list() && values->items.empty())) {
            diags.error(values ? values->pos : entry.key_pos, what + ": a categorical needs at least one value");
            return d;
        }
        if (!values->is_list()) {
            diags.error(values->pos, what + ": 'values' must be a list, found " + values->describe());
            return d;
        }
        for (const auto& v : values->items) d.values.push_back(v.to_json());
        if (d.values.size() == 1)
            diags.warning(values->pos, what + " has one value; it is fixed, not searched");
        return d;
    }
    d.type = t == "int" ? SearchDimension::Type::int_ : SearchDimension::Type::float_;
    if (!min) f.missing("min");
    if (!max) f.missing("max");
    if (!min || !max) return d;
    d.min = *min;
    d.max = *max;
    if (d.type == SearchDimension::Type::int_) {
        for (auto [node, v] : {std::pair{min_node, *min}, std::pair{max_node, *max}})
            if (v != std::floor(v))
                diags.error(node->pos, what + ": an int range needs whole numbers, found " + num(v));
    }
    if (d.min >= d.max) {
        diags.error(max_node->pos, what + ": min (" + num(d.min) + ") must be less than max (" + num(d.max) + ")");
    }
    if (log && *log) {
        d.log = true;
        if (d.min <= 0) diags.error(min_node->pos, what + ": log: true needs min > 0, found " + num(d.min));
    }
    if (step) {
        if (*step <= 0)
            diags.error(f.find("step")->pos, what + ": step must be greater than 0, found " + num(*step));
        else
            d.step = *step;
    }
    return d;
}

class Binder {
public:
    Binder(const Document& doc, Diagnostics& diags) : doc_(doc), diags_(diags) {}

    JobFile run() {
        out_.path = doc_.file;
        for (const auto& block : doc_.blocks) bind_block(block);
        check_references();
        return std::move(out_);
    }

private:
    void bind_block(const Block& b) {
        const auto& kinds = block_kinds();
        if (std::find(kinds.begin(), kinds.end(), b.kind) == kinds.end()) {
            std::string msg = "unknown block '" + b.kind + "': expected " + quoted_list(kinds);
            std::string near = nearest(b.kind, kinds);
            if (!near.empty()) msg += "; did you mean '" + near + "'?";
            diags_.error(b.kind_pos, msg);
            return;
        }
        if (b.kind != "app" && b.label.empty()) {
            diags_.error(b.kind_pos, "a " + b.kind + " block needs a name: " + b.kind + " \"name\":");
            return;
        }
        // Names become registry keys and folder names under the model root.
        if (b.kind != "app" && !is_safe_name(b.label)) {
            diags_.error(b.label_pos, b.kind + " name '" + b.label + "' is not a name: use 1 to " +
                                          std::to_string(kMaxNameLength) +
                                          " of A-Z a-z 0-9 _ . - (not starting with '.')");
            return;
        }
        if (!note_name(b)) return;
        if (b.kind == "app") bind_app(b);
        else if (b.kind == "dataset") bind_dataset(b);
        else if (b.kind == "model") bind_model(b);
        else if (b.kind == "training") bind_training(b);
        else bind_tuning(b);
    }

    // Records the block's name; false (after reporting) for a duplicate.
    bool note_name(const Block& b) {
        auto key = b.kind + "\n" + b.label;
        auto [it, inserted] = seen_.emplace(key, block_pos(b).line);
        if (inserted) return true;
        if (b.kind == "app")
            diags_.error(b.kind_pos, "duplicate app block (first at line " + std::to_string(it->second) + ")");
        else
            diags_.error(b.label_pos, "duplicate " + block_title(b) + " (first defined at line " +
                                          std::to_string(it->second) + ")");
        return false;
    }

    void bind_app(const Block& b) {
        Fields f(b.body, "app", b.kind_pos, diags_);
        AppSpec app;
        app.pos = b.kind_pos;
        app.name = f.text("name").value_or(b.label);
        app.description = f.text("description").value_or("");
        app.version = f.text("version").value_or("");
        if (auto v = f.object("metadata")) app.metadata = *v;
        f.finish();
        out_.app = std::move(app);
    }

    void bind_dataset(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        DatasetSpec d;
        d.name = b.label;
        d.pos = block_pos(b);
        d.base_dir = std::filesystem::path(doc_.file).parent_path();
        auto source = f.text("source", true);
        d.path = f.text("path").value_or("");
        d.table = f.text("table").value_or("");
        d.query = f.text("query").value_or("");
        d.connection = f.text("connection").value_or("");
        d.format = f.text("format").value_or("");
        if (auto v = f.text("delimiter")) {
            std::string delim = *v == "\\t" || *v == "tab" ? "\t" : *v;
            if (delim.size() != 1)
                diags_.error(f.find("delimiter")->pos, "'delimiter' must be one character, found '" + *v + "'");
            else
                d.delimiter = delim;
        }
        if (auto v = f.boolean("header")) d.header = *v;
        if (auto v = f.names("na_values")) d.na_values = *v;
        if (const Node* schema = f.get("schema")) bind_schema(*schema, d);
        d.description = f.text("description").value_or("");
        if (auto v = f.object("metadata")) d.metadata = *v;
        f.finish();
        // Source and format names belong to the data stage, which checks them
        // (train/validate.hpp asks it); here only which keys go with which source.
        if (source) {
            d.source = *source;
            check_source_fields(f, d);
        }
        out_.datasets.push_back(std::move(d));
    }

    void check_source_fields(Fields& f, const DatasetSpec& d) {
        std::string what = "dataset \"" + d.name + "\" (source " + d.source + ")";
        bool database = d.source == "sqlite" || d.source == "postgres";
        if (d.source != "postgres" && d.path.empty())
            diags_.error(f.owner_pos(), what + " is missing required field 'path'");
        if (database) {
            if (d.table.empty() && d.query.empty())
                diags_.error(f.owner_pos(), what + " needs 'table' or 'query'");
            if (!d.table.empty() && !d.query.empty())
                diags_.error(f.key_pos("query"), what + ": give either 'table' or 'query', not both");
        } else {
            for (const char* key : {"table", "query", "connection"})
                if (f.find(key)) diags_.error(f.key_pos(key), what + ": '" + key + "' applies to sqlite and postgres sources only");
        }
    }

    // `schema:` as a list of `- name: type`, or a map of name: type.
    void bind_schema(const Node& schema, DatasetSpec& d) {
        std::vector<const Entry*> entries;
        if (schema.is_map()) {
            for (const auto& e : schema.entries) entries.push_back(&e);
        } else if (schema.is_list()) {
            for (const auto& item : schema.items) {
                if (!item.is_map() || item.entries.size() != 1) {
                    diags_.error(item.pos, "each schema item is '- name: type', found " + item.describe());
                    continue;
                }
                entries.push_back(&item.entries.front());
            }
        } else {
            diags_.error(schema.pos, "'schema' must be a list of '- name: type', found " + schema.describe());
            return;
        }
        for (const Entry* e : entries) {
            if (!e->value.is_scalar() || !e->value.value.is_string()) {
                diags_.error(e->value.pos, "the type of column '" + e->key + "' must be one of " +
                                               quoted_list(column_types()) + ", found " + e->value.describe());
                continue;
            }
            std::string type = e->value.value.get<std::string>();
            const auto& types = column_types();
            if (std::find(types.begin(), types.end(), type) == types.end()) {
                std::string msg = "unknown type '" + type + "' for column '" + e->key + "': expected " +
                                  quoted_list(types);
                std::string near = nearest(type, types);
                if (!near.empty()) msg += "; did you mean '" + near + "'?";
                diags_.error(e->value.pos, msg);
                continue;
            }
            bool duplicate = false;
            for (const auto& c : d.schema) duplicate = duplicate || c.name == e->key;
            if (duplicate) {
                diags_.error(e->key_pos, "column '" + e->key + "' is declared twice in the schema");
                continue;
            }
            d.schema.push_back(ColumnDecl{e->key, type, e->key_pos});
        }
    }

    void bind_model(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        ModelSpec m;
        m.name = b.label;
        m.pos = block_pos(b);
        if (auto v = f.text("type"))
            if (f.one_of("type", *v, model_types())) m.type = *v;
        if (auto v = f.text("engine"))
            if (f.one_of("engine", *v, frameworks())) m.engine = *v;
        m.algorithm = f.text("algorithm").value_or("");
        if (auto v = f.object("hyperparameters")) m.hyperparameters = *v;
        m.description = f.text("description").value_or("");
        if (auto v = f.object("metadata")) m.metadata = *v;
        f.finish();
        out_.models.push_back(std::move(m));
    }

    void bind_training(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        TrainingSpec t;
        t.name = b.label;
        t.pos = block_pos(b);
        t.model = f.text("model", true).value_or("");
        t.dataset = f.text("dataset", true).value_or("");
        t.target = f.text("target").value_or("");
        if (auto v = f.names("features")) t.features = *v;
        if (auto v = f.text("framework")) {
            if (f.one_of("framework", *v, frameworks())) t.framework = *v;
            if (*v == "tensorflow")
                diags_.warning(f.find("framework")->pos,
                               "framework 'tensorflow' has no runtime in hone; this job will not train (use sklearn, "
                               "xgboost or pytorch)");
        }
        t.objective = f.text("objective", true).value_or("");
        if (auto v = f.object("hyperparameters")) t.hyperparameters = *v;
        bind_split(f, t, diags_);
        t.early_stopping = read_early_stopping(f, diags_);
        if (const Node* c = f.section("compute")) {
            Fields cf(*c, "compute", c->pos, diags_);
            if (auto v = cf.text("backend")) t.compute.backend = *v;
            if (auto v = cf.object("resources")) t.compute.resources = *v;
            cf.finish();
        }
        if (auto v = f.names("metrics")) t.metrics = *v;
        if (const Node* p = f.section("preprocessing")) bind_preprocessing(*p, t.preprocessing, diags_);
        t.output_registry = f.text("output_registry").value_or("");
        if (!t.output_registry.empty() && !is_safe_name(t.output_registry))
            diags_.error(f.find("output_registry")->pos,
                         "output_registry '" + t.output_registry + "' is not a name: use 1 to " +
                             std::to_string(kMaxNameLength) + " of A-Z a-z 0-9 _ . - (not starting with '.')");
        t.description = f.text("description").value_or("");
        if (auto v = f.object("metadata")) t.metadata = *v;
        if (auto v = f.boolean("strict")) t.strict = *v;
        if (auto v = read_cv(f, diags_)) t.cv = *v;
        if (auto v = f.boolean("return_train_score")) t.return_train_score = *v;
        if (auto v = f.integer("seed", 0)) t.split.seed = static_cast<std::uint64_t>(*v);
        f.finish();
        refs_.push_back({"model", t.model, f.find("model"), block_title(b)});
        refs_.push_back({"dataset", t.dataset, f.find("dataset"), block_title(b)});
        out_.trainings.push_back(std::move(t));
    }

    void bind_tuning(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        TuningSpec t;
        t.name = b.label;
        t.pos = block_pos(b);
        t.training_job = f.text("training_job", true).value_or("");
        // Sampler and pruner names belong to the tuning stage, which checks them
        // (tune/validate.hpp).
        if (auto v = f.text("strategy")) t.strategy = *v;
        if (auto v = f.integer("max_trials", 1)) t.max_trials = static_cast<int>(*v);
        if (auto v = f.integer("parallel_trials", 1)) t.parallel_trials = static_cast<int>(*v);
        if (auto v = f.text("objective_metric")) t.objective_metric = *v;
        const Node* space = f.get("search_space");
        if (!space || space->is_null()) {
            f.missing("search_space");
        } else if (!space->is_map() || space->entries.empty()) {
            diags_.error(space->pos, "'search_space' must map each hyperparameter to its range, found " +
                                         space->describe());
        } else {
            for (const auto& e : space->entries) t.search_space.push_back(bind_dimension(e, diags_));
        }
        t.early_stopping = read_early_stopping(f, diags_);
        if (auto v = f.text("pruner")) t.pruner = *v;
        if (auto v = read_cv(f, diags_)) t.cv = *v;
        if (auto v = f.integer("grid_points", 2)) t.grid_points = static_cast<int>(*v);
        if (auto v = f.integer("seed", 0)) t.seed = static_cast<std::uint64_t>(*v);
        if (auto v = f.text("register"))
            if (f.one_of("register", *v, {"best", "all"})) t.register_models = *v;
        t.description = f.text("description").value_or("");
        if (auto v = f.object("metadata")) t.metadata = *v;
        f.finish();
        refs_.push_back({"training job", t.training_job, f.find("training_job"), block_title(b)});
        out_.tunings.push_back(std::move(t));
    }

    struct Reference {
        std::string kind;  // model, dataset, training job
        std::string name;
        const Node* node;
        std::string owner;
    };

    void check_references() {
        for (const auto& r : refs_) {
            if (r.name.empty() || !r.node) continue;  // already reported as missing
            std::vector<std::string> names;
            bool found = false;
            auto scan = [&](const auto& items) {
                for (const auto& item : items) {
                    names.push_back(item.name);
                    found = found || item.name == r.name;
                }
            };
            if (r.kind == "model") scan(out_.models);
            else if (r.kind == "dataset") scan(out_.datasets);
            else scan(out_.trainings);
            if (found) continue;
            std::string msg = r.owner + " refers to undefined " + r.kind + " '" + r.name + "'";
            std::string near = nearest(r.name, names);
            if (!near.empty()) msg += "; did you mean '" + near + "'?";
            else if (names.empty()) msg += "; no " + r.kind + " is defined in this file";
            else msg += "; defined: " + quoted_list(names);
            diags_.error(r.node->pos, msg);
        }
    }

    const Document& doc_;
    Diagnostics& diags_;
    JobFile out_;
    std::map<std::string, int> seen_;
    std::vector<Reference> refs_;
};

}  // namespace

JobFile bind(const Document& doc, Diagnostics& diags) { return Binder(doc, diags).run(); }

}  // namespace hone::lang
