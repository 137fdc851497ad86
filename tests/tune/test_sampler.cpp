// Search spaces and samplers: grid enumeration, bounds and steps, determinism, TPE's
// quality against random search and the constant liar.
#include <gtest/gtest.h>

#include <algorithm>
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
        EXPECT_EQ(e.message(), "unknown sampler 'gird': expected 'grid', 'random', 'bayesian' or 'tpe'; did you mean 'grid'?");
    }
    EXPECT_NO_THROW(make_sampler("TPE", space, {}));
}
