// The tree algorithms, all on XGBoost: each declares its hyperparameters with the
// names and defaults of the library users know it from (XGBoost's sklearn API,
// scikit-learn, LightGBM) and maps them to XGBoost parameters when it fits.
//
// Mappings that are approximate, and why:
// - scikit-learn's min_samples_leaf / LightGBM's min_child_samples count rows, XGBoost's
//   min_child_weight sums loss hessians. At the first round every row has the same
//   hessian (FitShape::hessian), so `rows * hessian` is exact for one-round models
//   (random_forest, decision_tree) and for squared error. Boosted classifiers count
//   rows at a quarter of it (boosting_leaf_weight), since rows fitted well weigh less
//   in later rounds.
// - min_samples_split has no XGBoost counterpart: a split is allowed when both
//   children could hold ceil(min_samples_split / 2) rows.
// - random_forest and decision_tree search exact thresholds like scikit-learn
//   (XGBoost's exact method), which bounds depth: max_depth None becomes 64 levels.
//   XGBoost's hist costs a pass over every bin of every feature for each node, which
//   makes fully grown trees (thousands of tiny leaves) slow; exact costs a pass over
//   the data per level. tree_method 'hist' (or max_leaf_nodes) trades exactness for
//   speed on large data with limited depth.
// - gradient_boosting splits on histogram bins (max_bin per feature): its trees are
//   shallow, where hist is fastest and loses next to nothing.
// - random_forest and decision_tree classifiers regress class indicators with squared
//   error (ClassLeaves::frequencies): splits are Gini splits and probabilities are
//   averaged leaf class shares, as in scikit-learn. XGBoost 1.7 grows one tree per
//   class beyond two (one-vs-rest), where scikit-learn grows one tree for all classes.
// - Multi-class boosting: the learning rate is rescaled to scikit-learn's and
//   LightGBM's Newton step size (softmax_rate_factor).
// - Bootstrap sampling (with replacement) becomes row subsampling without replacement
//   at the expected share of distinct rows in a bootstrap sample, 1 - e^(-max_samples)
//   (0.632 for a full-size sample).
#include <cmath>

#include "common/text.hpp"
#include "models/backends.hpp"
#include "models/xgboost/booster_estimator.hpp"

