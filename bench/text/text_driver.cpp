// hone's side of bench/text: trains a text classifier on a corpus folder's
// train.tsv (labels comma-separated, a tab, the text) and scores it on test.tsv,
// as bench/text/peer.py scores the peers: accuracy for one label per text,
// micro-F1 for label sets (each label of probability >= 0.5, else the most
// probable). Prints one JSON line with the training seconds (featurization
// included).
//   text_driver DIR ALGORITHM THREADS [PARAMS_JSON]
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "metrics/multilabel.hpp"
#include "models/catalog.hpp"
#include "models/text/thresholds.hpp"

using namespace hone;
using Json = models::Json;

namespace {

struct Corpus {
    std::vector<std::vector<std::string>> labels;
    std::vector<std::string> texts;
};

Corpus read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    Corpus c;
    for (std::string line; std::getline(in, line);) {
        auto tab = line.find('\t');
        std::vector<std::string> labels;
        std::string field = line.substr(0, tab);
        for (std::size_t start = 0, comma; start <= field.size(); start = comma + 1) {
            comma = std::min(field.find(',', start), field.size());
            labels.push_back(field.substr(start, comma - start));
        }
        c.labels.push_back(std::move(labels));
        c.texts.push_back(line.substr(tab + 1));
    }
    return c;
}

models::TextExamples examples(const Corpus& c, const std::map<std::string, std::int32_t>& index) {
    models::TextExamples out;
    out.texts = c.texts;
    for (const auto& ls : c.labels) {
        std::vector<std::int32_t> set;
        for (const auto& l : ls) set.push_back(index.at(l));
        std::sort(set.begin(), set.end());
        out.labels.push_back(std::move(set));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 4) {
        std::cerr << "usage: text_driver DIR ALGORITHM THREADS [PARAMS_JSON]\n";
        return 2;
    }
    std::string dir = argv[1];
    Corpus train = read(dir + "/train.tsv"), test = read(dir + "/test.tsv");
    std::set<std::string> names_set;
    bool multi = false;
    for (const auto& ls : train.labels) {
        names_set.insert(ls.begin(), ls.end());
        multi = multi || ls.size() > 1;
    }
    std::vector<std::string> names(names_set.begin(), names_set.end());
    std::map<std::string, std::int32_t> index;
    for (std::size_t k = 0; k < names.size(); ++k) index[names[k]] = static_cast<std::int32_t>(k);
    auto train_x = examples(train, index), test_x = examples(test, index);

    const auto& spec = models::find_algorithm(argv[2]);
    models::EstimatorConfig config;
    config.task = Task::text_classification;
    config.threads = static_cast<unsigned>(std::stoi(argv[3]));
    config.params = models::resolve_params(spec, argc > 4 ? Json::parse(argv[4]) : Json::object(), true).params;
    auto model = models::make_text_classifier(spec, config);
    auto start = std::chrono::steady_clock::now();
    model->fit({.train = train_x, .label_names = names, .multi_label = multi}, {});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto proba = model->predict_proba(test_x.texts);

    Json out;
    if (multi) {
        std::vector<float> half(names.size(), 0.5f);
        auto decided = models::text::decide(proba, half);
        out["micro_f1"] = metrics::multilabel_scores(metrics::indicator_from_sets(test_x.labels, names.size()),
                                                     metrics::indicator_from_sets(decided, names.size()))
                              .micro_f1;
    } else {
        double right = 0;
        for (std::size_t r = 0; r < test_x.size(); ++r) {
            auto row = proba.begin() + static_cast<std::ptrdiff_t>(r * names.size());
            right += std::max_element(row, row + static_cast<std::ptrdiff_t>(names.size())) - row == test_x.labels[r][0];
        }
        out["accuracy"] = right / static_cast<double>(test_x.size());
    }
    out["train_seconds"] = seconds;
    std::cout << out.dump() << std::endl;
    return 0;
} catch (const std::exception& e) {
    std::cerr << "text_driver: " << e.what() << "\n";
    return 1;
}
