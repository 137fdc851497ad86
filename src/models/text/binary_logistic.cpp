#include "models/text/binary_logistic.hpp"

#include <cmath>
#include <mutex>

#include <LBFGS.h>
#include <linear.h>

#include "common/error.hpp"

namespace hone::models::text {

namespace {

void quiet(const char*) {}

struct ModelDeleter {
    void operator()(::model* m) const { free_and_destroy_model(&m); }
};

// log(1 + exp(-z)) without overflow.
double log1p_exp_neg(double z) { return z >= 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z)); }

}  // namespace

// LIBLINEAR's rows: 1-based feature indices, the bias feature (index cols + 1,
// value 1) last, each row ended by index -1.
struct BinaryLogistic::Rows {
    std::vector<feature_node> nodes;
    std::vector<feature_node*> rows;
};

BinaryLogistic::BinaryLogistic(const SparseRows& x) : rows_(std::make_unique<Rows>()), x_(x) {
    static std::once_flag silenced;
    std::call_once(silenced, [] { set_print_string_function(&quiet); });
    const int bias_index = static_cast<int>(x.cols) + 1;
    rows_->nodes.reserve(x.indices.size() + 2 * x.rows());
    std::vector<std::size_t> starts;
    for (std::size_t r = 0; r < x.rows(); ++r) {
        starts.push_back(rows_->nodes.size());
        for (std::size_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k)
            rows_->nodes.push_back({x.indices[k] + 1, x.values[k]});
        rows_->nodes.push_back({bias_index, 1.0});
        rows_->nodes.push_back({-1, 0.0});
    }
    for (auto s : starts) rows_->rows.push_back(rows_->nodes.data() + s);
}

BinaryLogistic::~BinaryLogistic() = default;

std::vector<double> BinaryLogistic::fit(std::span<const std::uint8_t> positive, std::span<const double> cost,
                                        const BinaryOptions& options) const {
    double c_pos = -1, c_neg = -1;
    bool two_costs = true;
    for (std::size_t i = 0; i < positive.size() && two_costs; ++i) {
        double& c = positive[i] ? c_pos : c_neg;
        if (c < 0) c = cost[i];
        two_costs = c == cost[i];
    }
    if (two_costs && c_pos > 0 && c_neg > 0) return fit_liblinear(positive, c_pos, c_neg, options.tol);
    return fit_lbfgs(positive, cost, options);
}

std::vector<double> BinaryLogistic::fit_liblinear(std::span<const std::uint8_t> positive, double c_pos,
                                                  double c_neg, double tol) const {
    std::vector<double> y(positive.size());
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = positive[i] ? 1.0 : -1.0;
    ::problem prob{};
    prob.l = static_cast<int>(y.size());
    prob.n = static_cast<int>(x_.cols) + 1;
    prob.y = y.data();
    prob.x = rows_->rows.data();
    prob.bias = 1.0;
    int weight_label[] = {1};
    double weight[] = {c_pos / c_neg};
    ::parameter param{};
    param.solver_type = L2R_LR;
    param.eps = tol;
    param.C = c_neg;
    param.nr_weight = 1;
    param.weight_label = weight_label;
    param.weight = weight;
    if (const char* why = check_parameter(&prob, &param))
        throw Error(ErrorKind::validation, "invalid_hyperparameter", std::string("tfidf_linear: ") + why);
    std::unique_ptr<::model, ModelDeleter> m(::train(&prob, &param));
    if (!m) throw Error(ErrorKind::internal, "training_failed", "tfidf_linear: LIBLINEAR returned no model");
    // LIBLINEAR's first label is the first row's; its weights favour that label.
    double sign = m->label[0] == 1 ? 1.0 : -1.0;
    std::vector<double> w(x_.cols + 1);
    for (std::size_t j = 0; j < w.size(); ++j) w[j] = sign * m->w[j];
    return w;
}

std::vector<double> BinaryLogistic::fit_lbfgs(std::span<const std::uint8_t> positive, std::span<const double> cost,
                                              const BinaryOptions& options) const {
    const std::size_t n = x_.cols;
    auto objective = [&](const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
        grad = w;
        double f = 0.5 * w.squaredNorm();
        for (std::size_t r = 0; r < x_.rows(); ++r) {
            double z = w[static_cast<Eigen::Index>(n)];
            for (std::size_t k = x_.offsets[r]; k < x_.offsets[r + 1]; ++k) z += w[x_.indices[k]] * x_.values[k];
            double y = positive[r] ? 1.0 : -1.0;
            f += cost[r] * log1p_exp_neg(y * z);
            // d/dz of cost * log(1 + exp(-y z)) = -cost * y * sigmoid(-y z)
            double g = -cost[r] * y / (1.0 + std::exp(y * z));
            for (std::size_t k = x_.offsets[r]; k < x_.offsets[r + 1]; ++k) grad[x_.indices[k]] += g * x_.values[k];
            grad[static_cast<Eigen::Index>(n)] += g;
        }
        return f;
    };
    LBFGSpp::LBFGSParam<double> param;
    param.epsilon = options.tol;
    param.epsilon_rel = options.tol;
    param.max_iterations = options.max_iter;
    LBFGSpp::LBFGSSolver<double> solver(param);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n + 1));
    double fx = 0;
    try {
        solver.minimize(objective, w, fx);
    } catch (const std::exception&) {
        // A line search that finds no better step ends at the last accepted point.
    }
    return {w.data(), w.data() + w.size()};
}

}  // namespace hone::models::text
