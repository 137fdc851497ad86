// YAML and JSON job files: yaml-cpp reads the text (JSON is YAML), this file turns
// its nodes into lang::Node with positions, then arranges them as N3 blocks.
#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "common/text.hpp"
#include "lang/binder.hpp"
#include "lang/job_file.hpp"
#include "lang/n3_parser.hpp"

namespace hone::lang {

namespace {

class YamlReader {
public:
    YamlReader(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

    SourcePos pos_of(const YAML::Node& n, int length = 1) const {
        const YAML::Mark m = n.Mark();
        if (m.line < 0) return SourcePos{file_, 0, 0, 0};
        return SourcePos{file_, m.line + 1, m.column + 1, length};
    }

    Node convert(const YAML::Node& y) {
        Node n;
        switch (y.Type()) {
            case YAML::NodeType::Sequence:
                n.kind = Node::Kind::list;
                n.pos = pos_of(y);
                for (const auto& item : y) n.items.push_back(convert(item));
                break;
            case YAML::NodeType::Map:
                n.kind = Node::Kind::map;
                n.pos = pos_of(y);
                add_entries(y, n);
                break;
            case YAML::NodeType::Scalar: {

                const std::string& text = y.Scalar();
                n.pos = pos_of(y, static_cast<int>(text.size()));
                // A quoted scalar has the non-specific tag "!": it stays a string.
                n.quoted = y.Tag() == "!";
                n.value = n.quoted ? Json(text) : type_scalar(text);
                if (!n.quoted && n.value.is_string() && is_out_of_range_number(text))
                    diags_.error(n.pos, out_of_range_message(text));
                break;
            }
            default:
                n.pos = pos_of(y);
                n.value = nullptr;
                break;
        }
        return n;
    }

private:
    // The entries of map `y` into `n`, a repeated key reported at its second use.
    void add_entries(const YAML::Node& y, Node& n) {
        std::unordered_map<std::string, int> seen;  // key -> the line it was first set at
        for (auto it = y.begin(); it != y.end(); ++it) {
            Entry e;
            e.key = it->first.Scalar();
            e.key_pos = pos_of(it->first, static_cast<int>(e.key.size()));
            auto [first, fresh] = seen.emplace(e.key, e.key_pos.line);
            if (!fresh) {
                diags_.error(e.key_pos, "duplicate key '" + e.key + "' (first set at line " +
                                            std::to_string(first->second) + ")");
                continue;
            }
            e.value = convert(it->second);
            n.entries.push_back(std::move(e));
        }
    }

    std::string file_;
    Diagnostics& diags_;
};

// One pass over yaml-cpp's events before any node is built, refusing what a job
// file must not hold: anchors and aliases (a few hundred bytes of aliases expand
// into gigabytes when loaded) and nesting past max_nesting_depth (yaml-cpp's
// parser and our conversion recurse once per level).
class Screen : public YAML::EventHandler {
public:
    // Thrown from a handler to stop the parser at the first level too deep.
    struct TooDeep {};

    Screen(const std::string& file, const std::vector<std::string>& lines, Diagnostics& diags)
        : file_(file), lines_(lines), diags_(diags) {}

    std::size_t refused() const { return refused_; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnAnchor(const YAML::Mark& mark, const std::string& name) override { refuse(mark, "anchor '&" + name + "'"); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { refuse(mark, "alias '" + word_at(mark) + "'"); }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(mark);
    }
    void OnSequenceEnd() override { --depth_; }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(mark);
    }
    void OnMapEnd() override { --depth_; }

private:
    SourcePos pos(const YAML::Mark& m, int length = 1) const {
        if (m.line < 0) return SourcePos{file_, 0, 0, 0};
        return SourcePos{file_, m.line + 1, m.column + 1, length};
    }

    void open(const YAML::Mark& mark) {
        if (++depth_ <= max_nesting_depth) return;
        ++refused_;
        diags_.error(pos(mark), nesting_error_message());
        throw TooDeep{};
    }

