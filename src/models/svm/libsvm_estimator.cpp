// LIBSVM behind svc and svr, mapped the way scikit-learn's SVC and SVR map their
// parameters: C-SVC (one-vs-one for several classes, prediction by voting) and
// epsilon-SVR; class_weight multiplies C per class; probability=true runs LIBSVM's
// Platt scaling (an internal 5-fold cross-validation) and predict_proba uses
// svm_predict_probability, as scikit-learn does.
//
// Memory: svm_train returns a model whose support vectors point into the training
// nodes. The estimator copies them into one block of its own right after training
// (as svm_load_model lays them out, so svm_free_and_destroy_model frees them) and
// drops the training data.
//
// Persistence: svm_save_model writes coefficients with %.17g but support vector
// values with %.8g. So that a reloaded model predicts bit-identically to the one
// just trained, the copied support vector values are rounded to 8 significant
// digits, exactly what the file will hold; the values are floats to begin with,
// so this moves each by at most a unit in its 8th digit.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <libsvm/svm.h>

#include "common/error.hpp"
#include "models/backends.hpp"
#include "models/linear/solver_support.hpp"
#include "models/svm/libsvm_estimator.hpp"

namespace hone::models {
namespace {

constexpr const char* model_file = "model.svm";
constexpr const char* meta_file = "model.json";
constexpr const char* format_name = "libsvm";

void quiet(const char*) {}

// LIBSVM prints progress to stdout unless given a print function; set it once.
void silence_libsvm() {
    static const bool done = [] {
        svm_set_print_string_function(&quiet);
        return true;
    }();
    (void)done;
}

struct SvmDeleter {
    void operator()(svm_model* m) const { svm_free_and_destroy_model(&m); }
};

int kernel_type(const std::string& name) {
    if (name == "linear") return LINEAR;
    if (name == "poly") return POLY;
    if (name == "sigmoid") return SIGMOID;
    return RBF;
}

// The value as svm_save_model writes it ("%.8g") and svm_load_model reads it back.
double as_saved(double v) {
    char buf[64];
    auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 8).ptr;
    double out = v;
    std::from_chars(buf, end, out);
    return out;
}

// Gives `m` its own copy of its support vectors, laid out as svm_load_model does
// (one malloc'd block starting at SV[0], free_sv = 1).
void own_support_vectors(svm_model* m) {
    std::size_t total = 0;
    for (int i = 0; i < m->l; ++i) {
        const svm_node* p = m->SV[i];
        while (p->index != -1) ++p, ++total;
        ++total;
    }
    if (total > 0) {
        auto* block = static_cast<svm_node*>(std::malloc(total * sizeof(svm_node)));
        if (!block) throw std::bad_alloc();
        svm_node* out = block;
        for (int i = 0; i < m->l; ++i) {
            const svm_node* p = m->SV[i];
            m->SV[i] = out;
            for (; p->index != -1; ++p) *out++ = svm_node{p->index, as_saved(p->value)};
            *out++ = svm_node{-1, 0.0};
        }
    }
    m->free_sv = 1;
}

class LibsvmEstimator final : public Estimator {
public:
    LibsvmEstimator(std::string algorithm, EstimatorConfig config)
        : Estimator(std::move(config)), algorithm_(std::move(algorithm)) {
        proba_ = config_.task == Task::classification && config_.params.value("probability", false);
    }

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        solver::check_fit_input(input, config_, algorithm_);
        solver::throw_if_cancelled(callbacks);
        silence_libsvm();
        const auto& x = input.x_train;
        const auto& p = config_.params;
        bool classification = config_.task == Task::classification;

        double gamma = resolve_gamma(p.value("gamma", Json("scale")), x);
        auto rows = solver::to_sparse_rows<svm_node>(x);
        std::vector<double> y(input.y_train.begin(), input.y_train.end());
        svm_problem prob{};
        prob.l = static_cast<int>(x.rows);
        prob.y = y.data();
        prob.x = rows.rows.data();

        std::vector<int> weight_label;
        std::vector<double> weight;
        if (classification && p.value("class_weight", Json()).is_string()) {
            auto w = solver::balanced_class_weights(input.y_train, config_.num_classes);
            for (std::size_t k = 0; k < w.size(); ++k)
                if (w[k] > 0) {
                    weight_label.push_back(static_cast<int>(k));
                    weight.push_back(w[k]);
                }
        }

        svm_parameter param{};
        param.svm_type = classification ? C_SVC : EPSILON_SVR;
        param.kernel_type = kernel_type(p.value("kernel", std::string("rbf")));
        param.degree = p.value("degree", 3);
        param.gamma = gamma;
        param.coef0 = p.value("coef0", 0.0);
        param.cache_size = p.value("cache_size", 200.0);
        param.eps = p.value("tol", 1e-3);
        param.C = p.value("C", 1.0);
        param.nr_weight = static_cast<int>(weight.size());
        param.weight_label = weight_label.empty() ? nullptr : weight_label.data();
        param.weight = weight.empty() ? nullptr : weight.data();
        param.nu = 0.5;
        param.p = p.value("epsilon", 0.1);
        param.shrinking = p.value("shrinking", true) ? 1 : 0;
        param.probability = proba_ ? 1 : 0;
        if (const char* why = svm_check_parameter(&prob, &param))
            throw Error(ErrorKind::validation, "invalid_hyperparameter", algorithm_ + ": " + why);

