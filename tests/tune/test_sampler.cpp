// Search spaces and samplers: grid enumeration, bounds and steps, determinism, TPE's
// quality against random search and the constant liar.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <cmath>
#include <numeric>
#include <set>

#include "common/error.hpp"
#include "tune/sampler.hpp"
#include "tune/space.hpp"

using namespace hone;
using namespace hone::tune;

namespace {

Dimension flt(std::string name, double low, double high, bool log = false, double step = 0) {
    Dimension d;
    d.name = std::move(name);
    d.kind = Dimension::Kind::floating;
    d.low = low;
    d.high = high;
    d.log = log;
    d.step = step;
    return d;
}

Dimension integer(std::string name, double low, double high, double step = 0, bool log = false) {
    Dimension d = flt(std::move(name), low, high, log, step);
    d.kind = Dimension::Kind::integer;
    return d;
}

Dimension cat(std::string name, std::vector<Json> choices) {
    Dimension d;
    d.name = std::move(name);
    d.kind = Dimension::Kind::categorical;
    d.choices = std::move(choices);
    return d;
}

std::vector<double> values_of(const std::vector<Json>& grid, const std::string& name) {
    std::set<double> s;
    for (const auto& p : grid) s.insert(p.at(name).get<double>());
    return {s.begin(), s.end()};
}

// Checks that a suggested point lies in the space: inside bounds, on steps, ints whole,
// categoricals one of the choices.
[[maybe_unused]] void expect_in_space(const SearchSpace& space, const Json& params) {
    ASSERT_TRUE(params.is_object());
    ASSERT_EQ(params.size(), space.dims().size()) << params.dump();
    for (const auto& d : space.dims()) {
        ASSERT_TRUE(params.contains(d.name)) << d.name;
        const Json& v = params.at(d.name);
        if (d.kind == Dimension::Kind::categorical) {
            EXPECT_NE(std::find(d.choices.begin(), d.choices.end(), v), d.choices.end()) << v.dump();
            continue;
        }
        if (d.kind == Dimension::Kind::integer) {
            EXPECT_TRUE(v.is_number_integer()) << d.name << " " << v.dump();
        }
        double x = v.get<double>();
        EXPECT_GE(x, d.low) << d.name;
        EXPECT_LE(x, d.high) << d.name;
        double s = d.effective_step();
        if (s > 0 && !(d.kind == Dimension::Kind::integer && d.log && d.step == 0)) {
            double k = (x - d.low) / s;
            EXPECT_NEAR(k, std::round(k), 1e-9) << d.name << " = " << x << " is off its step " << s;
        }
    }
}

}  // namespace

TEST(SearchSpace, GridEnumeratesIntsCategoricalsAndFloatsInOrder) {
    SearchSpace space({integer("depth", 2, 6, 2), cat("kind", {"gini", "entropy"}), flt("lr", 0.0, 1.0)});
    EXPECT_EQ(space.grid_size(5), 3u * 2u * 5u);
    auto grid = space.grid(5);
    ASSERT_EQ(grid.size(), 30u);
    EXPECT_EQ(grid.front(), Json({{"depth", 2}, {"kind", "gini"}, {"lr", 0.0}}));
    EXPECT_EQ(grid[1], Json({{"depth", 2}, {"kind", "gini"}, {"lr", 0.25}}));
    EXPECT_EQ(grid[5], Json({{"depth", 2}, {"kind", "entropy"}, {"lr", 0.0}}));
    EXPECT_EQ(grid.back(), Json({{"depth", 6}, {"kind", "entropy"}, {"lr", 1.0}}));
    EXPECT_EQ(values_of(grid, "depth"), (std::vector<double>{2, 4, 6}));
    EXPECT_EQ(values_of(grid, "lr"), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
    EXPECT_TRUE(grid.front()["depth"].is_number_integer());
    std::set<std::string> distinct;
    for (const auto& p : grid) distinct.insert(p.dump());
    EXPECT_EQ(distinct.size(), grid.size());
}

TEST(SearchSpace, LogGridsAndStepsHaveExactValues) {
    SearchSpace logf({flt("alpha", 1e-4, 1.0, true)});
    EXPECT_EQ(values_of(logf.grid(5), "alpha"), (std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1, 1.0}));
    SearchSpace stepped({flt("frac", 0.1, 1.0, false, 0.3)});
    EXPECT_EQ(values_of(stepped.grid(5), "frac"), (std::vector<double>{0.1, 0.4, 0.7, 1.0}));
    SearchSpace uneven({flt("frac", 0.0, 1.0, false, 0.3)});  // tops out at 0.9, like Optuna
    EXPECT_EQ(values_of(uneven.grid(5), "frac"), (std::vector<double>{0.0, 0.3, 0.6, 0.9}));
    SearchSpace tenths({flt("x", 0.1, 0.5, false, 0.1)});
    EXPECT_EQ(values_of(tenths.grid(3), "x"), (std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5}));
    SearchSpace ints({integer("n", 1, 10)});
    EXPECT_EQ(ints.grid_size(5), 10u);
    SearchSpace intlog({integer("trees", 10, 1000, 0, true)});
    EXPECT_EQ(values_of(intlog.grid(3), "trees"), (std::vector<double>{10, 100, 1000}));
    SearchSpace intlog_dups({integer("k", 1, 3, 0, true)});  // 1, 1.3, 1.7, 2.3, 3 -> 1, 2, 3
    EXPECT_EQ(values_of(intlog_dups.grid(5), "k"), (std::vector<double>{1, 2, 3}));
    SearchSpace one({flt("x", 2, 8)});
    EXPECT_EQ(values_of(one.grid(1), "x"), (std::vector<double>{5}));
}

