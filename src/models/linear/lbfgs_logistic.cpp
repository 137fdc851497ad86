// logistic_regression with scikit-learn's default solver='lbfgs': the penalized
// logistic loss of logistic_loss.hpp minimized by L-BFGS, with scikit-learn's
// choices around it:
//  - the classes are those present in the training data (scikit-learn's
//    classes_); a class of the schema that is absent gets probability 0;
//  - multi_class='auto': one sigmoid weight vector for two classes, one softmax
//    vector per class for more; 'multinomial': softmax always (two vectors for two
//    classes); 'ovr': one binary fit per class, probabilities the sigmoids
//    normalized to sum 1;
//  - class_weight='balanced' weighs each row n / (classes * count of its class),
//    counted over the classes of its fit (for 'ovr', the class and the rest).
// The model is the coefficients and intercepts in model.json, written with full
// precision, so a reloaded model predicts bit-identically. Quantized, the
// coefficients go to a weights file (features x vectors) and the intercepts stay
// in model.json in full precision.
#include <algorithm>
#include <cmath>
#include <optional>

#include "common/error.hpp"
#include "models/linear/linear_estimators.hpp"
#include "models/linear/logistic_loss.hpp"
#include "models/linear/solver_support.hpp"

namespace hone::models {
namespace {

constexpr const char* model_file = "model.json";
constexpr const char* format_name = "lbfgs_logistic";
constexpr const char* quantized_file = "weights.";  // + precision

// How the weight vectors' scores become probabilities.
enum class Link { sigmoid, softmax, ovr };

const char* link_name(Link l) {
    switch (l) {
        case Link::sigmoid: return "sigmoid";
        case Link::softmax: return "softmax";
        case Link::ovr: return "ovr";
    }
    return "";
}

std::optional<Link> parse_link(const std::string& s) {
    for (Link l : {Link::sigmoid, Link::softmax, Link::ovr})
        if (s == link_name(l)) return l;
    return std::nullopt;
}

// scikit-learn's class_weight='balanced' over the labels of one fit.
Eigen::VectorXd balanced_weights(const std::vector<int>& y, int outputs) {
    std::vector<double> count(static_cast<std::size_t>(outputs), 0.0);
    for (int v : y) count[static_cast<std::size_t>(v)] += 1;
    double present = 0;
    for (double c : count) present += c > 0;
    Eigen::VectorXd w(static_cast<Eigen::Index>(y.size()));
    for (std::size_t i = 0; i < y.size(); ++i)
        w[static_cast<Eigen::Index>(i)] = static_cast<double>(y.size()) / (present * count[static_cast<std::size_t>(y[i])]);
    return w;
}

class LbfgsLogisticEstimator final : public Estimator, public LinearModel {
public:
    LbfgsLogisticEstimator(std::string algorithm, EstimatorConfig config)
        : Estimator(std::move(config)), algorithm_(std::move(algorithm)) {
        if (config_.task != Task::classification)
            throw Error(ErrorKind::validation, "unsupported_task", algorithm_ + " does only classification");
    }

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        solver::check_fit_input(input, config_, algorithm_);
        solver::throw_if_cancelled(callbacks);
        const auto& m = input.x_train;
        logistic::RowMatrix x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                                    m.data.data(), static_cast<Eigen::Index>(m.rows), static_cast<Eigen::Index>(m.cols))
                                    .cast<double>();
        std::vector<int> classes;
        auto counts = solver::class_counts(input.y_train, config_.num_classes);
        for (std::size_t k = 0; k < counts.size(); ++k)
            if (counts[k] > 0) classes.push_back(static_cast<int>(k));
        Link link = choose_link(classes.size());
        std::size_t vectors = link == Link::sigmoid ? 1 : classes.size();
        std::vector<double> coef(m.cols * vectors), intercept(vectors, 0.0);
        Json fits = Json::array();
        if (link == Link::ovr) {
            for (std::size_t k = 0; k < vectors; ++k)
                fits.push_back(fit_one(x, input.y_train, {classes[k]}, k, vectors, callbacks, coef, intercept));
        } else {
            std::vector<int> positive(classes.begin() + (link == Link::sigmoid ? 1 : 0), classes.end());
            fits.push_back(fit_one(x, input.y_train, positive, 0, vectors, callbacks, coef, intercept));
        }
        solver::throw_if_cancelled(callbacks);
        link_ = link;
        classes_ = std::move(classes);
        coef_ = std::move(coef);
        intercept_ = std::move(intercept);
        n_features_ = m.cols;
        fits_ = std::move(fits);
        quantized_.reset();
    }

