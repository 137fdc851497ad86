// tfidf_linear: TF-IDF n-grams (tfidf.hpp) and L2-regularized logistic
// regression (binary_logistic.hpp), one binary fit per class (one-vs-rest, the
// sigmoids normalized to sum 1, as LIBLINEAR and scikit-learn's liblinear solver
// give probabilities) or per label (multi-label: each sigmoid its own
// probability). Two classes are one fit, as LIBLINEAR does it.
//
// Saved as three files: tfidf.json (options, vocabulary and idf of each
// vectorizer), weights.bin (the weights as raw little-endian doubles, features
// and the intercept by rows, one column per fit) and model.json (the shapes),
// so a reloaded model predicts bit-identically.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.hpp"
#include "models/linear/solver_support.hpp"
#include "models/text/binary_logistic.hpp"
#include "models/text/text_input.hpp"
#include "models/text/text_models.hpp"
#include "models/text/tfidf.hpp"

namespace hone::models {
namespace {

using text::SparseRows;
using text::TfidfOptions;
using text::TfidfVectorizer;

constexpr const char* kAlgorithm = "tfidf_linear";
constexpr const char* kFeaturesFile = "tfidf.json";
constexpr const char* kWeightsFile = "weights.bin";
constexpr const char* kMetaFile = "model.json";

[[noreturn]] void bad_param(const std::string& name, const Json& v, const std::string& expected) {
    throw Error(ErrorKind::validation, "invalid_hyperparameter",
                std::string(kAlgorithm) + ": " + name + " must be " + expected + ", got " + v.dump());
}

// An ngram range as the catalog passes it: n means (1, n); [a, b] is (a, b).
std::pair<int, int> ngram_range(const Json& params, const std::string& name, std::pair<int, int> fallback) {
    if (!params.contains(name)) return fallback;
    const Json& v = params[name];
    if (v.is_number_integer()) return {1, v.get<int>()};
    if (v.is_array() && v.size() == 1) return {1, v[0].get<int>()};
    if (v.is_array() && v.size() == 2 && v[0].get<int>() <= v[1].get<int>()) return {v[0].get<int>(), v[1].get<int>()};
    bad_param(name, v, "n (1 to n) or [min, max] with min <= max");
}

// Rows of `a` then the columns of `b` after them: scikit-learn's FeatureUnion,
// each block normalized on its own.
SparseRows hstack(const SparseRows& a, const SparseRows& b) {
    SparseRows out;
    out.cols = a.cols + b.cols;
    for (std::size_t r = 0; r < a.rows(); ++r) {
        for (std::size_t k = a.offsets[r]; k < a.offsets[r + 1]; ++k) {
            out.indices.push_back(a.indices[k]);
            out.values.push_back(a.values[k]);
        }
        for (std::size_t k = b.offsets[r]; k < b.offsets[r + 1]; ++k) {
            out.indices.push_back(b.indices[k] + static_cast<std::int32_t>(a.cols));
            out.values.push_back(b.values[k]);
        }
        out.offsets.push_back(out.indices.size());
    }
    return out;
}

// The word vectorizer, the char_wb one, or both side by side.
class Featurizer {
public:
    Featurizer() = default;
    explicit Featurizer(const Json& p) {
        std::string analyzer = p.value("analyzer", std::string("word"));
        TfidfOptions o;
        o.min_df = p.value("min_df", std::size_t{1});
        o.max_df = p.value("max_df", 1.0);
        o.sublinear_tf = p.value("sublinear_tf", true);
        if (p.contains("max_features") && !p["max_features"].is_null())
            o.max_features = p["max_features"].get<std::size_t>();
        if (analyzer == "word" || analyzer == "both") {
            std::tie(o.ngram_min, o.ngram_max) = ngram_range(p, "ngram_range", {1, 1});
            word_.emplace(o);
        }
        if (analyzer == "char_wb" || analyzer == "both") {
            o.analyzer = text::Analyzer::char_wb;
            std::tie(o.ngram_min, o.ngram_max) = ngram_range(p, "char_ngram_range", {2, 5});
            chars_.emplace(o);
        }
        if (!word_ && !chars_) bad_param("analyzer", Json(analyzer), "'word', 'char_wb' or 'both'");
    }

    SparseRows fit_transform(std::span<const std::string> docs) {
        if (word_ && chars_) return hstack(word_->fit_transform(docs), chars_->fit_transform(docs));
        return word_ ? word_->fit_transform(docs) : chars_->fit_transform(docs);
    }
    SparseRows transform(std::span<const std::string> docs) const {
        if (word_ && chars_) return hstack(word_->transform(docs), chars_->transform(docs));
        return word_ ? word_->transform(docs) : chars_->transform(docs);
    }
    std::size_t cols() const {
        return (word_ ? word_->vocabulary().size() : 0) + (chars_ ? chars_->vocabulary().size() : 0);
    }

