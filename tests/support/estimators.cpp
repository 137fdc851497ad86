#include "estimators.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <span>
#include <thread>

namespace hone::test_support {

using models::Callbacks;
using models::Estimator;

data::Matrix matrix(std::size_t rows, std::size_t cols) {
    data::Matrix m;
    m.rows = rows;
    m.cols = cols;
    m.data.assign(rows * cols, 0.0f);
    for (std::size_t c = 0; c < cols; ++c) m.names.push_back("f" + std::to_string(c));
    return m;
}

Split split(const Dataset& all, std::size_t train_rows) {
    const std::size_t cols = all.x.cols;
    auto part = [&](std::size_t first, std::size_t last) {
        Dataset d{matrix(last - first, cols), {all.y.begin() + first, all.y.begin() + last}};
        std::copy(all.x.data.begin() + first * cols, all.x.data.begin() + last * cols, d.x.data.begin());
        return d;
    };
    return {part(0, train_rows), part(train_rows, all.x.rows)};
}

namespace {

// n rows of `cols` columns, row after row: `row(r, values)` writes row r's values
// and returns its target. Generators draw in this order, so a seed fixes the rows.
template <class Row>
Dataset generate(std::size_t n, std::size_t cols, Row row) {
    Dataset d{matrix(n, cols), std::vector<float>(n)};
    for (std::size_t r = 0; r < n; ++r) d.y[r] = row(r, std::span<float>(d.x.data).subspan(r * cols, cols));
    return d;
}

// A seeded stream of draws. One normal distribution serves every draw of a data
// set: it hands out its values in pairs, so a fresh one would change the rows.
struct Random {
    std::mt19937_64 rng;
    std::normal_distribution<double> standard;
    explicit Random(std::uint64_t seed) : rng(seed) {}
    double normal() { return standard(rng); }
    // Fills values[from..] with N(0, 1) noise.
    void noise_from(std::size_t from, std::span<float> values) {
        for (std::size_t c = from; c < values.size(); ++c) values[c] = static_cast<float>(normal());
    }
};

}  // namespace

Dataset binary_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant) {
    Random random(seed);
    const std::vector<double> w = {1.5, -2.0, 1.0, 0.5};
    return generate(n, w.size() + irrelevant, [&](std::size_t, std::span<float> v) {
        double score = 0.3;
        for (std::size_t c = 0; c < v.size(); ++c) {
            double value = random.normal();
            v[c] = static_cast<float>(value);
            if (c < w.size()) score += w[c] * value;
        }
        return score + 0.5 * random.normal() > 0 ? 1.0f : 0.0f;
    });
}

Dataset circle_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant) {
    Random random(seed);
    return generate(n, 2 + irrelevant, [&](std::size_t, std::span<float> v) {
        random.noise_from(0, v);
        double a = v[0], b = v[1];
        return a * a + b * b < 1.2 * 1.2 ? 1.0f : 0.0f;
    });
}

Dataset two_moons(std::size_t n, double noise, std::uint64_t seed) {
    Random random(seed);
    std::uniform_real_distribution<double> angle(0, std::numbers::pi);
    return generate(n, 5, [&](std::size_t r, std::span<float> v) {
        int label = static_cast<int>(r % 2);
        double t = angle(random.rng);
        double a = label ? 1 - std::cos(t) : std::cos(t);
        double b = label ? 0.5 - std::sin(t) : std::sin(t);
        v[0] = static_cast<float>(a + noise * random.normal());
        v[1] = static_cast<float>(b + noise * random.normal());
        random.noise_from(2, v);
        return static_cast<float>(label);
    });
}

Dataset three_class_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant) {
    Random random(seed);
    const double centers[3][5] = {{2, 0, 0, 1, 0}, {0, 2, 0, -1, 0}, {0, 0, 2, 0, 1}};
    return generate(n, 5 + irrelevant, [&](std::size_t, std::span<float> v) {
        auto k = static_cast<int>(random.rng() % 3);
        for (std::size_t c = 0; c < 5; ++c) v[c] = static_cast<float>(centers[k][c] + random.normal());
        random.noise_from(5, v);
        return static_cast<float>(k);
    });
}

const std::vector<double> true_coef = {0.5, -1.25, 2.0, 0.75, -3.0};
const double true_intercept = 3.0;

Dataset regression_set(std::size_t n, std::uint64_t seed, double noise) {
    Random random(seed);
    std::uniform_int_distribution<int> value(-8, 8);
    return generate(n, true_coef.size(), [&](std::size_t, std::span<float> v) {
        double y = true_intercept;
        for (std::size_t c = 0; c < v.size(); ++c) {
            int drawn = value(random.rng);
            v[c] = static_cast<float>(drawn);
            y += true_coef[c] * drawn;
        }
        return static_cast<float>(y + noise * random.normal());
    });
}

Dataset wave_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant) {
    Random random(seed);
    std::uniform_real_distribution<double> uniform(-2, 2);
    return generate(n, 3 + irrelevant, [&](std::size_t, std::span<float> v) {
        double x[3];
        for (std::size_t c = 0; c < 3; ++c) v[c] = static_cast<float>(x[c] = uniform(random.rng));
        random.noise_from(3, v);
        return static_cast<float>(std::sin(2 * x[0]) + x[1] * x[1] / 2 + x[2] + 0.1 * random.normal());
    });
}

