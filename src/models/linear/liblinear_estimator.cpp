// LIBLINEAR behind logistic_regression, linear_svc and linear_svr, mapped the way
// scikit-learn's liblinear wrapper maps its parameters:
//  - the intercept is LIBLINEAR's bias feature (value intercept_scaling, a weight
//    like any other and so regularized too), absent when fit_intercept is false;
//  - class_weight multiplies C per class (LIBLINEAR's weight_label/weight);
//  - several classes are one-vs-rest (Crammer-Singer for linear_svc when asked),
//    and logistic probabilities are the per-class sigmoids normalized to sum 1,
//    which is what predict_probability computes and scikit-learn does for liblinear.
// The fitted model is LIBLINEAR's own `struct model`, saved with save_model: it
// writes every weight with %.17g and reads with %lf, so a reloaded model predicts
// bit-identically. A quantized model (compress) is saved as its weights file and
// a description of the rest, and loads into the same struct.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

#include <linear.h>

#include "common/error.hpp"
#include "models/backends.hpp"
#include "models/linear/linear_estimators.hpp"
#include "models/linear/solver_support.hpp"

namespace hone::models {
namespace {

constexpr const char* model_file = "model.liblinear";
constexpr const char* meta_file = "model.json";
constexpr const char* format_name = "liblinear";
constexpr const char* quantized_file = "weights.";  // + precision

void quiet(const char*) {}

// LIBLINEAR prints progress to stdout unless given a print function; set it once.
void silence_liblinear() {
    static const bool done = [] {
        set_print_string_function(&quiet);
        return true;
    }();
    (void)done;
}

// The primal and the dual solver for one penalty/loss combination; -1 = none.
struct SolverPair {
    int primal = -1;
    int dual = -1;
};

// Solvers that shuffle with rand() (coordinate descent); the Newton solvers do not.
bool uses_rand(int solver) { return solver != L2R_LR && solver != L2R_L2LOSS_SVC && solver != L2R_L2LOSS_SVR; }

struct ModelDeleter {
    void operator()(::model* m) const { free_and_destroy_model(&m); }
};

class LiblinearEstimator final : public Estimator, public LinearModel {
public:
    LiblinearEstimator(LiblinearKind kind, std::string algorithm, EstimatorConfig config)
        : Estimator(std::move(config)), kind_(kind), algorithm_(std::move(algorithm)) {
        const auto& p = config_.params;
        penalty_ = p.value("penalty", std::string("l2"));
        loss_ = p.value("loss", std::string());
        crammer_singer_ = p.value("multi_class", std::string("ovr")) == "crammer_singer";
        solvers_ = solver_pair();
        const Json& dual = p.contains("dual") ? p["dual"] : Json(false);
        dual_auto_ = dual.is_string();
        dual_ = dual.is_boolean() && dual.get<bool>();
        std::string combo = kind_ == LiblinearKind::logistic_regression ? "penalty='" + penalty_ + "'"
                            : kind_ == LiblinearKind::linear_svr
                                ? "loss='" + loss_ + "'"
                                : "penalty='" + penalty_ + "' with loss='" + loss_ + "'";
        if (solvers_.primal < 0 && solvers_.dual < 0)
            throw Error(ErrorKind::validation, "invalid_hyperparameter",
                        algorithm_ + " does not support " + combo, {},
                        "supported: penalty='l2' with loss 'squared_hinge' or 'hinge', penalty='l1' with "
                        "loss='squared_hinge'");
        if (!dual_auto_ && (dual_ ? solvers_.dual : solvers_.primal) < 0)
            throw Error(ErrorKind::validation, "invalid_hyperparameter",
                        algorithm_ + " with " + combo + " needs dual=" + (dual_ ? "false" : "true"));
    }

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        solver::check_fit_input(input, config_, algorithm_);
        solver::throw_if_cancelled(callbacks);
        silence_liblinear();
        const auto& x = input.x_train;
        const auto& p = config_.params;

        // Like scikit-learn's dual='auto': the dual when there are fewer samples
        // than features, else the primal, whichever exists.
        bool dual = dual_;
        if (dual_auto_) {
            bool prefer_dual = x.rows < x.cols;
            dual = prefer_dual ? solvers_.dual >= 0 : solvers_.primal < 0;
        }
        int solver_type = dual ? solvers_.dual : solvers_.primal;

        double bias = p.value("fit_intercept", true) ? p.value("intercept_scaling", 1.0) : -1.0;
        int n = static_cast<int>(x.cols) + (bias >= 0 ? 1 : 0);
        auto rows = solver::to_sparse_rows<feature_node>(x, bias >= 0 ? n : 0, bias);
        std::vector<double> y(input.y_train.begin(), input.y_train.end());

