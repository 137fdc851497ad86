#include "tune/tpe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace hone::tune {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kSqrt1_2 = 0.70710678118654752440;
const double kLogSqrt2Pi = 0.5 * std::log(2 * M_PI);

// Upper tail Q(z) = 1 - Phi(z), accurate far out.
double upper_tail(double z) { return 0.5 * std::erfc(z * kSqrt1_2); }

// Q(z) for 0 <= z < kTailEnd from a table: quintic Hermite interpolation between nodes
// 1/128 apart, using Q' = -phi and Q'' = z phi, is within 1e-17 of erfc and several times
// faster. Building a Parzen estimator takes one tail per component and axis.
constexpr double kTailEnd = 8.5;  // past 8.5 sigma a tail is below 1e-17: 1 - tail == 1
constexpr int kTailPerUnit = 128;

struct TailTable {
    std::vector<double> q, phi;
    TailTable() {
        const int n = static_cast<int>(kTailEnd * kTailPerUnit) + 2;
        for (int i = 0; i < n; ++i) {
            double z = static_cast<double>(i) / kTailPerUnit;
            q.push_back(upper_tail(z));
            phi.push_back(std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI));
        }
    }
    double operator()(double z) const {
        const double h = 1.0 / kTailPerUnit;
        double pos = z * kTailPerUnit;
        auto i = static_cast<std::size_t>(pos);
        double t = pos - static_cast<double>(i);
        double z0 = static_cast<double>(i) * h, z1 = z0 + h;
        double f0 = q[i], f1 = q[i + 1];
        double d0 = -phi[i] * h, d1 = -phi[i + 1] * h;              // h Q'
        double s0 = z0 * phi[i] * h * h, s1 = z1 * phi[i + 1] * h * h;  // h^2 Q''
        double t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
        double h0 = 1 - 10 * t3 + 15 * t4 - 6 * t5, h1 = t - 6 * t3 + 8 * t4 - 3 * t5;
        double h2 = 0.5 * t2 - 1.5 * t3 + 1.5 * t4 - 0.5 * t5;
        double h5 = 10 * t3 - 15 * t4 + 6 * t5, h4 = -4 * t3 + 7 * t4 - 3 * t5, h3 = 0.5 * t3 - t4 + 0.5 * t5;
        return f0 * h0 + d0 * h1 + s0 * h2 + f1 * h5 + d1 * h4 + s1 * h3;
    }
};

const TailTable& tail_table() {
    static const TailTable table;
    return table;
}

// Phi(b) - Phi(a) for a <= 0 <= b (a component's mass inside the bounds; at least 0.34
// there, so absolute accuracy is what counts).
double gauss_mass(double a, double b, const TailTable& tail) {
    return 1 - (a <= -kTailEnd ? 0.0 : tail(-a)) - (b >= kTailEnd ? 0.0 : tail(b));
}

// log(Phi(b) - Phi(a)) for a <= b, computed on the side that does not cancel.
double log_gauss_mass(double a, double b) {
    // Past 8.5 sigma a tail is below 1e-17, which 1 - tail cannot tell from 0: skip its erfc.
    constexpr double kFar = 8.5;
    double m;
    if (a >= 0) m = upper_tail(a) - (b > 38 ? 0.0 : upper_tail(b));
    else if (b <= 0) m = upper_tail(-b) - (a < -38 ? 0.0 : upper_tail(-a));
    else m = 1 - (a < -kFar ? 0.0 : upper_tail(-a)) - (b > kFar ? 0.0 : upper_tail(b));
    return m > 0 ? std::log(m) : -kInf;
}