        std::unique_ptr<svm_model, SvmDeleter> trained;
        if (param.probability) {
            // Platt scaling shuffles its folds with rand().
            auto lock = solver::lock_c_library_state();
            std::srand(static_cast<unsigned>(solver::fit_seed(config_)));
            trained.reset(svm_train(&prob, &param));
        } else {
            trained.reset(svm_train(&prob, &param));
        }
        if (!trained) throw Error(ErrorKind::internal, "training_failed", algorithm_ + ": LIBSVM returned no model");
        own_support_vectors(trained.get());
        // svm_train keeps a pointer to the caller's weight arrays in the model's
        // parameters; nothing reads them after training, so clear them.
        trained->param.weight_label = nullptr;
        trained->param.weight = nullptr;
        trained->param.nr_weight = 0;
        solver::throw_if_cancelled(callbacks);
        model_ = std::move(trained);
        n_features_ = x.cols;
        gamma_ = gamma;
    }

    std::vector<double> predict(const data::Matrix& x) const override {
        require_model();
        solver::check_feature_count(x, n_features_, algorithm_);
        std::vector<double> out(x.rows);
        std::vector<svm_node> buffer;
        for (std::size_t r = 0; r < x.rows; ++r) out[r] = svm_predict(model_.get(), solver::row_nodes(x, r, buffer));
        return out;
    }

    bool has_proba() const override { return proba_; }

    LibsvmModel fitted() const;

    std::vector<double> predict_proba(const data::Matrix& x) const override {
        if (!proba_) return Estimator::predict_proba(x);
        require_model();
        solver::check_feature_count(x, n_features_, algorithm_);
        auto k = static_cast<std::size_t>(config_.num_classes);
        int nr_class = svm_get_nr_class(model_.get());
        std::vector<double> out(x.rows * k, 0.0), prob(static_cast<std::size_t>(nr_class));
        std::vector<svm_node> buffer;
        for (std::size_t r = 0; r < x.rows; ++r) {
            svm_predict_probability(model_.get(), solver::row_nodes(x, r, buffer), prob.data());
            for (int i = 0; i < nr_class; ++i) out[r * k + static_cast<std::size_t>(model_->label[i])] = prob[i];
        }
        return out;
    }

    // Only a linear kernel has coefficients per feature: w = sum of coef * SV for
    // each one-vs-one classifier (one for regression), as scikit-learn's coef_.
    std::vector<double> feature_importances() const override {
        if (!model_ || model_->param.kernel_type != LINEAR) return {};
        const svm_model* m = model_.get();
        auto add_sv = [&](std::vector<double>& w, int sv, double coef) {
            for (const svm_node* p = m->SV[sv]; p->index != -1; ++p)
                if (p->index >= 1 && static_cast<std::size_t>(p->index) <= w.size()) w[p->index - 1] += coef * p->value;
        };
        std::vector<std::vector<double>> coef;
        if (config_.task == Task::regression) {
            coef.emplace_back(n_features_, 0.0);
            for (int s = 0; s < m->l; ++s) add_sv(coef.back(), s, m->sv_coef[0][s]);
            return solver::coefficient_importances(coef);
        }
        std::vector<int> start(static_cast<std::size_t>(m->nr_class), 0);
        for (int i = 1; i < m->nr_class; ++i) start[i] = start[i - 1] + m->nSV[i - 1];
        for (int i = 0; i < m->nr_class; ++i)
            for (int j = i + 1; j < m->nr_class; ++j) {
                coef.emplace_back(n_features_, 0.0);
                for (int s = 0; s < m->nSV[i]; ++s) add_sv(coef.back(), start[i] + s, m->sv_coef[j - 1][start[i] + s]);
                for (int s = 0; s < m->nSV[j]; ++s) add_sv(coef.back(), start[j] + s, m->sv_coef[i][start[j] + s]);
            }
        return solver::coefficient_importances(coef);
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        require_model();
        auto path = dir / model_file;
        {
            auto lock = solver::lock_c_library_state();
            if (svm_save_model(path.c_str(), model_.get()) != 0)
                throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
        }
        Json meta = solver::model_meta(format_name, algorithm_, config_, n_features_);
        meta["kernel"] = config_.params.value("kernel", std::string("rbf"));
        meta["gamma"] = gamma_;  // resolved from 'scale' or 'auto' at fit time
        meta["probability"] = proba_;
        solver::write_json_file(dir / meta_file, meta);
        return {model_file, meta_file};
    }

