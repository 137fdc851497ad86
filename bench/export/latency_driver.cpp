// hone's side of bench/export/run.sh: a registered model's in-process
// prediction latency, the way `hone predict` and the server call it
// (LoadedModel::predict: the preprocessing replayed on raw columns, then the
// estimator), on the first row and on the first ROWS rows of a CSV file.
//
//   export_latency STORE_DB KEY CSV [ROWS=1000] [REPS=2000]
//
// Prints {"one_row_us", "batch_us", "batch_rows"}: the median of REPS calls for
// one row and of REPS / 20 calls for the batch, after a few calls to warm up.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/csv_reader.hpp"
#include "registry/store.hpp"
#include "train/predictor.hpp"

using namespace hone;

namespace {

// The median of `reps` timed calls of model.predict(rows), in microseconds.
double median_us(const train::LoadedModel& model, const data::Frame& rows, int reps) {
    for (int i = 0; i < 5; ++i) model.predict(rows);
    std::vector<double> us(static_cast<std::size_t>(reps));
    for (auto& t : us) {
        const auto start = std::chrono::steady_clock::now();
        auto out = model.predict(rows);
        t = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
        if (out.values.empty()) std::abort();
    }
    std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
    return us[us.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: export_latency STORE_DB KEY CSV [ROWS=1000] [REPS=2000]\n";
        return 2;
    }
    try {
        auto store = registry::open_store(argv[1]);
        auto model = train::LoadedModel::load(*store, argv[2]);
        const data::Frame table = data::read_csv(argv[3]);
        const std::size_t rows = argc > 4 ? std::stoul(argv[4]) : 1000;
        const int reps = argc > 5 ? std::stoi(argv[5]) : 2000;
        std::vector<std::size_t> pick(rows);
        for (std::size_t i = 0; i < rows; ++i) pick[i] = i % table.rows();
        nlohmann::ordered_json out{{"one_row_us", median_us(*model, table.take({0}), reps)},
                                   {"batch_us", median_us(*model, table.take(pick), std::max(1, reps / 20))},
                                   {"batch_rows", rows}};
        std::cout << out.dump() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "export_latency: " << e.what() << "\n";
        return 1;
    }
}
