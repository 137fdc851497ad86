// hone's side of bench/tune/run.sh: search quality of the samplers on test functions and
// the cost of one TPE suggestion after many trials. optuna_peer.py is the same for Optuna;
// the functions and spaces must match it exactly.
//
//   tune_bench quality SAMPLER FUNCTION SEEDS TRIALS   one JSON line per seed: the best value
//                                                      after every trial ("trace")
//   tune_bench cost REPS N...                          JSON line per N: seconds of one TPE
//                                                      suggest() after N complete trials (each
//                                                      rep; sizes interleaved), mixed10 space
//   tune_bench parity FUNCTION TRIALS                  JSON lines: tpe_explain() at trials 10, 30,
//                                                      and every 100th of a TPE run (seed 0), for
//                                                      optuna_peer.py parity to score with Optuna
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tune/sampler.hpp"
#include "tune/space.hpp"
#include "tune/tpe.hpp"

using namespace hone::tune;

namespace {

Dimension flt(std::string name, double low, double high) {
    Dimension d;
    d.name = std::move(name);
    d.kind = Dimension::Kind::floating;
    d.low = low;
    d.high = high;
    return d;
}

struct Problem {
    SearchSpace space;
    std::function<double(const Json&)> f;
};

double branin(const Json& p) {
    double x1 = p["x1"].get<double>(), x2 = p["x2"].get<double>();
    const double a = 1, b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, r = 6, s = 10, t = 1 / (8 * M_PI);
    return a * std::pow(x2 - b * x1 * x1 + c * x1 - r, 2) + s * (1 - t) * std::cos(x1) + s;
}

double hartmann6(const Json& p) {
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double x[6];
    for (int j = 0; j < 6; ++j) x[j] = p["x" + std::to_string(j)].get<double>();
    double total = 0;
    for (int i = 0; i < 4; ++i) {
        double inner = 0;
        for (int j = 0; j < 6; ++j) inner += A[i][j] * (x[j] - P[i][j]) * (x[j] - P[i][j]);
        total += alpha[i] * std::exp(-inner);
    }
    return -total;
}

// mixed10: 8 floats, one int, one categorical; minimum 0 at x = shift, n = 3, c = "b".
const double kShift[8] = {1.5, -2.0, 0.5, 3.0, -1.0, 2.5, -3.5, 1.0};
const double kWeight[8] = {1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75};

double mixed10(const Json& p) {
    double v = 0;
    for (int i = 0; i < 8; ++i) {
        double d = p["x" + std::to_string(i)].get<double>() - kShift[i];
        v += kWeight[i] * d * d;
    }
    double n = p["n"].get<double>();
    v += 0.5 * (n - 3) * (n - 3);
    std::string c = p["c"].get<std::string>();
    v += c == "a" ? 2.0 : c == "b" ? 0.0 : c == "c" ? 1.0 : 3.0;
    return v;
}

Problem problem(const std::string& name) {
    if (name == "branin") return {SearchSpace({flt("x1", -5, 10), flt("x2", 0, 15)}), branin};
    if (name == "hartmann6") {
        std::vector<Dimension> dims;
        for (int j = 0; j < 6; ++j) dims.push_back(flt("x" + std::to_string(j), 0, 1));
        return {SearchSpace(dims), hartmann6};
    }
    if (name == "mixed10") {
        std::vector<Dimension> dims;
        for (int i = 0; i < 8; ++i) dims.push_back(flt("x" + std::to_string(i), -5, 5));
        Dimension n;
        n.name = "n";
        n.kind = Dimension::Kind::integer;
        n.low = -10;
        n.high = 10;
        dims.push_back(n);
        Dimension c;
        c.name = "c";
        c.kind = Dimension::Kind::categorical;
        c.choices = {"a", "b", "c", "d"};
        dims.push_back(c);
        return {SearchSpace(dims), mixed10};
    }
    std::fprintf(stderr, "unknown function %s (branin, hartmann6, mixed10)\n", name.c_str());
    std::exit(2);
}

SamplerOptions options(std::uint64_t seed) {
    SamplerOptions o;
    o.seed = seed;
    o.direction = Direction::minimize;
    o.max_trials = 1 << 30;
    return o;
}

int quality(const std::string& sampler_name, const std::string& fn, int seeds, int trials) {
    Problem pb = problem(fn);
    for (int seed = 0; seed < seeds; ++seed) {
        auto sampler = make_sampler(sampler_name, pb.space, options(static_cast<std::uint64_t>(seed)));
        std::vector<TrialRecord> history;
        double best = std::numeric_limits<double>::infinity();
        Json trace = Json::array();
        for (int i = 0; i < trials; ++i) {
            TrialRecord r;
            r.number = i;
            r.params = sampler->suggest(history, i);
            r.state = TrialState::complete;
            r.value = pb.f(r.params);
            best = std::min(best, *r.value);
            trace.push_back(best);
            history.push_back(std::move(r));
        }
        std::cout << Json{{"seed", seed}, {"trace", trace}}.dump() << "\n";
    }
    return 0;
}

// One TPE suggestion after each N complete trials (the first N of one random history),
// the sizes interleaved rep by rep so that load on the machine hits them alike.
int cost(int reps, const std::vector<int>& sizes) {
    Problem pb = problem("mixed10");
    auto random = make_sampler("random", pb.space, options(12345));
    const int largest = *std::max_element(sizes.begin(), sizes.end());
    std::vector<TrialRecord> history;
    for (int i = 0; i < largest; ++i) {
        TrialRecord r;
        r.number = i;
        r.params = random->suggest(history, i);
        r.state = TrialState::complete;
        r.value = pb.f(r.params);
        history.push_back(std::move(r));
    }
    std::vector<std::vector<TrialRecord>> prefixes;
    for (int n : sizes) prefixes.emplace_back(history.begin(), history.begin() + n);
    auto tpe = make_sampler("tpe", pb.space, options(1));
    std::vector<Json> times(sizes.size(), Json::array());
    for (int rep = 0; rep < reps; ++rep) {
        for (std::size_t k = 0; k < sizes.size(); ++k) {
            auto t0 = std::chrono::steady_clock::now();
            Json p = tpe->suggest(prefixes[k], sizes[k] + rep);
            auto t1 = std::chrono::steady_clock::now();
            if (p.empty()) return 1;
            times[k].push_back(std::chrono::duration<double>(t1 - t0).count());
        }
    }
    for (std::size_t k = 0; k < sizes.size(); ++k) std::cout << Json{{"n", sizes[k]}, {"seconds", times[k]}}.dump() << "\n";
    return 0;
}

int parity(const std::string& fn, int trials) {
    Problem pb = problem(fn);
    SamplerOptions o = options(0);
    auto sampler = make_sampler("tpe", pb.space, o);
    std::vector<TrialRecord> history;
    for (int i = 0; i < trials; ++i) {
        if (i == 10 || i == 30 || (i > 0 && i % 100 == 0))
            std::cout << Json{{"function", fn}, {"trial", i}, {"detail", tpe_explain(pb.space, o, history, i)}}.dump() << "\n";
        TrialRecord r;
        r.number = i;
        r.params = sampler->suggest(history, i);
        r.state = TrialState::complete;
        r.value = pb.f(r.params);
        history.push_back(std::move(r));
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 5 && args[0] == "quality") return quality(args[1], args[2], std::stoi(args[3]), std::stoi(args[4]));
        if (args.size() >= 3 && args[0] == "cost") {
            std::vector<int> sizes;
            for (std::size_t i = 2; i < args.size(); ++i) sizes.push_back(std::stoi(args[i]));
            return cost(std::stoi(args[1]), sizes);
        }
        if (args.size() == 3 && args[0] == "parity") return parity(args[1], std::stoi(args[2]));
    } catch (const hone::Error& e) {
        std::fprintf(stderr, "tune_bench: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: tune_bench quality SAMPLER FUNCTION SEEDS TRIALS | cost REPS N... | parity FUNCTION TRIALS\n");
    return 2;
}