        ::problem prob{};
        prob.l = static_cast<int>(x.rows);
        prob.n = n;
        prob.y = y.data();
        prob.x = rows.rows.data();
        prob.bias = bias;

        std::vector<int> weight_label;
        std::vector<double> weight;
        if (config_.task == Task::classification && p.value("class_weight", Json()).is_string()) {
            auto w = solver::balanced_class_weights(input.y_train, config_.num_classes);
            for (std::size_t k = 0; k < w.size(); ++k)
                if (w[k] > 0) {
                    weight_label.push_back(static_cast<int>(k));
                    weight.push_back(w[k]);
                }
        }

        ::parameter param{};
        param.solver_type = solver_type;
        param.eps = p.value("tol", 1e-4);
        param.C = p.value("C", 1.0);
        param.nr_weight = static_cast<int>(weight.size());
        param.weight_label = weight_label.empty() ? nullptr : weight_label.data();
        param.weight = weight.empty() ? nullptr : weight.data();
        param.p = p.value("epsilon", 0.0);
        param.init_sol = nullptr;
        if (const char* why = check_parameter(&prob, &param))
            throw Error(ErrorKind::validation, "invalid_hyperparameter", algorithm_ + ": " + why);

        std::unique_ptr<::model, ModelDeleter> trained;
        if (uses_rand(solver_type)) {
            auto lock = solver::lock_c_library_state();
            std::srand(static_cast<unsigned>(solver::fit_seed(config_)));
            trained.reset(::train(&prob, &param));
        } else {
            trained.reset(::train(&prob, &param));
        }
        if (!trained) throw Error(ErrorKind::internal, "training_failed", algorithm_ + ": LIBLINEAR returned no model");
        solver::throw_if_cancelled(callbacks);
        model_ = std::move(trained);
        n_features_ = x.cols;
    }

    std::vector<double> predict(const data::Matrix& x) const override {
        require_model();
        solver::check_feature_count(x, n_features_, algorithm_);
        std::vector<double> out(x.rows);
        std::vector<feature_node> buffer;
        for (std::size_t r = 0; r < x.rows; ++r) out[r] = ::predict(model_.get(), row(x, r, buffer));
        return out;
    }

    bool has_proba() const override { return kind_ == LiblinearKind::logistic_regression; }

    std::vector<double> predict_proba(const data::Matrix& x) const override {
        if (!has_proba()) return Estimator::predict_proba(x);
        require_model();
        solver::check_feature_count(x, n_features_, algorithm_);
        auto k = static_cast<std::size_t>(config_.num_classes);
        int nr_class = get_nr_class(model_.get());
        std::vector<double> out(x.rows * k, 0.0), prob(static_cast<std::size_t>(nr_class));
        std::vector<feature_node> buffer;
        for (std::size_t r = 0; r < x.rows; ++r) {
            predict_probability(model_.get(), row(x, r, buffer), prob.data());
            for (int i = 0; i < nr_class; ++i) out[r * k + static_cast<std::size_t>(model_->label[i])] = prob[i];
        }
        return out;
    }

    // |w| per feature (the bias weight left out), averaged over the one-vs-rest
    // classifiers; one weight vector for binary and regression models.
    std::vector<double> feature_importances() const override {
        if (!model_) return {};
        auto nr_w = static_cast<int>(weight_vectors());
        std::vector<std::vector<double>> coef(static_cast<std::size_t>(nr_w), std::vector<double>(n_features_));
        for (int c = 0; c < nr_w; ++c)
            for (std::size_t j = 0; j < n_features_; ++j)
                coef[c][j] = get_decfun_coef(model_.get(), static_cast<int>(j + 1), c);
        return solver::coefficient_importances(coef);
    }

    // LIBLINEAR's decision values: w's feature rows, and the bias row times the
    // bias value as the intercept. Two classes (but Crammer-Singer) share one
    // vector whose positive side is label[0].
    LinearWeights linear_weights() const override {
        require_model();
        LinearWeights lw;
        const std::size_t nr_w = weight_vectors(), rows = static_cast<std::size_t>(model_->nr_feature);
        lw.features = rows;
        lw.vectors = nr_w;
        lw.coef.assign(model_->w, model_->w + rows * nr_w);
        lw.intercept.assign(nr_w, 0.0);
        if (model_->bias >= 0)
            for (std::size_t c = 0; c < nr_w; ++c) lw.intercept[c] = model_->w[rows * nr_w + c] * model_->bias;
        if (config_.task == Task::regression) return lw;
        if (nr_w == 1) {
            lw.link = has_proba() ? LinearWeights::Link::logistic : LinearWeights::Link::sign;
            lw.classes = {model_->label[1], model_->label[0]};
        } else {
            lw.link = has_proba() ? LinearWeights::Link::ovr : LinearWeights::Link::argmax;
            lw.classes.assign(model_->label, model_->label + model_->nr_class);
        }
        return lw;
    }

