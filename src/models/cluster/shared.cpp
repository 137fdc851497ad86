#include "models/cluster/shared.hpp"

#include <fstream>
#include <unordered_map>

namespace hone::models::cluster {

std::vector<std::size_t> Random::sample(std::size_t n, std::size_t count) {
    // Floyd's algorithm would not keep the draw order; a partial Fisher-Yates
    // over a sparse map of swapped positions does, in O(count) memory.
    std::vector<std::size_t> out;
    out.reserve(count);
    std::unordered_map<std::size_t, std::size_t> moved;
    auto at = [&](std::size_t i) {
        auto it = moved.find(i);
        return it == moved.end() ? i : it->second;
    };
    for (std::size_t i = 0; i < count && i < n; ++i) {
        std::size_t j = i + below(n - i);
        std::size_t vi = at(i), vj = at(j);
        moved[j] = vi;
        out.push_back(vj);
    }
    return out;
}

std::uint64_t seed_of(const EstimatorConfig& config) {
    const Json& r = config.params.contains("random_state") ? config.params["random_state"] : Json();
    return r.is_number_integer() ? r.get<std::uint64_t>() : config.seed;
}

void check_cancelled(const Callbacks& callbacks) {
    if (callbacks.cancelled && callbacks.cancelled())
        throw Error(ErrorKind::cancelled, "cancelled", "the fit was cancelled");
}

void check_rows(const Points& x, std::size_t clusters) {
    if (x.rows < clusters)
        throw Error(ErrorKind::data, "too_few_rows",
                    "n_clusters=" + std::to_string(clusters) + " is more than the " + std::to_string(x.rows) +
                        " rows to cluster",
                    {}, "ask for at most " + std::to_string(x.rows) + " clusters, or give more rows");
    if (x.cols == 0) throw Error(ErrorKind::data, "no_features", "there are no feature columns to cluster on");
}

std::vector<double> center_columns(Points& x) {
    std::vector<double> mean(x.cols, 0.0);
    if (x.rows == 0) return mean;
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) mean[j] += x.row(i)[j];
    for (auto& m : mean) m /= static_cast<double>(x.rows);
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) x.row(i)[j] -= mean[j];
    return mean;
}

Points subset(const Points& x, const std::vector<std::size_t>& rows) {
    Points out;
    out.rows = rows.size();
    out.cols = x.cols;
    out.values.reserve(rows.size() * x.cols);
    for (auto r : rows) out.values.insert(out.values.end(), x.row(r), x.row(r) + x.cols);
    return out;
}

double ordered_sum(std::span<const double> values) {
    double s = 0;
    for (double v : values) s += v;
    return s;
}

Json model_meta(const EstimatorConfig& config, std::size_t n_features) {
    return Json{{"format", "hone-cluster"},
                {"format_version", 1},
                {"n_features", n_features},
                {"params", config.params}};
}

Json read_model(const std::filesystem::path& path, const EstimatorConfig&) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::data, "invalid_model", path.string() + ": cannot be read");
    Json j = Json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != "hone-cluster")
        throw Error(ErrorKind::data, "invalid_model", path.string() + ": not a clustering model of hone");
    return j;
}

}  // namespace hone::models::cluster
