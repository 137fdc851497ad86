// The keys of pipelines, their stages and templates, and the checks of a
// pipeline as a whole: which keys go with which stage type, dependencies that
// name stages, no cycles, a model for every stage that needs one. The binder
// reads pipeline blocks through these; `hone keys` and docs/language.md list them.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>

#include "common/text.hpp"
#include "lang/keys.hpp"

namespace hone::lang {

const std::vector<std::string>& stage_types() {
    static const std::vector<std::string> v = {"data_preparation",  "data_validation",  "feature_extraction",
                                               "model_training",    "model_validation", "model_evaluation",
                                               "model_deployment"};
    return v;
}

namespace {

bool is_data_stage(const std::string& type) {
    return type == "data_preparation" || type == "data_validation" || type == "feature_extraction";
}
// Stages that act on the model an upstream model_training stage registered.
bool takes_model(const std::string& type) {
    return type == "model_validation" || type == "model_evaluation" || type == "model_deployment";
}

// `min: {auc: 0.8}`: each metric a number.
Rule thresholds() {
    return Rule{.type = ValueType::map, .check = [](const Json& v) -> std::string {
                    for (const auto& [metric, bound] : v.items())
                        if (!bound.is_number())
                            return "the threshold of '" + metric + "' must be a number, found " + bound.dump();
                    return "";
                }};
}

}  // namespace

const std::vector<Key<StageSpec>>& stage_keys() {
    static const std::vector<Key<StageSpec>> keys = {
        {"type", Rule{.choices = stage_types(), .required = true}, member(&StageSpec::type), "what the stage does"},
        {"dependencies", Rule{.type = ValueType::names}, member(&StageSpec::dependencies),
         "the stages that must complete first", {"depends_on"}},
        {"dataset", Rule{.names_from = "dataset blocks"}, member(&StageSpec::dataset),
         "data stages: the dataset block; model_evaluation: score on it instead of the test split"},
        {"training", Rule{.names_from = "training blocks"}, member(&StageSpec::training),
         "model_training: the training block to run; model stages: which upstream training's model"},
        {"tuning", Rule{.names_from = "tuning blocks"}, member(&StageSpec::tuning),
         "model_training: the tuning block to run (its best model goes on); model stages: which study's model"},
        {"parameters", Rule{.type = ValueType::map}, member(&StageSpec::parameters),
         "model_training: hyperparameters over the model block's"},
        {"min", thresholds(), member(&StageSpec::min),
         "model_validation: metric → lowest value that passes (the model's test metrics)"},
        {"max", thresholds(), member(&StageSpec::max), "model_validation: metric → highest value that passes"},
        {"metrics", Rule{.type = ValueType::names, .names_from = "metrics"}, member(&StageSpec::metrics),
         "model_evaluation: the metrics to compute (default: the task's)"},
        {"stage", Rule{.choices = {"staging", "production", "archived", "none"}}, member(&StageSpec::stage),
         "model_deployment: the registry stage the model moves to"},
        {"export", Rule{.choices = {"onnx", "torch", "bundle"}}, member(&StageSpec::export_format),
         "model_deployment: write the model in this format to `output`"},
        {"output", Rule{}, member(&StageSpec::output),
         "model_deployment: the exported file's path (relative to the job file)"},
        {"cache", Rule{.type = ValueType::boolean}, member(&StageSpec::cache),
         "false: run even when nothing it depends on changed"},
        {"retries", Rule{.type = ValueType::integer, .min = 0, .max = 100}, member(&StageSpec::retries),
         "attempts after a failure"},
        {"retry_delay", Rule{.type = ValueType::number, .min = 0, .max = 3600}, member(&StageSpec::retry_delay),
         "seconds between attempts"},
    };
    return keys;
}

namespace {

// Which stage types each type-specific key goes with; keys not listed go with
// every type.
const std::map<std::string, std::vector<std::string>>& key_stage_types() {
    static const std::map<std::string, std::vector<std::string>> m = {
        {"dataset", {"data_preparation", "data_validation", "feature_extraction", "model_evaluation"}},
        {"training", {"model_training", "model_validation", "model_evaluation", "model_deployment"}},
        {"tuning", {"model_training", "model_validation", "model_evaluation", "model_deployment"}},
        {"parameters", {"model_training"}},
        {"min", {"model_validation"}},
        {"max", {"model_validation"}},
        {"metrics", {"model_evaluation"}},
        {"stage", {"model_deployment"}},
        {"export", {"model_deployment"}},
        {"output", {"model_deployment"}},
    };
    return m;
}

// The keys a stage of its type needs, and keys given to a type they do not fit.
void check_stage_keys(Fields& f, const StageSpec& s) {
    if (s.type.empty()) return;  // reported already
    const std::string what = f.what();
    for (const auto& [key, types] : key_stage_types())
        if (f.find(key) && std::find(types.begin(), types.end(), s.type) == types.end())
            f.diags().error(f.key_pos(key), "'" + key + "' does not apply to a " + s.type + " stage (it goes with " +
                                                join_or(types, "") + ")");
    if (is_data_stage(s.type) && s.dataset.empty() && !f.find("dataset"))
        f.diags().error(f.owner_pos(), what + " (" + s.type + ") needs 'dataset': the dataset block it works on");
    if (s.type == "model_training" && f.find("training") && f.find("tuning"))
        f.diags().error(f.key_pos("tuning"), what + ": give either 'training' or 'tuning', not both");
    if (s.type == "model_training" && !f.find("training") && !f.find("tuning"))
        f.diags().error(f.owner_pos(), what + " (model_training) needs 'training' or 'tuning': the job it runs");
    if (s.type == "model_validation" && !f.find("min") && !f.find("max"))
        f.diags().error(f.owner_pos(), what + " (model_validation) needs 'min' or 'max': the thresholds it checks, "
                                              "such as min: {accuracy: 0.8}");
    if (s.type == "model_deployment" && !f.find("stage") && !f.find("export"))
        f.diags().error(f.owner_pos(), what + " (model_deployment) needs 'stage' (promote the model) or 'export' "
                                              "(write it to a file)");
    if (f.find("export") && !f.find("output"))
        f.diags().error(f.key_pos("export"), what + ": 'export' needs 'output', the file to write");
}

StageSpec read_stage(const Entry& e, const std::string& pipeline, Diagnostics& diags) {
    StageSpec s;
    s.id = e.key;
    s.pos = e.key_pos;
    if (!e.value.is_map()) {
        diags.error(e.value.pos, "stage '" + e.key + "' of " + pipeline + " must be a map of its settings (type, "
                                 "dependencies, ...), found " + e.value.describe());
        return s;
    }
    Fields f(e.value, "stage '" + e.key + "'", e.key_pos, diags, true);
    read_keys(f, s, stage_keys());
    f.finish();
    check_stage_keys(f, s);
    return s;
}

// Where stage `id`'s `key` was written (its value), else the stage's name.
SourcePos stage_key_pos(const Node& stages, const StageSpec& s, const std::string& key, std::size_t item = SIZE_MAX) {
    for (const auto& e : stages.entries) {
        if (e.key != s.id || !e.value.is_map()) continue;
        for (const auto& k : e.value.entries) {
            if (k.key != key && !(key == "dependencies" && k.key == "depends_on")) continue;
            if (item != SIZE_MAX && k.value.is_list() && item < k.value.items.size()) return k.value.items[item].pos;
            return k.value.pos;
        }
    }
    return s.pos;
}

// Every dependency names another stage of the pipeline, once.
void check_dependencies(const PipelineSpec& p, const Node& stages, Diagnostics& diags) {
    std::vector<std::string> ids;
    for (const auto& s : p.stages) ids.push_back(s.id);
    for (const auto& s : p.stages) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < s.dependencies.size(); ++i) {
            const std::string& dep = s.dependencies[i];
            const SourcePos at = stage_key_pos(stages, s, "dependencies", i);
            if (dep == s.id) {
                diags.error(at, "stage '" + s.id + "' depends on itself");
            } else if (!p.find_stage(dep)) {
                std::string msg = "stage '" + s.id + "' depends on unknown stage '" + dep + "'";
                std::string near = did_you_mean(dep, ids);
                diags.error(at, msg + (near.empty() ? "; the stages are " + join_or(ids, "'") : near));
            } else if (!seen.insert(dep).second) {
                diags.error(at, "stage '" + s.id + "' lists '" + dep + "' twice in its dependencies");
            }
        }
    }
}

