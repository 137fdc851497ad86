#include "lang/binder.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "common/names.hpp"
#include "common/text.hpp"
#include "lang/keys.hpp"

namespace hone::lang {

const std::vector<std::string>& block_kinds() {
    static const std::vector<std::string> v = {"app", "dataset", "model", "training", "tuning"};
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
        for (const auto& block : doc_.blocks) bind_block(block);
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
};

}  // namespace

JobFile bind(const Document& doc, Diagnostics& diags) { return Binder(doc, diags).run(); }

}  // namespace hone::lang