namespace hone::models {

namespace {

using xgb::BoosterPlan;
using xgb::FitShape;

const std::vector<Task> kBothTasks{Task::classification, Task::regression};

double num(const EstimatorConfig& c, const char* name) { return c.params.at(name).get<double>(); }
bool is_null(const EstimatorConfig& c, const char* name) {
    return !c.params.contains(name) || c.params.at(name).is_null();
}
std::string text(double v) { return format_double(v); }
std::string text_int(double v) { return std::to_string(static_cast<long long>(v)); }

void add(BoosterPlan& plan, const char* name, std::string value) { plan.params.emplace_back(name, std::move(value)); }

// min_child_weight that lets a leaf hold `rows` rows at the first round's hessian;
// shaved so that float sums of exactly `rows` hessians still pass XGBoost's check.
double leaf_weight(double rows, const FitShape& shape) { return rows * shape.hessian * (1.0 - 1e-4); }

// For boosted classifiers: rows the model already fits well have far smaller log
// loss hessians than at the first round, so later on a leaf of n rows weighs much
// less than n times the first hessian, and trees would stop splitting early on small
// data. Rows are counted at a quarter of the first round's hessian instead (binary:
// the hessian of a row predicted at about 93%). Squared error has a constant hessian.
double boosting_leaf_weight(double rows, const EstimatorConfig& c, const FitShape& shape) {
    return leaf_weight(rows, shape) * (c.task == Task::classification ? 0.25 : 1.0);
}

// The L2 penalty of forests and trees, whose leaves hold plain means (regression)
// or class shares (classification). A classifier's leaf of n rows holds its shares
// moved toward the start value by 0.001 / (n + 0.001), as if it held a thousandth of
// a row more: one-vs-rest class trees (XGBoost grows one per class) give many rows
// equal pure-leaf scores for several classes, or for none, and this makes the class
// whose leaf holds more rows win those ties. It turns a single tree's accuracy on
// scikit-learn's digits from 0.80 to 0.86 (scikit-learn's tree: 0.83).
std::string leaf_lambda(const EstimatorConfig& c) { return c.task == Task::classification ? "0.001" : "0"; }

// scikit-learn's min_samples_split and min_samples_leaf as one min_child_weight.
double sklearn_min_child_weight(const EstimatorConfig& c, const FitShape& shape, bool boosting) {
    double leaf = num(c, "min_samples_leaf");
    double split = num(c, "min_samples_split");
    double rows = std::max(leaf, std::ceil(split / 2.0));
    return boosting ? boosting_leaf_weight(rows, c, shape) : leaf_weight(rows, shape);
}

// Share of features drawn for each split, as XGBoost's colsample_bynode, from
// scikit-learn's max_features: null = all; 'sqrt', 'log2'; 'auto' = 'sqrt' for
// classification and all for regression (scikit-learn's forests until 1.3); a
// number <= 1 is a fraction, above 1 a count. At least one feature. XGBoost keeps
// floor(fraction * features) features, hence the half feature added to a count.
double feature_share(const EstimatorConfig& c, const FitShape& shape) {
    const Json& v = c.params.at("max_features");
    double n = static_cast<double>(shape.features);
    double count = n;
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s == "auto") s = c.task == Task::classification ? "sqrt" : "all";
        if (s == "sqrt") count = std::floor(std::sqrt(n));
        if (s == "log2") count = std::floor(std::log2(n));
    } else if (v.is_number()) {
        double d = v.get<double>();
        count = d <= 1.0 ? std::floor(d * n) : std::floor(d);
    }
    count = std::clamp(count, 1.0, n);
    return count >= n ? 1.0 : (count + 0.5) / n;
}

// Depth standing for scikit-learn's max_depth None under XGBoost's exact method,
// which needs a bound. Trees stop earlier where leaves are pure or at
// min_samples_leaf; each extra level costs one pass over the data, which is why
// this is not larger.
constexpr int kUnlimitedDepth = 64;

// The split search and tree shape from tree_method, scikit-learn's max_depth
// (null = unlimited) and max_leaf_nodes (null = unlimited). 'exact' grows level by
// level only, so a leaf limit (best-first growth) switches to 'hist'.
void add_tree_shape(BoosterPlan& plan, const EstimatorConfig& c) {
    bool unlimited_depth = is_null(c, "max_depth");
    bool leaf_limit = !is_null(c, "max_leaf_nodes");
    std::string method = c.params.at("tree_method").get<std::string>();
    if (leaf_limit) method = "hist";
    add(plan, "tree_method", method);
    if (leaf_limit) {
        add(plan, "grow_policy", "lossguide");
        add(plan, "max_leaves", text_int(num(c, "max_leaf_nodes")));
    } else {
        add(plan, "grow_policy", "depthwise");
    }
    if (!unlimited_depth)
        add(plan, "max_depth", text_int(num(c, "max_depth")));
    else
        add(plan, "max_depth", method == "exact" ? std::to_string(kUnlimitedDepth) : "0");  // hist: 0 = unlimited
    if (method == "hist") add(plan, "max_bin", text_int(num(c, "max_bin")));
}

std::unique_ptr<Estimator> booster(EstimatorConfig config, xgb::PlanFn plan, bool iterative,
                                   xgb::ClassLeaves leaves = xgb::ClassLeaves::log_odds) {
    return std::make_unique<xgb::BoosterEstimator>(std::move(config), std::move(plan), iterative, leaves);
}

