// fasttext: fastText's supervised classifier (Debian's libfasttext 0.9.2), its
// parameters named and defaulted as its `supervised` command has them. The only
// translation unit that includes fastText's headers.
//
// fastText trains from a file: the texts are written to a temporary file, one a
// line, each ending in its labels as fastText's `__label__` tokens (the label with
// whitespace replaced by '_'; a label that would then equal another's gets its
// index appended). Within a text, line breaks become spaces and a word that starts
// with `__label__` loses its first '_', so no text adds labels of its own.
// Prediction feeds each text as a line, as training did, and asks fastText for
// every label (k = -1, threshold 0); fastText answers log(p + 1e-5), from which p
// is recovered. Multi-class probabilities are normalized to sum 1.
//
// Saved as fastText's own model.bin (saveModel/loadModel, readable by the
// fasttext tool) and fasttext.json, the label tokens in label order.
// Deterministic with one thread only: fastText's threads share the weights
// without locks (Hogwild). Per-text weights are not used: fastText has none.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <fasttext/fasttext.h>

#include "common/error.hpp"
#include "models/linear/solver_support.hpp"
#include "models/text/text_input.hpp"
#include "models/text/text_models.hpp"

namespace hone::models {
namespace {

constexpr const char* kAlgorithm = "fasttext";
constexpr const char* kModelFile = "model.bin";
constexpr const char* kMetaFile = "fasttext.json";
const std::string kLabelPrefix = "__label__";

// fastText's word separators (Dictionary::readWord).
bool is_separator(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0'; }

// The label tokens, in label order: unique, without whitespace.
std::vector<std::string> label_tokens(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::string token = kLabelPrefix + names[i];
        for (auto& c : token)
            if (is_separator(c)) c = '_';
        if (taken.count(token)) token += "_" + std::to_string(i);
        taken.insert(token);
        out.push_back(std::move(token));
    }
    return out;
}

// A text as one line of fastText input, without its labels.
std::string as_line(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 1);
    bool word_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
        if (word_start && c == '_' && text.substr(i, kLabelPrefix.size()) == kLabelPrefix) {
            word_start = false;
            continue;
        }
        word_start = is_separator(c);
        out.push_back(c);
    }
    return out;
}