    void refuse(const YAML::Mark& mark, const std::string& what) {
        ++refused_;
        diags_.error(pos(mark, static_cast<int>(word_at(mark).size())),
                     "YAML " + what + ": job files do not take YAML anchors (&name) or aliases (*name); "
                     "write the value out in full");
    }

    // The token written at `mark` ("*a"), read from the source line.
    std::string word_at(const YAML::Mark& m) const {
        if (m.line < 0 || m.line >= static_cast<int>(lines_.size())) return "";
        const std::string& line = lines_[m.line];
        std::size_t start = static_cast<std::size_t>(m.column), end = start;
        while (end < line.size() && end - start < 64 && !std::isspace(static_cast<unsigned char>(line[end])) &&
               line[end] != ',' && line[end] != ']' && line[end] != '}')
            ++end;
        return start < line.size() ? line.substr(start, end - start) : "";
    }

    std::string file_;
    const std::vector<std::string>& lines_;
    Diagnostics& diags_;
    int depth_ = 0;
    std::size_t refused_ = 0;
};

void syntax_error(const YAML::Exception& e, const std::string& file, Diagnostics& diags) {
    bool json = std::filesystem::path(file).extension() == ".json";
    diags.error(SourcePos{file, e.mark.line + 1, e.mark.column + 1, 1},
                std::string(json ? "JSON" : "YAML") + " syntax error: " + e.msg);
}

// Where flow collections ([...], {...}) first nest more than max_nesting_depth
// deep: the text up to that bracket with the brackets open there closed, else
// nothing. A rough, linear lexer (quotes,
// comments, block scalars skipped as well as it can), used only to find a prefix
// that shows the error quickly: yaml-cpp reads an outer flow collection to its end
// before its first event (it might be a key), so on 100,000 brackets the screen
// alone takes most of a second. Any answer here is checked by the screen.
std::optional<std::string> deep_flow_prefix(std::string_view t) {
    std::string open;   // the flow brackets open here, outermost first
    int block_indent = -1;  // block_indent: inside a block scalar (| or >) below that indent
    bool value_start = true;          // a '[', '{' or quote here opens flow or a string
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == '\n') {
            line_start = i + 1;
            value_start = true;
            std::size_t j = line_start;
            while (j < t.size() && t[j] == ' ') ++j;
            int indent = static_cast<int>(j - line_start);
            if (block_indent >= 0 && (indent > block_indent || j >= t.size() || t[j] == '\n' || t[j] == '\r')) {
                i = j - 1;  // a line of the block scalar
                continue;
            }
            block_indent = -1;
            continue;
        }
        bool after_space = i == line_start || t[i - 1] == ' ' || t[i - 1] == '\t';
        if (c == '#' && after_space) {
            while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
        } else if ((c == '"' || c == '\'') && (!open.empty() ? after_space || std::strchr("[{,:", t[i - 1]) : value_start)) {
            for (++i; i < t.size() && t[i] != c; ++i)
                if (c == '"' && t[i] == '\\') ++i;  // '' in a single-quoted string reads as close and reopen
            value_start = false;
        } else if ((c == '[' || c == '{') && (!open.empty() || value_start)) {
            open += c;
            if (open.size() > static_cast<std::size_t>(max_nesting_depth)) {
                std::string prefix(t.substr(0, i + 1));
                for (auto b = open.rbegin(); b != open.rend(); ++b) prefix += *b == '[' ? ']' : '}';
                return prefix;
            }
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
        } else if (open.empty() && (c == '|' || c == '>') && value_start) {
            std::size_t j = line_start;
            while (t[j] == ' ') ++j;
            block_indent = static_cast<int>(j - line_start);
            while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
        } else if (open.empty() && (c == ':' || c == '-' || c == '?') &&
                   (i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\n' || t[i + 1] == '\r')) {
            value_start = true;
        } else if (c == '&' || c == '!') {
            while (i + 1 < t.size() && t[i + 1] != ' ' && t[i + 1] != '\n') ++i;  // a property before a value
        } else if (c != ' ' && c != '\t' && c != '\r' && open.empty()) {
            value_start = false;
        }
    }
    return std::nullopt;
}

// Screens the first document of `text` (the one YAML::Load reads) into `diags`.
enum class Screened { ok, refused, too_deep };
Screened screen_text(const std::string& text, const Document& doc, Diagnostics& diags) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Screen handler(doc.file, doc.lines, diags);
    try {
        parser.HandleNextDocument(handler);
    } catch (const Screen::TooDeep&) {
        return Screened::too_deep;
    } catch (const YAML::Exception& e) {
        syntax_error(e, doc.file, diags);
        return Screened::refused;
    }
    return handler.refused() == 0 ? Screened::ok : Screened::refused;
}

// True when the text may be loaded. Deep flow is screened first on the prefix
// that ends at its deepest bracket (closed), where the screen fails as it would
// on the whole text; when that prefix does not fail for depth (the rough lexer
// was wrong), the whole text is screened.
bool screen(const std::string& text, const Document& doc, Diagnostics& diags) {
    if (auto prefix_text = deep_flow_prefix(text)) {
        Diagnostics prefix;
        if (screen_text(*prefix_text, doc, prefix) == Screened::too_deep) {
            for (const auto& d : prefix.items()) diags.error(d.pos, d.message);
            return false;
        }
    }
    return screen_text(text, doc, diags) == Screened::ok;
}

Node scalar(std::string text, const SourcePos& pos) {
    Node n;
    n.value = std::move(text);
    n.pos = pos;
    return n;
}

const Entry* find(const Node& map, std::string_view key) {
    for (const auto& e : map.entries)
        if (e.key == key) return &e;
    return nullptr;
}

// The map without some keys, with others renamed.
Node reshape(const Node& map, const std::vector<std::string>& drop,
             const std::vector<std::pair<std::string, std::string>>& rename = {}) {
    Node out = map;
    out.entries.clear();
    for (const auto& e : map.entries) {
        if (std::find(drop.begin(), drop.end(), e.key) != drop.end()) continue;
        Entry copy = e;
        for (const auto& [from, to] : rename)
            if (copy.key == from) copy.key = to;
        out.entries.push_back(std::move(copy));
    }
    return out;
}

void add(Node& map, const std::string& key, Node value, const SourcePos& key_pos) {
    map.entries.push_back(Entry{key, key_pos, std::move(value)});
}

// Blocks written as YAML maps: `trainings: {name: {...}}`, `app: {...}`.
// The bodies are moved out of `root`: a large file is not held twice.
void read_block_maps(Node& root, Document& doc, Diagnostics& diags) {
    static const std::vector<std::pair<std::string, std::string>> groups = {
        {"datasets", "dataset"},   {"models", "model"},         {"trainings", "training"},
        {"tunings", "tuning"},     {"templates", "template"},   {"pipelines", "pipeline"}};
    std::vector<std::string> expected = {"app",    "datasets",  "models",    "trainings",
                                         "tunings", "templates", "pipelines", "training_data"};
    for (auto& top : root.entries) {
        if (top.key == "app") {
            doc.blocks.push_back(Block{"app", "", top.key_pos, {}, std::move(top.value)});
            continue;
        }
        std::string kind;
        for (const auto& [plural, singular] : groups)
            if (top.key == plural || top.key == singular) kind = singular;
        if (kind.empty()) {
            std::string msg = "unknown top-level key '" + top.key + "': expected " + join_or(expected, "'");
            msg += did_you_mean(top.key, expected);
            diags.error(top.key_pos, msg);
            continue;
        }
        if (!top.value.is_map()) {
            diags.error(top.value.pos, "'" + top.key + "' must map each " + kind + " name to its fields, found " +
                                           top.value.describe());
            continue;
        }
        for (auto& named : top.value.entries) {
            Node body = std::move(named.value);
            if (body.is_null()) {
                body.kind = Node::Kind::map;
            }
            if (!body.is_map()) {
                diags.error(body.pos, kind + " \"" + named.key + "\" must be a map of fields, found " +
                                          body.describe());
                continue;
            }
            doc.blocks.push_back(Block{kind, named.key, named.key_pos, named.key_pos, std::move(body)});
        }
    }
}

// The configuration template, as one dataset, one model and one training block.
// The template's shorthand `model: random_forest` (a base model or algorithm by
// name) as the map it stands for: named after the job, a classifier unless the
// configuration says `type`.
Node expand_model_shorthand(const Node& root) {
    Node out = root;
    for (auto& e : out.entries) {
        if (e.key != "model" || !e.value.is_scalar() || !e.value.value.is_string()) continue;
        const Entry* name = find(root, "name");
        const Node shorthand = e.value;
        Node model;
        model.kind = Node::Kind::map;
        model.pos = shorthand.pos;
        add(model, "name", name && name->value.is_scalar() && name->value.value.is_string() ? name->value : shorthand,
            e.key_pos);
        add(model, "algorithm", shorthand, e.key_pos);
        if (!find(root, "type")) add(model, "model_type", scalar("classifier", shorthand.pos), e.key_pos);
        e.value = model;
    }
    return out;
}

// What a template with no objective maximizes, by its model's type, as
// scikit-learn's score() has one metric per kind of estimator.
struct UsualMetric {
    std::string metric, whose;
};
UsualMetric usual_metric(const std::string& model_type) {
    if (model_type == "recommender") return {"ndcg@10", "a recommender's"};
    if (model_type == "regressor") return {"r2", "a regressor's"};
    if (model_type == "text_classifier") return {"micro_f1", "a text classifier's"};
    return {"accuracy", "a classifier's"};
}

void read_template(const Node& given, Document& doc, Diagnostics& diags) {
    const Node root = expand_model_shorthand(given);
    const Entry* model = find(root, "model");
    const Entry* data = find(root, "training_data");
    if (!data) data = find(root, "trainingData");
    const Entry* name = find(root, "name");
    if (!model || !model->value.is_map()) {
        diags.error(model ? model->value.pos : root.pos, "the configuration needs 'model:' with at least 'name:'");
        return;
    }
    const Entry* model_name = find(model->value, "name");
    if (!model_name || !model_name->value.is_scalar() || model_name->value.is_null()) {
        diags.error(model->key_pos, "'model' is missing required field 'name'");
        return;
    }
    std::string model_label = model_name->value.value.is_string() ? model_name->value.value.get<std::string>()
                                                                   : model_name->value.value.dump();
    std::string job = name && name->value.is_scalar() && name->value.value.is_string()
                          ? name->value.value.get<std::string>()
                          : model_label;
    std::string dataset_label = job + "_data";
    if (!data->value.is_map()) {
        diags.error(data->value.pos, "'" + data->key + "' must be a map of fields, found " + data->value.describe());
        return;
    }

    doc.blocks.push_back(
        Block{"dataset", dataset_label, data->key_pos, data->key_pos, reshape(data->value, {"validation_split"})});
    doc.blocks.push_back(Block{"model", model_label, model->key_pos, model_name->value.pos,
                               reshape(model->value, {"name"}, {{"model_type", "type"}, {"base_model", "algorithm"}})});

    // The training block: the N3 training fields at top level, plus what the
    // template keeps in its sections.
    Node training = reshape(root, {"name", "model", "training_data", "trainingData", "optimization", "evaluation",
                                   "deployment"});
    add(training, "model", scalar(model_label, model_name->value.pos), model->key_pos);
    add(training, "dataset", scalar(dataset_label, data->key_pos), data->key_pos);
    if (const Entry* split = find(data->value, "validation_split")) add(training, "validation_split", split->value, split->key_pos);
    Json metadata = Json::object();
    std::string objective_hint;
    if (const Entry* opt = find(root, "optimization"); opt && opt->value.is_map()) {
        const Entry* es = find(opt->value, "early_stopping");
        if (es) {
            Node stopping = es->value;
            // "validation_loss" is the template's name for val_loss.
            if (const Entry* metric = find(stopping, "metric");
                metric && metric->value.value.is_string() && metric->value.value == "validation_loss") {
                for (auto& e : stopping.entries)
                    if (e.key == "metric") e.value.value = "val_loss";
            }
            add(training, "early_stopping", stopping, es->key_pos);
        }
        Node* hp = nullptr;
        for (auto& e : training.entries)
            if (e.key == "hyperparameters") hp = &e.value;
        for (const auto& e : opt->value.entries) {
            if (e.key == "early_stopping") continue;
            if (!hp) {
                Node empty;
                empty.kind = Node::Kind::map;
                empty.pos = e.key_pos;
                add(training, "hyperparameters", empty, e.key_pos);
                hp = &training.entries.back().value;
            }
            hp->entries.push_back(e);
        }
    }
    if (const Entry* eval = find(root, "evaluation"); eval && eval->value.is_map()) {
        // A recommender's protocol, negatives and k: the training's own evaluation.
        Node ranking;
        ranking.kind = Node::Kind::map;
        ranking.pos = eval->value.pos;
        for (const auto& e : eval->value.entries) {
            if (e.key == "protocol" || e.key == "negatives" || e.key == "k") {
                ranking.entries.push_back(e);
            } else if (e.key == "metrics") {
                add(training, "metrics", e.value, e.key_pos);
                if (e.value.is_list() && !e.value.items.empty() && e.value.items[0].value.is_string())
                    objective_hint = e.value.items[0].value.get<std::string>();
            } else if (e.key == "save_best_model") {
                // The template's flag for keeping the best epoch: checkpoints that save it.
                Node checkpoints;
                checkpoints.kind = Node::Kind::map;
                checkpoints.pos = e.value.pos;
                add(checkpoints, "enabled", e.value, e.key_pos);
                add(checkpoints, "save_best", e.value, e.key_pos);
                add(training, "checkpoints", checkpoints, e.key_pos);
            } else {
                metadata["evaluation"][e.key] = e.value.to_json();
            }
        }
        if (!ranking.entries.empty()) add(training, "evaluation", ranking, eval->key_pos);
    }
    if (const Entry* deploy = find(root, "deployment")) metadata["deployment"] = deploy->value.to_json();
    if (!metadata.empty()) {
        Node m;
        m.kind = Node::Kind::map;
        for (auto it = metadata.begin(); it != metadata.end(); ++it) {
            Node v;
            v.value = it.value();
            add(m, it.key(), v, root.pos);
        }
        if (!find(training, "metadata")) add(training, "metadata", m, root.pos);
    }
    // The template names no objective; the first evaluation metric serves, or
    // else the task's usual one (as scikit-learn's score() is), said in a warning.
    if (!find(training, "objective") && objective_hint.empty()) {
        const Entry* type = find(model->value, "model_type");
        if (!type) type = find(model->value, "type");
        const UsualMetric usual =
            usual_metric(type && type->value.value.is_string() ? type->value.value.get<std::string>() : "");
        objective_hint = "maximize_" + usual.metric;
        diags.warning(name ? name->value.pos : root.pos,
                      "no objective given: the job maximizes " + usual.metric + ", " + usual.whose +
                          " usual metric (set 'objective' to choose another)");
    }
    if (!find(training, "objective"))
        add(training, "objective", scalar(objective_hint, root.pos), root.pos);
    doc.blocks.push_back(Block{"training", job, root.pos, name ? name->value.pos : model_name->value.pos, training});
}

}  // namespace

Document parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags) {
    Document doc;
    doc.file = file;
    doc.lines = split_lines(text);
    const std::string owned(text);
    if (!screen(owned, doc, diags)) return doc;
    YAML::Node root;
    try {
        root = YAML::Load(owned);
    } catch (const YAML::Exception& e) {
        syntax_error(e, file, diags);
        return doc;
    }
    YamlReader reader(file, diags);
    if (!root.IsMap()) {
        diags.error(SourcePos{file, 1, 1, 1}, "a job file is a map of blocks (app, datasets, models, trainings, "
                                              "tunings, templates, pipelines) or a training configuration");
        return doc;
    }
    Node tree = reader.convert(root);
    root.reset();  // yaml-cpp's tree is the larger one: let it go before the blocks are made
    if (find(tree, "training_data") || find(tree, "trainingData"))
        read_template(tree, doc, diags);
    else
        read_block_maps(tree, doc, diags);
    return doc;
}

}  // namespace hone::lang