    // The feature weights (every row of w but the bias feature's) are quantized,
    // one scale per weight vector; the bias row stays in double precision.
    Json quantize(Precision precision) override {
        require_model();
        std::size_t nr_w = weight_vectors(), rows = static_cast<std::size_t>(model_->nr_feature);
        std::vector<double> w(model_->w, model_->w + rows * nr_w);
        QuantizedMatrix q(w, rows, nr_w, precision);
        std::vector<double> stored = q.values();
        std::copy(stored.begin(), stored.end(), model_->w);
        quantized_ = std::move(q);
        return Json{{"precision", std::string(to_string(precision))},
                    {"weights", rows * nr_w},
                    {"max_abs_error", quantized_->max_abs_error()}};
    }

    // LIBLINEAR's own text file, or, once quantized, the weights file beside a
    // description in model.json of what LIBLINEAR's file would say besides them.
    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        require_model();
        Json meta = solver::model_meta(format_name, algorithm_, config_, n_features_);
        if (quantized_) {
            std::string file = quantized_file + std::string(to_string(quantized_->precision()));
            quantized_->write(dir / file);
            meta["quantized"] = quantized_->to_json(file);
            meta["liblinear"] = header_json();
            solver::write_json_file(dir / meta_file, meta);
            return {file, meta_file};
        }
        auto path = dir / model_file;
        {
            auto lock = solver::lock_c_library_state();
            if (save_model(path.c_str(), model_.get()) != 0)
                throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
        }
        solver::write_json_file(dir / meta_file, meta);
        return {model_file, meta_file};
    }

    void load(const std::filesystem::path& dir) override {
        auto meta_path = dir / meta_file;
        Json meta = solver::read_json_file(meta_path);
        std::size_t n = solver::check_model_meta(meta, format_name, algorithm_, config_, meta_path);
        auto path = meta.contains("quantized") ? meta_path : dir / model_file;
        auto bad = [&](const std::string& why) {
            return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why);
        };
        std::unique_ptr<::model, ModelDeleter> loaded;
        std::optional<QuantizedMatrix> quantized;
        if (meta.contains("quantized")) {
            std::string file = meta["quantized"].value("file", std::string());
            quantized = QuantizedMatrix::read(meta["quantized"], dir / file);
            loaded = from_header(meta.value("liblinear", Json()), *quantized, bad);
        } else {
            solver::require_file(path);
            auto lock = solver::lock_c_library_state();
            loaded.reset(load_model(path.c_str()));
        }
        if (!loaded) throw bad("not a LIBLINEAR model");
        if (loaded->nr_feature != static_cast<int>(n))
            throw bad("has " + std::to_string(loaded->nr_feature) + " features, its " + meta_file + " says " +
                      std::to_string(n));
        bool regression = check_regression_model(loaded.get());
        if (regression != (config_.task == Task::regression)) throw bad("the model is for another task");
        if (!regression) {
            if (loaded->nr_class < 2 || loaded->nr_class > config_.num_classes) throw bad("unexpected classes");
            for (int i = 0; i < loaded->nr_class; ++i)
                if (loaded->label[i] < 0 || loaded->label[i] >= config_.num_classes) throw bad("unexpected class label");
        }
        if (has_proba() && !check_probability_model(loaded.get())) throw bad("not a logistic model");
        model_ = std::move(loaded);
        n_features_ = n;
        quantized_ = std::move(quantized);
    }