// A cycle of dependencies, printed as "a -> b -> a" at the dependency that
// closes it; one report per cycle found.
void check_cycles(const PipelineSpec& p, const Node& stages, Diagnostics& diags) {
    std::map<std::string, int> state;  // 0 unvisited, 1 on the path, 2 done
    std::vector<std::string> path;
    std::function<void(const StageSpec&)> visit = [&](const StageSpec& s) {
        state[s.id] = 1;
        path.push_back(s.id);
        std::set<std::string> followed;  // a dependency listed twice is followed once
        for (std::size_t i = 0; i < s.dependencies.size(); ++i) {
            const StageSpec* dep = p.find_stage(s.dependencies[i]);
            if (!dep || dep->id == s.id || !followed.insert(dep->id).second) continue;
            if (state[dep->id] == 1) {
                auto from = std::find(path.begin(), path.end(), dep->id);
                std::string cycle;
                for (auto it = from; it != path.end(); ++it) cycle += *it + " -> ";
                diags.error(stage_key_pos(stages, s, "dependencies", i),
                            "the stages' dependencies form a cycle: " + cycle + dep->id);
            } else if (state[dep->id] == 0) {
                visit(*dep);
            }
        }
        path.pop_back();
        state[s.id] = 2;
    };
    for (const auto& s : p.stages)
        if (state[s.id] == 0) visit(s);
}