// Inverse of the lower tail: Phi^{-1}(p), 0 < p < 1 (Acklam's approximation with one
// Halley step, about 1e-15 relative).
double ndtri(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01,  -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (p <= 0) return -kInf;
    if (p >= 1) return kInf;
    double x;
    if (p < 0.02425) {
        double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = 0.5 * std::erfc(-x * kSqrt1_2) - p;
    double u = e * std::sqrt(2 * M_PI) * std::exp(0.5 * x * x);
    return x - u / (1 + 0.5 * x * u);
}

// A draw from N(mu, sigma) truncated to [low, high], by inverting the CDF on whichever
// tail keeps precision.
double truncnorm(double mu, double sigma, double low, double high, double u) {
    double a = (low - mu) / sigma, b = (high - mu) / sigma;
    double qa = upper_tail(a), qb = upper_tail(b);  // Q(a) >= Q(b)
    // The lower-tail probability is 1 - Q; sample q = Q(x) uniformly in [Q(b), Q(a)].
    double q = qb + (1 - u) * (qa - qb);
    double z = q < 0.5 ? -ndtri(q) : ndtri(1 - q);
    return std::clamp(mu + sigma * z, low, high);
}

// Optuna's default_gamma and default_weights, float arithmetic included
// (0.1 * 30 is 3.0000000000000004, so gamma(30) = 4).
int gamma_of(int n) { return std::min(static_cast<int>(std::ceil(0.1 * n)), 25); }

std::vector<double> default_weights(int n) {
    if (n < 25) return std::vector<double>(static_cast<std::size_t>(n), 1.0);
    std::vector<double> w;
    w.reserve(n);
    int num = n - 25;
    double start = 1.0 / n;
    if (num == 1) w.push_back(start);
    else if (num > 1) {
        double delta = (1.0 - start) / (num - 1);
        for (int i = 0; i < num - 1; ++i) w.push_back(start + i * delta);
        w.push_back(1.0);
    }
    w.insert(w.end(), 25, 1.0);
    return w;
}

// One searched dimension in the sampler's internal (log-)transformed coordinates.
struct Axis {
    std::size_t dim = 0;
    bool categorical = false;
    bool log = false;
    double low = 0, high = 0;  // internal bounds, widened by half a step for steps
    double q = 0;              // step in internal units; 0 = continuous
    int n_choices = 0;
};

// A mixture of one component per observation plus the prior (the last component).
struct Parzen {
    std::size_t n = 0;             // observations; components = n + 1
    std::vector<double> cum_w;     // cumulative normalised weights, for sampling
    std::vector<double> base;      // per component: log weight + every axis's constant term
    struct Col {
        std::vector<double> mu;    // numeric: means; categorical: observed choice (prior: -1)
        double sigma = 1, prior_sigma = 1;
        double log_hit = 0, log_miss = 0;  // categorical: pair terms
        double aw = 0, rowsum = 1;         // categorical: row weights
        // Stepped numeric axes: each observation's index on the step grid (-1 when off it),
        // when the grid is small enough to score per grid value; else empty.
        std::vector<std::int32_t> mu_k;
        double grid_low = 0;
        std::size_t grid_n = 0;
    };
    std::vector<Col> cols;
    std::vector<double> mass;      // scratch: truncation masses
};

// Fills `p` (reusing its buffers) with the estimator of the observations `idx`.
void build_parzen(Parzen& p, const std::vector<Axis>& axes, const std::vector<std::vector<double>>& values,
                  const std::vector<std::size_t>& idx, double prior_weight) {
    p.n = idx.size();
    const std::size_t m = p.n + 1;
    std::vector<double> w = default_weights(static_cast<int>(p.n));
    w.push_back(prior_weight);
    double total = std::accumulate(w.begin(), w.end(), 0.0);
    p.base.resize(m);
    p.cum_w.resize(m);
    double run = 0;
    for (std::size_t i = 0; i < m; ++i) {
        w[i] /= total;
        run += w[i];
        p.cum_w[i] = run;
        p.base[i] = std::log(w[i]);
    }
    const double sigma0 =
        0.2 * std::pow(static_cast<double>(std::max<std::size_t>(p.n, 1)), -1.0 / (static_cast<double>(axes.size()) + 4));
    p.cols.resize(axes.size());
    // Each component's truncation mass, multiplied over the axes and logged once at the end
    // (every factor is at least Phi(1) - Phi(0) = 0.34: mu lies inside the bounds and
    // sigma <= range, so the product stays far from underflow for any realistic space).
    p.mass.assign(m, 1.0);
    for (std::size_t a = 0; a < axes.size(); ++a) {
        const Axis& ax = axes[a];
        Parzen::Col& col = p.cols[a];
        col.mu.resize(m);
        col.mu_k.clear();
        for (std::size_t j = 0; j < p.n; ++j) col.mu[j] = values[a][idx[j]];
        if (ax.categorical) {
            const double c = ax.n_choices;
            col.mu[p.n] = -1;
            col.aw = prior_weight / static_cast<double>(m);
            col.rowsum = c * col.aw + 1;
            col.log_hit = std::log(col.aw + 1) - std::log(col.rowsum);
            col.log_miss = std::log(col.aw) - std::log(col.rowsum);
            p.base[p.n] += -std::log(c);
            continue;
        }
        const double range = ax.high - ax.low;
        col.mu[p.n] = 0.5 * (ax.low + ax.high);
        col.sigma = std::clamp(sigma0 * range, range / std::min(100.0, 1.0 + static_cast<double>(m)), range);
        col.prior_sigma = range;
        if (ax.q > 0) {
            // Grid values are low + q/2 + k q, k < (high - low) / q.
            double cells = std::round((ax.high - ax.low) / ax.q);
            if (cells >= 1 && cells <= static_cast<double>(p.n) / 4) {
                col.grid_low = ax.low + 0.5 * ax.q;
                col.grid_n = static_cast<std::size_t>(cells);
                col.mu_k.resize(p.n);
                for (std::size_t j = 0; j < p.n; ++j) {
                    double k = std::round((col.mu[j] - col.grid_low) / ax.q);
                    bool on = k >= 0 && k < cells && std::fabs(col.grid_low + k * ax.q - col.mu[j]) <= 1e-9 * ax.q;
                    col.mu_k[j] = on ? static_cast<std::int32_t>(k) : -1;
                }
            }
        }
        const double inv = 1.0 / col.sigma;
        const TailTable& tail = tail_table();
        for (std::size_t i = 0; i < p.n; ++i)
            p.mass[i] *= gauss_mass((ax.low - col.mu[i]) * inv, (ax.high - col.mu[i]) * inv, tail);
        p.mass[p.n] *= gauss_mass((ax.low - col.mu[p.n]) / col.prior_sigma, (ax.high - col.mu[p.n]) / col.prior_sigma, tail);
        // Optuna 3.1's truncnorm.logpdf is the density of the standardised variable: it has
        // no -log(sigma) term, which weighs the wide prior component up against the narrow
        // ones by range / sigma per continuous dimension. Kept, as it is what Optuna does
        // (and it searches better for it on the benchmark functions).
        if (ax.q == 0)
            for (std::size_t i = 0; i < m; ++i) p.base[i] -= kLogSqrt2Pi;
    }
    for (std::size_t i = 0; i < m; ++i) p.base[i] -= std::log(p.mass[i]);
}

// Draws `k` candidates from the mixture: cand[a][s], internal coordinates, not yet rounded.
std::vector<std::vector<double>> sample_parzen(const Parzen& p, const std::vector<Axis>& axes, int k, Rng& rng) {
    std::vector<std::vector<double>> cand(axes.size(), std::vector<double>(static_cast<std::size_t>(k)));
    for (int s = 0; s < k; ++s) {
        double u = rng.uniform() * p.cum_w.back();
        std::size_t comp = static_cast<std::size_t>(std::upper_bound(p.cum_w.begin(), p.cum_w.end(), u) - p.cum_w.begin());
        comp = std::min(comp, p.n);
        for (std::size_t a = 0; a < axes.size(); ++a) {
            const Axis& ax = axes[a];
            const Parzen::Col& col = p.cols[a];
            double r = rng.uniform();
            if (ax.categorical) {
                int observed = static_cast<int>(col.mu[comp]);
                double cum = 0;
                int choice = ax.n_choices - 1;
                for (int c = 0; c < ax.n_choices; ++c) {
                    double prob = comp == p.n ? 1.0 / ax.n_choices : (col.aw + (c == observed ? 1 : 0)) / col.rowsum;
                    cum += prob;
                    if (cum >= r) {
                        choice = c;
                        break;
                    }
                }
                cand[a][s] = choice;
            } else {
                double sigma = comp == p.n ? col.prior_sigma : col.sigma;
                cand[a][s] = truncnorm(col.mu[comp], sigma, ax.low, ax.high, r);
            }
        }
    }
    return cand;
}

// log p(x) of each candidate under the mixture: a log-sum-exp over components of the
// per-axis terms. Components are taken in blocks that stay in L1 cache, each block's terms
// summed one axis at a time over contiguous arrays, and the log-sum-exp kept online.
std::vector<double> log_pdf(const Parzen& p, const std::vector<Axis>& axes, const std::vector<std::vector<double>>& cand) {
    constexpr std::size_t kBlock = 512;
    const std::size_t k = cand.empty() ? 0 : cand[0].size();
    const std::size_t n = p.n, m = n + 1;
    std::vector<double> run_max(k, -kInf), run_sum(k, 0.0);
    std::vector<double> acc(kBlock);
    // Stepped axes: the log mass of each candidate's step for each grid value.
    std::vector<std::vector<double>> tables(axes.size() * k);
    for (std::size_t a = 0; a < axes.size(); ++a) {
        const Axis& ax = axes[a];
        const Parzen::Col& col = p.cols[a];
        if (ax.categorical || ax.q == 0 || col.mu_k.empty()) continue;
        const double inv = 1.0 / col.sigma;
        for (std::size_t s = 0; s < k; ++s) {
            const double x = cand[a][s];
            const double lo = std::max(x - 0.5 * ax.q, ax.low), hi = std::min(x + 0.5 * ax.q, ax.high);
            auto& table = tables[a * k + s];
            table.resize(col.grid_n);
            for (std::size_t g = 0; g < col.grid_n; ++g) {
                double mu = col.grid_low + static_cast<double>(g) * ax.q;
                table[g] = log_gauss_mass((lo - mu) * inv, (hi - mu) * inv);
            }
        }
    }
    for (std::size_t b0 = 0; b0 < m; b0 += kBlock) {
        const std::size_t b1 = std::min(m, b0 + kBlock), len = b1 - b0;
        // The prior (component n) is scored apart, with its own sigma.
        const std::size_t obs_end = std::min(b1, n), obs_len = obs_end > b0 ? obs_end - b0 : 0;
        for (std::size_t s = 0; s < k; ++s) {
            std::copy(p.base.begin() + static_cast<std::ptrdiff_t>(b0), p.base.begin() + static_cast<std::ptrdiff_t>(b1), acc.begin());
            for (std::size_t a = 0; a < axes.size(); ++a) {
                const Axis& ax = axes[a];
                const Parzen::Col& col = p.cols[a];
                const double x = cand[a][s];
                const double* mu = col.mu.data() + b0;
                double* out = acc.data();
                if (ax.categorical) {
                    for (std::size_t i = 0; i < obs_len; ++i) out[i] += mu[i] == x ? col.log_hit : col.log_miss;
                    continue;  // the prior's term is in base
                }
                if (ax.q == 0) {
                    const double inv = 1.0 / col.sigma;
                    for (std::size_t i = 0; i < obs_len; ++i) {
                        double z = (x - mu[i]) * inv;
                        out[i] -= 0.5 * z * z;
                    }
                    if (b1 == m) {
                        double z = (x - col.mu[n]) / col.prior_sigma;
                        out[len - 1] -= 0.5 * z * z;
                    }
                    continue;
                }
                // The mass of x's step under each component. Observations sit on the step
                // grid and share one sigma, so when the grid is small the mass is looked up
                // by their grid index.
                const double lo = std::max(x - 0.5 * ax.q, ax.low), hi = std::min(x + 0.5 * ax.q, ax.high);
                const double inv = 1.0 / col.sigma;
                if (!col.mu_k.empty()) {
                    const double* table = tables[a * k + s].data();
                    const std::int32_t* mk = col.mu_k.data() + b0;
                    for (std::size_t i = 0; i < obs_len; ++i)
                        out[i] += mk[i] >= 0 ? table[mk[i]] : log_gauss_mass((lo - mu[i]) * inv, (hi - mu[i]) * inv);
                } else {
                    for (std::size_t i = 0; i < obs_len; ++i) out[i] += log_gauss_mass((lo - mu[i]) * inv, (hi - mu[i]) * inv);
                }
                if (b1 == m)
                    out[len - 1] += log_gauss_mass((lo - col.mu[n]) / col.prior_sigma, (hi - col.mu[n]) / col.prior_sigma);
            }
            double mx = *std::max_element(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(len));
            if (!std::isfinite(mx)) continue;  // -inf: this block adds nothing
            if (mx > run_max[s]) {
                run_sum[s] *= std::exp(run_max[s] - mx);
                run_max[s] = mx;
            }
            // Terms below e^-50 of the largest change the sum by less than its rounding error.
            const double top = run_max[s], cut = top - 50;
            double sum = 0;
            for (std::size_t i = 0; i < len; ++i)
                if (acc[i] > cut) sum += std::exp(acc[i] - top);
            run_sum[s] += sum;
        }
    }
    std::vector<double> out(k);
    for (std::size_t s = 0; s < k; ++s) out[s] = std::isfinite(run_max[s]) ? run_max[s] + std::log(run_sum[s]) : run_max[s];
    return out;
}

class TpeSampler : public Sampler {
public:
    TpeSampler(const SearchSpace& space, const SamplerOptions& options) : space_(space), options_(options) {
        const auto& dims = space_.dims();
        for (std::size_t i = 0; i < dims.size(); ++i) {
            const Dimension& d = dims[i];
            if (d.single()) continue;
            Axis ax;
            ax.dim = i;
            if (d.kind == Dimension::Kind::categorical) {
                ax.categorical = true;
                ax.n_choices = static_cast<int>(d.choices.size());
            } else if (d.log) {
                ax.log = true;
                bool integer = d.kind == Dimension::Kind::integer;
                ax.low = std::log(integer ? d.low - 0.5 : d.low);
                ax.high = std::log(integer ? d.top() + 0.5 : d.high);
            } else if (d.effective_step() > 0) {
                ax.q = d.effective_step();
                ax.low = d.low - 0.5 * ax.q;
                ax.high = d.top() + 0.5 * ax.q;
            } else {
                ax.low = d.low;
                ax.high = d.high;
            }
            axes_.push_back(ax);
        }
    }

    Json suggest(const std::vector<TrialRecord>& trials, int number) override { return run(trials, number, nullptr); }

    // suggest(), also filling `detail` (see tpe_explain) when it is not null.
    Json run(const std::vector<TrialRecord>& trials, int number, Json* detail) {
        Rng rng(options_.seed, static_cast<std::uint64_t>(static_cast<std::int64_t>(number)));

        // The usable trials in chronological order, with their ranking keys and values.
        std::vector<const TrialRecord*> recs;
        recs.reserve(trials.size());
        for (const auto& t : trials) recs.push_back(&t);
        auto by_number = [](const TrialRecord* a, const TrialRecord* b) { return a->number < b->number; };
        if (!std::is_sorted(recs.begin(), recs.end(), by_number)) std::stable_sort(recs.begin(), recs.end(), by_number);

        const double sign = options_.direction == Direction::minimize ? 1.0 : -1.0;
        auto& values = values_;
        values.resize(axes_.size());
        for (auto& v : values) v.clear();
        std::vector<std::pair<double, double>> keys;
        keys.reserve(recs.size());
        std::vector<double> row(axes_.size());
        int n = 0;
        for (const TrialRecord* t : recs) {
            std::pair<double, double> key;
            switch (t->state) {
                case TrialState::failed: continue;
                case TrialState::complete:
                    if (!t->value || !std::isfinite(*t->value)) continue;
                    key = {-kInf, sign * *t->value};
                    break;
                case TrialState::pruned:
                    if (!t->value) key = {1, 0};
                    else key = {-static_cast<double>(t->step.value_or(0)), std::isnan(*t->value) ? kInf : sign * *t->value};
                    break;
                case TrialState::running:
                    if (!options_.constant_liar) continue;
                    key = {kInf, kInf};
                    break;
            }
            if (!parse(t->params, row)) continue;
            for (std::size_t a = 0; a < axes_.size(); ++a) values[a].push_back(row[a]);
            keys.push_back(key);
            if (t->state != TrialState::running) ++n;
        }
        if (n < options_.n_startup_trials || axes_.empty()) return random_params(space_, rng);

        // The best gamma(n) form l(x), the rest (running ones included) g(x); each in
        // chronological order, which default_weights relies on.
        // Ties go to the earlier trial (Optuna's stable argsort); only the best gamma(n) <= 25
        // need ranking, so a partial sort does, and the rest stay in chronological order.
        const std::size_t n_below = static_cast<std::size_t>(gamma_of(n));
        std::vector<std::size_t> order(keys.size());
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_below), order.end(),
                          [&](std::size_t a, std::size_t b) { return keys[a] < keys[b] || (keys[a] == keys[b] && a < b); });
        std::vector<std::size_t> below(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_below));
        std::sort(below.begin(), below.end());
        std::vector<std::size_t> above;
        above.reserve(keys.size() - n_below);
        for (std::size_t i = 0, b = 0; i < keys.size(); ++i) {
            if (b < below.size() && below[b] == i) ++b;
            else above.push_back(i);
        }

        const double prior_weight = 1.0;
        Parzen& l = below_;
        Parzen& g = above_;
        build_parzen(l, axes_, values, below, prior_weight);
        build_parzen(g, axes_, values, above, prior_weight);
        auto cand = sample_parzen(l, axes_, std::max(options_.n_ei_candidates, 1), rng);
        // Round each candidate to its step (as it will be reported) before scoring it.
        std::vector<std::vector<double>> external(axes_.size());
        for (std::size_t a = 0; a < axes_.size(); ++a) {
            external[a].resize(cand[a].size());
            for (std::size_t s = 0; s < cand[a].size(); ++s) {
                external[a][s] = to_external(axes_[a], cand[a][s]);
                cand[a][s] = to_internal(axes_[a], external[a][s]);
            }
        }
        std::vector<double> ll = log_pdf(l, axes_, cand), lg = log_pdf(g, axes_, cand);
        std::size_t best = 0;
        double best_score = -kInf;
        for (std::size_t s = 0; s < ll.size(); ++s) {
            double score = ll[s] - lg[s];
            if (score > best_score) {
                best_score = score;
                best = s;
            }
        }
        if (detail) {
            auto rows = [&](const std::vector<std::vector<double>>& cols, const std::vector<std::size_t>* idx, std::size_t count) {
                Json out = Json::array();
                for (std::size_t r = 0; r < count; ++r) {
                    Json row = Json::array();
                    for (const auto& col : cols) row.push_back(col[idx ? (*idx)[r] : r]);
                    out.push_back(std::move(row));
                }
                return out;
            };
            Json names = Json::array();
            for (const auto& ax : axes_) names.push_back(space_.dims()[ax.dim].name);
            *detail = {{"axes", names},
                       {"below", rows(values, &below, below.size())},
                       {"above", rows(values, &above, above.size())},
                       {"candidates", rows(cand, nullptr, ll.size())},
                       {"log_l", ll},
                       {"log_g", lg},
                       {"best", best}};
        }

        Json out = Json::object();
        std::size_t a = 0;
        const auto& dims = space_.dims();
        for (std::size_t i = 0; i < dims.size(); ++i) {
            const Dimension& d = dims[i];
            if (a < axes_.size() && axes_[a].dim == i) {
                out[d.name] = d.to_param(external[a][best]);
                ++a;
            } else {
                out[d.name] = d.to_param(d.kind == Dimension::Kind::categorical ? 0.0 : d.low);
            }
        }
        return out;
    }

    std::vector<std::string> notes() const override {
        return {"bayesian (TPE): the first " + std::to_string(options_.n_startup_trials) +
                " trials are drawn at random, then each trial is the best of " + std::to_string(options_.n_ei_candidates) +
                " candidates by l(x)/g(x)" +
                (options_.constant_liar ? "; running trials count as the worst value (constant liar)" : "")};
    }

