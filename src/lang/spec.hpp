#pragma once
// The bound, validated form of a job file: what every later stage consumes.
// The binder (binder.cpp) fills these from N3, YAML or JSON; each field's default
// here is the language's default and is documented in docs/language.md.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/processing_spec.hpp"

namespace hone::lang {

using Json = nlohmann::ordered_json;

// Where a value was written: 1-based line and column, and the length of the
// token for carets (0 = unknown).
struct SourcePos {
    std::string file;
    int line = 0;
    int col = 0;
    int length = 0;
};

// One `- name: type` entry of a dataset's schema. Types: int, float, string,
// bool, category (a string column kept as a categorical), datetime (read as string).
struct ColumnDecl {
    std::string name;
    std::string type;
    SourcePos pos;
};

// One column's checks in a dataset's `validation:` section, applied to the
// loaded table by data/validate_rules.hpp. The value rules (unique, min, max,
// allowed, regex) skip nulls: not_null and max_missing_ratio are about those.
struct ColumnRulesSpec {
    std::string column;
    bool not_null = false;
    bool unique = false;
    std::optional<double> min, max;
    std::vector<Json> allowed;  // empty: any value
    std::string regex;          // ECMAScript, searched in the value's text; "": none
    std::optional<double> max_missing_ratio;
    std::string severity = "error";  // error or warning: whether a failure fails the check
    SourcePos pos;
};

// A dataset's `validation:` section: row-count bounds and per-column rules.
struct ValidationRulesSpec {
    std::optional<std::uint64_t> min_rows, max_rows;
    std::string severity = "error";  // the row-count rules' and every column's unless it says otherwise
    std::vector<ColumnRulesSpec> columns;
    SourcePos pos;

    bool empty() const { return !min_rows && !max_rows && columns.empty(); }
};

struct DatasetSpec {
    std::string name;
    // Registry name of the source: csv, json, jsonl, sqlite, postgres, file
    // (format from `format:` or the path's extension), classification and
    // interactions (the two JSON training-data formats).
    std::string source;
    std::string path;        // csv/json/jsonl/sqlite/file/classification/interactions
    std::string table;       // sqlite/postgres
    std::string query;       // sqlite/postgres
    std::string connection;  // postgres; else HONE_POSTGRES_URL or DATABASE_URL
    std::string format;      // for source `file`: csv, json, jsonl
    std::string delimiter;   // csv: one character; empty = detect among , ; \t |
    bool header = true;      // csv: first row names the columns
    std::vector<std::string> na_values;  // csv: extra NA tokens beyond the defaults
    std::vector<ColumnDecl> schema;
    ValidationRulesSpec validation;
    ProcessingSpec processing;  // fitted on a training's training rows (processing_spec.hpp)
    std::string description;
    Json metadata = Json::object();
    std::filesystem::path base_dir;  // relative paths resolve against the job file's folder
    // When set, the file must resolve inside this folder when it is opened (jobs
    // created over HTTP: the server's data root); checked by the data layer on what
    // it opened, so a link placed later cannot lead outside. Empty = no limit.
    std::string confined_to;
    SourcePos pos;

