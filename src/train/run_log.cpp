#include "train/run_log.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::train {

void RunLog::write(const std::string& level, const std::string& message) {
    try {
        store_.add_log(run_id_, registry::LogEntry{unix_seconds(), level, message});
    } catch (const std::exception&) {
        // Dropped, as the header says.
    }
}

namespace {

int level_rank(const std::string& level) {
    if (level == "info") return 0;
    if (level == "warning") return 1;
    if (level == "error") return 2;
    return -1;
}

}  // namespace

nlohmann::ordered_json run_logs(registry::Store& store, const std::string& run_id, const std::string& min_level) {
    const int floor = level_rank(to_lower(min_level));
    if (floor < 0)
        throw Error(ErrorKind::validation, "invalid_level", "unknown log level '" + min_level + "'", {},
                    "levels: info (every line), warning, error");
    if (!store.get_run(run_id))
        throw Error(ErrorKind::not_found, "run_not_found", "no run '" + run_id + "'", {},
                    "'hone runs JOB' lists a job's runs");
    auto out = nlohmann::ordered_json::array();
    for (const auto& entry : store.logs_of(run_id))
        if (level_rank(entry.level) >= floor) out.push_back(entry.to_json());
    return out;
}

std::string epoch_line(const nlohmann::ordered_json& m) {
    std::string line = "epoch " + std::to_string(m.value("epoch", 0)) + "/" + std::to_string(m.value("total_epochs", 0));
    std::string values;
    std::vector<std::string> keys = {"training_loss", "validation_loss", "accuracy", "f1_score", "rmse", "r2"};
    for (auto it = m.begin(); it != m.end(); ++it)
        if (it.key().find('@') != std::string::npos) keys.push_back(it.key());  // a recommender's hr@10, ndcg@10
    keys.push_back("learning_rate");
    for (const auto& key : keys) {
        if (!m.contains(key) || !m[key].is_number()) continue;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", m[key].get<double>());
        values += (values.empty() ? "" : ", ") + key + " " + buf;
    }
    if (!values.empty()) line += ": " + values;
    if (m.contains("epoch_seconds") && m["epoch_seconds"].is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " (%.3g s)", m["epoch_seconds"].get<double>());
        line += buf;
    }
    return line;
}

std::string metrics_line(const nlohmann::ordered_json& m) {
    std::string out;
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!it.value().is_number()) continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%s=%.4f", out.empty() ? "" : " ", it.key().c_str(), it.value().get<double>());
        out += buf;
    }
    return out;
}

bool logs_round(int round, int total) {
    const int step = std::max(1, total / 10);
    return (round + 1) % step == 0 || round + 1 == total;
}

}  // namespace hone::train
