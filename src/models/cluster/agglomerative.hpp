#pragma once
// Agglomerative clustering as scikit-learn's AgglomerativeClustering (no
// connectivity): the dendrogram is SciPy's linkage, built as fastcluster does
// in O(n^2) time: the nearest-neighbour chain on the condensed distance matrix
// for complete and average linkage, on cluster centroids for ward (O(n)
// memory), and Prim's minimum spanning tree for single linkage (O(n) memory:
// distances are computed as needed). It is cut
// into n_clusters, or where merges reach distance_threshold. Clusters are
// numbered by their first row; the dendrogram is saved with the model.
// Prediction assigns a new row to the nearest cluster centre (the mean of the
// cluster's training rows): the dendrogram itself places no new rows.
#include <memory>

#include "models/cluster/clusterer.hpp"

namespace hone::models::cluster {

std::unique_ptr<Clusterer> make_agglomerative(EstimatorConfig config);

// The largest condensed distance matrix built (complete and average linkage),
// in bytes (8 GB): more rows than that allows are refused with a hint to use
// ward or single linkage, or k-means.
inline constexpr double kMaxDistanceBytes = 8.0 * 1024 * 1024 * 1024;

}  // namespace hone::models::cluster
