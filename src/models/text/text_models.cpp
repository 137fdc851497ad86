// The text classifiers' catalog entries: tfidf_linear (TF-IDF n-grams and
// LIBLINEAR's logistic regression, parameters named as scikit-learn's
// TfidfVectorizer and LogisticRegression) and fasttext (fastText's supervised
// classifier, parameters named as fastText's Python module names them).
#include "common/error.hpp"
#include "models/backends.hpp"
#include "models/linear/common_params.hpp"
#include "models/text/text_models.hpp"

namespace hone::models {
namespace {

AlgorithmSpec tfidf_linear() {
    AlgorithmSpec a;
    a.name = "tfidf_linear";
    a.aliases = {{"tfidf_logistic", Task::text_classification}};
    a.tasks = {Task::text_classification};
    a.library = "LIBLINEAR";
    a.doc = "TF-IDF of word n-grams (and/or char_wb n-grams) as scikit-learn's TfidfVectorizer computes it, then "
            "L2-regularized logistic regression (LIBLINEAR's L2R_LR, intercept penalized as with scikit-learn's "
            "liblinear solver): one-vs-rest for one label per text, probabilities the sigmoids normalized to sum 1; "
            "one independent fit per label for label sets. Text weights are instance weights (then solved by "
            "L-BFGS on the same objective: Debian's LIBLINEAR has none).";
    a.params = {
        params::C("inverse of the regularization strength: each text's log loss is multiplied by C (times its "
                  "weight); smaller is stronger. 10, not scikit-learn's 1: every TF-IDF row has unit norm and "
                  "most terms are in few texts, so at C=1 the penalty holds their weights near 0 and one-vs-rest "
                  "underfits (bench/text: 0.845 vs 0.862 accuracy on Austen's paragraphs, 0.902 vs 0.949 "
                  "micro-F1 on label sets)",
                  10.0),
        {.name = "ngram_range", .type = ParamType::integer_list, .default_value = Json::array({1, 1}), .min = 1.0,
         .max = 5.0, .aliases = {"word_ngrams"},
         .doc = "word n-grams from min to max, [min, max]; one integer n is [1, n] (fastText's word_ngrams). "
                "[1, 1] as scikit-learn's: with C=10, adding bigrams scored lower on bench/text (0.856 vs 0.862, "
                "0.918 vs 0.949) and has 15 to 38 times the terms",
         .tune_values = {Json::array({1, 1}), Json::array({1, 2}), Json::array({1, 3})}},
        {.name = "analyzer", .type = ParamType::string, .default_value = "word", .choices = {"word", "char_wb", "both"},
         .doc = "word: word n-grams of ngram_range; char_wb: character n-grams of char_ngram_range inside "
                "space-padded words; both: the two side by side, each normalized on its own (a FeatureUnion)"},
        {.name = "char_ngram_range", .type = ParamType::integer_list, .default_value = Json::array({2, 5}),
         .min = 1.0, .max = 8.0, .doc = "character n-grams from min to max for analyzer char_wb or both"},
        {.name = "min_df", .type = ParamType::integer, .default_value = 1, .min = 1.0,
         .doc = "keep terms found in at least this many training texts"},
        {.name = "max_df", .type = ParamType::number, .default_value = 1.0, .min = 0.0, .max = 1.0,
         .min_exclusive = true, .doc = "drop terms found in more than this fraction of the training texts"},
        {.name = "max_features", .type = ParamType::integer, .default_value = nullptr, .min = 1.0, .nullable = true,
         .doc = "keep only the most frequent terms (total count over the training texts); null = all"},
        {.name = "sublinear_tf", .type = ParamType::boolean, .default_value = true,
         .doc = "term frequency 1 + ln(count) instead of the count (scikit-learn's default is false)"},
        params::class_weight("null: every text weighs its own weight; 'balanced': one-vs-rest, the texts of label k "
                             "weigh n / (n_labels * count_k) in label k's fit (LIBLINEAR's C per class); label "
                             "sets, each side of a label's fit n / (2 * its count)"),
        params::tol(1e-4, "tolerance of the stopping criterion (LIBLINEAR's eps; L-BFGS: gradient norm relative "
                          "to the weights')"),
        params::max_iter(100, "most L-BFGS iterations of a weighted fit; LIBLINEAR 2.30 (unweighted fits) stops "
                              "at its own 1000"),
    };
    a.make_text_classifier = [](EstimatorConfig c) { return make_tfidf_linear(std::move(c)); };
    return a;
}

AlgorithmSpec fasttext() {
    AlgorithmSpec a;
    a.name = "fasttext";
    a.aliases = {{"FastText", Task::text_classification}};
    a.tasks = {Task::text_classification};
    a.library = "fastText";
    a.doc = "fastText's supervised classifier (averaged word and n-gram embeddings, a linear output), with the "
            "defaults of its supervised mode. Deterministic (given the seed) with one thread only: its threads "
            "update shared weights without locks. Text weights (confidence) are ignored: fastText has none.";
    a.params = {
        {.name = "dim", .type = ParamType::integer, .default_value = 100, .min = 1.0, .max = 10000.0,
         .aliases = {"embedding_dim"}, .doc = "size of the word vectors", .tune_min = 10.0, .tune_max = 300.0},
        {.name = "epoch", .type = ParamType::integer, .default_value = 5, .min = 1.0, .max = 100000.0,
         .aliases = {"epochs"}, .doc = "passes over the training texts", .tune_min = 5.0, .tune_max = 50.0},
        {.name = "lr", .type = ParamType::number, .default_value = 0.1, .min = 0.0, .max = 10.0,
         .min_exclusive = true, .aliases = {"learning_rate"},
         .doc = "learning rate, decreasing linearly to 0 over the training", .tune_min = 0.01, .tune_max = 1.0,
         .tune_log = true},
        {.name = "word_ngrams", .type = ParamType::integer, .default_value = 1, .min = 1.0, .max = 5.0,
         .aliases = {"wordNgrams"}, .doc = "longest word n-gram (hashed into bucket rows beyond single words)"},
        {.name = "min_count", .type = ParamType::integer, .default_value = 1, .min = 1.0, .aliases = {"minCount"},
         .doc = "keep words found at least this many times"},
        {.name = "bucket", .type = ParamType::integer, .default_value = 2000000, .min = 1.0,
         .doc = "rows for hashed word n-grams and subwords (unused, so 0, when word_ngrams is 1 and max_n 0, as "
                "fastText's supervised command sets it)"},
        {.name = "loss", .type = ParamType::string, .default_value = nullptr, .nullable = true,
         .choices = {"softmax", "ova", "hs", "ns"},
         .doc = "softmax; ova: one-vs-all sigmoids (independent probabilities); hs: hierarchical softmax; ns: "
                "negative sampling; null = softmax, or ova for label sets"},
        {.name = "min_n", .type = ParamType::integer, .default_value = 0, .min = 0.0, .max = 20.0, .aliases = {"minn"},
         .doc = "shortest character n-gram of a word's subwords (0 with max_n 0: no subwords)"},
        {.name = "max_n", .type = ParamType::integer, .default_value = 0, .min = 0.0, .max = 20.0, .aliases = {"maxn"},
         .doc = "longest character n-gram of a word's subwords (0: no subwords)"},
        {.name = "neg", .type = ParamType::integer, .default_value = 5, .min = 1.0, .max = 1000.0,
         .doc = "negatives sampled per example with loss ns"},
    };
    a.check = [](const Json& p, Task) {
        int min_n = p.value("min_n", 0), max_n = p.value("max_n", 0);
        if (max_n > 0 && min_n > max_n)
            throw Error(ErrorKind::validation, "invalid_hyperparameter",
                        "fasttext: min_n (" + std::to_string(min_n) + ") must not exceed max_n (" +
                            std::to_string(max_n) + ")");
    };
    a.make_text_classifier = [](EstimatorConfig c) { return make_fasttext(std::move(c)); };
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> text_algorithms() { return {tfidf_linear(), fasttext()}; }

}  // namespace hone::models
