#include "models/text/tfidf.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.hpp"

namespace hone::models::text {

namespace {

// UTF-8 to code points; a byte that starts no valid sequence reads as Latin-1,
// as data/utf8.hpp reads such bytes.
std::u32string decode(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        int extra = b >= 0xF0 && b < 0xF5 ? 3 : b >= 0xE0 && b < 0xF0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : 0;
        char32_t cp = extra == 3 ? b & 0x07u : extra == 2 ? b & 0x0Fu : extra == 1 ? b & 0x1Fu : b;
        bool ok = extra > 0 && i + static_cast<std::size_t>(extra) < s.size();
        for (int k = 1; ok && k <= extra; ++k) {
            auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((c & 0xC0u) != 0x80u) ok = false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (ok) {
            out.push_back(cp);
            i += static_cast<std::size_t>(extra) + 1;
        } else {
            out.push_back(b);
            ++i;
        }
    }
    return out;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Python's str.lower() for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
// capitals; other code points are left as they are.
char32_t lower(char32_t c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149 && c != 0x17F) {
        bool odd_capitals = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (odd_capitals ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    }
    return c;
}

// Python's str.isspace(): what str.split() splits on.
bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

// Python's \w: ASCII letters, digits and '_' exactly; beyond ASCII, everything but
// spaces and the punctuation and symbol blocks (Latin-1's, general punctuation,
// arrows to dingbats, CJK punctuation, fullwidth ASCII punctuation, emoji).
bool is_word(char32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (c < 0xC0) return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
                         (c >= 0xBC && c <= 0xBE);
    if (c == 0xD7 || c == 0xF7 || is_space(c)) return false;
    if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F)) return false;
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xE000 && c <= 0xF8FF)) return false;
    return !(c >= 0x1F000 && c <= 0x1FAFF);
}

std::string to_utf8(const std::u32string& s, std::size_t from, std::size_t count) {
    std::string out;
    out.reserve(count);
    for (std::size_t i = from; i < from + count; ++i) encode(s[i], out);
    return out;
}

// scikit-learn's _word_ngrams on the tokens of (?u)\b\w\w+\b.
std::vector<std::string> word_terms(const std::u32string& text, const TfidfOptions& o) {
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < text.size();) {
        if (!is_word(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && is_word(text[j])) ++j;
        if (j - i >= 2) tokens.push_back(to_utf8(text, i, j - i));
        i = j;
    }
    if (o.ngram_max == 1) return tokens;
    std::vector<std::string> terms;
    if (o.ngram_min == 1) terms = tokens;
    for (std::size_t n = static_cast<std::size_t>(std::max(o.ngram_min, 2));
         n <= static_cast<std::size_t>(o.ngram_max) && n <= tokens.size(); ++n)
        for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
            std::string gram = tokens[i];
            for (std::size_t k = 1; k < n; ++k) gram.append(" ").append(tokens[i + k]);
            terms.push_back(std::move(gram));
        }
    return terms;
}

// scikit-learn's _char_wb_ngrams: each whitespace-separated word padded with a
// space each side; a word shorter than n gives itself once, and no longer n-grams.
std::vector<std::string> char_wb_terms(const std::u32string& text, const TfidfOptions& o) {
    std::vector<std::string> terms;
    for (std::size_t i = 0; i < text.size();) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && !is_space(text[j])) ++j;
        std::u32string w = U" " + text.substr(i, j - i) + U" ";
        for (auto n = static_cast<std::size_t>(o.ngram_min); n <= static_cast<std::size_t>(o.ngram_max); ++n) {
            std::size_t offset = 0;
            terms.push_back(to_utf8(w, 0, std::min(n, w.size())));
            while (offset + n < w.size()) {
                ++offset;
                terms.push_back(to_utf8(w, offset, n));
            }
            if (offset == 0) break;
        }
        i = j;
    }
    return terms;
}

[[noreturn]] void empty_vocabulary(const std::string& why) {
    throw Error(ErrorKind::data, "empty_vocabulary", "no term to learn from: " + why);
}

}  // namespace