TEST(SearchSpace, GridSizeSaturatesAndHugeGridsAreRefused) {
    std::vector<Dimension> dims;
    for (int i = 0; i < 8; ++i) dims.push_back(integer("d" + std::to_string(i), 0, 1e9));
    SearchSpace huge(dims);
    EXPECT_EQ(huge.grid_size(5), std::numeric_limits<std::size_t>::max());
    try {
        huge.grid(5);
        FAIL() << "expected grid_too_large";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "grid_too_large");
    }
}

TEST(SearchSpace, FromSpecAndInvalidDimensions) {
    lang::SearchDimension a;
    a.name = "lr";
    a.type = lang::SearchDimension::Type::float_;
    a.min = 1e-3;
    a.max = 1;
    a.log = true;
    lang::SearchDimension b;
    b.name = "depth";
    b.type = lang::SearchDimension::Type::int_;
    b.min = 3;
    b.max = 9;
    b.step = 3;
    lang::SearchDimension c;
    c.name = "booster";
    c.type = lang::SearchDimension::Type::categorical;
    c.values = {"gbtree", "dart"};
    auto space = SearchSpace::from_spec({a, b, c});
    ASSERT_EQ(space.dims().size(), 3u);
    EXPECT_EQ(space.dims()[0].kind, Dimension::Kind::floating);
    EXPECT_TRUE(space.dims()[0].log);
    EXPECT_EQ(space.dims()[1].kind, Dimension::Kind::integer);
    EXPECT_EQ(space.dims()[1].step, 3);
    EXPECT_EQ(space.dims()[2].choices.size(), 2u);
    EXPECT_EQ(space.grid_size(4), 4u * 3u * 2u);
    EXPECT_EQ(SearchSpace::from_json(space.to_json()).to_json(), space.to_json());

    auto message = [](std::vector<Dimension> dims) {
        try {
            SearchSpace s(std::move(dims));
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::validation);
            return e.message();
        }
        return std::string("no error");
    };
    EXPECT_EQ(message({flt("lr", 0, 1, true)}), "search space 'lr': log needs low > 0, found 0");
    EXPECT_EQ(message({flt("x", 2, 1)}), "search space 'x': low (2) must not exceed high (1)");
    EXPECT_EQ(message({cat("c", {})}), "search space 'c': a categorical needs at least one value");
    EXPECT_EQ(message({flt("x", 0, 1), flt("x", 0, 2)}), "search space 'x' is declared twice");
    EXPECT_EQ(message({integer("n", 1, 10, 1.5)}), "search space 'n': an int step must be a whole number, found 1.5");
}

TEST(Sampler, UnknownNameListsTheValidOnes) {
    SearchSpace space({flt("x", 0, 1)});
    try {
        make_sampler("gird", space, {});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "unknown_sampler");
        EXPECT_EQ(e.message(), "unknown sampler 'gird'; did you mean 'grid'?");
        EXPECT_EQ(e.hint(), "valid samplers: grid, random, bayesian, tpe");
    }
    EXPECT_NO_THROW(make_sampler("TPE", space, {}));
}

