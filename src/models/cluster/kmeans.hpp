#pragma once
// K-means as scikit-learn's KMeans and MiniBatchKMeans (1.2): greedy k-means++
// or random initialisation, the best of n_init runs by inertia, Lloyd's
// iterations until the labels stop changing or the centers move less than
// tol times the mean feature variance. Rows are assigned over every worker
// thread; the result does not depend on how many.
#include <memory>

#include "models/cluster/clusterer.hpp"

namespace hone::models::cluster {

std::unique_ptr<Clusterer> make_kmeans(EstimatorConfig config);
std::unique_ptr<Clusterer> make_minibatch_kmeans(EstimatorConfig config);

}  // namespace hone::models::cluster