// XGBoost's softmax hessian is 2p(1 - p): its Newton steps for k > 2 classes are
// 2(k - 1)/k times shorter than scikit-learn's gradient boosting and LightGBM take
// (their hessians are p(1 - p) scaled by (k - 1)/k and k/(k - 1) respectively). The
// learning rate is scaled by that factor so the same rate takes the same steps.
double softmax_rate_factor(const EstimatorConfig& c) {
    int k = c.num_classes;
    return c.task == Task::classification && k > 2 ? 2.0 * (k - 1) / k : 1.0;
}

// Declarations read as one chain: int_param("max_depth", 6, "doc").range(0, 1000).
struct Param {
    ParamSpec spec;
    Param(std::string name, ParamType type, Json value, std::string doc) {
        spec.name = std::move(name);
        spec.type = type;
        spec.default_value = std::move(value);
        spec.doc = std::move(doc);
    }
    Param& range(std::optional<double> lo, std::optional<double> hi) {
        spec.min = lo;
        spec.max = hi;
        return *this;
    }
    Param& above(double lo, std::optional<double> hi = std::nullopt) {  // (lo, hi]
        range(lo, hi);
        spec.min_exclusive = true;
        return *this;
    }
    Param& nullable() {
        spec.nullable = true;
        return *this;
    }
    Param& choices(std::vector<std::string> values) {
        spec.choices = std::move(values);
        return *this;
    }
    Param& aliases(std::vector<std::string> names) {
        spec.aliases = std::move(names);
        return *this;
    }
    Param& tune(double lo, double hi, bool log = false) {
        spec.tune_min = lo;
        spec.tune_max = hi;
        spec.tune_log = log;
        return *this;
    }
    operator ParamSpec() const { return spec; }
};

Param int_param(std::string name, Json value, std::string doc) {
    return Param(std::move(name), ParamType::integer, std::move(value), std::move(doc));
}
Param float_param(std::string name, Json value, std::string doc) {
    return Param(std::move(name), ParamType::number, std::move(value), std::move(doc));
}
Param bool_param(std::string name, bool value, std::string doc) {
    return Param(std::move(name), ParamType::boolean, value, std::move(doc));
}
Param string_param(std::string name, std::string value, std::vector<std::string> choices, std::string doc) {
    return Param(std::move(name), ParamType::string, std::move(value), std::move(doc)).choices(std::move(choices));
}

// Parameters several algorithms declare alike.

Param random_state() {
    return int_param("random_state", nullptr, "Seed of row and feature sampling; null = the job's seed.")
        .range(0, 4294967295.0)
        .nullable()
        .aliases({"seed"});
}

Param n_jobs(std::vector<std::string> aliases) {
    return int_param("n_jobs", nullptr, "Threads; null = the job's setting, -1 or 0 = all cores.")
        .range(-1, std::nullopt)
        .nullable()
        .aliases(std::move(aliases));
}

Param max_bin(int value) {
    return int_param("max_bin", value,
                     "Histogram bins per feature with tree_method 'hist': candidate split points (more = closer to exact, slower).")
        .range(2, 65535)
        .tune(32, 1024, true);
}

Param n_estimators(int value, std::vector<std::string> aliases, std::string doc) {
    return int_param("n_estimators", value, std::move(doc)).range(1, std::nullopt).aliases(std::move(aliases)).tune(50, 1000, true);
}

Param learning_rate(double value, std::vector<std::string> aliases) {
    return float_param("learning_rate", value, "Shrinkage of each round's trees.")
        .above(0, 1)
        .aliases(std::move(aliases))
        .tune(0.01, 0.3, true);
}

Param fraction(std::string name, std::vector<std::string> aliases, std::string doc) {
    return float_param(std::move(name), 1.0, std::move(doc)).above(0, 1).aliases(std::move(aliases)).tune(0.5, 1.0);
}

Param penalty(std::string name, double value, std::vector<std::string> aliases, std::string doc) {
    return float_param(std::move(name), value, std::move(doc))
        .range(0, std::nullopt)
        .aliases(std::move(aliases))
        .tune(1e-3, 10, true);
}

