#pragma once
// Clustering (model type `clusterer`) inside the one training setup and fit:
// prepare_training and fit_model hand a clustering task here.
//
// A clustering job has no target: every row is clustered (the split is not
// used), on the numeric and bool columns, or on the `features` listed, each of
// which must be numeric: clustering measures distances, and hone does not
// encode text for it on its own (one-hot columns would outweigh every number).
// With a `target`, the true classes are used for the external metrics only.
// The metrics are measured on the rows clustered, leaving DBSCAN's noise out of
// the internal ones (silhouette, ...) and keeping it, as one more label, in the
// external ones (adjusted Rand, ...), as scikit-learn's users compare labels_.
#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "train/setup.hpp"

namespace hone::train {

// Fills `s` from the loaded `frame`: features, the optional target's classes
// (y_train: class indices, -1 where the target is null), the preprocessing
// fitted on every row, x_train, and the rows kept for the profiles.
// hone::Error(validation, "feature_not_numeric") for a text feature listed,
// (validation, "no_numeric_features") when none is left, (data, "no_rows").
void prepare_clusters(TrainingSetup& s, data::Frame frame, unsigned threads);

// Fits the clusterer of `config` on the setup's rows and measures it:
// out.test_metrics (on the rows clustered), out.clustering (n_clusters,
// cluster sizes, noise count, the identifier columns, a profile per cluster, the fit's summary and the
// silhouette's sample size), and a warning when every row is noise.
void fit_clusters(const TrainingSetup& s, models::EstimatorConfig config, const models::Callbacks& callbacks,
                  FitResult& out);

// The columns of `rows` that identify a row rather than describe it: not a
// feature, integer or text, and no value repeated among two or more rows
// (customer_id). Their means and top values say nothing about a cluster.
std::vector<std::string> identifier_columns(const data::Frame& rows, const std::vector<std::string>& features);

// Per cluster (noise as -1, last): its size and share of the rows, the mean of
// each numeric column and the three most frequent values of each text or bool
// column (with counts), from the rows as loaded, leaving out `skip` (the
// identifier columns): what a segmentation reads first.
nlohmann::ordered_json cluster_profiles(const data::Frame& rows, const std::vector<std::int32_t>& labels,
                                        int clusters, const std::vector<std::string>& skip = {});

}  // namespace hone::train
