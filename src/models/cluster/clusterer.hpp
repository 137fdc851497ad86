#pragma once
// Clusterers: estimators that learn groups from the features alone. They fit
// on a feature matrix (FitInput::y_train is ignored and may be empty) and
// predict a cluster index per row, -1 for a row that belongs to none (DBSCAN's
// noise). Being estimators, they save, load, predict and serve as every model
// does; what they add is what a fit learned about the rows it was given.
#include <cstdint>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models {

class Clusterer : public Estimator {
public:
    using Estimator::Estimator;

    // The cluster of each fitted row (scikit-learn's labels_), -1 for noise.
    // Empty after load(): the rows are not kept with the model.
    const std::vector<std::int32_t>& labels() const { return labels_; }
    // Clusters found (noise is none of them).
    virtual int num_clusters() const = 0;
    // What the fit did, for the result: k-means' inertia and iterations, a
    // dendrogram's size, DBSCAN's core points. An object.
    virtual Json fit_summary() const { return Json::object(); }

protected:
    std::vector<std::int32_t> labels_;
};

}  // namespace hone::models