Param sklearn_max_depth(Json value, std::string doc) {
    return int_param("max_depth", std::move(value), std::move(doc)).range(1, 1000).nullable().tune(2, 32);
}

Param min_samples_split() {
    return int_param("min_samples_split", 2,
                     "Fewest rows a node needs to be split (approximated: each child must be able to hold half).")
        .range(2, std::nullopt)
        .tune(2, 20);
}

Param min_samples_leaf() {
    return int_param("min_samples_leaf", 1,
                     "Fewest rows in a leaf (as XGBoost's min_child_weight; approximate for boosted classifiers).")
        .range(1, std::nullopt)
        .tune(1, 20);
}

Param max_features(Json value, std::string doc) {
    return float_param("max_features", std::move(value), std::move(doc))
        .above(0)
        .nullable()
        .choices({"sqrt", "log2", "auto"});
}

Param sklearn_tree_method(std::string value) {
    return string_param("tree_method", std::move(value), {"exact", "hist"},
                        "Split search: 'exact' thresholds as scikit-learn finds them, or 'hist' histogram bins "
                        "(max_bin; faster on large data, used whenever max_leaf_nodes is set).");
}

Param max_leaf_nodes() {
    return int_param("max_leaf_nodes", nullptr,
                     "Most leaves per tree, grown best-first (XGBoost's lossguide); null = unlimited.")
        .range(2, std::nullopt)
        .nullable();
}

AlgorithmSpec xgboost_spec() {
    AlgorithmSpec a;
    a.name = "xgboost";
    a.aliases = {{"XGBClassifier", Task::classification}, {"XGBRegressor", Task::regression}, {"xgb", std::nullopt}};
    a.tasks = kBothTasks;
    a.library = "XGBoost";
    a.doc = "Gradient-boosted trees with XGBoost's own names and defaults (XGBClassifier / XGBRegressor).";
    a.iterative = true;
    a.distributed = true;
    a.params = {
        n_estimators(100, {"num_boost_round", "num_round"}, "Boosting rounds (one tree per class and round)."),
        learning_rate(0.3, {"eta"}),
        int_param("max_depth", 6, "Deepest tree level; 0 = unlimited (not with tree_method 'exact').")
            .range(0, 1000)
            .tune(2, 12),
        float_param("min_child_weight", 1.0, "Least sum of loss hessians in a child (for squared error: rows).")
            .range(0, std::nullopt)
            .tune(0.5, 20, true),
        float_param("gamma", 0.0, "Least loss reduction for a split.")
            .range(0, std::nullopt)
            .aliases({"min_split_loss"})
            .tune(0, 5),
        fraction("subsample", {}, "Share of rows sampled (without replacement) for each round."),
        fraction("colsample_bytree", {}, "Share of features sampled for each tree."),
        fraction("colsample_bylevel", {}, "Share of the tree's features sampled for each depth level."),
        fraction("colsample_bynode", {}, "Share of the level's features sampled for each split."),
        penalty("reg_lambda", 1.0, {"lambda"}, "L2 penalty on leaf weights."),
        penalty("reg_alpha", 0.0, {"alpha"}, "L1 penalty on leaf weights."),
        float_param("max_delta_step", 0.0, "Largest leaf weight step; 0 = no limit (1-10 helps very unbalanced classes).")
            .range(0, std::nullopt),
        float_param("scale_pos_weight", 1.0,
                    "Weight of the positive class (binary classification), e.g. negatives / positives.")
            .above(0),
        string_param("tree_method", "hist", {"hist", "approx", "exact", "auto"},
                     "Split finding: histograms (fast), a quantile sketch per round, or exact enumeration."),
        max_bin(256),
        string_param("grow_policy", "depthwise", {"depthwise", "lossguide"},
                     "Grow level by level, or best leaf first (LightGBM-style, with max_leaves)."),
        int_param("max_leaves", 0, "Most leaves per tree; 0 = unlimited.").range(0, std::nullopt),
        float_param("base_score", nullptr,
                    "Initial prediction (a probability for binary classification); null = the mean target or the "
                    "class prior.")
            .nullable(),
        random_state(),
        n_jobs({"nthread"}),
    };
    a.make = [](EstimatorConfig config) {
        auto plan = [](const EstimatorConfig& c, const FitShape&) {
            BoosterPlan p;
            p.rounds = static_cast<int>(num(c, "n_estimators"));
            add(p, "eta", text(num(c, "learning_rate")));
            add(p, "max_depth", text_int(num(c, "max_depth")));
            add(p, "min_child_weight", text(num(c, "min_child_weight")));
            add(p, "gamma", text(num(c, "gamma")));
            add(p, "subsample", text(num(c, "subsample")));
            add(p, "colsample_bytree", text(num(c, "colsample_bytree")));
            add(p, "colsample_bylevel", text(num(c, "colsample_bylevel")));
            add(p, "colsample_bynode", text(num(c, "colsample_bynode")));
            add(p, "lambda", text(num(c, "reg_lambda")));
            add(p, "alpha", text(num(c, "reg_alpha")));
            add(p, "max_delta_step", text(num(c, "max_delta_step")));
            if (c.task == Task::classification && c.num_classes == 2)
                add(p, "scale_pos_weight", text(num(c, "scale_pos_weight")));
            add(p, "tree_method", c.params.at("tree_method").get<std::string>());
            add(p, "max_bin", text_int(num(c, "max_bin")));
            add(p, "grow_policy", c.params.at("grow_policy").get<std::string>());
            add(p, "max_leaves", text_int(num(c, "max_leaves")));
            if (!is_null(c, "base_score")) add(p, "base_score", text(num(c, "base_score")));
            return p;
        };
        return booster(std::move(config), plan, true);
    };
    return a;
}

