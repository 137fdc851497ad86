// Estimator's out-of-line members: a file of their own, since the libtorch
// backend (a shared module, see models/torch/backend.hpp) needs them too.
#include "models/estimator.hpp"

#include <algorithm>
#include <fstream>

#include "common/error.hpp"

namespace hone::models {

std::vector<double> most_probable_classes(const std::vector<double>& proba, std::size_t rows, std::size_t k) {
    std::vector<double> classes(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        const double* row = proba.data() + i * k;
        classes[i] = static_cast<double>(std::max_element(row, row + k) - row);
    }
    return classes;
}

void write_json_file(const std::filesystem::path& path, const Json& j) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << '\n';
    out.close();
    if (!out) throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
}

std::vector<double> Estimator::predict_proba(const data::Matrix&) const {
    throw Error(ErrorKind::validation, "no_probabilities", "this model does not give probabilities");
}

Json Estimator::quantize(Precision) {
    throw Error(ErrorKind::validation, "not_quantizable", "this model has no weights to quantize");
}

}  // namespace hone::models
