// hone's side of bench/cluster/run.sh: fits one catalog clusterer on rows
// stored as float32 and prints its fit time as one JSON line; the labels go to
// a file, for bench.py to compare with scikit-learn's.
//
//   cluster_driver ALGORITHM PARAMS_JSON ROWS_FILE LABELS_FILE [THREADS]
//
// ROWS_FILE: int64 rows, int64 cols, then rows x cols float32, row-major (what
// bench.py writes). LABELS_FILE gets rows int32. Prints {"fit_ms", "n_clusters",
// "noise", "inertia" (k-means)}. THREADS: default 0, every core.
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>

#include "common/error.hpp"
#include "models/catalog.hpp"

using namespace hone;

namespace {

data::Matrix read_rows(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::int64_t rows = 0, cols = 0;
    in.read(reinterpret_cast<char*>(&rows), sizeof rows);
    in.read(reinterpret_cast<char*>(&cols), sizeof cols);
    data::Matrix x;
    x.rows = static_cast<std::size_t>(rows);
    x.cols = static_cast<std::size_t>(cols);
    x.data.resize(x.rows * x.cols);
    in.read(reinterpret_cast<char*>(x.data.data()), static_cast<std::streamsize>(x.data.size() * sizeof(float)));
    if (!in) throw std::runtime_error("cannot read " + path);
    for (std::size_t c = 0; c < x.cols; ++c) x.names.push_back("f" + std::to_string(c));
    return x;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: cluster_driver ALGORITHM PARAMS_JSON ROWS_FILE LABELS_FILE [THREADS]\n";
        return 2;
    }
    try {
        const auto& algo = models::find_algorithm(argv[1]);
        models::EstimatorConfig config;
        config.task = Task::clustering;
        config.params = models::resolve_params(algo, models::Json::parse(argv[2]), true).params;
        config.threads = argc > 5 ? static_cast<unsigned>(std::stoul(argv[5])) : 0;
        data::Matrix x = read_rows(argv[3]);
        auto model = models::make_clusterer(algo, config);
        std::vector<float> none;
        auto start = std::chrono::steady_clock::now();
        model->fit({x, none}, {});
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        const auto& labels = model->labels();
        std::ofstream out(argv[4], std::ios::binary);
        out.write(reinterpret_cast<const char*>(labels.data()),
                  static_cast<std::streamsize>(labels.size() * sizeof(std::int32_t)));
        std::size_t noise = 0;
        for (auto l : labels) noise += l < 0;
        models::Json summary = model->fit_summary();
        std::cout << models::Json{{"fit_ms", ms},
                                  {"n_clusters", model->num_clusters()},
                                  {"noise", noise},
                                  {"inertia", summary.value("inertia", models::Json())}}
                         .dump()
                  << "\n";
    } catch (const std::exception& e) {
        std::cerr << "cluster_driver: " << e.what() << "\n";
        return 1;
    }
}