AlgorithmSpec gradient_boosting_spec() {
    AlgorithmSpec a;
    a.name = "gradient_boosting";
    a.aliases = {{"GradientBoostingClassifier", Task::classification},
                 {"GradientBoostingRegressor", Task::regression}};
    a.tasks = kBothTasks;
    a.library = "XGBoost";
    a.doc = "Gradient-boosted trees with scikit-learn's GradientBoosting names and defaults (log loss or squared "
            "error, no leaf penalty).";
    a.iterative = true;
    a.distributed = true;
    a.params = {
        n_estimators(100, {"num_boost_round", "num_round", "n_iter"}, "Boosting rounds (one tree per class and round)."),
        learning_rate(0.1, {"eta"}),
        sklearn_max_depth(3, "Deepest tree level; null = unlimited."),
        fraction("subsample", {}, "Share of rows sampled (without replacement) for each round."),
        min_samples_split(),
        min_samples_leaf(),
        max_features(nullptr, "Features drawn per split: null = all, 'sqrt', 'log2', a fraction <= 1 or a count."),
        max_leaf_nodes(),
        sklearn_tree_method("hist"),
        max_bin(256),
        random_state(),
    };
    a.make = [](EstimatorConfig config) {
        auto plan = [](const EstimatorConfig& c, const FitShape& shape) {
            BoosterPlan p;
            p.rounds = static_cast<int>(num(c, "n_estimators"));
            add(p, "eta", text(num(c, "learning_rate") * softmax_rate_factor(c)));
            add_tree_shape(p, c);
            add(p, "subsample", text(num(c, "subsample")));
            add(p, "colsample_bynode", text(feature_share(c, shape)));
            add(p, "min_child_weight", text(sklearn_min_child_weight(c, shape, true)));
            add(p, "lambda", "0");  // scikit-learn's leaves are plain Newton steps
            return p;
        };
        return booster(std::move(config), plan, true);
    };
    return a;
}

