#pragma once
// Helpers of the clusterers' estimators: their random numbers, parameter and
// input checks, and the JSON head of their saved models.
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "models/cluster/rows.hpp"
#include "models/estimator.hpp"

namespace hone::models::cluster {

// mt19937_64, whose sequence the C++ standard fixes, with hand-made draws (the
// standard library's distributions differ between implementations).
class Random {
public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
    std::uint64_t below(std::uint64_t n) {  // [0, n), n > 0, without modulo bias
        const std::uint64_t limit = -n % n;
        for (;;) {
            std::uint64_t r = engine_();
            if (r >= limit) return r % n;
        }
    }
    // `count` distinct indices of [0, n), in the order drawn.
    std::vector<std::size_t> sample(std::size_t n, std::size_t count);

private:
    std::mt19937_64 engine_;
};

// The model's seed: random_state when given, else the job's.
std::uint64_t seed_of(const EstimatorConfig& config);
// hone::Error(cancelled) when the caller asked to stop.
void check_cancelled(const Callbacks& callbacks);
// hone::Error(data, "too_few_rows") when there are fewer rows than clusters asked.
void check_rows(const Points& x, std::size_t clusters);
// Subtracts each column's mean (returned) from every row.
std::vector<double> center_columns(Points& x);
Points subset(const Points& x, const std::vector<std::size_t>& rows);
// Sum in the order given (fixed, so results do not depend on threads).
double ordered_sum(std::span<const double> values);

inline constexpr const char* kModelFile = "cluster.json";
// {"format": "hone-cluster", "algorithm", "n_features", "params"}.
Json model_meta(const EstimatorConfig& config, std::size_t n_features);
// Reads a saved model's JSON and checks its head; hone::Error(data,
// "invalid_model") naming the file otherwise.
Json read_model(const std::filesystem::path& path, const EstimatorConfig& config);

template <typename T>
T field(const Json& j, const char* name, const std::filesystem::path& path) {
    try {
        return j.at(name).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw Error(ErrorKind::data, "invalid_model", path.string() + ": '" + name + "' is missing or malformed");
    }
}

}  // namespace hone::models::cluster