    Json to_json() const {
        Json j = Json::array();
        for (const auto* v : {&word_, &chars_})
            if (*v) j.push_back((*v)->to_json());
        return j;
    }
    static Featurizer from_json(const Json& j, const std::string& origin) {
        Featurizer f;
        if (!j.is_array() || j.empty() || j.size() > 2)
            throw Error(ErrorKind::data, "invalid_model", origin + ": not tfidf_linear's vectorizers");
        for (const auto& v : j) {
            auto one = TfidfVectorizer::from_json(v, origin);
            (one.options().analyzer == text::Analyzer::word ? f.word_ : f.chars_).emplace(std::move(one));
        }
        return f;
    }

private:
    std::optional<TfidfVectorizer> word_, chars_;
};

unsigned worker_count(unsigned threads, std::size_t jobs) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(jobs, 1)));
}

class TfidfLinear final : public TextClassifier {
public:
    using TextClassifier::TextClassifier;

    void fit(const TextFitInput& input, const Callbacks& callbacks) override {
        text::check_fit_input(input, kAlgorithm);
        throw_if_cancelled(callbacks);
        Featurizer featurizer(config_.params);
        SparseRows x = featurizer.fit_transform(input.train.texts);
        throw_if_cancelled(callbacks);
        labels_ = input.label_names.size();
        multi_label_ = input.multi_label;
        heads_ = multi_label_ || labels_ > 2 ? labels_ : 1;
        weights_ = fit_heads(x, input.train, callbacks);
        features_ = x.cols;
        featurizer_ = std::move(featurizer);
    }

    std::vector<float> predict_proba(std::span<const std::string> texts) const override {
        require_model();
        SparseRows x = featurizer_.transform(texts);
        std::vector<float> out(texts.size() * labels_);
        std::vector<double> z(heads_);
        for (std::size_t r = 0; r < x.rows(); ++r) {
            const double* bias = &weights_[features_ * heads_];
            std::copy(bias, bias + heads_, z.begin());
            for (std::size_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
                const double* w = &weights_[static_cast<std::size_t>(x.indices[k]) * heads_];
                for (std::size_t h = 0; h < heads_; ++h) z[h] += w[h] * x.values[k];
            }
            probabilities(z, &out[r * labels_]);
        }
        return out;
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        require_model();
        write_json_file(dir / kFeaturesFile, featurizer_.to_json());
        auto path = dir / kWeightsFile;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(weights_.data()),
                  static_cast<std::streamsize>(weights_.size() * sizeof(double)));
        if (!out.flush()) throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
        write_json_file(dir / kMetaFile, Json{{"format", kAlgorithm},
                                              {"labels", labels_},
                                              {"multi_label", multi_label_},
                                              {"features", features_},
                                              {"fits", heads_}});
        return {kFeaturesFile, kWeightsFile, kMetaFile};
    }

    void load(const std::filesystem::path& dir) override {
        auto meta_path = dir / kMetaFile;
        Json meta = solver::read_json_file(meta_path);
        auto bad = [&](const std::filesystem::path& p, const std::string& why) {
            return Error(ErrorKind::data, "invalid_model", p.string() + ": " + why);
        };
        if (meta.value("format", std::string()) != kAlgorithm) throw bad(meta_path, "not a tfidf_linear model");
        std::size_t labels = meta.value("labels", std::size_t{0}), features = meta.value("features", std::size_t{0});
        std::size_t heads = meta.value("fits", std::size_t{0});
        bool multi = meta.value("multi_label", false);
        if (labels == 0 || heads != (multi || labels > 2 ? labels : 1)) throw bad(meta_path, "unexpected shapes");
        auto f = Featurizer::from_json(solver::read_json_file(dir / kFeaturesFile), (dir / kFeaturesFile).string());
        if (f.cols() != features) throw bad(dir / kFeaturesFile, "the vocabulary does not match model.json");
        weights_ = read_weights(dir / kWeightsFile, (features + 1) * heads);
        labels_ = labels, features_ = features, heads_ = heads, multi_label_ = multi;
        featurizer_ = std::move(f);
    }

    std::size_t num_labels() const override { return labels_; }
    bool multi_label() const override { return multi_label_; }