namespace {

std::vector<TrialRecord> complete_history(const std::vector<Json>& points, const std::function<double(const Json&)>& f) {
    std::vector<TrialRecord> out;
    for (std::size_t i = 0; i < points.size(); ++i) {
        TrialRecord r;
        r.number = static_cast<int>(i);
        r.state = TrialState::complete;
        r.params = points[i];
        r.value = f(points[i]);
        out.push_back(r);
    }
    return out;
}

// Runs `n` sequential trials and returns the best value seen (minimising).
double best_after(Sampler& sampler, int n, const std::function<double(const Json&)>& f, std::vector<TrialRecord>* log = nullptr) {
    std::vector<TrialRecord> trials;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
        TrialRecord r;
        r.number = i;
        r.params = sampler.suggest(trials, i);
        r.state = TrialState::complete;
        r.value = f(r.params);
        best = std::min(best, *r.value);
        trials.push_back(r);
    }
    if (log) *log = trials;
    return best;
}

const std::vector<double> kShift = {1.7, -2.3, 0.9, 3.1};

double shifted_sphere(const Json& p) {
    double s = 0;
    for (std::size_t i = 0; i < kShift.size(); ++i) {
        double x = p.at("x" + std::to_string(i)).get<double>() - kShift[i];
        s += x * x;
    }
    return s;
}

SearchSpace sphere_space() {
    std::vector<Dimension> dims;
    for (std::size_t i = 0; i < kShift.size(); ++i) dims.push_back(flt("x" + std::to_string(i), -5, 5));
    return SearchSpace(dims);
}

// A space with every kind of dimension: log floats, stepped floats, ints (plain, stepped,
// log), categoricals (strings and numbers) and a fixed one.
SearchSpace mixed_space() {
    return SearchSpace({flt("lr", 1e-4, 0.3, true), flt("frac", 0.1, 1.0, false, 0.15), integer("depth", 2, 12),
                        integer("leaves", 8, 64, 8), integer("trees", 10, 2000, 0, true), cat("booster", {"gbtree", "dart", 3}),
                        cat("fixed", {"only"}), flt("reg", 0.0, 10.0)});
}

double mixed_objective(const Json& p) {
    double v = std::pow(std::log10(p["lr"].get<double>()) + 1.5, 2) + std::pow(p["frac"].get<double>() - 0.7, 2) +
               0.1 * std::pow(p["depth"].get<double>() - 7, 2) + 0.001 * std::pow(p["leaves"].get<double>() - 40, 2) +
               std::pow(std::log10(p["trees"].get<double>()) - 2.5, 2) + (p["booster"] == "dart" ? 0 : 1) +
               0.05 * p["reg"].get<double>();
    return v;
}

}  // namespace

TEST(GridSampler, WalksTheWholeGridInOrderWithoutRepetitionThenSaysItIsExhausted) {
    SearchSpace space({integer("depth", 2, 6, 2), cat("kind", {"gini", "entropy"})});
    SamplerOptions o;
    o.max_trials = 10;
    auto sampler = make_sampler("grid", space, o);
    EXPECT_EQ(sampler->capacity(), std::optional<std::size_t>(6));
    ASSERT_EQ(sampler->notes().size(), 1u);
    EXPECT_EQ(sampler->notes()[0], "the grid has 6 points; all are tried in order (the study ends after 6 trials, below max_trials 10)");
    std::vector<TrialRecord> trials;
    auto grid = space.grid(o.grid_points);
    for (int i = 0; i < 6; ++i) {
        TrialRecord r;
        r.number = i;
        r.params = sampler->suggest(trials, i);
        EXPECT_EQ(r.params, grid[i]);
        r.state = i % 3 == 0 ? TrialState::failed : TrialState::complete;  // failed points are not retried either
        r.value = 1.0;
        trials.push_back(r);
    }
    try {
        sampler->suggest(trials, 6);
        FAIL() << "expected grid_exhausted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "grid_exhausted");
        EXPECT_EQ(e.message(), "every point of the grid has been tried (6 points)");
    }
}