private:
    // A trial's params in internal coordinates; false when one is missing or outside the space.
    bool parse(const Json& params, std::vector<double>& row) const {
        if (!params.is_object()) return false;
        const auto& dims = space_.dims();
        // Params are normally written in the space's order: look there first.
        const auto& items = params.get_ref<const Json::object_t&>();
        for (std::size_t a = 0; a < axes_.size(); ++a) {
            const Axis& ax = axes_[a];
            const Dimension& d = dims[ax.dim];
            const Json* found_value = nullptr;
            if (ax.dim < items.size() && (items.begin() + static_cast<std::ptrdiff_t>(ax.dim))->first == d.name) {
                found_value = &(items.begin() + static_cast<std::ptrdiff_t>(ax.dim))->second;
            } else {
                auto it = params.find(d.name);
                if (it == params.end()) return false;
                found_value = &*it;
            }
            const Json* it = found_value;  // the param's value
            if (ax.categorical) {
                int found = -1;
                for (std::size_t c = 0; c < d.choices.size(); ++c)
                    if (d.choices[c] == *it) {
                        found = static_cast<int>(c);
                        break;
                    }
                if (found < 0) return false;
                row[a] = found;
                continue;
            }
            if (!it->is_number()) return false;
            // Values read back from storage may be a rounding off the bounds (0.30000000000000004).
            double v = it->get<double>();
            const double slack = 1e-9 * std::max({1.0, std::fabs(d.low), std::fabs(d.high)});
            if (!(v >= d.low - slack && v <= d.high + slack)) return false;
            row[a] = to_internal(ax, std::clamp(v, d.low, d.high));
        }
        return true;
    }

    double to_internal(const Axis& ax, double external) const {
        if (ax.categorical) return external;
        return ax.log ? std::log(external) : external;
    }

    double to_external(const Axis& ax, double internal) const {
        if (ax.categorical) return internal;
        const Dimension& d = space_.dims()[ax.dim];
        double v = ax.log ? std::exp(internal) : internal;
        if (d.effective_step() > 0) return d.snap(v);
        return std::clamp(v, d.low, d.high);
    }

    SearchSpace space_;
    SamplerOptions options_;
    std::vector<Axis> axes_;
    // Scratch kept between calls so that large histories do not reallocate each time.
    Parzen below_, above_;
    std::vector<std::vector<double>> values_;
};

}  // namespace

