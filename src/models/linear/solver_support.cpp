#include "models/linear/solver_support.hpp"

#include <algorithm>
#include <fstream>

#include "common/error.hpp"
#include "common/file.hpp"

namespace hone::models::solver {

void check_fit_input(const FitInput& input, const EstimatorConfig& config, std::string_view algorithm) {
    const auto& x = input.x_train;
    const auto& y = input.y_train;
    std::string name(algorithm);
    if (x.rows == 0) throw Error(ErrorKind::data, "empty_training_set", name + " got no training rows");
    if (x.cols == 0) throw Error(ErrorKind::data, "no_features", name + " got no feature columns");
    if (y.size() != x.rows)
        throw Error(ErrorKind::internal, "target_size_mismatch",
                    name + " got " + std::to_string(x.rows) + " rows but " + std::to_string(y.size()) + " targets");
    for (std::size_t i = 0; i < x.data.size(); ++i)
        if (!std::isfinite(x.data[i])) {
            Location where;
            where.row = static_cast<std::int64_t>(i / x.cols) + 1;
            if (i % x.cols < x.names.size()) where.column = x.names[i % x.cols];
            throw Error(ErrorKind::data, "non_finite_feature",
                        name + " cannot train on a missing or infinite feature value; impute it first", where);
        }
    for (std::size_t i = 0; i < y.size(); ++i) {
        float v = y[i];
        bool ok = std::isfinite(v);
        if (ok && config.task == Task::classification)
            ok = v == std::floor(v) && v >= 0 && v < static_cast<float>(config.num_classes);
        if (!ok) {
            Location where;
            where.row = static_cast<std::int64_t>(i) + 1;
            throw Error(ErrorKind::data, "invalid_target",
                        config.task == Task::classification
                            ? name + " needs class indices 0.." + std::to_string(config.num_classes - 1) +
                                  " as targets, got " + std::to_string(v)
                            : name + " cannot train on a missing or infinite target value",
                        where);
        }
    }
    if (config.task == Task::classification) {
        auto counts = class_counts(y, config.num_classes);
        int present = 0;
        for (auto c : counts) present += c > 0;
        if (present < 2)
            throw Error(ErrorKind::data, "single_class",
                        name + " needs samples of at least two classes in the training data; it has one");
    }
}

void check_feature_count(const data::Matrix& x, std::size_t expected, std::string_view algorithm) {
    if (x.cols != expected)
        throw Error(ErrorKind::data, "feature_count_mismatch",
                    std::string(algorithm) + " was trained on " + std::to_string(expected) + " features, got " +
                        std::to_string(x.cols));
}

void throw_if_cancelled(const Callbacks& callbacks) {
    if (callbacks.cancelled && callbacks.cancelled())
        throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
}

std::vector<std::size_t> class_counts(const std::vector<float>& y, int num_classes) {
    std::vector<std::size_t> counts(static_cast<std::size_t>(std::max(num_classes, 0)), 0);
    for (float v : y) {
        auto c = static_cast<std::size_t>(v);
        if (v >= 0 && c < counts.size()) ++counts[c];
    }
    return counts;
}

std::vector<double> balanced_class_weights(const std::vector<float>& y, int num_classes) {
    auto counts = class_counts(y, num_classes);
    double present = 0;
    for (auto c : counts) present += c > 0;
    std::vector<double> weights(counts.size(), 0.0);
    for (std::size_t k = 0; k < counts.size(); ++k)
        if (counts[k] > 0) weights[k] = static_cast<double>(y.size()) / (present * static_cast<double>(counts[k]));
    return weights;
}

std::uint64_t fit_seed(const EstimatorConfig& config) {
    auto it = config.params.find("random_state");
    if (it != config.params.end() && it->is_number_integer()) return it->get<std::uint64_t>();
    return config.seed;
}

std::unique_lock<std::mutex> lock_c_library_state() {
    static std::mutex m;
    return std::unique_lock<std::mutex>(m);
}

std::vector<double> coefficient_importances(const std::vector<std::vector<double>>& coef) {
    if (coef.empty()) return {};
    std::vector<double> out(coef.front().size(), 0.0);
    for (const auto& row : coef)
        for (std::size_t j = 0; j < out.size() && j < row.size(); ++j) out[j] += std::fabs(row[j]);
    double total = 0;
    for (double v : out) total += v;
    if (!(total > 0) || !std::isfinite(total)) return {};
    for (double& v : out) v /= total;
    return out;
}

Json model_meta(std::string_view format, std::string_view algorithm, const EstimatorConfig& config,
                std::size_t n_features) {
    Json meta;
    meta["format"] = format;
    meta["algorithm"] = algorithm;
    meta["task"] = to_string(config.task);
    meta["num_classes"] = config.num_classes;
    meta["n_features"] = n_features;
    return meta;
}

std::size_t check_model_meta(const Json& meta, std::string_view format, std::string_view algorithm,
                             EstimatorConfig& config, const std::filesystem::path& path) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why);
    };
    try {
        if (meta.at("format").get<std::string>() != format)
            throw bad("not a " + std::string(format) + " model of " + std::string(algorithm));
        std::string task = meta.at("task").get<std::string>();
        if (task != to_string(config.task))
            throw bad("the model was trained for " + task + ", not " + std::string(to_string(config.task)));
        int classes = meta.at("num_classes").get<int>();
        if (config.task == Task::classification && classes < 2) throw bad("a classifier needs at least two classes");
        config.num_classes = classes;
        auto n = meta.at("n_features").get<std::size_t>();
        if (n == 0) throw bad("the model has no features");
        return n;
    } catch (const nlohmann::json::exception& e) {
        throw bad(std::string("unexpected content: ") + e.what());
    }
}

void require_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorKind::not_found, "invalid_model", "model file " + path.string() + " is missing");
}

Json read_json_file(const std::filesystem::path& path) {
    require_file(path);
    std::optional<std::string> text = read_file(path);
    if (!text) throw Error(ErrorKind::io, "invalid_model", "cannot read " + path.string());
    try {
        return Json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::data, "invalid_model", path.string() + " is not valid JSON: " + e.what());
    }
}

}  // namespace hone::models::solver
