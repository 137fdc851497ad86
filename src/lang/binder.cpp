#include "lang/binder.hpp"

#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>

#include "common/names.hpp"
#include "common/text.hpp"
#include "lang/keys.hpp"

namespace hone::lang {

const std::vector<std::string>& block_kinds() {
    static const std::vector<std::string> v = {"app", "dataset", "model", "training", "tuning", "template", "pipeline"};
    return v;
}
namespace {

std::string quoted_list(const std::vector<std::string>& names) { return join_or(names, "'"); }

std::string block_title(const Block& b) { return b.label.empty() ? b.kind : b.kind + " \"" + b.label + "\""; }

SourcePos block_pos(const Block& b) { return b.label_pos.line ? b.label_pos : b.kind_pos; }

class Binder {
public:
    Binder(const Document& doc, Diagnostics& diags) : doc_(doc), diags_(diags) {}

    JobFile run() {
        out_.path = doc_.file;
        // Pipelines last: the templates they are made from may come later in the file.
        for (const auto& block : doc_.blocks)
            if (block.kind != "pipeline") bind_block(block);
        for (const auto& block : doc_.blocks)
            if (block.kind == "pipeline") bind_block(block);
        check_references();
        return std::move(out_);
    }

private:
    void bind_block(const Block& b) {
        const auto& kinds = block_kinds();
        if (std::find(kinds.begin(), kinds.end(), b.kind) == kinds.end()) {
            std::string msg = "unknown block '" + b.kind + "': expected " + quoted_list(kinds);
            msg += did_you_mean(b.kind, kinds);
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
        else if (b.kind == "tuning") bind_tuning(b);
        else if (b.kind == "template") bind_template(b);
        else bind_pipeline(b);
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
        read_keys(f, app, app_keys());
        f.finish();
        out_.app = std::move(app);
    }

    void bind_dataset(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        DatasetSpec d;
        d.name = b.label;
        d.pos = block_pos(b);
        d.base_dir = std::filesystem::path(doc_.file).parent_path();
        read_keys(f, d, dataset_keys());
        f.finish();
        // Source and format names belong to the data stage, which checks them
        // (train/validate.hpp asks it); here only which keys go with which source.
        if (!d.source.empty()) check_source_fields(f, d);
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

    void bind_model(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        ModelSpec m;
        m.name = b.label;
        m.pos = block_pos(b);
        read_keys(f, m, model_keys());
        f.finish();
        out_.models.push_back(std::move(m));
    }

    void bind_training(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        TrainingSpec t;
        t.name = b.label;
        t.pos = block_pos(b);
        read_keys(f, t, training_keys());
        f.finish();
        if (t.framework == "tensorflow")
            diags_.warning(f.find("framework")->pos,
                           "framework 'tensorflow' has no runtime in hone; this job will not train (use sklearn, "
                           "xgboost or pytorch)");
        refs_.push_back({"model", t.model, f.find("model"), block_title(b)});
        refs_.push_back({"dataset", t.dataset, f.find("dataset"), block_title(b)});
        out_.trainings.push_back(std::move(t));
    }

    void bind_tuning(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        TuningSpec t;
        t.name = b.label;
        t.pos = block_pos(b);
        // Sampler, pruner and metric names belong to the tuning stage, which
        // checks them (tune/validate.hpp).
        read_keys(f, t, tuning_keys());
        f.finish();
        refs_.push_back({"training job", t.training_job, f.find("training_job"), block_title(b)});
        out_.tunings.push_back(std::move(t));
    }

    void bind_template(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        TemplateSpec t;
        t.name = b.label;
        t.pos = block_pos(b);
        read_keys(f, t, template_keys());
        f.finish();
        if (const Node* stages = f.find("stages")) {
            check_template_placeholders(t, *stages, diags_);
            template_stages_[t.name] = stages;
        }
        out_.templates.push_back(std::move(t));
    }

    void bind_pipeline(const Block& b) {
        Fields f(b.body, block_title(b), block_pos(b), diags_);
        PipelineSpec p;
        p.name = b.label;
        p.pos = block_pos(b);
        read_keys(f, p, pipeline_keys());
        f.finish();
        const Node* stages = f.find("stages");
        if (stages && f.find("from_template"))
            diags_.error(f.key_pos("from_template"), block_title(b) + ": give either 'stages' or 'from_template', not both");
        else if (!stages && !f.find("from_template"))
            diags_.error(block_pos(b), block_title(b) + " needs 'stages' (or 'from_template' and 'values')");
        else if (!stages && !p.from_template.empty())
            stages = stages_from_template(f, p);
        if (f.find("values") && !f.find("from_template"))
            diags_.error(f.key_pos("values"), block_title(b) + ": 'values' goes with 'from_template'");
        if (stages) note_stage_references(p, *stages, block_title(b));
        out_.pipelines.push_back(std::move(p));
    }

    // The template's stages with the pipeline's values (and the template's
    // defaults) in place, bound into `p`; null when the template is unknown or a
    // value is missing or unknown (after reporting).
    const Node* stages_from_template(Fields& f, PipelineSpec& p) {
        auto it = template_stages_.find(p.from_template);
        const TemplateSpec* t = nullptr;
        std::vector<std::string> names;
        for (const auto& candidate : out_.templates) {
            names.push_back(candidate.name);
            if (candidate.name == p.from_template) t = &candidate;
        }
        if (!t) {
            std::string near = did_you_mean(p.from_template, names);
            if (near.empty()) near = names.empty() ? "; no template is defined in this file" : "; defined: " + quoted_list(names);
            diags_.error(f.find("from_template")->pos,
                         "pipeline \"" + p.name + "\" refers to undefined template '" + p.from_template + "'" + near);
            return nullptr;
        }
        if (it == template_stages_.end()) return nullptr;  // the template's own error is reported
        Json values = t->parameters;
        bool complete = true;
        if (const Node* given = f.find("values"); given && given->is_map())
            for (const auto& e : given->entries) {
                if (!t->parameters.contains(e.key)) {
                    std::vector<std::string> names;
                    for (const auto& [name, _] : t->parameters.items()) names.push_back(name);
                    std::string near = did_you_mean(e.key, names);
                    diags_.error(e.key_pos, "template \"" + t->name + "\" has no parameter '" + e.key + "'" +
                                                (near.empty() ? "; its parameters are " + quoted_list(names) : near));
                    complete = false;
                    continue;
                }
                values[e.key] = e.value.to_json();
            }
        for (const auto& [name, value] : values.items())
            if (value.is_null()) {
                diags_.error(f.find("from_template")->pos, "pipeline \"" + p.name + "\" must give template \"" +
                                                               t->name + "\"'s parameter '" + name + "' in 'values'");
                complete = false;
            }
        if (!complete) return nullptr;
        p.values = values;
        expanded_.push_back(expand_template(*it->second, values));
        read_stages(p, expanded_.back(), diags_);
        return &expanded_.back();
    }

    // The blocks the stages name, checked with the file's other references.
    void note_stage_references(const PipelineSpec& p, const Node& stages, const std::string& owner) {
        for (const auto& s : p.stages) {
            const Node* body = nullptr;
            for (const auto& e : stages.entries)
                if (e.key == s.id && e.value.is_map()) body = &e.value;
            if (!body) continue;
            auto value_of = [&](const char* key) -> const Node* {
                for (const auto& e : body->entries)
                    if (e.key == key) return &e.value;
                return nullptr;
            };
            const std::string where = "stage '" + s.id + "' of " + owner;
            refs_.push_back({"dataset", s.dataset, value_of("dataset"), where});
            refs_.push_back({"training job", s.training, value_of("training"), where});
            refs_.push_back({"tuning", s.tuning, value_of("tuning"), where});
        }
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
            else if (r.kind == "tuning") scan(out_.tunings);
            else scan(out_.trainings);
            if (found) continue;
            std::string msg = r.owner + " refers to undefined " + r.kind + " '" + r.name + "'";
            if (std::string suggestion = did_you_mean(r.name, names); !suggestion.empty()) msg += suggestion;
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
    std::map<std::string, const Node*> template_stages_;  // each template's stages as written
    std::deque<Node> expanded_;  // pipelines' stages made from templates: references point into them
};

}  // namespace

JobFile bind(const Document& doc, Diagnostics& diags) { return Binder(doc, diags).run(); }

}  // namespace hone::lang