// The model_training stages stage `s` depends on, directly or not.
std::vector<const StageSpec*> upstream_trainings(const PipelineSpec& p, const StageSpec& s) {
    std::vector<const StageSpec*> out;
    std::set<std::string> seen;
    std::vector<const StageSpec*> todo = {&s};
    while (!todo.empty()) {
        const StageSpec* at = todo.back();
        todo.pop_back();
        for (const auto& d : at->dependencies) {
            const StageSpec* dep = p.find_stage(d);
            if (!dep || !seen.insert(d).second) continue;
            if (dep->type == "model_training") out.push_back(dep);
            todo.push_back(dep);
        }
    }
    return out;
}

// Each model stage finds the one upstream model_training stage whose model it
// takes: named by its `training:` or `tuning:`, or the only one.
void check_model_sources(const PipelineSpec& p, const Node& stages, Diagnostics& diags) {
    for (const auto& s : p.stages) {
        if (!takes_model(s.type)) continue;
        auto trainings = upstream_trainings(p, s);
        const std::string job = !s.training.empty() ? s.training : s.tuning;
        if (!job.empty()) {
            const bool found = std::any_of(trainings.begin(), trainings.end(), [&](const StageSpec* t) {
                return (!s.training.empty() && t->training == job) || (!s.tuning.empty() && t->tuning == job);
            });
            if (!found)
                diags.error(stage_key_pos(stages, s, s.training.empty() ? "tuning" : "training"),
                            "stage '" + s.id + "' takes the model of '" + job +
                                "', which no model_training stage it depends on runs");
            continue;
        }
        if (trainings.empty())
            diags.error(s.pos, "stage '" + s.id + "' (" + s.type +
                                   ") needs a model: make it depend on a model_training stage");
        else if (trainings.size() > 1)
            diags.error(s.pos, "stage '" + s.id + "' depends on " + std::to_string(trainings.size()) +
                                   " model_training stages; name the one whose model it takes with 'training' or "
                                   "'tuning'");
    }
}

}  // namespace

void read_stages(PipelineSpec& p, const Node& stages, Diagnostics& diags) {
    const std::string what = "pipeline \"" + p.name + "\"";
    if (!stages.is_map()) {
        diags.error(stages.pos, "'stages' of " + what + " must map each stage's id to its settings, found " +
                                    stages.describe());
        return;
    }
    if (stages.entries.empty()) {
        diags.error(stages.pos, what + " has no stages: map each stage's id to its settings under 'stages'");
        return;
    }
    for (const auto& e : stages.entries) {
        if (p.find_stage(e.key)) {
            diags.error(e.key_pos, "stage '" + e.key + "' is defined twice in " + what);
            continue;
        }
        p.stages.push_back(read_stage(e, what, diags));
    }
    check_dependencies(p, stages, diags);
    check_cycles(p, stages, diags);
    check_model_sources(p, stages, diags);
}