    void load(const std::filesystem::path& dir) override {
        auto meta_path = dir / meta_file;
        Json meta = solver::read_json_file(meta_path);
        std::size_t n = solver::check_model_meta(meta, format_name, algorithm_, config_, meta_path);
        auto path = dir / model_file;
        solver::require_file(path);
        std::unique_ptr<svm_model, SvmDeleter> loaded;
        {
            auto lock = solver::lock_c_library_state();
            loaded.reset(svm_load_model(path.c_str()));
        }
        auto bad = [&](const std::string& why) {
            return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why);
        };
        if (!loaded) throw bad("not a LIBSVM model");
        bool classification = config_.task == Task::classification;
        int type = svm_get_svm_type(loaded.get());
        if (type != (classification ? C_SVC : EPSILON_SVR)) throw bad("the model is for another task");
        if (classification) {
            if (loaded->nr_class < 2 || loaded->nr_class > config_.num_classes || !loaded->label || !loaded->nSV)
                throw bad("unexpected classes");
            for (int i = 0; i < loaded->nr_class; ++i)
                if (loaded->label[i] < 0 || loaded->label[i] >= config_.num_classes) throw bad("unexpected class label");
        }
        model_ = std::move(loaded);
        n_features_ = n;
        // LIBSVM writes gamma only for the kernels that use it; meta has it always.
        gamma_ = meta.value("gamma", model_->param.gamma);
        proba_ = classification && svm_check_probability_model(model_.get());
    }

private:
    std::string algorithm_;
    std::unique_ptr<svm_model, SvmDeleter> model_;
    std::size_t n_features_ = 0;
    double gamma_ = 0;
    bool proba_ = false;

    void require_model() const {
        if (!model_) throw Error(ErrorKind::internal, "not_fitted", algorithm_ + " is used before fit or load");
    }
};

LibsvmModel::Kernel kernel_of(int type) {
    switch (type) {
        case LINEAR: return LibsvmModel::Kernel::linear;
        case POLY: return LibsvmModel::Kernel::poly;
        case SIGMOID: return LibsvmModel::Kernel::sigmoid;
        default: return LibsvmModel::Kernel::rbf;
    }
}

LibsvmModel LibsvmEstimator::fitted() const {
    require_model();
    const svm_model& m = *model_;
    LibsvmModel out;
    out.kernel = kernel_of(m.param.kernel_type);
    out.degree = m.param.degree;
    out.gamma = m.param.gamma;
    out.coef0 = m.param.coef0;
    out.features = n_features_;
    out.vectors = static_cast<std::size_t>(m.l);
    const bool classification = config_.task == Task::classification;
    if (classification) {
        out.classes.assign(m.label, m.label + m.nr_class);
        out.vectors_per_class.assign(m.nSV, m.nSV + m.nr_class);
    }
    out.support_vectors.assign(out.vectors * n_features_, 0.0);
    for (int s = 0; s < m.l; ++s)
        for (const svm_node* p = m.SV[s]; p->index != -1; ++p)
            if (p->index >= 1 && static_cast<std::size_t>(p->index) <= n_features_)
                out.support_vectors[static_cast<std::size_t>(s) * n_features_ + (p->index - 1)] = p->value;
    const int rows = classification ? m.nr_class - 1 : 1;
    for (int r = 0; r < rows; ++r) out.coefficients.insert(out.coefficients.end(), m.sv_coef[r], m.sv_coef[r] + m.l);
    const int pairs = classification ? m.nr_class * (m.nr_class - 1) / 2 : 1;
    out.rho.assign(m.rho, m.rho + pairs);
    if (proba_ && m.probA && m.probB) {
        out.prob_a.assign(m.probA, m.probA + pairs);
        out.prob_b.assign(m.probB, m.probB + pairs);
    }
    return out;
}

}  // namespace

std::optional<LibsvmModel> libsvm_model(const Estimator& estimator) {
    if (const auto* svm = dynamic_cast<const LibsvmEstimator*>(&estimator)) return svm->fitted();
    return std::nullopt;
}

double resolve_gamma(const Json& gamma, const data::Matrix& x) {
    if (gamma.is_number()) return gamma.get<double>();
    double n_features = static_cast<double>(x.cols);
    if (gamma == "auto") return 1.0 / n_features;
    // numpy's X.var(): the mean of squared deviations from the mean, two passes.
    long double sum = 0;
    for (float v : x.data) sum += v;
    long double mean = sum / static_cast<long double>(x.data.size());
    long double squares = 0;
    for (float v : x.data) squares += (v - mean) * (v - mean);
    double var = static_cast<double>(squares / static_cast<long double>(x.data.size()));
    return var != 0 ? 1.0 / (n_features * var) : 1.0;
}

std::unique_ptr<Estimator> make_libsvm_estimator(std::string algorithm, EstimatorConfig config) {
    return std::make_unique<LibsvmEstimator>(std::move(algorithm), std::move(config));
}

// LIBSVM numbers its releases 324 for 3.24.
std::string libsvm_version() { return std::to_string(LIBSVM_VERSION / 100) + "." + std::to_string(LIBSVM_VERSION % 100); }

}  // namespace hone::models
