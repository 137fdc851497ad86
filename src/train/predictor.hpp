#pragma once
// A registered model, loaded for prediction: its artifact verified against the
// registry's checksum, its preprocessing replayed exactly, its estimator reloaded
// from the library's own file. Safe to share between threads (predict is const).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "data/preprocess.hpp"
#include "data/processing.hpp"
#include "models/estimator.hpp"
#include "registry/store.hpp"
#include "train/served_recommender.hpp"
#include "train/served_text.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

struct Predictions {
    std::vector<Json> values;                 // the predicted label (as the target was typed) or value
    std::vector<std::vector<double>> proba;   // per row, per class; empty without probabilities
    std::vector<std::string> classes;         // class labels, in probability column order
};

// The entry of `key`; unknown is hone::Error(not_found, "model_not_found").
registry::ModelEntry require_model(registry::Store& store, const std::string& key);
// The entry's manifest, its files verified against their checksums; an entry
// registered as a description only is hone::Error(validation, "not_servable").
Json loadable_manifest(const registry::ModelEntry& entry);
// The estimator of an artifact directory whose manifest (already verified) is
// `manifest`, loaded from its library's files.
std::unique_ptr<models::Estimator> load_estimator(const Json& manifest, const std::filesystem::path& dir);

class LoadedModel {
public:
    // hone::Error(not_found) for an unknown key, (data, "artifact_corrupt") for
    // files that do not match their checksums.
    static std::shared_ptr<LoadedModel> load(registry::Store& store, const std::string& key);

    // Rows of `frame` (it must hold every feature column; others are ignored).
    Predictions predict(const data::Frame& frame) const;
    // The two halves of predict(frame): the preprocessed feature matrix, and the
    // predictions for one. Matrices of several requests may be stacked and
    // predicted at once (the server's batching).
    data::Matrix prepare(const data::Frame& frame) const;
    Predictions predict(const data::Matrix& x) const;

    // The model's metrics on labelled rows: `frame` holds the features and the
    // target column the model was trained on. `metric_names` empty = the task's
    // defaults. Rows whose target is null are left out; a class the model never
    // saw is hone::Error(data, "unknown_class") naming the row and the value.
    // Answers {"metrics": {...}, "rows": n, "target": name}. A clusterer is
    // measured by the clustering metrics (the external ones when the rows hold
    // its target column; target null otherwise).
    Json evaluate(const data::Frame& frame, const std::vector<std::string>& metric_names) const;

    const registry::ModelEntry& entry() const { return entry_; }
    // The columns prediction rows must hold, as loaded (before the dataset's processing).
    const std::vector<std::string>& features() const {
        return text_ ? text_features_ : processing_.active() ? processing_.input_columns() : pre_.input_columns();
    }
    // A text classifier predicts from its text column as it comes: predict(frame)
    // serves it; prepare() and predict(matrix) do not.
    bool takes_text() const { return text_ != nullptr; }

    // A recommender answers recommend() and nothing above; other models have
    // none. require_recommender() names the model and what it is when it is not one.
    const ServedRecommender* recommender() const { return recommender_.get(); }
    const ServedRecommender& require_recommender() const;

    // What the model is made of, for writers that translate it (export): the
    // artifact's verified manifest (algorithm, task, classes as the target was
    // typed, target_type), the fitted preprocessing and the estimator. A text
    // classifier or recommender has no estimator here: estimator() throws
    // hone::Error(validation, "not_a_predictor") for them.
    const Json& manifest() const { return manifest_; }
    const data::Preprocessor& preprocessor() const { return pre_; }
    // The dataset's processing it replays before the preprocessing (inactive: none).
    const data::Processing& processing() const { return processing_; }
    const models::Estimator& estimator() const;

private:
    // Recommenders predict no rows: hone::Error(validation, "not_a_predictor").
    void require_predictor() const;

    std::unique_ptr<ServedRecommender> recommender_;
    std::unique_ptr<ServedText> text_;
    std::vector<std::string> text_features_;
    Predictions predict_text(const data::Frame& frame) const;
    Json evaluate_clusters(const data::Frame& frame, const std::vector<std::string>& metric_names) const;
    registry::ModelEntry entry_;
    Json manifest_;
    data::Processing processing_;
    data::Preprocessor pre_;
    std::unique_ptr<models::Estimator> estimator_;
    // The rows through the processing and the preprocessing.
    data::Matrix features_of(const data::Frame& frame) const;
    data::DType target_type_ = data::DType::string;
};

}  // namespace hone::train