    std::vector<double> predict(const data::Matrix& x) const override { return run(x, false).values; }

    bool has_proba() const override { return true; }

    std::vector<double> predict_proba(const data::Matrix& x) const override { return run(x, true).proba; }

    Prediction predict_with_proba(const data::Matrix& x) const override { return run(x, true); }

    // |coefficient| per feature, averaged over the weight vectors.
    std::vector<double> feature_importances() const override {
        if (coef_.empty()) return {};
        std::size_t vectors = intercept_.size();
        std::vector<std::vector<double>> rows(vectors, std::vector<double>(n_features_));
        for (std::size_t j = 0; j < n_features_; ++j)
            for (std::size_t k = 0; k < vectors; ++k) rows[k][j] = coef_[j * vectors + k];
        return solver::coefficient_importances(rows);
    }

    LinearWeights linear_weights() const override {
        require_model();
        LinearWeights lw;
        lw.link = link_ == Link::sigmoid ? LinearWeights::Link::logistic
                  : link_ == Link::softmax ? LinearWeights::Link::softmax
                                           : LinearWeights::Link::ovr;
        lw.features = n_features_;
        lw.vectors = intercept_.size();
        lw.coef = coef_;
        lw.intercept = intercept_;
        lw.classes = classes_;
        return lw;
    }