AlgorithmSpec lightgbm_spec() {
    AlgorithmSpec a;
    a.name = "lightgbm";
    a.aliases = {{"LGBMClassifier", Task::classification}, {"LGBMRegressor", Task::regression}, {"lgbm", std::nullopt}};
    a.tasks = kBothTasks;
    a.library = "XGBoost";
    a.doc = "LightGBM-style leaf-wise boosting (best leaf first, num_leaves per tree) with LightGBM's names and "
            "defaults, on XGBoost's lossguide growth.";
    a.iterative = true;
    a.distributed = true;
    a.params = {
        n_estimators(100, {"num_iterations", "num_boost_round", "num_round", "num_trees", "n_iter"},
                     "Boosting rounds (one tree per class and round)."),
        learning_rate(0.1, {"eta", "shrinkage_rate"}),
        int_param("num_leaves", 31, "Most leaves per tree.")
            .range(2, 131072)
            .aliases({"max_leaves", "num_leaf"})
            .tune(8, 256, true),
        int_param("max_depth", -1, "Deepest tree level; <= 0 = unlimited.").range(-1, 1000).tune(3, 12),
        int_param("min_child_samples", 20,
                  "Fewest rows in a leaf (as XGBoost's min_child_weight; approximate for classifiers).")
            .range(0, std::nullopt)
            .aliases({"min_data_in_leaf", "min_data_per_leaf"})
            .tune(5, 100, true),
        float_param("min_child_weight", 1e-3, "Least sum of loss hessians in a leaf.")
            .range(0, std::nullopt)
            .aliases({"min_sum_hessian_in_leaf"}),
        float_param("min_split_gain", 0.0, "Least loss reduction for a split.")
            .range(0, std::nullopt)
            .aliases({"min_gain_to_split"}),
        fraction("subsample", {"bagging_fraction"},
                 "Share of rows sampled (without replacement) for each round (LightGBM samples only when "
                 "subsample_freq > 0; here every round)."),
        fraction("colsample_bytree", {"feature_fraction"}, "Share of features sampled for each tree."),
        penalty("reg_alpha", 0.0, {"lambda_l1", "alpha"}, "L1 penalty on leaf weights."),
        penalty("reg_lambda", 0.0, {"lambda_l2", "lambda"}, "L2 penalty on leaf weights."),
        max_bin(255),
        random_state(),
        n_jobs({"nthread", "num_threads"}),
    };
    a.make = [](EstimatorConfig config) {
        auto plan = [](const EstimatorConfig& c, const FitShape& shape) {
            BoosterPlan p;
            p.rounds = static_cast<int>(num(c, "n_estimators"));
            add(p, "tree_method", "hist");
            add(p, "grow_policy", "lossguide");
            add(p, "max_leaves", text_int(num(c, "num_leaves")));
            add(p, "max_depth", text_int(std::max(0.0, num(c, "max_depth"))));
            add(p, "eta", text(num(c, "learning_rate") * softmax_rate_factor(c)));
            double mcw = std::max(num(c, "min_child_weight"), boosting_leaf_weight(num(c, "min_child_samples"), c, shape));
            add(p, "min_child_weight", text(mcw));
            add(p, "gamma", text(num(c, "min_split_gain")));
            add(p, "subsample", text(num(c, "subsample")));
            add(p, "colsample_bytree", text(num(c, "colsample_bytree")));
            add(p, "alpha", text(num(c, "reg_alpha")));
            add(p, "lambda", text(num(c, "reg_lambda")));
            add(p, "max_bin", text_int(num(c, "max_bin")));
            return p;
        };
        return booster(std::move(config), plan, true);
    };
    return a;
}

