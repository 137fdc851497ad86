// YAML and JSON job files: yaml-cpp reads the text (JSON is YAML), this file turns
// its nodes into lang::Node with positions, then arranges them as N3 blocks.
#include <filesystem>

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
                for (auto it = y.begin(); it != y.end(); ++it) {
                    Entry e;
                    e.key = it->first.Scalar();
                    e.key_pos = pos_of(it->first, static_cast<int>(e.key.size()));
                    bool duplicate = false;
                    for (const auto& prior : n.entries) {
                        if (prior.key == e.key) {
                            diags_.error(e.key_pos, "duplicate key '" + e.key + "' (first set at line " +
                                                        std::to_string(prior.key_pos.line) + ")");
                            duplicate = true;
                        }
                    }
                    if (duplicate) continue;
                    e.value = convert(it->second);
                    n.entries.push_back(std::move(e));
                }
                break;
            case YAML::NodeType::Scalar: {
                const std::string& text = y.Scalar();
                n.pos = pos_of(y, static_cast<int>(text.size()));
                // A quoted scalar has the non-specific tag "!": it stays a string.
                n.quoted = y.Tag() == "!";
                n.value = n.quoted ? Json(text) : type_scalar(text);
                break;
            }
            default:
                n.pos = pos_of(y);
                n.value = nullptr;
                break;
        }
        return n;
    }

    void report(const SourcePos& pos, std::string message) { diags_.error(pos, std::move(message)); }

private:
    std::string file_;
    Diagnostics& diags_;
};

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
void read_block_maps(const Node& root, Document& doc, Diagnostics& diags) {
    static const std::vector<std::pair<std::string, std::string>> groups = {
        {"datasets", "dataset"}, {"models", "model"}, {"trainings", "training"}, {"tunings", "tuning"}};
    std::vector<std::string> expected = {"app", "datasets", "models", "trainings", "tunings", "training_data"};
    for (const auto& top : root.entries) {
        if (top.key == "app") {
            doc.blocks.push_back(Block{"app", "", top.key_pos, {}, top.value});
            continue;
        }
        std::string kind;
        for (const auto& [plural, singular] : groups)
            if (top.key == plural || top.key == singular) kind = singular;
        if (kind.empty()) {
            std::string msg = "unknown top-level key '" + top.key + "': expected " + join_or(expected, "'");
            std::string near = nearest(top.key, expected);
            if (!near.empty()) msg += "; did you mean '" + near + "'?";
            diags.error(top.key_pos, msg);
            continue;
        }
        if (!top.value.is_map()) {
            diags.error(top.value.pos, "'" + top.key + "' must map each " + kind + " name to its fields, found " +
                                           top.value.describe());
            continue;
        }
        for (const auto& named : top.value.entries) {
            Node body = named.value;
            if (body.is_null()) {
                body.kind = Node::Kind::map;
            }
            if (!body.is_map()) {
                diags.error(named.value.pos, kind + " \"" + named.key + "\" must be a map of fields, found " +
                                                 named.value.describe());
                continue;
            }
            doc.blocks.push_back(Block{kind, named.key, named.key_pos, named.key_pos, body});
        }
    }
}

// Seed 004's configuration template, as one dataset, one model and one training block.
void read_template(const Node& root, Document& doc, Diagnostics& diags) {
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
        for (const auto& e : eval->value.entries) {
            if (e.key == "metrics") {
                add(training, "metrics", e.value, e.key_pos);
                if (e.value.is_list() && !e.value.items.empty() && e.value.items[0].value.is_string())
                    objective_hint = e.value.items[0].value.get<std::string>();
            } else {
                metadata["evaluation"][e.key] = e.value.to_json();
            }
        }
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
    // The template names no objective; the first evaluation metric serves.
    if (!find(training, "objective") && !objective_hint.empty())
        add(training, "objective", scalar(objective_hint, root.pos), root.pos);
    doc.blocks.push_back(Block{"training", job, root.pos, name ? name->value.pos : model_name->value.pos, training});
}

}  // namespace

Document parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags) {
    Document doc;
    doc.file = file;
    doc.lines = split_lines(text);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        bool json = std::filesystem::path(file).extension() == ".json";
        diags.error(SourcePos{file, e.mark.line + 1, e.mark.column + 1, 1},
                    std::string(json ? "JSON" : "YAML") + " syntax error: " + e.msg);
        return doc;
    }
    YamlReader reader(file, diags);
    if (!root.IsMap()) {
        diags.error(SourcePos{file, 1, 1, 1}, "a job file is a map of blocks (app, datasets, models, trainings, "
                                              "tunings) or a training configuration");
        return doc;
    }
    Node tree = reader.convert(root);
    if (find(tree, "training_data") || find(tree, "trainingData"))
        read_template(tree, doc, diags);
    else
        read_block_maps(tree, doc, diags);
    return doc;
}

}  // namespace hone::lang
