#pragma once
// Training of recommenders (model type `recommender`): the dataset is read as
// user-item interactions (data/interactions.hpp) instead of a feature matrix.
//
// The split is by time, per user: each user's latest interaction is the test
// item, the one before the validation item (users with fewer interactions keep
// theirs in training). The model trains on the rest, reports val_hr@K and
// val_ndcg@K each epoch on the validation items (sampled protocol, so an epoch
// stays cheap), early-stops on them, and is scored on the test items by the
// training's `evaluation.protocol`. The popularity baseline is fitted on the
// same rows and scored by the same protocol on the same negatives, and
// reported beside it.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/interactions.hpp"
#include "lang/spec.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "models/recommender.hpp"
#include "registry/store.hpp"
#include "train/setup.hpp"

namespace hone::train {

struct RecommenderSetup : JobBasis {
    Json provenance = Json::object();

    data::InteractionColumns columns;
    data::Interactions all;         // every interaction: what serving excludes as seen
    data::LeaveOneOut test_split;   // held_out: each user's latest item
    data::LeaveOneOut valid_split;  // of test_split.train; train: what the model fits
    data::UserItems seen_all;       // user_items(all)
    data::UserItems seen_train;     // user_items(valid_split.train): what training negatives avoid
    // The sampled protocol's negatives (evaluation.negatives per user), drawn
    // once, seeded by the split's seed: validation's always (per-epoch), the
    // test's only for leave_one_out.
    std::vector<std::vector<std::int32_t>> valid_negatives, test_negatives;

    std::size_t num_items() const { return all.num_items(); }
};

// Everything before the fit: the model, algorithm, objective and metrics
// checked (before the data loads, so a typo fails fast), the interactions
// loaded and split, the negatives drawn. hone::Error for every problem, e.g.
// a missing user column (validation, "missing_column"), a K larger than the
// catalog (validation, "k_exceeds_catalog"), no user with two interactions
// (data, "too_few_interactions").
RecommenderSetup prepare_recommender(const lang::JobFile& file, const lang::TrainingSpec& spec,
                                     const PrepareOptions& options = {});

struct RecommenderFit {
    std::unique_ptr<models::Recommender> model;
    Json params = Json::object();
    std::vector<std::string> ignored;
    Json validation_metrics = Json::object();
    Json test_metrics = Json::object();
    Json baseline = Json::object();  // {"algorithm": "popularity", "metrics": {...}}: the test metrics of the baseline
    Json history = Json::array();
    Json warnings = Json::array();
    bool stopped_by_hook = false;
};

// Fits `hyperparameters` over the setup's, early-stopping on the validation
// items as the spec says, and evaluates on validation and test.
RecommenderFit fit_recommender(const RecommenderSetup& setup, const Json& hyperparameters, const FitHooks& hooks);

// What the result and the registry entry say of the evaluation:
// {"protocol", "negatives" (leave_one_out only), "k", "held_out",
//  "validation_users", "test_users", "per_epoch"}.
Json evaluation_json(const RecommenderSetup& setup);

// The columns the interactions were read from, as the result, the entry and
// the manifest name them: {"user", "item", "rating", "rating_threshold",
// "timestamp"}; the timestamp is the column that ordered each user's
// interactions (the default `timestamp` when the table has it), null when row
// order did.
Json columns_json(const RecommenderSetup& setup);

// Writes the artifact (the model's files, the id tables, each user's seen
// items and the item counts for cold starts, the manifest) and registers it.
registry::ModelEntry register_recommender(registry::Store& store, const RecommenderSetup& setup,
                                          const RecommenderFit& fit, const std::string& run_id,
                                          const std::string& model_root, const std::string& who);

}  // namespace hone::train
