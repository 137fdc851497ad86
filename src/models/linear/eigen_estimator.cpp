// Least squares with Eigen, as scikit-learn's LinearRegression and Ridge solve it
// on dense data:
//  - with fit_intercept, X and y are centered first and the intercept is
//    mean(y) - mean(X) . coef afterwards, so the intercept is never penalized;
//  - linear_regression takes the minimum-norm least-squares solution
//    (CompleteOrthogonalDecomposition, like scipy's lstsq), so collinear or
//    constant columns get a defined answer;
//  - ridge solves (X'X + alpha I) w = X'y by Cholesky when samples >= features,
//    else the kernel form w = X'(XX' + alpha I)^-1 y, falling back to the
//    minimum-norm least squares when the system is singular (alpha = 0).
// Everything is computed in double; the model is the coefficients and intercept,
// saved in JSON with full precision so a reloaded model predicts bit-identically.
#include <optional>

#include <Eigen/Dense>

#include "common/error.hpp"
#include "models/linear/linear_estimators.hpp"
#include "models/linear/solver_support.hpp"

namespace hone::models {
namespace {

constexpr const char* model_file = "model.json";
constexpr const char* format_name = "eigen_linear";

class LeastSquaresEstimator final : public Estimator, public LinearModel {
public:
    LeastSquaresEstimator(bool ridge, std::string algorithm, EstimatorConfig config)
        : Estimator(std::move(config)), ridge_(ridge), algorithm_(std::move(algorithm)) {
        if (config_.task != Task::regression)
            throw Error(ErrorKind::validation, "unsupported_task", algorithm_ + " does only regression");
    }

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        solver::check_fit_input(input, config_, algorithm_);
        solver::throw_if_cancelled(callbacks);
        const auto& m = input.x_train;
        const auto rows = static_cast<Eigen::Index>(m.rows), cols = static_cast<Eigen::Index>(m.cols);
        Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                                m.data.data(), rows, cols)
                                .cast<double>();
        Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXf>(input.y_train.data(), rows).cast<double>();

        bool intercept = config_.params.value("fit_intercept", true);
        Eigen::RowVectorXd x_mean = Eigen::RowVectorXd::Zero(cols);
        double y_mean = 0;
        if (intercept) {
            x_mean = x.colwise().mean();
            y_mean = y.mean();
            x.rowwise() -= x_mean;
            y.array() -= y_mean;
        }

        Eigen::VectorXd w;
        double alpha = ridge_ ? config_.params.value("alpha", 1.0) : 0.0;
        if (ridge_ && alpha > 0) {
            if (rows >= cols) {
                Eigen::MatrixXd a = x.transpose() * x;
                a.diagonal().array() += alpha;
                Eigen::LLT<Eigen::MatrixXd> llt(a);
                if (llt.info() == Eigen::Success) w = llt.solve(x.transpose() * y);
            } else {
                Eigen::MatrixXd k = x * x.transpose();
                k.diagonal().array() += alpha;
                Eigen::LLT<Eigen::MatrixXd> llt(k);
                if (llt.info() == Eigen::Success) w = x.transpose() * llt.solve(y);
            }
        }
        if (w.size() != cols) w = x.completeOrthogonalDecomposition().solve(y);
        if (!w.allFinite())
            throw Error(ErrorKind::data, "training_failed", algorithm_ + " found no finite solution for this data");
        solver::throw_if_cancelled(callbacks);

        coef_.assign(w.data(), w.data() + w.size());
        intercept_ = intercept ? y_mean - x_mean.dot(w) : 0.0;
    }

    std::vector<double> predict(const data::Matrix& x) const override {
        if (coef_.empty()) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is used before fit or load");
        solver::check_feature_count(x, coef_.size(), algorithm_);
        std::vector<double> out(x.rows);
        for (std::size_t r = 0; r < x.rows; ++r) {
            const float* row = x.data.data() + r * x.cols;
            double sum = intercept_;
            for (std::size_t j = 0; j < coef_.size(); ++j) sum += static_cast<double>(row[j]) * coef_[j];
            out[r] = sum;
        }
        return out;
    }

    std::vector<double> feature_importances() const override { return solver::coefficient_importances({coef_}); }

    LinearWeights linear_weights() const override {
        if (coef_.empty()) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is used before fit or load");
        LinearWeights lw;
        lw.features = coef_.size();
        lw.vectors = 1;
        lw.coef = coef_;
        lw.intercept = {intercept_};
        return lw;
    }

    Json quantize(Precision precision) override {
        if (coef_.empty()) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is quantized before fit");
        QuantizedMatrix q(coef_, coef_.size(), 1, precision);
        coef_ = q.values();
        quantized_ = std::move(q);
        return Json{{"precision", std::string(to_string(precision))},
                    {"weights", coef_.size()},
                    {"max_abs_error", quantized_->max_abs_error()}};
    }

    // model.json holds the coefficients, or once quantized names the file that does.
    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        if (coef_.empty()) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is saved before fit");
        Json j = solver::model_meta(format_name, algorithm_, config_, coef_.size());
        std::vector<std::string> files = {model_file};
        if (quantized_) {
            std::string file = "coef." + std::string(to_string(quantized_->precision()));
            quantized_->write(dir / file);
            j["quantized"] = quantized_->to_json(file);
            files.push_back(file);
        } else {
            j["coef"] = coef_;
        }
        j["intercept"] = intercept_;
        solver::write_json_file(dir / model_file, j);
        return files;
    }

    void load(const std::filesystem::path& dir) override {
        auto path = dir / model_file;
        Json j = solver::read_json_file(path);
        std::size_t n = solver::check_model_meta(j, format_name, algorithm_, config_, path);
        std::vector<double> coef;
        std::optional<QuantizedMatrix> quantized;
        double intercept = 0;
        try {
            if (j.contains("quantized")) {
                quantized = QuantizedMatrix::read(j["quantized"], dir / j["quantized"].at("file").get<std::string>());
                coef = quantized->values();
            } else {
                coef = j.at("coef").get<std::vector<double>>();
            }
            intercept = j.at("intercept").get<double>();
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorKind::data, "invalid_model", path.string() + ": unexpected content: " + e.what());
        }
        if (coef.size() != n)
            throw Error(ErrorKind::data, "invalid_model",
                        path.string() + ": has " + std::to_string(coef.size()) + " coefficients for " +
                            std::to_string(n) + " features");
        coef_ = std::move(coef);
        intercept_ = intercept;
        quantized_ = std::move(quantized);
    }

private:
    bool ridge_;
    std::string algorithm_;
    std::vector<double> coef_;
    double intercept_ = 0;
    std::optional<QuantizedMatrix> quantized_;  // set once quantized: what save() writes
};

}  // namespace

std::unique_ptr<Estimator> make_least_squares_estimator(bool ridge, std::string algorithm, EstimatorConfig config) {
    return std::make_unique<LeastSquaresEstimator>(ridge, std::move(algorithm), std::move(config));
}

}  // namespace hone::models