const std::vector<Key<PipelineSpec>>& pipeline_keys() {
    static const std::vector<Key<PipelineSpec>> keys = {
        {"stages", Rule{.type = ValueType::any},
         Setter<PipelineSpec>([](PipelineSpec& p, const Json&, Fields& f, const Node& n) {
             read_stages(p, n, f.diags());
         }),
         "each stage's id mapped to its settings (see pipeline.stages.ID); required unless `from_template`", {},
         "map of id to stage"},
        {"from_template", Rule{.names_from = "template blocks"}, member(&PipelineSpec::from_template),
         "make the stages of this template block, its ${parameters} replaced by `values`"},
        {"values", Rule{.type = ValueType::map}, member(&PipelineSpec::values),
         "the template's parameters (with `from_template`)"},
        {"max_parallel", Rule{.type = ValueType::integer, .min = 1, .max = 64}, member(&PipelineSpec::max_parallel),
         "stages run at once when their dependencies allow"},
        {"description", Rule{}, member(&PipelineSpec::description), "what it is for, shown in listings"},
        {"metadata", Rule{.type = ValueType::map}, member(&PipelineSpec::metadata),
         "anything, any nesting; kept with the executions"},
    };
    return keys;
}

const std::vector<Key<TemplateSpec>>& template_keys() {
    static const std::vector<Key<TemplateSpec>> keys = {
        {"parameters", Rule{.type = ValueType::map}, member(&TemplateSpec::parameters),
         "each parameter's name and default; null (~) means a pipeline must give it"},
        {"stages", Rule{.type = ValueType::any, .required = true},
         Setter<TemplateSpec>([](TemplateSpec&, const Json&, Fields&, const Node&) {}),
         "the stages, as in a pipeline, with ${name} where a parameter's value goes", {}, "map of id to stage"},
        {"description", Rule{}, member(&TemplateSpec::description), "what it is for"},
    };
    return keys;
}

}  // namespace hone::lang

namespace hone::lang {
namespace {

// The parameter names of "${a} and ${b}", in order; `bad` is set by a "${"
// that is not closed.
std::vector<std::string> placeholders(const std::string& text, bool& bad) {
    std::vector<std::string> out;
    for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
        std::size_t end = text.find('}', at + 2);
        if (end == std::string::npos) {
            bad = true;
            break;
        }
        out.push_back(text.substr(at + 2, end - at - 2));
    }
    return out;
}

Node node_of_json(const Json& v, const SourcePos& pos) {
    Node n;
    n.pos = pos;
    if (v.is_array()) {
        n.kind = Node::Kind::list;
        for (const auto& item : v) n.items.push_back(node_of_json(item, pos));
    } else if (v.is_object()) {
        n.kind = Node::Kind::map;
        for (const auto& [key, item] : v.items()) n.entries.push_back(Entry{key, pos, node_of_json(item, pos)});
    } else {
        n.value = v;
    }
    return n;
}

std::string value_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Calls fn on every scalar string of the tree.
void each_text(Node& n, const std::function<void(Node&)>& fn) {
    if (n.is_scalar() && n.value.is_string()) fn(n);
    for (auto& item : n.items) each_text(item, fn);
    for (auto& e : n.entries) each_text(e.value, fn);
}

}  // namespace

void check_template_placeholders(const TemplateSpec& t, const Node& stages, Diagnostics& diags) {
    std::vector<std::string> names;
    for (const auto& [name, _] : t.parameters.items()) names.push_back(name);
    Node copy = stages;
    each_text(copy, [&](Node& n) {
        bool bad = false;
        for (const auto& name : placeholders(n.value.get<std::string>(), bad))
            if (!t.parameters.contains(name)) {
                std::string near = did_you_mean(name, names);
                diags.error(n.pos, "template \"" + t.name + "\": '${" + name + "}' names no parameter" +
                                       (near.empty() ? names.empty() ? "; the template declares none under 'parameters'"
                                                                     : "; the parameters are " + join_or(names, "'")
                                                     : near));
            }
        if (bad) diags.error(n.pos, "template \"" + t.name + "\": a '${' is not closed by '}'");
    });
}

Node expand_template(const Node& stages, const Json& values) {
    Node out = stages;
    each_text(out, [&](Node& n) {
        bool bad = false;
        const std::string text = n.value.get<std::string>();
        auto names = placeholders(text, bad);
        if (names.empty() || bad) return;
        if (names.size() == 1 && text == "${" + names[0] + "}") {  // the value itself, with its type
            if (values.contains(names[0])) n = node_of_json(values.at(names[0]), n.pos);
            return;
        }
        std::string replaced = text;
        for (const auto& name : names) {
            if (!values.contains(name)) continue;
            const std::string from = "${" + name + "}";
            replaced.replace(replaced.find(from), from.size(), value_text(values.at(name)));
        }
        n.value = replaced;
    });
    return out;
}

}  // namespace hone::lang
