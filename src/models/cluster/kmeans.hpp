#pragma once
// K-means as scikit-learn's KMeans and MiniBatchKMeans (1.2): greedy k-means++
// or random initialisation, the best of n_init runs by inertia, Lloyd's
// iterations until the labels stop changing or the centers move less than
// tol times the mean feature variance. Rows are assigned over every worker
// thread; the result does not depend on how many.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "models/cluster/clusterer.hpp"

namespace hone::models::cluster {

std::unique_ptr<Clusterer> make_kmeans(EstimatorConfig config);
std::unique_ptr<Clusterer> make_minibatch_kmeans(EstimatorConfig config);

// The centers a fitted kmeans or minibatch_kmeans assigns rows to, for writers
// that translate it (export). predict() gives each row (its float features as
// doubles) the index of the center at the least squared Euclidean distance,
// computed in double, the lower index on ties.
struct Centers {
    std::size_t clusters = 0;
    std::size_t features = 0;
    std::vector<double> values;  // clusters x features, row-major
};
// nullopt for any other estimator; hone::Error(internal, "not_fitted") before fit or load.
std::optional<Centers> kmeans_centers(const Estimator& estimator);

}  // namespace hone::models::cluster