private:
    LiblinearKind kind_;
    std::string algorithm_;
    std::string penalty_, loss_;
    bool crammer_singer_ = false;
    bool dual_ = false, dual_auto_ = false;
    SolverPair solvers_;
    std::unique_ptr<::model, ModelDeleter> model_;
    std::size_t n_features_ = 0;
    std::optional<QuantizedMatrix> quantized_;  // set once quantized: what save() writes

    // Weight vectors in w: one for binary and regression models (but Crammer-Singer), else one per class.
    std::size_t weight_vectors() const {
        bool one = model_->nr_class == 2 && model_->param.solver_type != MCSVM_CS;
        return one ? 1 : static_cast<std::size_t>(model_->nr_class);
    }

    // What save_model writes besides the feature weights.
    Json header_json() const {
        std::size_t nr_w = weight_vectors(), rows = static_cast<std::size_t>(model_->nr_feature);
        Json h{{"solver_type", model_->param.solver_type}, {"nr_class", model_->nr_class},
               {"nr_feature", model_->nr_feature}, {"bias", model_->bias}};
        h["label"] = model_->label ? std::vector<int>(model_->label, model_->label + model_->nr_class)
                                   : std::vector<int>();
        h["bias_weights"] = model_->bias >= 0 ? std::vector<double>(model_->w + rows * nr_w,
                                                                    model_->w + (rows + 1) * nr_w)
                                              : std::vector<double>();
        return h;
    }

    // A `struct model` laid out as load_model lays it out (malloc'ed w and label,
    // which free_and_destroy_model frees), from header_json() and the weights.
    template <class Bad>
    static std::unique_ptr<::model, ModelDeleter> from_header(const Json& h, const QuantizedMatrix& q, Bad bad) {
        std::unique_ptr<::model, ModelDeleter> m(static_cast<::model*>(std::calloc(1, sizeof(::model))));
        std::vector<int> label;
        std::vector<double> bias_weights;
        try {
            m->param.solver_type = h.at("solver_type").get<int>();
            m->nr_class = h.at("nr_class").get<int>();
            m->nr_feature = h.at("nr_feature").get<int>();
            m->bias = h.at("bias").get<double>();
            label = h.at("label").get<std::vector<int>>();
            bias_weights = h.at("bias_weights").get<std::vector<double>>();
        } catch (const nlohmann::json::exception& e) {
            throw bad(std::string("unexpected content: ") + e.what());
        }
        bool one = m->nr_class == 2 && m->param.solver_type != MCSVM_CS;
        std::size_t nr_w = one ? 1 : static_cast<std::size_t>(std::max(m->nr_class, 0));
        std::size_t rows = static_cast<std::size_t>(std::max(m->nr_feature, 0));
        if (q.rows() != rows || q.cols() != nr_w) throw bad("the weights' shape does not match the model");
        if (bias_weights.size() != (m->bias >= 0 ? nr_w : 0)) throw bad("unexpected bias weights");
        if (!label.empty() && label.size() != static_cast<std::size_t>(m->nr_class)) throw bad("unexpected labels");
        std::vector<double> w = q.values();
        w.insert(w.end(), bias_weights.begin(), bias_weights.end());
        m->w = static_cast<double*>(std::malloc(w.size() * sizeof(double)));
        std::copy(w.begin(), w.end(), m->w);
        if (!label.empty()) {
            m->label = static_cast<int*>(std::malloc(label.size() * sizeof(int)));
            std::copy(label.begin(), label.end(), m->label);
        }
        return m;
    }

    SolverPair solver_pair() const {
        switch (kind_) {
            case LiblinearKind::logistic_regression:
                return penalty_ == "l1" ? SolverPair{L1R_LR, -1} : SolverPair{L2R_LR, L2R_LR_DUAL};
            case LiblinearKind::linear_svc:
                if (crammer_singer_) return {MCSVM_CS, MCSVM_CS};
                if (penalty_ == "l2")
                    return loss_ == "hinge" ? SolverPair{-1, L2R_L1LOSS_SVC_DUAL}
                                            : SolverPair{L2R_L2LOSS_SVC, L2R_L2LOSS_SVC_DUAL};
                return loss_ == "hinge" ? SolverPair{} : SolverPair{L1R_L2LOSS_SVC, -1};
            case LiblinearKind::linear_svr:
                return loss_ == "epsilon_insensitive" ? SolverPair{-1, L2R_L1LOSS_SVR_DUAL}
                                                      : SolverPair{L2R_L2LOSS_SVR, L2R_L2LOSS_SVR_DUAL};
        }
        return {};
    }

    void require_model() const {
        if (!model_) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is used before fit or load");
    }

    // A row as LIBLINEAR reads it, ending in the bias feature when the model has one.
    const feature_node* row(const data::Matrix& x, std::size_t r, std::vector<feature_node>& buffer) const {
        bool bias = model_->bias >= 0;
        return solver::row_nodes(x, r, buffer, bias ? model_->nr_feature + 1 : 0, model_->bias);
    }
};

}  // namespace

std::unique_ptr<Estimator> make_liblinear_estimator(LiblinearKind kind, std::string algorithm, EstimatorConfig config) {
    return std::make_unique<LiblinearEstimator>(kind, std::move(algorithm), std::move(config));
}

// LIBLINEAR numbers its releases 230 for 2.30.
std::string liblinear_version() {
    return std::to_string(LIBLINEAR_VERSION / 100) + "." + std::to_string(LIBLINEAR_VERSION % 100);
}

}  // namespace hone::models
