#pragma once
// A fitted `mlp` estimator described without libtorch, for writers that
// translate it into another format (ONNX's Gemm and activation nodes, the
// PyTorch state dict of export/torch_state.hpp). Torch-free: the description is
// copied out of the libtorch module (backend.hpp), which it loads if needed.
//
// Prediction, exactly as MlpEstimator computes it (in float32, then the output
// function in double), from the features LoadedModel::prepare() gives (the
// fitted preprocessing; the network itself does nothing more to its inputs):
//
//   h = x                                            (inputs values)
//   for each hidden layer l (layers[0 .. n-2]):
//       z = layers[l].weight · h + layers[l].bias
//       if norms is not empty (batch normalization, in its evaluation form):
//           z = (z - norms[l].running_mean) / sqrt(norms[l].running_var + norms[l].eps)
//               * norms[l].weight + norms[l].bias
//       h = activation(z)    relu: max(z, 0); tanh; logistic: 1 / (1 + e^-z); identity: z
//   z = layers[n-1].weight · h + layers[n-1].bias    (the output layer, no activation)
//
// then `output`:
//   "softmax"   classification, one output per class: P(class k) = softmax(z)_k
//   "sigmoid"   classification with two classes and a single output (the
//               binary cross-entropy loss): P(class 1) = 1 / (1 + e^-z),
//               P(class 0) = 1 - P(class 1)
//   "identity"  regression: the predicted value is z (one output); the target
//               was not scaled, so nothing is undone
// A classifier predicts the class of highest probability (the first on a tie);
// class k is the manifest's classes[k]. Dropout acts only while training.
#include <cstdint>
#include <string>
#include <vector>

#include "models/estimator.hpp"
#include "models/torch/dense_layer.hpp"

namespace hone::models::torch_nn {

// Batch normalization after a hidden layer's linear map (torch::nn::BatchNorm1d
// with affine weights): per unit, running statistics and the learned scale
// (weight) and shift (bias). batches_tracked is the training batches counted
// (PyTorch's num_batches_tracked); prediction does not use it.
struct BatchNorm {
    std::vector<float> running_mean, running_var, weight, bias;
    double eps = 1e-5;
    std::int64_t batches_tracked = 0;
};

struct MlpWeights {
    std::int64_t inputs = 0;           // features the network takes
    std::vector<DenseLayer> layers;    // the hidden layers in order, then the output layer
    std::vector<BatchNorm> norms;      // one per hidden layer with batch_norm, else empty
    std::string activation = "relu";   // between layers, as the catalog's `activation`: relu, tanh, logistic, identity
    std::string output = "identity";   // softmax, sigmoid or identity (above)
    Task task = Task::regression;
    int num_classes = 0;               // classes of a classifier, 0 for a regressor
    double dropout = 0;                // training only: not applied in prediction
    std::string loss;                  // the loss it was trained with (the resolved loss_function)
};

// The description of a fitted or loaded `mlp` estimator. Anything else is
// hone::Error(validation, "not_an_mlp"); an MLP neither fitted nor loaded is
// hone::Error(validation, "not_fitted").
MlpWeights mlp_weights(const Estimator& estimator);

}  // namespace hone::models::torch_nn
