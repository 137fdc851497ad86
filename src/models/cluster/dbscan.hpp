#pragma once
// DBSCAN as scikit-learn's (eps, min_samples counting the row itself, metric
// euclidean, manhattan or cosine), on nanoflann's k-d tree. Memory grows with
// the rows, never with every neighbourhood at once: rows are counted, core rows
// joined and border rows placed in passes that each query one neighbourhood at
// a time per thread. The labels are scikit-learn's: clusters numbered by their
// lowest core row, a border row in the lowest-numbered cluster it touches.
// Prediction puts a new row in the cluster of its nearest core row within eps,
// else -1 (noise: an anomaly).
#include <memory>

#include "models/cluster/clusterer.hpp"

namespace hone::models::cluster {

std::unique_ptr<Clusterer> make_dbscan(EstimatorConfig config);

}  // namespace hone::models::cluster
