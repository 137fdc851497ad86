// hone's side of bench/quality/run.sh: fits one catalog algorithm on a training
// CSV and prints its test metrics and fit time as one JSON line.
//
//   quality_driver ALGORITHM PARAMS_JSON TRAIN_CSV TEST_CSV NUM_CLASSES [SEED [FITS [THREADS]]]
//   quality_driver --catalog
//
// CSVs have a header, numeric features and the target in the last column (class
// index 0..k-1, or a value when NUM_CLASSES is 0). Prints {"accuracy": ...} for
// classifiers, plus "log_loss" when the model gives probabilities, or {"rmse":
// ...} for regressors, and "fit_ms": the median of FITS fits (default 1) on
// THREADS threads (default 0: all cores). SEED (default 0) is the job seed, which a
// null random_state takes.
// --catalog prints every catalog algorithm with its tasks, as a JSON array.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "models/catalog.hpp"

using namespace hone;
using namespace hone::models;

namespace {

// Its own, not tests/support's: run.sh builds this with plain c++ against the hone
// libraries, without GoogleTest, which the test support library needs.
struct Dataset {
    data::Matrix x;
    std::vector<float> y;
};

Dataset read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    std::getline(in, line);
    Dataset d;
    d.x.cols = static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
    for (std::size_t c = 0; c < d.x.cols; ++c) d.x.names.push_back("f" + std::to_string(c));
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream fields(line);
        std::string v;
        for (std::size_t c = 0; c < d.x.cols; ++c) {
            std::getline(fields, v, ',');
            d.x.data.push_back(std::stof(v));
        }
        std::getline(fields, v, ',');
        d.y.push_back(std::stof(v));
        ++d.x.rows;
    }
    return d;
}

Json catalog() {
    Json out = Json::array();
    for (const auto& a : algorithms()) {
        Json tasks = Json::array();
        for (auto t : a.tasks) tasks.push_back(std::string(to_string(t)));
        out.push_back({{"name", a.name}, {"library", a.library}, {"tasks", tasks}});
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--catalog") {
        std::cout << catalog().dump() << '\n';
        return 0;
    }
    if (argc < 6 || argc > 9) {
        std::cerr << "usage: quality_driver ALGORITHM PARAMS_JSON TRAIN_CSV TEST_CSV NUM_CLASSES [SEED [FITS [THREADS]]]\n"
                     "       quality_driver --catalog\n";
        return 2;
    }
    try {
        const auto& algo = find_algorithm(argv[1]);
        EstimatorConfig config;
        config.num_classes = std::stoi(argv[5]);
        config.task = config.num_classes > 0 ? Task::classification : Task::regression;
        config.params = resolve_params(algo, Json::parse(argv[2]), true).params;
        config.seed = argc > 6 ? std::stoull(argv[6]) : 0;
        int fits = argc > 7 ? std::max(1, std::stoi(argv[7])) : 1;
        config.threads = argc > 8 ? static_cast<unsigned>(std::max(0, std::stoi(argv[8]))) : 0;
        auto train = read_csv(argv[3]), test = read_csv(argv[4]);

        std::vector<double> times;
        std::unique_ptr<Estimator> e;
        for (int i = 0; i < fits; ++i) {
            e = make_estimator(algo, config);
            auto start = std::chrono::steady_clock::now();
            e->fit(FitInput{train.x, train.y}, Callbacks{});
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());

        Json out;
        auto pred = e->predict(test.x);
        auto n = static_cast<double>(pred.size());
        if (config.task == Task::classification) {
            double right = 0;
            for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == test.y[i];
            out["accuracy"] = right / n;
            if (e->has_proba()) {
                auto proba = e->predict_proba(test.x);
                auto k = static_cast<std::size_t>(config.num_classes);
                double loss = 0;
                for (std::size_t i = 0; i < pred.size(); ++i)
                    loss -= std::log(std::clamp(proba[i * k + static_cast<std::size_t>(test.y[i])], 1e-15, 1.0));
                out["log_loss"] = loss / n;
            }
        } else {
            double se = 0;
            for (std::size_t i = 0; i < pred.size(); ++i) se += (pred[i] - test.y[i]) * (pred[i] - test.y[i]);
            out["rmse"] = std::sqrt(se / n);
        }
        out["fit_ms"] = times[times.size() / 2];
        std::cout << out.dump() << '\n';
    } catch (const Error& err) {
        std::cerr << err.code() << ": " << err.what() << '\n';
        return 1;
    } catch (const std::exception& err) {
        std::cerr << "error: " << err.what() << '\n';
        return 1;
    }
    return 0;
}