private:
    Featurizer featurizer_;
    std::vector<double> weights_;  // (features_ + 1) x heads_, row-major; the intercepts last
    std::size_t labels_ = 0, features_ = 0, heads_ = 0;
    bool multi_label_ = false;

    static void throw_if_cancelled(const Callbacks& callbacks) {
        if (callbacks.cancelled && callbacks.cancelled())
            throw Error(ErrorKind::cancelled, "cancelled", "tfidf_linear: training cancelled");
    }

    void require_model() const {
        if (weights_.empty())
            throw Error(ErrorKind::internal, "not_fitted", "tfidf_linear is used before fit or load");
    }

    // One text's probabilities from its decision values: the sigmoids, normalized
    // to sum 1 for one-vs-rest; p and 1 - p for two classes (the fit's positive
    // class is the second).
    void probabilities(const std::vector<double>& z, float* out) const {
        if (heads_ == 1 && !multi_label_) {
            double p = 1.0 / (1.0 + std::exp(-z[0]));
            out[0] = static_cast<float>(1.0 - p);
            out[1] = static_cast<float>(p);
            return;
        }
        std::vector<double> p(heads_);
        double sum = 0;
        for (std::size_t h = 0; h < heads_; ++h) sum += p[h] = 1.0 / (1.0 + std::exp(-z[h]));
        for (std::size_t h = 0; h < heads_; ++h) out[h] = static_cast<float>(multi_label_ ? p[h] : p[h] / sum);
    }

    // Per text, whether it is a positive of fit h, and its cost: C times its weight,
    // times its class's weight under class_weight='balanced' (one-vs-rest: the
    // positives' only, as LIBLINEAR weights C per class; multi-label: each side's
    // n / (2 * count), scikit-learn's balanced weights of that binary problem).
    void head_problem(const TextExamples& t, std::size_t h, std::vector<std::uint8_t>& positive,
                      std::vector<double>& cost) const {
        const auto& p = config_.params;
        std::size_t label = heads_ == 1 ? 1 : h, n = t.size(), count = 0;
        positive.assign(n, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (auto l : t.labels[i])
                if (static_cast<std::size_t>(l) == label) positive[i] = 1, ++count;
        cost = text::weights_of(t);
        double c = p.value("C", 10.0);
        bool balanced = p.contains("class_weight") && p["class_weight"].is_string();
        double dn = static_cast<double>(n), pos = static_cast<double>(count);
        double w_pos = !balanced ? 1.0 : multi_label_ || heads_ == 1 ? dn / (2 * pos) : dn / (labels_ * pos);
        double w_neg = !balanced || (!multi_label_ && heads_ > 1) ? 1.0 : dn / (2 * (dn - pos));
        for (std::size_t i = 0; i < n; ++i) cost[i] *= c * (positive[i] ? w_pos : w_neg);
    }

    // Every binary fit, on `threads` workers; weights by rows of features.
    std::vector<double> fit_heads(const SparseRows& x, const TextExamples& t, const Callbacks& callbacks) const {
        text::BinaryLogistic solver(x);
        text::BinaryOptions options{config_.params.value("tol", 1e-4), config_.params.value("max_iter", 100)};
        std::vector<double> w((x.cols + 1) * heads_);
        std::atomic<std::size_t> next{0};
        std::atomic<bool> cancelled{false};
        std::exception_ptr failure;
        std::mutex failure_mutex;
        auto work = [&] {
            std::vector<std::uint8_t> positive;
            std::vector<double> cost;
            for (std::size_t h; (h = next++) < heads_ && !cancelled;) {
                try {
                    if (callbacks.cancelled && callbacks.cancelled()) cancelled = true;
                    if (cancelled) break;
                    head_problem(t, h, positive, cost);
                    auto one = solver.fit(positive, cost, options);
                    for (std::size_t j = 0; j < one.size(); ++j) w[j * heads_ + h] = one[j];
                } catch (...) {
                    std::lock_guard lock(failure_mutex);
                    failure = std::current_exception();
                    cancelled = true;
                }
            }
        };
        std::vector<std::thread> pool;
        for (unsigned k = 1; k < worker_count(config_.threads, heads_); ++k) pool.emplace_back(work);
        work();
        for (auto& th : pool) th.join();
        if (failure) std::rethrow_exception(failure);
        throw_if_cancelled(callbacks);
        return w;
    }

    static std::vector<double> read_weights(const std::filesystem::path& path, std::size_t count) {
        solver::require_file(path);
        std::ifstream in(path, std::ios::binary);
        std::vector<double> w(count);
        in.read(reinterpret_cast<char*>(w.data()), static_cast<std::streamsize>(count * sizeof(double)));
        if (!in || in.peek() != std::ifstream::traits_type::eof())
            throw Error(ErrorKind::data, "invalid_model",
                        path.string() + ": expected " + std::to_string(count) + " weights");
        return w;
    }
};

}  // namespace

std::unique_ptr<TextClassifier> make_tfidf_linear(EstimatorConfig config) {
    return std::make_unique<TfidfLinear>(std::move(config));
}

}  // namespace hone::models