    // `path` resolved against base_dir (unchanged when absolute or empty).
    std::filesystem::path resolved_path() const;
};

struct ModelSpec {
    std::string name;
    std::string type = "classifier";  // classifier, regressor, clusterer, recommender, text_classifier
    std::string engine = "sklearn";   // sklearn, xgboost, pytorch
    std::string algorithm;            // catalog name or scikit-learn class name; empty = default for type
    Json hyperparameters = Json::object();
    std::string description;
    Json metadata = Json::object();
    SourcePos pos;
};

struct SplitSpec {
    double train = 0.7;
    double validation = 0.15;
    double test = 0.15;
    bool stratify = true;  // by the target, for classification
    bool shuffle = true;
    std::uint64_t seed = 42;
};

struct EarlyStoppingSpec {
    bool enabled = true;
    std::string metric = "val_loss";
    int patience = 5;
    double min_delta = 0.0;
    std::string mode;  // min or max; empty: the metric's own direction (train/early_stopping.hpp)
};

// Checkpoints of an epoch-trained model (models that train by epochs take
// them; others warn): the latest state, to resume an interrupted run, and the
// best epoch's weights.
struct CheckpointSpec {
    bool enabled = false;
    bool save_best = true;
    bool save_latest = true;
    int every_n_epochs = 1;
    std::string path;  // "": a folder per run under the model root
};

struct ComputeSpec {
    std::string backend = "local";  // local, or distributed (data-parallel worker processes)
    int workers = 0;                // with distributed: worker processes; 0 = not written (2)
    std::string strategy;           // "" or data_parallel, the one way a distributed training splits its work
    Json resources = Json::object();
};

// How the training part fits preprocessing (data/preprocess.hpp consumes it).
struct PreprocessSpec {
    std::string impute_numeric = "mean";             // mean, median, most_frequent, constant
    std::string impute_categorical = "most_frequent";  // most_frequent, constant
    Json fill_value;                                  // for `constant`
    std::string encode = "onehot";                   // onehot, ordinal
    int max_categories = 20;                         // one-hot cap; the rest go to "other"
    std::string scale = "none";                      // none, standard, minmax
};

// Which columns hold a recommender's interactions (data/interactions.hpp reads
// them). Written as the training's `user`, `item`, `rating`, `rating_threshold`
// and `timestamp`.
struct InteractionFieldsSpec {
    std::string user = "user_id";
    std::string item = "item_id";
    std::string rating;                     // "": every row counts
    std::optional<double> rating_threshold;  // with rating: rows below it are dropped
    std::string timestamp;                  // "": the "timestamp" column when there is one, else row order
};

// How a recommender is evaluated (training.evaluation): each user's latest
// interaction is held out for the test, the one before for validation.
struct RankingEvaluationSpec {
    // leave_one_out: the held-out item ranked among `negatives` sampled unseen
    // items (the NCF paper's protocol); full: among every item the user has not
    // interacted with.
    std::string protocol = "leave_one_out";
    int negatives = 99;
    std::vector<int> k = {10};  // the cut-offs of hr@K, ndcg@K, ...
};

// Which columns hold a text classifier's examples. Written as the training's
// `text`, `label_delimiter`, `weight` and `allow_empty`; the labels are the
// `target` column.
struct TextFieldsSpec {
    std::string text = "text";
    // Splits a target cell into its labels ("|" for "000|004"); "" = one label
    // per cell. The classification format's taxonomy codes are split at "|".
    std::string label_delimiter;
    std::string weight;        // a numeric column of per-text weights; "" = `confidence` when present
    bool allow_empty = false;  // multi-label: a text may get no label
};

// How each extra training text is made from a training text (data/augment.hpp):
// seeded word deletion, swaps and a crop, the "easy data augmentation"
// operations. Written as a training's `augmentation` section.
struct AugmentOptions {
    int copies = 1;         // augmented copies of each text, 0 to 100
    double deletion = 0.1;  // probability that each word is deleted, in [0, 1); one word is always kept
    int swaps = 1;          // times two words swap places in a copy, 0 to 100
    double crop = 0.9;      // a copy keeps a contiguous span of at least this share of its words, in (0, 1]
};

// A text classifier's augmentation: extra texts made from the TRAINING split
// only, after the split, so no validation or test text is copied into training.
struct AugmentationSpec {
    bool enabled = false;
    AugmentOptions options;
    std::optional<std::uint64_t> seed;  // none: the training's seed
};

struct TrainingSpec {
    std::string name;
    std::string model;
    std::string dataset;
    std::string target;
    std::vector<std::string> features;
    std::string framework = "sklearn";  // sklearn, pytorch, tensorflow (no runtime: clear error)
    std::string objective;
    Json hyperparameters = Json::object();
    SplitSpec split;
    std::optional<EarlyStoppingSpec> early_stopping;
    CheckpointSpec checkpoints;
    ComputeSpec compute;
    std::vector<std::string> metrics;
    PreprocessSpec preprocessing;
    std::string output_registry;
    std::string description;
    Json metadata = Json::object();
    bool strict = false;  // unknown hyperparameters are errors, not warnings
    int cv = 0;           // > 1: also cross-validate in that many folds (stratified for classifiers)
    bool return_train_score = false;  // cross-validation also scores each fold's training rows
    InteractionFieldsSpec interactions;  // recommenders
    RankingEvaluationSpec evaluation;    // recommenders
    TextFieldsSpec text;                 // text classifiers
    AugmentationSpec augmentation;       // text classifiers
    SourcePos pos;
};

struct SearchDimension {
    // catalog: only the name was written; the tuning stage takes the range the
    // algorithm's catalog declares for it (tune/validate.hpp).
    enum class Type { float_, int_, categorical, catalog };
    std::string name;
    Type type = Type::float_;
    double min = 0;
    double max = 0;
    bool log = false;
    std::optional<double> step;
    std::vector<Json> values;  // categorical
    SourcePos pos;
};

struct TuningSpec {
    std::string name;
    std::string training_job;
    std::string strategy = "grid";  // grid, random, bayesian
    int max_trials = 10;
    int parallel_trials = 1;
    std::string objective_metric = "accuracy";
    std::vector<SearchDimension> search_space;
    std::optional<EarlyStoppingSpec> early_stopping;
    std::string pruner = "none";  // none, median, asha
    int cv = 0;                   // 0 = score on the validation split; K = K-fold mean
    int grid_points = 5;          // grid values for a float without step
    std::uint64_t seed = 42;
    std::string register_models = "best";  // best or all
    // Tuning workers (`hone tune --workers`, `hone worker`): each running trial's
    // worker beats every heartbeat_interval seconds; a trial silent for
    // grace_period seconds is lost, marked failed, and rerun with the same
    // params at most max_retry times.
    double heartbeat_interval = 5;
    double grace_period = 30;
    int max_retry = 1;
    std::string description;
    Json metadata = Json::object();
    SourcePos pos;
};

struct AppSpec {
    std::string name;
    std::string description;
    std::string version;
    Json metadata = Json::object();
    SourcePos pos;
};

// One stage of a pipeline (pipeline/ runs them). What a stage reads is named
// by its keys: the dataset block of the data stages, the training or tuning
// block of model_training; the model of the later model stages is the one an
// upstream model_training stage registered.
struct StageSpec {
    std::string id;    // the key under `stages:`
    std::string type;  // data_preparation, data_validation, feature_extraction, model_training,
                       // model_validation, model_evaluation, model_deployment
    std::vector<std::string> dependencies;
    std::string dataset;   // data stages; model_evaluation: score on this dataset instead of the test split
    std::string training;  // model_training: the training block to run; later model stages: which upstream model
    std::string tuning;    // model_training: the tuning block to run instead
    Json parameters = Json::object();  // model_training: hyperparameters over the model block's
    Json min = Json::object();         // model_validation: metric -> lowest value that passes
    Json max = Json::object();         // model_validation: metric -> highest value that passes
    std::vector<std::string> metrics;  // model_evaluation: which metrics (empty = the task's defaults)
    std::string stage;                 // model_deployment: the registry stage to move the model to
    std::string export_format;         // model_deployment: onnx, torch, bundle
    std::string output;                // model_deployment: where the export is written
    bool cache = true;                 // false: run even when its inputs have not changed
    int retries = 0;
    double retry_delay = 0;            // seconds between attempts
    SourcePos pos;
};

// A pipeline: stages in the order written, run by their dependencies.
struct PipelineSpec {
    std::string name;
    std::vector<StageSpec> stages;
    int max_parallel = 2;        // stages run at once
    std::string from_template;   // the template it was made from, if any
    Json values = Json::object();  // the template's parameters as given
    std::string description;
    Json metadata = Json::object();
    SourcePos pos;

