#include <gtest/gtest.h>

#include "common/registry.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"

using namespace hone;

namespace {

struct Flavour {  // an alias that carries more than its name, as AlgorithmName does
    std::string name;
    int task = 0;
};
struct Entry {
    std::string name;
    std::vector<Flavour> aliases;
    std::string doc;
    int task = 0;
};

const Registry<Entry>& fruits() {
    static const Registry<Entry> r("fruit", "unknown_fruit",
                                   {{"apple", {{"Malus", 1}}, "round", 1},
                                    {"pear", {{"Pyrus", 1}, {"both", 1}}, "long", 1},
                                    {"plum", {{"both", 2}}, "small", 2}});
    return r;
}

}  // namespace

TEST(Registry, FindsByNameOrAliasIgnoringCaseAndSpaces) {
    EXPECT_EQ(fruits().find(" APPLE ").name, "apple");
    EXPECT_EQ(fruits().find("malus").name, "apple");
    EXPECT_EQ(fruits().try_find("cherry"), nullptr);
}

TEST(Registry, AnAliasOfSeveralEntriesMeansEach) {
    auto all = fruits().all_meaning("both");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]->name, "pear");
    EXPECT_EQ(all[1]->name, "plum");
    EXPECT_EQ(fruits().try_find("both", [](const Entry& e) { return e.task == 2; })->name, "plum");
}

TEST(Registry, UnknownNameSuggestsAmongNamesAndAliasesAndListsTheKeptNames) {
    try {
        fruits().find("Pyrrus", "(see 'fruits')");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "unknown_fruit");
        EXPECT_EQ(std::string(e.message()), "unknown fruit 'Pyrrus'; did you mean 'Pyrus'?");
        EXPECT_EQ(std::string(e.hint()), "valid fruits: apple, pear, plum (see 'fruits')");
    }
    Error kept = fruits().unknown("aple", {}, [](const Entry& e) { return e.task == 2; });
    EXPECT_EQ(std::string(kept.message()), "unknown fruit 'aple'");
    EXPECT_EQ(std::string(kept.hint()), "valid fruits: plum");
}

TEST(Registry, AlgorithmsAndMetricsAreRegistries) {
    EXPECT_EQ(models::algorithm_registry().find("RandomForestClassifier").name, "random_forest");
    EXPECT_EQ(&models::algorithm_registry().entries(), &models::algorithms());
    try {
        models::find_algorithm("RandomForestClassifer");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.message()),
                  "unknown algorithm 'RandomForestClassifer'; did you mean 'RandomForestClassifier'?");
    }
    EXPECT_EQ(metrics::metric_registry().all_meaning("loss").size(), 2u);
    EXPECT_EQ(metrics::find_metric("loss", Task::regression).name, "mse");
    try {
        metrics::find_metric("rsme", Task::regression);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.message()), "unknown metric 'rsme'; did you mean 'rmse'?");
        EXPECT_EQ(e.code(), "unknown_metric");
    }
}
