// `hone check FILE...`: parse and validate job files; print what they declare or
// every error, compiler style. Exit 0 when all files are valid, 1 otherwise.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "common/file.hpp"
#include "common/json.hpp"
#include "common/registry.hpp"
#include "common/text.hpp"
#include "lang/job_file.hpp"
#include "train/setup.hpp"
#include "tune/validate.hpp"

namespace hone::cli {

namespace {

using lang::Json;

std::string fmt_ratio(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

struct Row {
    std::string kind, name, facts;
};

std::string split_text(const lang::SplitSpec& s) {
    return fmt_ratio(s.train) + "/" + fmt_ratio(s.validation) + "/" + fmt_ratio(s.test);
}

// Engines are families of classic estimators: recommenders and text
// classifiers have none. A default algorithm is the one a run would take.
std::string model_facts(const lang::ModelSpec& m) {
    const bool trained = train::task_of_type(m.type).has_value();
    const std::string algo = !m.algorithm.empty() ? m.algorithm
                             : trained             ? train::algorithm_of(m).name + " (default)"
                                                   : "(default)";
    const bool classic = m.type == "classifier" || m.type == "regressor";
    return "type=" + m.type + (classic ? " engine=" + m.engine : "") + " algorithm=" + algo;
}

// Columns, then what the run holds out: each user's latest interaction.
std::string recommender_facts(const lang::TrainingSpec& t) {
    const lang::InteractionFieldsSpec& c = t.interactions;
    std::string facts = " user=" + c.user + " item=" + c.item;
    if (!c.rating.empty()) facts += " rating=" + c.rating;
    if (c.rating_threshold) facts += " rating_threshold=" + fmt_ratio(*c.rating_threshold);
    if (!c.timestamp.empty()) facts += " timestamp=" + c.timestamp;
    facts += " objective=" + t.objective + " evaluation=" + t.evaluation.protocol;
    if (t.evaluation.protocol == "leave_one_out") facts += " negatives=" + std::to_string(t.evaluation.negatives);
    std::vector<std::string> ks;
    for (int k : t.evaluation.k) ks.push_back(std::to_string(k));
    return facts + " k=" + join(ks, ",") + " held_out=each user's latest";
}

std::string text_facts(const lang::TrainingSpec& t) {
    std::string facts = " text=" + t.text.text;
    if (!t.target.empty()) facts += " target=" + t.target;
    if (!t.text.label_delimiter.empty()) facts += " label_delimiter=" + t.text.label_delimiter;
    if (!t.text.weight.empty()) facts += " weight=" + t.text.weight;
    if (t.text.allow_empty) facts += " allow_empty=true";
    facts += " objective=" + t.objective + " split=" + split_text(t.split);
    if (t.augmentation.enabled) {
        const int copies = t.augmentation.options.copies;
        facts += " augmentation=" + std::to_string(copies) + (copies == 1 ? " copy" : " copies") + " per training text";
    }
    return facts;
}

std::string classic_facts(const lang::TrainingSpec& t, const lang::ModelSpec* model) {
    std::string facts;
    if (!t.target.empty()) facts += " target=" + t.target;
    if (!t.features.empty()) facts += " features=" + std::to_string(t.features.size());
    facts += " objective=" + t.objective + " split=" + split_text(t.split);
    // framework: pytorch picks the mlp for a model block that names no algorithm.
    if (t.framework == "pytorch" && model && model->algorithm.empty() && model->engine != "pytorch")
        facts += " algorithm=mlp (framework pytorch)";
    return facts;
}

std::string training_facts(const lang::JobFile& f, const lang::TrainingSpec& t) {
    const lang::ModelSpec* model = f.find_model(t.model);
    const std::string type = model ? model->type : "";
    std::string facts = "model=" + t.model + " dataset=" + t.dataset;
    facts += type == "recommender"       ? recommender_facts(t)
             : type == "text_classifier" ? text_facts(t)
                                         : classic_facts(t, model);
    if (t.early_stopping) facts += " early_stopping=" + t.early_stopping->metric;
    return facts;
}

std::vector<Row> summarize(const lang::JobFile& f) {
    std::vector<Row> rows;
    if (f.app) rows.push_back({"app", f.app->name, f.app->description});
    for (const auto& d : f.datasets) {
        std::string facts = "source=" + d.source;
        if (!d.path.empty()) facts += " path=" + d.path;
        if (!d.table.empty()) facts += " table=" + d.table;
        if (!d.query.empty()) facts += " query";
        if (!d.schema.empty()) facts += " schema=" + std::to_string(d.schema.size()) + " columns";
        rows.push_back({"dataset", d.name, facts});
    }
    for (const auto& m : f.models) rows.push_back({"model", m.name, model_facts(m)});
    for (const auto& t : f.trainings) rows.push_back({"training", t.name, training_facts(f, t)});
    for (const auto& t : f.tunings) {
        std::vector<std::string> dims;
        for (const auto& d : t.search_space) dims.push_back(d.name);
        rows.push_back({"tuning", t.name,
                        "training_job=" + t.training_job + " strategy=" + t.strategy +
                            " max_trials=" + std::to_string(t.max_trials) +
                            " parallel_trials=" + std::to_string(t.parallel_trials) +
                            " objective_metric=" + t.objective_metric + " space=" + join(dims, ",")});
    }
    for (const auto& t : f.templates) {
        std::vector<std::string> params;
        for (const auto& [name, _] : t.parameters.items()) params.push_back(name);
        rows.push_back({"template", t.name, "parameters=" + join(params, ",")});
    }
    for (const auto& p : f.pipelines) {
        std::vector<std::string> stages;
        for (const auto& s : p.stages) stages.push_back(s.id);
        std::string facts = "stages=" + join(stages, ",") + " max_parallel=" + std::to_string(p.max_parallel);
        if (!p.from_template.empty()) facts += " from_template=" + p.from_template;
        rows.push_back({"pipeline", p.name, facts});
    }
    return rows;
}

Json file_json(const lang::LoadedJobFile& loaded) {
    Json out;
    out["file"] = loaded.doc.file;
    out["ok"] = loaded.ok();
    Json blocks = Json::array();
    if (loaded.ok()) {
        const auto& f = loaded.spec;
        if (f.app) blocks.push_back(Json{{"kind", "app"}, {"name", f.app->name}});
        auto push = [&](const char* kind, const Json& spec) {
            Json b;
            b["kind"] = kind;
            b["name"] = spec["name"];
            b["spec"] = spec;
            blocks.push_back(b);
        };
        for (const auto& d : f.datasets) push("dataset", lang::to_json(d));
        for (const auto& m : f.models) push("model", lang::to_json(m));
        for (const auto& t : f.trainings) push("training", lang::to_json(t));
        for (const auto& t : f.tunings) push("tuning", lang::to_json(t));
        for (const auto& p : f.pipelines) push("pipeline", lang::to_json(p));
    }
    out["blocks"] = blocks;
    Json diags = Json::array();
    for (const auto& d : loaded.diags.sorted()) {
        diags.push_back(Json{{"severity", d.severity == lang::Diagnostic::Severity::error ? "error" : "warning"},
                             {"file", d.pos.file},
                             {"line", d.pos.line},
                             {"col", d.pos.col},
                             {"message", d.message}});
    }
    out["diagnostics"] = diags;
    return out;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("check", "Parse and validate job files (.n3, .yaml, .json); print their blocks or every error");
    auto files = std::make_shared<std::vector<std::string>>();
    auto as_json = std::make_shared<bool>(false);
    cmd->add_option("FILE", *files, "job files")->required();
    cmd->add_flag("--json", *as_json, "print a JSON report instead of text");
    cmd->callback([files, as_json, &exit_code] {
        bool all_ok = true;
        Json report = Json{{"ok", true}, {"files", Json::array()}};
        for (const auto& path : *files) {
            auto loaded = lang::load_job_file(path);
            tune::validate_job(loaded);
            all_ok = all_ok && loaded.ok();
            if (*as_json) {
                report["files"].push_back(file_json(loaded));
                continue;
            }
            std::cerr << loaded.report();
            if (!loaded.ok()) {
                std::size_t n = loaded.diags.error_count();
                std::cerr << path << ": " << n << (n == 1 ? " error" : " errors") << "\n";
                continue;
            }
            auto rows = summarize(loaded.spec);
            std::cout << path << ": ok, " << rows.size() << (rows.size() == 1 ? " block" : " blocks") << "\n";
            std::size_t name_width = 0;
            for (const auto& r : rows) name_width = std::max(name_width, r.name.size());
            for (const auto& r : rows)
                std::cout << "  " << std::left << std::setw(9) << r.kind << std::setw(static_cast<int>(name_width) + 2)
                          << r.name << r.facts << "\n";
        }
        if (*as_json) {
            report["ok"] = all_ok;
            std::cout << hone::json_dump(report, 2) << "\n";
        }
        exit_code = all_ok ? 0 : 1;
    });
}

// `hone keys [SECTION]`: the job language's keys, from the table the binder
// reads files by (lang/keys.hpp); `--fill FILE` rewrites the key tables of a
// Markdown file (docs/language.md) in place.
void add_keys_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("keys", "The keys of job files: type, default, allowed values, meaning");
    auto section = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto fill = std::make_shared<std::string>();
    cmd->add_option("SECTION", *section, "one block or section (training, training.split, tuning, ...)");
    cmd->add_flag("--json", *json, "print JSON");
    cmd->add_option("--fill", *fill, "rewrite the tables between <!-- keys NAME --> and <!-- /keys --> in FILE");
    cmd->callback([=, &exit_code] {
        const auto names = tune::registry_names();
        if (!fill->empty()) {
            std::vector<std::string> unknown;
            auto original = read_file(*fill);
            if (!original) throw Error(ErrorKind::not_found, "file_not_found", "cannot read " + *fill);
            std::string text = lang::fill_key_tables(*original, names, &unknown);
            if (!unknown.empty())
                throw Error(ErrorKind::validation, "unknown_section",
                            *fill + ": no section " + join_or(unknown, "'") + " in the job language");
            std::ofstream(*fill, std::ios::binary) << text;
            exit_code = 0;
            return;
        }
        std::vector<std::string> known;
        bool found = false;
        for (const auto& s : lang::language_sections()) {
            known.push_back(s.name);
            if (!section->empty() && s.name != *section) continue;
            found = true;
            if (*json) continue;
            std::vector<std::vector<std::string>> rows = {{"KEY", "TYPE", "DEFAULT", "MEANING"}};
            for (const auto& k : s.keys)
                rows.push_back({lang::key_name_text(k), lang::key_type_text(k, names), k.default_value, k.doc});
            std::cout << s.title << "\n";
            print_table(rows);
            std::cout << "\n";
        }
        if (!found) throw unknown_name_error("unknown_section", "section", *section, known);
        if (*json) {
            Json out = lang::keys_json(names);
            if (!section->empty()) {
                Json picked = Json::array();
                for (const auto& s : out)
                    if (s["section"] == *section) picked.push_back(s);
                out = picked;
            }
            std::cout << hone::json_dump(out, 2) << "\n";
        }
        exit_code = 0;
    });
}

}  // namespace hone::cli