    // One scale per weight vector (column); the intercepts stay in double precision.
    Json quantize(Precision precision) override {
        require_model();
        QuantizedMatrix q(coef_, n_features_, intercept_.size(), precision);
        coef_ = q.values();
        quantized_ = std::move(q);
        return Json{{"precision", std::string(to_string(precision))},
                    {"weights", coef_.size()},
                    {"max_abs_error", quantized_->max_abs_error()}};
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override;
    void load(const std::filesystem::path& dir) override;

private:
    std::string algorithm_;
    Link link_ = Link::sigmoid;
    std::vector<int> classes_;        // class indices present in training, ascending
    std::vector<double> coef_;        // n_features x vectors, row-major
    std::vector<double> intercept_;   // one per vector
    std::size_t n_features_ = 0;
    Json fits_ = Json::array();       // per L-BFGS run: iterations and why it stopped
    std::optional<QuantizedMatrix> quantized_;  // set once quantized: what save() writes

    Link choose_link(std::size_t present) const {
        std::string multi = config_.params.value("multi_class", std::string("auto"));
        if (multi == "multinomial") return Link::softmax;
        if (present == 2) return Link::sigmoid;
        return multi == "ovr" ? Link::ovr : Link::softmax;
    }

    // One L-BFGS run: a binomial fit of `positive` (one class) against the rest,
    // or with several positive classes a softmax over them. Writes its weights
    // into columns first.. of coef and intercept; returns what the run reports.
    Json fit_one(const logistic::RowMatrix& x, const std::vector<float>& labels, const std::vector<int>& positive,
                 std::size_t first, std::size_t vectors, const Callbacks& callbacks, std::vector<double>& coef,
                 std::vector<double>& intercept) const;

    Prediction run(const data::Matrix& x, bool proba) const;

    void require_model() const {
        if (coef_.empty()) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is used before fit or load");
    }
};

Json LbfgsLogisticEstimator::fit_one(const logistic::RowMatrix& x, const std::vector<float>& labels,
                                     const std::vector<int>& positive, std::size_t first, std::size_t vectors,
                                     const Callbacks& callbacks, std::vector<double>& coef,
                                     std::vector<double>& intercept) const {
    const auto& p = config_.params;
    logistic::Problem problem;
    problem.x = &x;
    problem.outputs = positive.size() == 1 ? 1 : static_cast<int>(positive.size());
    problem.y.resize(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        int label = static_cast<int>(labels[i]), out = 0;
        for (std::size_t k = 0; k < positive.size(); ++k)
            if (positive[k] == label) out = problem.outputs == 1 ? 1 : static_cast<int>(k);
        problem.y[i] = out;
    }
    bool balanced = p.value("class_weight", Json()).is_string();
    problem.weight = balanced ? balanced_weights(problem.y, std::max(problem.outputs, 2))
                              : Eigen::VectorXd::Ones(static_cast<Eigen::Index>(labels.size()));
    problem.fit_intercept = p.value("fit_intercept", true);
    const Json& penalty = p.contains("penalty") ? p["penalty"] : Json("l2");
    problem.penalized = penalty.is_string() && penalty.get<std::string>() != "none";
    problem.C = p.value("C", 1.0);
    auto fit = logistic::minimize(problem, p.value("max_iter", 100), p.value("tol", 1e-4), config_.threads,
                                  callbacks.cancelled);
    const auto d = static_cast<std::size_t>(x.cols()), rows_w = d + (problem.fit_intercept ? 1 : 0);
    for (int k = 0; k < problem.outputs; ++k) {
        const double* w = fit.w.data() + static_cast<std::size_t>(k) * rows_w;
        std::size_t col = first + static_cast<std::size_t>(k);
        for (std::size_t j = 0; j < d; ++j) coef[j * vectors + col] = w[j];
        intercept[col] = problem.fit_intercept ? w[d] : 0.0;
    }
    return Json{{"iterations", fit.iterations}, {"evaluations", fit.evaluations}, {"stopped", fit.stopped}};
}


// Scores per row in a fixed order (features ascending, per vector), so one row
// predicts the same alone or in a batch.
Prediction LbfgsLogisticEstimator::run(const data::Matrix& x, bool proba) const {
    require_model();
    solver::check_feature_count(x, n_features_, algorithm_);
    const std::size_t vectors = intercept_.size(), k = static_cast<std::size_t>(config_.num_classes);
    Prediction out;
    out.values.resize(x.rows);
    if (proba) out.proba.assign(x.rows * k, 0.0);
    std::vector<double> z(vectors), p(classes_.size());
    for (std::size_t r = 0; r < x.rows; ++r) {
        z = intercept_;
        const float* row = x.data.data() + r * x.cols;
        for (std::size_t j = 0; j < n_features_; ++j) {
            const double v = row[j], *w = coef_.data() + j * vectors;
            for (std::size_t c = 0; c < vectors; ++c) z[c] += v * w[c];
        }
        std::size_t best = 0;
        if (link_ == Link::sigmoid) {
            best = z[0] > 0 ? 1 : 0;  // scikit-learn: class 1 when the score is > 0
            p[1] = 1.0 / (1.0 + std::exp(-z[0]));
            p[0] = 1.0 - p[1];
        } else {
            for (std::size_t c = 1; c < vectors; ++c)
                if (z[c] > z[best]) best = c;
            double sum = 0;
            for (std::size_t c = 0; c < vectors; ++c) {
                p[c] = link_ == Link::softmax ? std::exp(z[c] - z[best]) : 1.0 / (1.0 + std::exp(-z[c]));
                sum += p[c];
            }
            if (!(sum > 0)) {  // every sigmoid underflowed: the top score takes it all
                std::fill(p.begin(), p.end(), 0.0);
                p[best] = sum = 1.0;
            }
            for (double& v : p) v /= sum;
        }
        out.values[r] = classes_[best];
        if (proba)
            for (std::size_t c = 0; c < classes_.size(); ++c)
                out.proba[r * k + static_cast<std::size_t>(classes_[c])] = p[c];
    }
    return out;
}

// model.json: the description solver::model_meta writes, the link, the classes,
// the intercepts and the coefficients (one array per vector, as scikit-learn's
// coef_), or once quantized the description of the weights file instead.
std::vector<std::string> LbfgsLogisticEstimator::save(const std::filesystem::path& dir) const {
    require_model();
    Json j = solver::model_meta(format_name, algorithm_, config_, n_features_);
    j["link"] = link_name(link_);
    j["classes"] = classes_;
    j["intercept"] = intercept_;
    std::vector<std::string> files;
    if (quantized_) {
        std::string file = quantized_file + std::string(to_string(quantized_->precision()));
        quantized_->write(dir / file);
        j["quantized"] = quantized_->to_json(file);
        files.push_back(file);
    } else {
        const std::size_t vectors = intercept_.size();
        Json coef = Json::array();
        for (std::size_t c = 0; c < vectors; ++c) {
            std::vector<double> w(n_features_);
            for (std::size_t f = 0; f < n_features_; ++f) w[f] = coef_[f * vectors + c];
            coef.push_back(w);
        }
        j["coef"] = std::move(coef);
    }
    j["fits"] = fits_;
    solver::write_json_file(dir / model_file, j);
    files.push_back(model_file);
    return files;
}

void LbfgsLogisticEstimator::load(const std::filesystem::path& dir) {
    auto path = dir / model_file;
    Json j = solver::read_json_file(path);
    EstimatorConfig config = config_;
    std::size_t n = solver::check_model_meta(j, format_name, algorithm_, config, path);
    auto bad = [&](const std::string& why) { return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why); };
    std::optional<Link> link;
    std::vector<int> classes;
    std::vector<double> intercept, coef;
    std::optional<QuantizedMatrix> quantized;
    Json fits;
    try {
        link = parse_link(j.at("link").get<std::string>());
        classes = j.at("classes").get<std::vector<int>>();
        intercept = j.at("intercept").get<std::vector<double>>();
        fits = j.value("fits", Json::array());
        if (j.contains("quantized")) {
            quantized = QuantizedMatrix::read(j["quantized"], dir / j["quantized"].at("file").get<std::string>());
            coef = quantized->values();
        } else {
            auto rows = j.at("coef").get<std::vector<std::vector<double>>>();
            coef.assign(n * rows.size(), 0.0);
            for (std::size_t c = 0; c < rows.size(); ++c) {
                if (rows[c].size() != n) throw bad("coefficient vector " + std::to_string(c) + " is not of " + std::to_string(n) + " features");
                for (std::size_t f = 0; f < n; ++f) coef[f * rows.size() + c] = rows[c][f];
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw bad(std::string("unexpected content: ") + e.what());
    }
    if (!link) throw bad("unknown link " + j["link"].dump());
    if (classes.size() < 2) throw bad("a classifier needs at least two classes");
    for (std::size_t c = 0; c < classes.size(); ++c)
        if (classes[c] < 0 || classes[c] >= config.num_classes || (c > 0 && classes[c] <= classes[c - 1]))
            throw bad("unexpected classes");
    std::size_t vectors = *link == Link::sigmoid ? 1 : classes.size();
    if (*link == Link::sigmoid && classes.size() != 2) throw bad("a sigmoid model has two classes");
    if (intercept.size() != vectors || coef.size() != n * vectors)
        throw bad("the weights' shape does not match the model");
    if (quantized && (quantized->rows() != n || quantized->cols() != vectors))
        throw bad("the weights' shape does not match the model");
    config_ = std::move(config);
    link_ = *link;
    classes_ = std::move(classes);
    intercept_ = std::move(intercept);
    coef_ = std::move(coef);
    n_features_ = n;
    fits_ = std::move(fits);
    quantized_ = std::move(quantized);
}

}  // namespace

std::unique_ptr<Estimator> make_lbfgs_logistic_estimator(std::string algorithm, EstimatorConfig config) {
    return std::make_unique<LbfgsLogisticEstimator>(std::move(algorithm), std::move(config));
}

}  // namespace hone::models