TEST(GridSampler, SkipsPointsAlreadyTakenByRunningOrEarlierTrials) {
    SearchSpace space({integer("a", 0, 3), flt("b", 0.0, 1.0)});
    SamplerOptions o;
    o.grid_points = 3;
    o.max_trials = 12;
    auto sampler = make_sampler("grid", space, o);
    auto grid = space.grid(3);
    ASSERT_EQ(grid.size(), 12u);
    // Trials 0 and 2 of the grid order are running, written as a study would read them
    // back (1.0 as 1, 0.5 with float noise).
    std::vector<TrialRecord> trials(2);
    trials[0].number = 0;
    trials[0].params = grid[0];
    trials[1].number = 1;
    trials[1].params = {{"a", 0}, {"b", 0.5000000000000001}};
    EXPECT_EQ(sampler->suggest(trials, 2), grid[2]);
}

TEST(GridSampler, LargeGridsAreSampledWithoutRepetitionAndSaySo) {
    SearchSpace space({integer("a", 1, 10), integer("b", 1, 12), cat("c", {"x", "y"})});  // 240 points
    SamplerOptions o;
    o.max_trials = 50;
    o.seed = 7;
    auto sampler = make_sampler("grid", space, o);
    EXPECT_EQ(sampler->notes()[0], "the grid has 240 points; 50 are sampled without repetition");
    std::vector<TrialRecord> trials;
    std::set<std::string> seen;
    for (int i = 0; i < 240; ++i) {
        TrialRecord r;
        r.number = i;
        r.state = TrialState::complete;
        r.value = 0;
        r.params = sampler->suggest(trials, i);
        expect_in_space(space, r.params);
        EXPECT_TRUE(seen.insert(r.params.dump()).second) << "repeated " << r.params.dump();
        trials.push_back(r);
    }
    EXPECT_EQ(seen.size(), 240u);  // past max_trials it goes on, still without repeats, to the end
    EXPECT_THROW(sampler->suggest(trials, 240), Error);
    // The sample is shuffled, not the first 50 in grid order, and the same under the same seed.
    auto again = make_sampler("grid", space, o);
    std::vector<TrialRecord> none;
    EXPECT_EQ(again->suggest(none, 0), trials[0].params);
    EXPECT_NE(trials[1].params["a"], trials[0].params["a"]) ;
    o.seed = 8;
    auto other = make_sampler("grid", space, o);
    std::string first_other;
    std::vector<TrialRecord> hist;
    int same = 0;
    for (int i = 0; i < 10; ++i) {
        TrialRecord r;
        r.number = i;
        r.params = other->suggest(hist, i);
        same += r.params == trials[i].params;
        hist.push_back(r);
    }
    EXPECT_LT(same, 10);
}

TEST(GridSampler, HugeGridsAreSampledWithoutBuildingThem) {
    std::vector<Dimension> dims;
    for (int i = 0; i < 6; ++i) dims.push_back(integer("d" + std::to_string(i), 0, 1e6));
    SearchSpace space(dims);
    SamplerOptions o;
    o.max_trials = 100;
    auto sampler = make_sampler("grid", space, o);
    EXPECT_EQ(sampler->notes()[0], "the grid has more than 10^19 points; 100 are sampled without repetition");
    std::vector<TrialRecord> trials;
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        TrialRecord r;
        r.number = i;
        r.params = sampler->suggest(trials, i);
        expect_in_space(space, r.params);
        EXPECT_TRUE(seen.insert(r.params.dump()).second);
        trials.push_back(r);
    }
}

TEST(RandomSampler, StaysInsideBoundsAndOnStepsAndIsReproducible) {
    SearchSpace space = mixed_space();
    SamplerOptions o;
    o.seed = 3;
    auto a = make_sampler("random", space, o);
    auto b = make_sampler("random", space, o);
    std::vector<TrialRecord> none;
    std::set<Json> boosters;
    std::set<double> depths, fracs;
    double min_lr = 1, max_lr = 0;
    for (int i = 0; i < 2000; ++i) {
        Json p = a->suggest(none, i);
        expect_in_space(space, p);
        EXPECT_EQ(p, b->suggest(none, i));
        boosters.insert(p["booster"]);
        depths.insert(p["depth"].get<double>());
        fracs.insert(p["frac"].get<double>());
        min_lr = std::min(min_lr, p["lr"].get<double>());
        max_lr = std::max(max_lr, p["lr"].get<double>());
        EXPECT_EQ(p["fixed"], "only");
    }
    EXPECT_EQ(boosters.size(), 3u);
    EXPECT_EQ(depths.size(), 11u);  // 2..12, ends included
    EXPECT_EQ(fracs, (std::set<double>{0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0}));
    EXPECT_LT(min_lr, 3e-4);  // log-uniform: the low decade is visited
    EXPECT_GT(max_lr, 0.1);
    EXPECT_NE(a->suggest(none, 0), a->suggest(none, 1));
    o.seed = 4;
    EXPECT_NE(make_sampler("random", space, o)->suggest(none, 0), a->suggest(none, 0));
}