Dataset friedman(std::size_t n, std::uint64_t seed) {
    Random random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    return generate(n, 10, [&](std::size_t, std::span<float> v) {
        double x[10];
        for (std::size_t c = 0; c < 10; ++c) v[c] = static_cast<float>(x[c] = unit(random.rng));
        double y = 10 * std::sin(std::numbers::pi * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] +
                   5 * x[4] + random.normal();
        return static_cast<float>(y);
    });
}

models::EstimatorConfig config_for(std::string_view algorithm, const Json& given, Task task, int classes) {
    models::EstimatorConfig c;
    c.task = task;
    c.num_classes = classes;
    c.params = models::resolve_params(models::find_algorithm(algorithm), given, true).params;
    c.threads = 1;
    c.seed = 42;
    return c;
}

std::unique_ptr<Estimator> make(std::string_view algorithm, const Json& given, Task task, int classes) {
    return models::make_estimator(models::find_algorithm(algorithm), config_for(algorithm, given, task, classes));
}

std::unique_ptr<Estimator> fitted(std::string_view algorithm, const Json& given, const Dataset& train, Task task,
                                  int classes, const Callbacks& callbacks) {
    auto e = make(algorithm, given, task, classes);
    e->fit({train.x, train.y}, callbacks);
    return e;
}

std::unique_ptr<Estimator> fitted(std::string_view algorithm, const Json& given, const Split& data, Task task,
                                  int classes, const Callbacks& callbacks) {
    auto e = make(algorithm, given, task, classes);
    e->fit({data.train.x, data.train.y, &data.test.x, &data.test.y}, callbacks);
    return e;
}

std::unique_ptr<Estimator> reloaded(const Estimator& e, std::string_view algorithm) {
    TempDir dir("hone-estimator");
    auto files = e.save(dir.path);
    EXPECT_FALSE(files.empty());
    for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(dir.path / f)) << f;
    auto fresh = models::make_estimator(models::find_algorithm(algorithm), e.config());
    fresh->load(dir.path);
    return fresh;
}

double accuracy(const std::vector<double>& pred, const std::vector<float>& y) {
    std::size_t right = 0;
    for (std::size_t i = 0; i < y.size(); ++i) right += pred[i] == y[i];
    return static_cast<double>(right) / static_cast<double>(y.size());
}

double r2(const std::vector<double>& pred, const std::vector<float>& y) {
    double mean = 0;
    for (float v : y) mean += v;
    mean /= static_cast<double>(y.size());
    double ss_res = 0, ss_tot = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        ss_res += (y[i] - pred[i]) * (y[i] - pred[i]);
        ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    return 1 - ss_res / ss_tot;
}

double score(Task task, const std::vector<double>& pred, const std::vector<float>& y) {
    return task == Task::classification ? accuracy(pred, y) : r2(pred, y);
}

std::unique_ptr<Estimator> expect_round_trip(std::string_view algorithm, const Estimator& e, const data::Matrix& x) {
    auto fresh = reloaded(e, algorithm);
    EXPECT_EQ(fresh->predict(x), e.predict(x));
    EXPECT_EQ(fresh->has_proba(), e.has_proba());
    if (e.has_proba() && fresh->has_proba()) {
        EXPECT_EQ(fresh->predict_proba(x), e.predict_proba(x));
    }
    EXPECT_EQ(fresh->feature_importances(), e.feature_importances());
    EXPECT_EQ(fresh->best_iteration(), e.best_iteration());
    return fresh;
}

void expect_probabilities(const Estimator& e, const data::Matrix& x, int classes, bool argmax_is_class) {
    auto proba = e.predict_proba(x);
    auto pred = e.predict(x);
    const auto k = static_cast<std::size_t>(classes);
    ASSERT_EQ(proba.size(), x.rows * k);
    for (std::size_t r = 0; r < x.rows; ++r) {
        double sum = 0;
        std::size_t best = 0;
        for (std::size_t c = 0; c < k; ++c) {
            double p = proba[r * k + c];
            EXPECT_GE(p, 0.0);
            EXPECT_LE(p, 1.0);
            sum += p;
            if (p > proba[r * k + best]) best = c;
        }
        EXPECT_NEAR(sum, 1.0, 1e-12) << "row " << r;
        if (argmax_is_class) {
            EXPECT_EQ(static_cast<double>(best), pred[r]) << "row " << r;
        }
    }
}

void expect_concurrent_predictions_agree(const Estimator& e, const data::Matrix& x, int threads, int passes) {
    const auto expected_pred = e.predict(x);
    const auto expected_proba = e.has_proba() ? e.predict_proba(x) : std::vector<double>{};
    std::atomic<int> mismatches{0};
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t)
        running.emplace_back([&] {
            for (int i = 0; i < passes; ++i)
                if (e.predict(x) != expected_pred || (e.has_proba() && e.predict_proba(x) != expected_proba))
                    ++mismatches;
        });
    for (auto& t : running) t.join();
    EXPECT_EQ(mismatches.load(), 0);
}

Json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    return Json::parse(in);
}

}  // namespace hone::test_support