// A file removed when it goes out of scope.
struct TempFile {
    std::filesystem::path path;
    TempFile() {
        static std::atomic<unsigned> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("hone-fasttext-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".txt");
    }
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

fasttext::loss_name loss_of(const Json& v, bool multi_label) {
    std::string name = v.is_string() ? v.get<std::string>() : multi_label ? "ova" : "softmax";
    if (name == "softmax") return fasttext::loss_name::softmax;
    if (name == "ova") return fasttext::loss_name::ova;
    if (name == "hs") return fasttext::loss_name::hs;
    if (name == "ns") return fasttext::loss_name::ns;
    throw Error(ErrorKind::validation, "invalid_hyperparameter",
                "fasttext: loss must be 'softmax', 'ova', 'hs' or 'ns', got '" + name + "'");
}

class FastTextModel final : public TextClassifier {
public:
    using TextClassifier::TextClassifier;

    void fit(const TextFitInput& input, const Callbacks& callbacks) override {
        text::check_fit_input(input, kAlgorithm);
        auto tokens = label_tokens(input.label_names);
        TempFile file;
        write_training_file(file.path, input.train, tokens);
        auto model = std::make_unique<fasttext::FastText>();
        std::mutex callback_mutex;
        auto on_progress = [&](float, float, double, double, int64_t) {
            std::lock_guard lock(callback_mutex);
            if (callbacks.cancelled && callbacks.cancelled()) model->abort();
        };
        try {
            model->train(args(file.path, input.multi_label), on_progress);
        } catch (const fasttext::FastText::AbortError&) {
            throw Error(ErrorKind::cancelled, "cancelled", "fasttext: training cancelled");
        } catch (const std::exception& e) {
            throw Error(ErrorKind::data, "training_failed", std::string("fasttext: ") + e.what());
        }
        adopt(std::move(model), std::move(tokens), input.multi_label);
    }

    std::vector<float> predict_proba(std::span<const std::string> texts) const override {
        if (!model_) throw Error(ErrorKind::internal, "not_fitted", "fasttext is used before fit or load");
        const std::size_t labels = tokens_.size();
        std::vector<float> out(texts.size() * labels, 0.0f);
        auto dict = model_->getDictionary();
        std::vector<int32_t> words, ignored;
        fasttext::Predictions predictions;
        for (std::size_t r = 0; r < texts.size(); ++r) {
            std::istringstream line(as_line(texts[r]) + "\n");
            dict->getLine(line, words, ignored);
            predictions.clear();
            model_->predict(-1, words, predictions, 0.0f);
            float* row = &out[r * labels];
            double sum = 0;
            for (const auto& [log_p, id] : predictions) {
                auto label = label_of_[static_cast<std::size_t>(id)];
                row[label] = std::max(0.0f, std::exp(log_p) - 1e-5f);
                sum += row[label];
            }
            normalize(row, labels, sum);
        }
        return out;
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        if (!model_) throw Error(ErrorKind::internal, "not_fitted", "fasttext is used before fit or load");
        auto path = dir / kModelFile;
        try {
            model_->saveModel(path.string());
        } catch (const std::exception& e) {
            throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string() + ": " + e.what());
        }
        write_json_file(dir / kMetaFile, Json{{"format", kAlgorithm}, {"labels", tokens_}, {"multi_label", multi_label_}});
        return {kModelFile, kMetaFile};
    }

    void load(const std::filesystem::path& dir) override {
        Json meta = solver::read_json_file(dir / kMetaFile);
        auto bad = [&](const std::filesystem::path& p, const std::string& why) {
            return Error(ErrorKind::data, "invalid_model", p.string() + ": " + why);
        };
        if (meta.value("format", std::string()) != kAlgorithm || !meta.contains("labels") || !meta["labels"].is_array())
            throw bad(dir / kMetaFile, "not a fasttext model's description");
        auto path = dir / kModelFile;
        solver::require_file(path);
        auto model = std::make_unique<fasttext::FastText>();
        try {
            model->loadModel(path.string());
        } catch (const std::exception& e) {
            throw bad(path, e.what());
        }
        adopt(std::move(model), meta["labels"].get<std::vector<std::string>>(), meta.value("multi_label", false));
    }

    std::size_t num_labels() const override { return tokens_.size(); }
    bool multi_label() const override { return multi_label_; }

private:
    std::unique_ptr<fasttext::FastText> model_;
    std::vector<std::string> tokens_;   // label index -> fastText's label token
    std::vector<std::size_t> label_of_;  // fastText's label id -> label index
    bool multi_label_ = false;

    fasttext::Args args(const std::filesystem::path& input, bool multi_label) const {
        const auto& p = config_.params;
        fasttext::Args a;
        a.input = input.string();
        a.model = fasttext::model_name::sup;
        a.loss = loss_of(p.value("loss", Json()), multi_label);
        a.dim = p.value("dim", 100);
        a.epoch = p.value("epoch", 5);
        a.lr = p.value("lr", 0.1);
        a.wordNgrams = p.value("word_ngrams", 1);
        a.minCount = p.value("min_count", 1);
        a.minn = p.value("min_n", 0);
        a.maxn = p.value("max_n", 0);
        a.neg = p.value("neg", 5);
        // As fastText's command line: no hashed buckets when there is nothing to hash.
        a.bucket = a.wordNgrams <= 1 && a.maxn == 0 ? 0 : p.value("bucket", 2000000);
        unsigned threads = config_.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : config_.threads;
        a.thread = static_cast<int>(threads);
        a.seed = static_cast<int>(config_.seed & 0x7fffffff);
        a.verbose = 0;
        return a;
    }

    static void write_training_file(const std::filesystem::path& path, const TextExamples& t,
                                    const std::vector<std::string>& tokens) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (std::size_t i = 0; i < t.size(); ++i) {
            out << as_line(t.texts[i]);
            for (auto l : t.labels[i]) out << ' ' << tokens[static_cast<std::size_t>(l)];
            out << '\n';
        }
        if (!out.flush()) throw Error(ErrorKind::io, "write_failed", "cannot write fastText's input " + path.string());
    }

    // Takes a trained or loaded model, mapping fastText's label ids to label indices.
    void adopt(std::unique_ptr<fasttext::FastText> model, std::vector<std::string> tokens, bool multi_label) {
        auto dict = model->getDictionary();
        std::vector<std::size_t> label_of(static_cast<std::size_t>(dict->nlabels()), 0);
        std::vector<bool> found(tokens.size(), false);
        for (int32_t id = 0; id < dict->nlabels(); ++id) {
            auto it = std::find(tokens.begin(), tokens.end(), dict->getLabel(id));
            if (it == tokens.end())
                throw Error(ErrorKind::data, "invalid_model", "fasttext: the model has an unknown label " + dict->getLabel(id));
            label_of[static_cast<std::size_t>(id)] = static_cast<std::size_t>(it - tokens.begin());
            found[label_of[static_cast<std::size_t>(id)]] = true;
        }
        for (std::size_t l = 0; l < tokens.size(); ++l)
            if (!found[l])
                throw Error(ErrorKind::data, "invalid_model", "fasttext: the model lacks the label " + tokens[l]);
        model_ = std::move(model);
        tokens_ = std::move(tokens);
        label_of_ = std::move(label_of);
        multi_label_ = multi_label;
    }

    // Multi-class: a distribution (uniform when fastText gave nothing).
    void normalize(float* row, std::size_t labels, double sum) const {
        if (multi_label_) return;
        for (std::size_t l = 0; l < labels; ++l)
            row[l] = sum > 0 ? static_cast<float>(row[l] / sum) : 1.0f / static_cast<float>(labels);
    }
};

}  // namespace

std::unique_ptr<TextClassifier> make_fasttext(EstimatorConfig config) {
    return std::make_unique<FastTextModel>(std::move(config));
}

// Debian's libfasttext-dev, whose headers carry no version: CMake reads it from
// the package (HONE_FASTTEXT_VERSION).
std::string fasttext_version() { return HONE_FASTTEXT_VERSION; }

}  // namespace hone::models