TEST(TpeSampler, StaysInsideBoundsAndOnStepsAndIsReproducible) {
    SearchSpace space = mixed_space();
    SamplerOptions o;
    o.direction = Direction::minimize;
    o.seed = 11;
    auto a = make_sampler("bayesian", space, o);
    std::vector<TrialRecord> log;
    best_after(*a, 80, mixed_objective, &log);
    for (const auto& t : log) expect_in_space(space, t.params);
    // The same seed and history give the same params, whatever was asked before.
    auto b = make_sampler("tpe", space, o);
    std::vector<TrialRecord> prefix(log.begin(), log.begin() + 50);
    EXPECT_EQ(b->suggest(prefix, 50), log[50].params);
    std::vector<TrialRecord> log_b;
    best_after(*b, 80, mixed_objective, &log_b);
    for (int i = 0; i < 80; ++i) EXPECT_EQ(log_b[i].params, log[i].params) << i;
    // The first n_startup_trials are the random sampler's.
    auto r = make_sampler("random", space, o);
    std::vector<TrialRecord> none;
    EXPECT_EQ(r->suggest(none, 3), log[3].params);
    EXPECT_NE(r->suggest(prefix, 50), log[50].params);
}

TEST(TpeSampler, BeatsRandomSearchOnAShiftedSphere) {
    SearchSpace space = sphere_space();
    double tpe_sum = 0, random_sum = 0;
    int tpe_wins = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        SamplerOptions o;
        o.seed = seed;
        o.direction = Direction::minimize;
        auto tpe = make_sampler("bayesian", space, o);
        auto rnd = make_sampler("random", space, o);
        double t = best_after(*tpe, 60, shifted_sphere), r = best_after(*rnd, 60, shifted_sphere);
        tpe_sum += t;
        random_sum += r;
        tpe_wins += t < r;
    }
    EXPECT_LT(tpe_sum, 0.5 * random_sum) << "mean best: tpe " << tpe_sum / 10 << ", random " << random_sum / 10;
    EXPECT_GE(tpe_wins, 8);
}

TEST(TpeSampler, MaximizesWhenAskedTo) {
    SearchSpace space = sphere_space();
    double tpe_sum = 0, random_sum = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        SamplerOptions o;
        o.seed = seed;
        o.direction = Direction::maximize;
        auto neg = [](const Json& p) { return -shifted_sphere(p); };
        auto tpe = make_sampler("tpe", space, o);
        auto rnd = make_sampler("random", space, o);
        std::vector<TrialRecord> log;
        best_after(*tpe, 60, neg, &log);
        double best_t = -1e300, best_r = -1e300;
        for (const auto& t : log) best_t = std::max(best_t, *t.value);
        best_after(*rnd, 60, neg, &log);
        for (const auto& t : log) best_r = std::max(best_r, *t.value);
        tpe_sum += best_t;
        random_sum += best_r;
    }
    EXPECT_GT(tpe_sum, 0.5 * random_sum) << "mean best: tpe " << tpe_sum / 10 << ", random " << random_sum / 10;
}

