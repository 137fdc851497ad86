// hone's side of xgboost_quality.sh: fits one catalog algorithm on a training CSV
// and prints its test metrics as one JSON line.
//
//   xgboost_quality ALGORITHM PARAMS_JSON TRAIN_CSV TEST_CSV NUM_CLASSES
//
// CSVs have a header, numeric features and the target in the last column (class
// index, or a value when NUM_CLASSES is 0). Prints {"accuracy": ..., "log_loss":
// ...} or {"rmse": ...}, and "fit_ms" (median of 3 fits on all cores).
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

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: xgboost_quality ALGORITHM PARAMS_JSON TRAIN_CSV TEST_CSV NUM_CLASSES\n";
        return 2;
    }
    try {
        const auto& algo = find_algorithm(argv[1]);
        EstimatorConfig config;
        config.num_classes = std::stoi(argv[5]);
        config.task = config.num_classes > 0 ? Task::classification : Task::regression;
        config.params = resolve_params(algo, Json::parse(argv[2]), true).params;
        config.seed = 0;
        auto train = read_csv(argv[3]), test = read_csv(argv[4]);

        std::vector<double> times;
        std::unique_ptr<Estimator> e;
        for (int i = 0; i < 3; ++i) {
            e = make_estimator(algo, config);
            auto start = std::chrono::steady_clock::now();
            e->fit(FitInput{train.x, train.y}, Callbacks{});
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());

        Json out;
        auto pred = e->predict(test.x);
        if (config.task == Task::classification) {
            double right = 0;
            for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == test.y[i];
            out["accuracy"] = right / static_cast<double>(pred.size());
            auto proba = e->predict_proba(test.x);
            auto k = static_cast<std::size_t>(config.num_classes);
            double loss = 0;
            for (std::size_t i = 0; i < pred.size(); ++i)
                loss -= std::log(std::clamp(proba[i * k + static_cast<std::size_t>(test.y[i])], 1e-15, 1.0));
            out["log_loss"] = loss / static_cast<double>(pred.size());
        } else {
            double se = 0;
            for (std::size_t i = 0; i < pred.size(); ++i) se += (pred[i] - test.y[i]) * (pred[i] - test.y[i]);
            out["rmse"] = std::sqrt(se / static_cast<double>(pred.size()));
        }
        out["fit_ms"] = times[times.size() / 2];
        std::cout << out.dump() << '\n';
    } catch (const Error& err) {
        std::cerr << err.code() << ": " << err.what() << '\n';
        return 1;
    }
    return 0;
}