std::vector<std::string> analyze(std::string_view doc, const TfidfOptions& options) {
    std::u32string text = decode(doc);
    std::transform(text.begin(), text.end(), text.begin(), lower);
    return options.analyzer == Analyzer::word ? word_terms(text, options) : char_wb_terms(text, options);
}

TfidfVectorizer::TfidfVectorizer(TfidfOptions options) : options_(options) {
    if (options_.ngram_min < 1 || options_.ngram_max < options_.ngram_min)
        throw Error(ErrorKind::validation, "invalid_hyperparameter",
                    "ngram_range must be (min, max) with 1 <= min <= max, got (" +
                        std::to_string(options_.ngram_min) + ", " + std::to_string(options_.ngram_max) + ")");
    if (!(options_.max_df > 0.0 && options_.max_df <= 1.0))
        throw Error(ErrorKind::validation, "invalid_hyperparameter",
                    "max_df must be a fraction of the documents in (0, 1], got " + std::to_string(options_.max_df));
}

namespace {

// Every term of a fit, by first appearance, with its document and total counts.
struct TermCounts {
    std::unordered_map<std::string, std::int32_t> ids;
    std::vector<const std::string*> names;
    std::vector<std::size_t> df, total;
    std::vector<std::vector<std::pair<std::int32_t, double>>> docs;  // per document: (term id, count)
};

// Repeated ids collapsed into (id, count), ids ascending.
std::vector<std::pair<std::int32_t, double>> count_ids(std::vector<std::int32_t> ids) {
    std::sort(ids.begin(), ids.end());
    std::vector<std::pair<std::int32_t, double>> out;
    for (auto id : ids) {
        if (!out.empty() && out.back().first == id)
            out.back().second += 1;
        else
            out.emplace_back(id, 1.0);
    }
    return out;
}

TermCounts count_terms(std::span<const std::string> docs, const TfidfOptions& options) {
    TermCounts c;
    for (const auto& doc : docs) {
        std::vector<std::int32_t> ids;
        for (auto& term : analyze(doc, options)) {
            auto [it, added] = c.ids.try_emplace(std::move(term), static_cast<std::int32_t>(c.names.size()));
            if (added) {
                c.names.push_back(&it->first);
                c.df.push_back(0);
                c.total.push_back(0);
            }
            ids.push_back(it->second);
        }
        auto counted = count_ids(std::move(ids));
        for (auto [id, n] : counted) {
            c.df[static_cast<std::size_t>(id)] += 1;
            c.total[static_cast<std::size_t>(id)] += static_cast<std::size_t>(n);
        }
        c.docs.push_back(std::move(counted));
    }
    return c;
}

// The ids of the terms kept by min_df, max_df and max_features, in term order.
std::vector<std::int32_t> kept_terms(const TermCounts& c, const TfidfOptions& o, std::size_t n_docs) {
    if (c.names.empty()) empty_vocabulary("the texts have no word of two or more letters or digits");
    double most = o.max_df * static_cast<double>(n_docs);
    std::vector<std::int32_t> kept;
    for (std::size_t id = 0; id < c.names.size(); ++id)
        if (c.df[id] >= o.min_df && static_cast<double>(c.df[id]) <= most) kept.push_back(static_cast<std::int32_t>(id));
    if (kept.empty()) empty_vocabulary("every term is in fewer than min_df or more than max_df of the texts");
    auto by_term = [&](std::int32_t a, std::int32_t b) { return *c.names[a] < *c.names[b]; };
    if (o.max_features && kept.size() > *o.max_features) {
        std::sort(kept.begin(), kept.end(), [&](std::int32_t a, std::int32_t b) {
            return c.total[a] != c.total[b] ? c.total[a] > c.total[b] : by_term(a, b);
        });
        kept.resize(*o.max_features);
    }
    std::sort(kept.begin(), kept.end(), by_term);
    return kept;
}

}  // namespace