    const StageSpec* find_stage(std::string_view id) const;
};

// A pipeline with ${name} placeholders: `pipeline "x": from_template: NAME`
// with `values:` makes a pipeline of it. The binder expands templates, so
// only the pipelines made from them reach later stages.
struct TemplateSpec {
    std::string name;
    Json parameters = Json::object();  // name -> default (null: a value must be given)
    std::string description;
    SourcePos pos;
};

// Everything one job file declares, in declaration order.
struct Document;

struct JobFile {
    std::string path;
    // The parsed text it was bound from, kept so overrides can be applied to
    // it and bound again (overrides.hpp); null for a JobFile built by hand.
    std::shared_ptr<const Document> document;
    std::optional<AppSpec> app;
    std::vector<DatasetSpec> datasets;
    std::vector<ModelSpec> models;
    std::vector<TrainingSpec> trainings;
    std::vector<TuningSpec> tunings;
    std::vector<TemplateSpec> templates;
    std::vector<PipelineSpec> pipelines;

    const DatasetSpec* find_dataset(std::string_view name) const;
    const ModelSpec* find_model(std::string_view name) const;
    const TrainingSpec* find_training(std::string_view name) const;
    const TuningSpec* find_tuning(std::string_view name) const;
    const PipelineSpec* find_pipeline(std::string_view name) const;
};

// JSON views of the specs (the shapes of GET /api/training/jobs/{name} and `hone check --json`).
Json to_json(const DatasetSpec&);
Json to_json(const ValidationRulesSpec&);
Json to_json(const ModelSpec&);
Json to_json(const TrainingSpec&);
Json to_json(const InteractionFieldsSpec&);
Json to_json(const RankingEvaluationSpec&);
Json to_json(const TextFieldsSpec&);
Json to_json(const AugmentationSpec&);
Json to_json(const TuningSpec&);
Json to_json(const StageSpec&);
Json to_json(const PipelineSpec&);
Json to_json(const EarlyStoppingSpec&);
Json to_json(const SearchDimension&);

}  // namespace hone::lang