AlgorithmSpec random_forest_spec() {
    AlgorithmSpec a;
    a.name = "random_forest";
    a.aliases = {{"RandomForestClassifier", Task::classification},
                 {"RandomForestRegressor", Task::regression},
                 {"rf", std::nullopt}};
    a.tasks = kBothTasks;
    a.library = "XGBoost";
    a.doc = "A random forest with scikit-learn's names and defaults: n_estimators deep trees on sampled rows and "
            "features, averaged (XGBoost's num_parallel_tree, one round).";
    a.iterative = false;
    a.params = {
        n_estimators(100, {"num_parallel_tree"}, "Trees in the forest."),
        sklearn_max_depth(nullptr, "Deepest tree level; null = unlimited (leaves limited by min_samples_leaf)."),
        min_samples_split(),
        min_samples_leaf(),
        max_features("auto",
                     "Features drawn per split: 'auto' = 'sqrt' for classification and all for regression "
                     "(scikit-learn's defaults), null = all, 'sqrt', 'log2', a fraction <= 1 or a count."),
        max_leaf_nodes(),
        bool_param("bootstrap", true,
                   "Sample rows for each tree (as the expected distinct share of a bootstrap sample); false = all "
                   "rows."),
        float_param("max_samples", nullptr, "Bootstrap sample size as a share of the rows; null = 1.")
            .above(0, 1)
            .nullable(),
        sklearn_tree_method("exact"),
        max_bin(256),
        random_state(),
        n_jobs({"nthread"}),
    };
    a.make = [](EstimatorConfig config) {
        auto plan = [](const EstimatorConfig& c, const FitShape& shape) {
            BoosterPlan p;
            p.rounds = 1;
            add(p, "num_parallel_tree", text_int(num(c, "n_estimators")));
            add(p, "eta", "1");  // XGBoost averages the trees of one round
            add_tree_shape(p, c);
            add(p, "colsample_bynode", text(feature_share(c, shape)));
            add(p, "min_child_weight", text(sklearn_min_child_weight(c, shape, false)));
            add(p, "lambda", leaf_lambda(c));
            double draws = is_null(c, "max_samples") ? 1.0 : num(c, "max_samples");
            bool bootstrap = c.params.at("bootstrap").get<bool>();
            add(p, "subsample", text(bootstrap ? 1.0 - std::exp(-draws) : 1.0));
            return p;
        };
        return booster(std::move(config), plan, false, xgb::ClassLeaves::frequencies);
    };
    return a;
}

AlgorithmSpec decision_tree_spec() {
    AlgorithmSpec a;
    a.name = "decision_tree";
    a.aliases = {{"DecisionTreeClassifier", Task::classification},
                 {"DecisionTreeRegressor", Task::regression}};
    a.tasks = kBothTasks;
    a.library = "XGBoost";
    a.doc = "One decision tree with scikit-learn's names and defaults (XGBoost, one round, one tree).";
    a.iterative = false;
    a.params = {
        sklearn_max_depth(nullptr, "Deepest tree level; null = unlimited (leaves limited by min_samples_leaf)."),
        min_samples_split(),
        min_samples_leaf(),
        max_features(nullptr, "Features drawn per split: null = all, 'sqrt', 'log2', a fraction <= 1 or a count."),
        max_leaf_nodes(),
        sklearn_tree_method("exact"),
        max_bin(256),
        random_state(),
    };
    a.make = [](EstimatorConfig config) {
        auto plan = [](const EstimatorConfig& c, const FitShape& shape) {
            BoosterPlan p;
            p.rounds = 1;
            add(p, "eta", "1");
            add_tree_shape(p, c);
            add(p, "colsample_bynode", text(feature_share(c, shape)));
            add(p, "min_child_weight", text(sklearn_min_child_weight(c, shape, false)));
            add(p, "lambda", leaf_lambda(c));
            return p;
        };
        return booster(std::move(config), plan, false, xgb::ClassLeaves::frequencies);
    };
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> xgboost_algorithms() {
    return {xgboost_spec(), gradient_boosting_spec(), lightgbm_spec(), random_forest_spec(), decision_tree_spec()};
}

}  // namespace hone::models
