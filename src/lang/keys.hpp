#pragma once
// The job language, declared once: every block and nested section with each of
// its keys (type, default, range or allowed values, aliases, one line of doc).
// The binder reads every job file through these tables (N3, YAML and JSON, with
// --set and HTTP overrides applied to the parsed text first), so a key checked
// here is checked the same way wherever it comes from; `hone keys` and the
// tables of docs/language.md are generated from them.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lang/key_table.hpp"
#include "lang/spec.hpp"

namespace hone::lang {

// The inputs a few sections gather before building their spec: which ratios
// were given, the raw parts of a search-space range.
struct SplitInput {
    SplitSpec split;
    std::optional<double> ratio[3];  // train, validation, test as given
    const Node* ratio_node[3] = {nullptr, nullptr, nullptr};
};
struct DimensionInput {
    std::optional<std::string> type;
    const Node* min = nullptr;
    const Node* max = nullptr;
    bool log = false;
    const Node* log_node = nullptr;
    std::optional<double> step;
    const Node* values = nullptr;
};

// The value sets of the language, for validation, docs and "expected" lists.
const std::vector<std::string>& column_types();  // int, float, string, bool, category, datetime
const std::vector<std::string>& model_types();   // classifier, regressor, clusterer, ...
const std::vector<std::string>& frameworks();    // sklearn, xgboost, pytorch, tensorflow

const std::vector<Key<AppSpec>>& app_keys();
const std::vector<Key<DatasetSpec>>& dataset_keys();
const std::vector<Key<ModelSpec>>& model_keys();
const std::vector<Key<TrainingSpec>>& training_keys();
const std::vector<Key<SplitInput>>& split_keys();
const std::vector<Key<EarlyStoppingSpec>>& early_stopping_keys();
const std::vector<Key<ComputeSpec>>& compute_keys();
const std::vector<Key<CheckpointSpec>>& checkpoint_keys();
const std::vector<Key<PreprocessSpec>>& preprocessing_keys();
const std::vector<Key<RankingEvaluationSpec>>& evaluation_keys();
const std::vector<Key<AugmentationSpec>>& augmentation_keys();
const std::vector<Key<TuningSpec>>& tuning_keys();
const std::vector<Key<DimensionInput>>& dimension_keys();
const std::vector<Key<PipelineSpec>>& pipeline_keys();
const std::vector<Key<StageSpec>>& stage_keys();
const std::vector<Key<TemplateSpec>>& template_keys();

// The seven stage types of a pipeline, in the order data flows through them.
const std::vector<std::string>& stage_types();
// Reads a pipeline's `stages` map into `p` and checks it whole: each stage's
// keys against its type, dependencies that name stages, no cycles (printed),
// one upstream model_training stage for each stage that takes a model.
void read_stages(PipelineSpec& p, const Node& stages, Diagnostics& diags);
// Reports each ${name} of a template's stages that names no parameter.
void check_template_placeholders(const TemplateSpec& t, const Node& stages, Diagnostics& diags);
// A copy of a template's stages with each ${name} replaced by values[name]: a
// scalar that is only "${name}" takes the value with its type (a number, a
// list), else the value's text goes inside the string.
Node expand_template(const Node& stages, const Json& values);

// Reading the nested sections (the training and tuning keys' setters use them).
SplitSpec read_split(Fields& parent, const Node& node);
EarlyStoppingSpec read_early_stopping(Fields& parent, const Node& node);
SearchDimension read_dimension(const Entry& entry, Diagnostics& diags);

// One block or nested section as the docs list it.
struct SectionDoc {
    std::string name;   // "training", "training.split", "tuning.search_space.NAME"
    std::string title;  // as a heading: `training "name"`
    std::vector<KeyDoc> keys;
};
std::vector<SectionDoc> language_sections();

// The names each later stage's registry knows ("sources" -> csv, json, ...),
// handed in by whoever can see every registry (the command line).
using NameLists = std::map<std::string, std::vector<std::string>>;

// The type as shown: a short registry's names in full, else the rule's words.
std::string key_type_text(const KeyDoc& key, const NameLists& names);
// "strategy (or sampler)".
std::string key_name_text(const KeyDoc& key);
// A section's keys as a Markdown table.
std::string keys_markdown(const SectionDoc& section, const NameLists& names);
// `text` with each region between "<!-- keys NAME -->" and "<!-- /keys -->"
// replaced by the table of that section; unknown names are kept and reported in
// `unknown`.
std::string fill_key_tables(std::string_view text, const NameLists& names, std::vector<std::string>* unknown = nullptr);
// Every section and key as JSON (`hone keys --json`).
Json keys_json(const NameLists& names);

}  // namespace hone::lang
