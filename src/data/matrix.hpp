#pragma once
// The dense feature matrix the models stage consumes: what preprocessing
// produces and every estimator fits and predicts on. A header of its own so
// the models stage depends on this and not on the job language.
#include <cstddef>
#include <string>
#include <vector>

namespace hone::data {

// Dense row-major features, ready for XGBoost's DMatrix or LIBLINEAR.
struct Matrix {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<float> data;          // rows * cols values, row-major
    std::vector<std::string> names;   // cols output feature names

    float at(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
};

}  // namespace hone::data