SparseRows TfidfVectorizer::fit_transform(std::span<const std::string> docs) {
    TermCounts c = count_terms(docs, options_);
    auto kept = kept_terms(c, options_, docs.size());
    std::vector<std::int32_t> column(c.names.size(), -1);
    terms_.clear();
    idf_.clear();
    index_.clear();
    const double n = static_cast<double>(docs.size()) + 1.0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
        auto id = static_cast<std::size_t>(kept[k]);
        column[id] = static_cast<std::int32_t>(k);
        terms_.push_back(*c.names[id]);
        idf_.push_back(std::log(n / (static_cast<double>(c.df[id]) + 1.0)) + 1.0);
        index_.emplace(terms_.back(), static_cast<std::int32_t>(k));
    }
    SparseRows out;
    out.cols = terms_.size();
    for (auto& doc : c.docs) {
        std::vector<std::pair<std::int32_t, double>> row;
        for (auto [id, count] : doc)
            if (column[static_cast<std::size_t>(id)] >= 0) row.emplace_back(column[static_cast<std::size_t>(id)], count);
        std::sort(row.begin(), row.end());
        append_row(std::move(row), out);
    }
    return out;
}

std::vector<std::pair<std::int32_t, double>> TfidfVectorizer::counts(std::string_view doc) const {
    std::vector<std::int32_t> ids;
    for (const auto& term : analyze(doc, options_)) {
        auto it = index_.find(term);
        if (it != index_.end()) ids.push_back(it->second);
    }
    return count_ids(std::move(ids));
}

// tf (sublinear or not) times idf, then the row over its L2 norm.
void TfidfVectorizer::append_row(std::vector<std::pair<std::int32_t, double>> row, SparseRows& out) const {
    double squares = 0;
    for (auto& [col, v] : row) {
        if (options_.sublinear_tf) v = std::log(v) + 1.0;
        v *= idf_[static_cast<std::size_t>(col)];
        squares += v * v;
    }
    double norm = std::sqrt(squares);
    for (auto [col, v] : row) {
        out.indices.push_back(col);
        out.values.push_back(v / norm);
    }
    out.offsets.push_back(out.indices.size());
}

SparseRows TfidfVectorizer::transform(std::span<const std::string> docs) const {
    SparseRows out;
    out.cols = terms_.size();
    for (const auto& doc : docs) append_row(counts(doc), out);
    return out;
}

Json TfidfVectorizer::to_json() const {
    Json j{{"analyzer", options_.analyzer == Analyzer::word ? "word" : "char_wb"},
           {"ngram_range", {options_.ngram_min, options_.ngram_max}},
           {"sublinear_tf", options_.sublinear_tf}};
    j["vocabulary"] = terms_;
    j["idf"] = idf_;
    return j;
}

TfidfVectorizer TfidfVectorizer::from_json(const Json& j, const std::string& origin) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::data, "invalid_model", origin + ": not a TF-IDF vectorizer (" + why + ")");
    };
    TfidfOptions o;
    TfidfVectorizer v;
    try {
        std::string analyzer = j.at("analyzer").get<std::string>();
        if (analyzer != "word" && analyzer != "char_wb") throw bad("unknown analyzer '" + analyzer + "'");
        o.analyzer = analyzer == "word" ? Analyzer::word : Analyzer::char_wb;
        o.ngram_min = j.at("ngram_range").at(0).get<int>();
        o.ngram_max = j.at("ngram_range").at(1).get<int>();
        o.sublinear_tf = j.at("sublinear_tf").get<bool>();
        v = TfidfVectorizer(o);
        v.terms_ = j.at("vocabulary").get<std::vector<std::string>>();
        v.idf_ = j.at("idf").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
        throw bad(e.what());
    }
    if (v.terms_.size() != v.idf_.size()) throw bad("the vocabulary and the idf differ in length");
    for (std::size_t k = 0; k < v.terms_.size(); ++k)
        if (!v.index_.emplace(v.terms_[k], static_cast<std::int32_t>(k)).second) throw bad("a repeated term");
    return v;
}

}  // namespace hone::models::text
