#pragma once
// A tiny, separable text corpus for end-to-end text-classifier tests: texts
// about sport, politics and music, each topic with its own words, written as a
// CSV of `body` and `topics`. Every text also holds its own word "doc<i>",
// so no two texts are alike and a text's id word occurs in no other text.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace hone::test_support {

struct Topic {
    std::string name;
    std::vector<std::string> words;
};

inline const std::vector<Topic>& corpus_topics() {
    static const std::vector<Topic> topics = {
        {"sport", {"goal", "match", "striker", "league", "referee", "stadium"}},
        {"politics", {"vote", "senate", "election", "minister", "parliament", "campaign"}},
        {"music", {"guitar", "album", "concert", "chorus", "melody", "drummer"}}};
    return topics;
}

// `n` texts: text i is about topic i % 3 (five of its words), and with
// `label_sets` every fourth text also about the next topic (three of its
// words), its labels then "a|b" in topic order. With `weights`, a third
// column `trust`: 1 for even rows, 0.5 for odd ones. Seeded: the same rows on
// every platform.
inline void write_topics_csv(const std::filesystem::path& path, int n, bool label_sets, bool weights = false) {
    const auto& topics = corpus_topics();
    std::mt19937_64 rng(3);
    std::ofstream out(path);
    out << "body,topics" << (weights ? ",trust" : "") << "\n";
    for (int i = 0; i < n; ++i) {
        const Topic& first = topics[static_cast<std::size_t>(i % 3)];
        const Topic& second = topics[static_cast<std::size_t>((i + 1) % 3)];
        const bool two = label_sets && i % 4 == 0;
        std::string text = "doc" + std::to_string(i);
        for (int w = 0; w < 5; ++w) text += " " + first.words[rng() % first.words.size()];
        if (two)
            for (int w = 0; w < 3; ++w) text += " " + second.words[rng() % second.words.size()];
        out << text << "," << first.name << (two ? "|" + second.name : "");
        if (weights) out << (i % 2 ? ",0.5" : ",1");
        out << "\n";
    }
}

}  // namespace hone::test_support