double random_value(const Dimension& d, Rng& rng) {
    if (d.kind == Dimension::Kind::categorical) return static_cast<double>(rng.below(d.choices.size()));
    if (d.single()) return d.low;
    const double s = d.effective_step();
    const bool integer = d.kind == Dimension::Kind::integer;
    if (d.log) {
        double lo = std::log(integer ? d.low - 0.5 : d.low), hi = std::log(integer ? d.top() + 0.5 : d.high);
        double v = std::exp(rng.uniform(lo, hi));
        return s > 0 ? d.snap(v) : std::clamp(v, d.low, d.high);
    }
    if (s > 0) return d.snap(rng.uniform(d.low - 0.5 * s, d.top() + 0.5 * s));
    return rng.uniform(d.low, d.high);
}

Json random_params(const SearchSpace& space, Rng& rng) {
    Json out = Json::object();
    for (const auto& d : space.dims()) out[d.name] = d.to_param(random_value(d, rng));
    return out;
}

std::unique_ptr<Sampler> make_tpe_sampler(const SearchSpace& space, const SamplerOptions& options) {
    return std::make_unique<TpeSampler>(space, options);
}

Json tpe_explain(const SearchSpace& space, const SamplerOptions& options, const std::vector<TrialRecord>& trials, int number) {
    TpeSampler sampler(space, options);
    Json detail = Json::object();
    Json params = sampler.run(trials, number, &detail);
    detail["params"] = std::move(params);
    return detail;
}

}  // namespace hone::tune
