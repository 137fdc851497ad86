#pragma once
// Pieces shared by the estimators on LIBLINEAR, LIBSVM and Eigen (models/linear/
// and models/svm/): input checks, class weights, the sparse rows both C libraries
// read, and the guard around their process-wide state.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models::solver {

// Checks what every fit needs before a library sees it: at least one row and one
// column, one target per row, finite features and targets, and for classification
// class indices in 0..num_classes-1 with at least two classes present.
// `algorithm` names the model in messages. Throws hone::Error(data, ...).
void check_fit_input(const FitInput& input, const EstimatorConfig& config, std::string_view algorithm);

// Prediction input must have the columns the model was trained on.
// Throws hone::Error(data, "feature_count_mismatch").
void check_feature_count(const data::Matrix& x, std::size_t expected, std::string_view algorithm);

// Throws hone::Error(cancelled) when the callback says so.
void throw_if_cancelled(const Callbacks& callbacks);

// The training targets as class counts, one per class index.
std::vector<std::size_t> class_counts(const std::vector<float>& y, int num_classes);

// scikit-learn's class_weight='balanced': n_samples / (n_present_classes * count)
// for each class present, 0 for a class absent from the training data.
std::vector<double> balanced_class_weights(const std::vector<float>& y, int num_classes);

// The seed of a fit: the `random_state` hyperparameter when it is set, else the
// configuration's seed.
std::uint64_t fit_seed(const EstimatorConfig& config);

// LIBLINEAR and LIBSVM draw from the C library's rand() (coordinate-descent
// shuffles, Platt scaling folds) and switch the process locale around model file
// reads and writes. Both are process-wide, so a fit that draws random numbers, and
// every save and load, holds this lock; a fit that draws none runs unlocked.
std::unique_lock<std::mutex> lock_c_library_state();

// Rows in the sparse form both libraries read ({index, value} pairs, 1-based
// indices, zeros left out, terminated by index -1); Node is feature_node or
// svm_node, which have this layout. With bias_index > 0, every row also ends in
// the node {bias_index, bias} (LIBLINEAR's intercept feature). `rows` point into
// `nodes`, so the object must outlive any library call that reads them.
template <class Node>
struct SparseRows {
    std::vector<Node> nodes;
    std::vector<Node*> rows;
};

template <class Node>
SparseRows<Node> to_sparse_rows(const data::Matrix& x, int bias_index = 0, double bias = 0) {
    SparseRows<Node> out;
    std::size_t nonzero = 0;
    for (float v : x.data) nonzero += v != 0.0f;
    out.nodes.reserve(nonzero + x.rows * (bias_index > 0 ? 2 : 1));
    std::vector<std::size_t> starts(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r) {
        starts[r] = out.nodes.size();
        const float* row = x.data.data() + r * x.cols;
        for (std::size_t c = 0; c < x.cols; ++c)
            if (row[c] != 0.0f) out.nodes.push_back(Node{static_cast<int>(c + 1), static_cast<double>(row[c])});
        if (bias_index > 0) out.nodes.push_back(Node{bias_index, bias});
        out.nodes.push_back(Node{-1, 0.0});
    }
    out.rows.resize(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r) out.rows[r] = out.nodes.data() + starts[r];
    return out;
}

// One row into a reused buffer, in the same form; for prediction.
template <class Node>
const Node* row_nodes(const data::Matrix& x, std::size_t r, std::vector<Node>& buffer, int bias_index = 0,
                      double bias = 0) {
    buffer.clear();
    const float* row = x.data.data() + r * x.cols;
    for (std::size_t c = 0; c < x.cols; ++c)
        if (row[c] != 0.0f) buffer.push_back(Node{static_cast<int>(c + 1), static_cast<double>(row[c])});
    if (bias_index > 0) buffer.push_back(Node{bias_index, bias});
    buffer.push_back(Node{-1, 0.0});
    return buffer.data();
}

// |coefficients| averaged over the rows of `coef` (one row per class or pair of
// classes, n_features values each) and normalized to sum to 1; empty when every
// coefficient is zero.
std::vector<double> coefficient_importances(const std::vector<std::vector<double>>& coef);

// What every backend records beside its model file: format, algorithm, task,
// number of classes and of features.
Json model_meta(std::string_view format, std::string_view algorithm, const EstimatorConfig& config,
                std::size_t n_features);
// Checks meta read at load time against the estimator loading it (same format and
// task), takes its number of classes into `config` and returns the number of
// features. Anything else is hone::Error(data, "invalid_model") naming `path`.
std::size_t check_model_meta(const Json& meta, std::string_view format, std::string_view algorithm,
                             EstimatorConfig& config, const std::filesystem::path& path);

// The small JSON file each backend writes beside its model file (estimator.hpp).
using models::write_json_file;
// Reads it back; a missing or unreadable file is hone::Error(io/data, "invalid_model").
Json read_json_file(const std::filesystem::path& path);
// A file a backend's load() needs; missing is hone::Error(not_found, "invalid_model").
void require_file(const std::filesystem::path& path);

}  // namespace hone::models::solver
