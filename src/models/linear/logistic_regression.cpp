// logistic_regression: the solver hyperparameter picks the estimator, as in
// scikit-learn. 'liblinear' is LIBLINEAR (liblinear_estimator.cpp); 'lbfgs' and
// the solvers that minimize the same objective ('newton-cg', 'newton-cholesky',
// 'sag', 'saga') are the L-BFGS fit of lbfgs_logistic.cpp. Combinations a solver
// cannot fit are refused when the estimator is made, naming what would work.
#include "common/error.hpp"
#include "models/linear/linear_estimators.hpp"
#include "models/linear/solver_support.hpp"

namespace hone::models {
namespace {

constexpr const char* algorithm_name = "logistic_regression";
constexpr const char* lbfgs_solvers = "'lbfgs', 'newton-cg', 'newton-cholesky', 'sag' or 'saga'";

Error invalid(const std::string& message) {
    return Error(ErrorKind::validation, "invalid_hyperparameter", std::string(algorithm_name) + ": " + message);
}

std::string written(const Json& v) { return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); }

}  // namespace

void check_logistic_options(const Json& params) {
    std::string solver = params.value("solver", std::string("lbfgs"));
    const Json penalty = params.contains("penalty") ? params["penalty"] : Json("l2");
    bool unpenalized = penalty.is_null() || penalty == "none";
    bool dual = params.contains("dual") && params["dual"].is_boolean() && params["dual"].get<bool>();
    std::string multi_class = params.value("multi_class", std::string("auto"));
    if (solver == "liblinear") {
        if (unpenalized)
            throw invalid("penalty=" + written(penalty) + " (no penalty) needs solver " + lbfgs_solvers +
                          "; solver='liblinear' supports penalty 'l2' or 'l1'");
        if (multi_class == "multinomial")
            throw invalid("multi_class='multinomial' needs solver " + std::string(lbfgs_solvers) +
                          "; solver='liblinear' fits one-vs-rest (multi_class 'auto' or 'ovr')");
        return;
    }
    if (penalty == "l1")
        throw invalid("penalty='l1' needs solver='liblinear'; solver='" + solver +
                      "' supports penalty 'l2', 'none' or null");
    if (dual)
        throw invalid("dual=true needs solver='liblinear'; solver='" + solver + "' solves the primal (dual=false)");
}

namespace {

// Forwards to the estimator of the configured solver. A saved model loads with
// the estimator that wrote it, whatever the solver says: models registered while
// every solver name meant LIBLINEAR keep loading.
class LogisticRegression final : public Estimator, public LinearModel {
public:
    explicit LogisticRegression(EstimatorConfig config) : Estimator(std::move(config)) {
        check_logistic_options(config_.params);
        impl_ = make(config_.params.value("solver", std::string("lbfgs")) == "liblinear");
    }

    void fit(const FitInput& input, const Callbacks& callbacks) override { impl_->fit(input, callbacks); }
    std::vector<double> predict(const data::Matrix& x) const override { return impl_->predict(x); }
    std::vector<double> predict_proba(const data::Matrix& x) const override { return impl_->predict_proba(x); }
    bool has_proba() const override { return impl_->has_proba(); }
    Prediction predict_with_proba(const data::Matrix& x) const override { return impl_->predict_with_proba(x); }
    std::vector<double> feature_importances() const override { return impl_->feature_importances(); }
    Json quantize(Precision precision) override { return impl_->quantize(precision); }
    LinearWeights linear_weights() const override { return dynamic_cast<const LinearModel&>(*impl_).linear_weights(); }
    std::vector<std::string> save(const std::filesystem::path& dir) const override { return impl_->save(dir); }

    void load(const std::filesystem::path& dir) override {
        std::string format = saved_format(dir);
        if (!format.empty() && (format == "liblinear") != liblinear_) impl_ = make(!liblinear_);
        impl_->load(dir);
        config_ = impl_->config();  // the classes the model file says
    }

private:
    std::unique_ptr<Estimator> impl_;
    bool liblinear_ = false;

    std::unique_ptr<Estimator> make(bool liblinear) {
        liblinear_ = liblinear;
        if (liblinear) return make_liblinear_estimator(LiblinearKind::logistic_regression, algorithm_name, config_);
        return make_lbfgs_logistic_estimator(algorithm_name, config_);
    }

    // The format model.json names, or "" when it cannot be read (the estimator's
    // own load then says what is wrong).
    static std::string saved_format(const std::filesystem::path& dir) {
        try {
            Json meta = solver::read_json_file(dir / "model.json");
            return meta.value("format", std::string());
        } catch (const std::exception&) {
            return {};
        }
    }
};

}  // namespace

std::unique_ptr<Estimator> make_logistic_regression(EstimatorConfig config) {
    return std::make_unique<LogisticRegression>(std::move(config));
}

}  // namespace hone::models