TEST(TpeSampler, IgnoresFailedTrialsAndRunningOnesWithoutTheConstantLiar) {
    SearchSpace space = sphere_space();
    SamplerOptions o;
    o.direction = Direction::minimize;
    auto tpe = make_sampler("tpe", space, o);
    auto rnd = make_sampler("random", space, o);
    std::vector<Json> points;
    std::vector<TrialRecord> none;
    for (int i = 0; i < 30; ++i) points.push_back(rnd->suggest(none, 100 + i));
    auto history = complete_history(points, shifted_sphere);
    Json plain = tpe->suggest(history, 30);
    auto with_failed = history;
    TrialRecord failed;
    failed.number = 30;
    failed.state = TrialState::failed;
    failed.params = points[0];
    with_failed.push_back(failed);
    EXPECT_EQ(tpe->suggest(with_failed, 30), plain);

    auto with_running = history;
    TrialRecord running;
    running.number = 30;
    running.state = TrialState::running;
    running.params = plain;
    with_running.push_back(running);
    o.constant_liar = false;
    EXPECT_EQ(make_sampler("tpe", space, o)->suggest(with_running, 31), make_sampler("tpe", space, o)->suggest(history, 31));
    o.constant_liar = true;
    EXPECT_NE(make_sampler("tpe", space, o)->suggest(with_running, 31), make_sampler("tpe", space, o)->suggest(history, 31));
}

TEST(TpeSampler, TheConstantLiarKeepsConcurrentTrialsApart) {
    // Four workers ask one after another while the others still run, on a 10 x 10 int grid
    // where TPE concentrates: with the liar they get distinct points, without it they pile up.
    SearchSpace space({integer("a", 0, 9), integer("b", 0, 9)});
    auto f = [](const Json& p) { return std::pow(p["a"].get<double>() - 4, 2) + std::pow(p["b"].get<double>() - 6, 2); };
    auto repeats = [&](bool liar) {
        int total = 0;
        for (std::uint64_t seed = 0; seed < 10; ++seed) {
            SamplerOptions o;
            o.seed = seed;
            o.direction = Direction::minimize;
            o.constant_liar = liar;
            auto tpe = make_sampler("tpe", space, o);
            std::vector<TrialRecord> trials;
            best_after(*tpe, 30, f, &trials);
            std::set<std::string> running;
            for (int i = 30; i < 34; ++i) {
                TrialRecord r;
                r.number = i;
                r.state = TrialState::running;
                r.params = tpe->suggest(trials, i);
                expect_in_space(space, r.params);
                total += !running.insert(r.params.dump()).second;
                trials.push_back(r);
            }
        }
        return total;
    };
    int with_liar = repeats(true), without = repeats(false);
    EXPECT_EQ(with_liar, 0);
    EXPECT_GE(without, 10);
}

TEST(TpeSampler, RanksPrunedTrialsAfterCompleteOnesAndLaterStepsFirst) {
    SearchSpace space({flt("x", 0, 1)});
    SamplerOptions o;
    o.direction = Direction::minimize;
    auto tpe = make_sampler("tpe", space, o);
    auto record = [](int number, TrialState state, double x, double value, std::optional<int> step = {}) {
        TrialRecord r;
        r.number = number;
        r.state = state;
        r.params = {{"x", x}};
        r.value = value;
        r.step = step;
        return r;
    };
    // Complete trials on [0.5, 1] (the best near 0.5) and pruned ones near 0.05 with far
    // better intermediate values: l(x) is made of complete trials, so TPE stays near 0.5.
    std::vector<TrialRecord> trials;
    for (int i = 0; i < 20; ++i) trials.push_back(record(i, TrialState::complete, 0.5 + 0.025 * i, 0.5 + 0.025 * i));
    for (int i = 0; i < 5; ++i) trials.push_back(record(20 + i, TrialState::pruned, 0.04 + 0.005 * i, -100, 3));
    for (int n = 25; n < 30; ++n) {
        double x = tpe->suggest(trials, n)["x"].get<double>();
        EXPECT_GT(x, 0.3) << "trial " << n;
    }
    // Only pruned trials: those pruned at a later step rank first, whatever their value.
    std::vector<TrialRecord> pruned;
    for (int i = 0; i < 6; ++i) pruned.push_back(record(2 * i, TrialState::pruned, 0.9 + 0.01 * i, 5.0, 10));
    for (int i = 0; i < 6; ++i) pruned.push_back(record(2 * i + 1, TrialState::pruned, 0.1 + 0.01 * i, 0.0, 2));
    int near_late = 0;
    for (int n = 12; n < 22; ++n) near_late += tpe->suggest(pruned, n)["x"].get<double>() > 0.5;
    EXPECT_GE(near_late, 8);
}
