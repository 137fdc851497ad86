#pragma once
// Interactions for end-to-end recommender tests: users in taste groups, each
// group viewing mostly its own items, written in the interactions format's
// JSON or as a CSV with columns of other names; and a job file around them.
// Small enough that a few epochs of NCF train in about a second.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "train/trainer.hpp"

namespace hone::test_support {

struct Interaction {
    std::string user, item;
    int time = 0;      // seconds since 2024-01-01
    double stars = 5;  // the CSV's rating
};

// `users` users in `groups` groups over `items` items (`items / groups` per
// group); user u (u0, u1, ...) is in group u % groups and views 6 to 10
// distinct items, 85% of them its group's (the group's first items more
// often). Before anything else every user views "top1", every second user
// "top2" and every third "top3": the three most viewed items, in that order,
// and never anyone's latest. Seeded and free of library distributions, so
// the same rows on every platform.
inline std::vector<Interaction> grouped_interactions(int users = 96, int items = 48, int groups = 4) {
    std::mt19937 rng(11);
    const int per_group = items / groups;
    std::vector<Interaction> out;
    for (int u = 0; u < users; ++u) {
        const std::string user = "u" + std::to_string(u);
        int t = 0;
        out.push_back({user, "top1", ++t + u * 1000});
        if (u % 2 == 0) out.push_back({user, "top2", ++t + u * 1000});
        if (u % 3 == 0) out.push_back({user, "top3", ++t + u * 1000});
        const int group = u % groups;
        const std::size_t n = 6 + rng() % 5;
        std::set<int> seen;
        while (seen.size() < n) {
            int item;
            if (rng() % 100 < 85) {
                // The group's first items more often: the minimum of two draws.
                const int a = static_cast<int>(rng() % per_group), b = static_cast<int>(rng() % per_group);
                item = group * per_group + std::min(a, b);
            } else {
                item = static_cast<int>(rng() % items);
            }
            if (!seen.insert(item).second) continue;
            // Later than every top item; distinct per user.
            out.push_back({user, "i" + std::to_string(item), 100 + static_cast<int>(seen.size()) * 7 + u * 1000});
        }
    }
    return out;
}

// The counts of each item, as a cold start ranks them.
inline std::map<std::string, int> item_counts(const std::vector<Interaction>& rows) {
    std::map<std::string, int> counts;
    for (const auto& r : rows) ++counts[r.item];
    return counts;
}

inline std::string iso_time(int seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2024-01-%02dT%02d:%02d:%02d", 1 + seconds / 86400, seconds / 3600 % 24,
                  seconds / 60 % 60, seconds % 60);
    return buf;
}

// The interactions format: {"metadata": {...}, "interactions": [...]}.
inline void write_interactions_json(const std::filesystem::path& path, const std::vector<Interaction>& rows) {
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    std::set<std::string> users, items;
    for (const auto& r : rows) {
        records.push_back({{"user_id", r.user},
                           {"item_id", r.item},
                           {"timestamp", iso_time(r.time)},
                           {"interaction_type", "view"},
                           {"implicit_rating", 1.0}});
        users.insert(r.user);
        items.insert(r.item);
    }
    nlohmann::ordered_json doc{{"metadata",
                                {{"num_users", users.size()},
                                 {"num_items", items.size()},
                                 {"num_interactions", rows.size()}}},
                               {"interactions", records}};
    std::ofstream(path) << doc.dump(1) << "\n";
}

// A CSV of other column names: member,article,stars,at (at in seconds).
inline void write_interactions_csv(const std::filesystem::path& path, const std::vector<Interaction>& rows) {
    std::ofstream out(path);
    out << "member,article,stars,at\n";
    for (const auto& r : rows) out << r.user << "," << r.item << "," << r.stars << "," << r.time << "\n";
}

// A job file: dataset "history" (interactions.json), model "recommender" of
// `algorithm` with `hyperparameters` (N3 lines at 8 spaces), training
// "recommend" with `training` lines (at 4 spaces) after model and dataset.
inline std::string recommender_job(const std::string& algorithm, const std::string& hyperparameters,
                                   const std::string& training,
                                   const std::string& dataset = "    source: interactions\n    path: interactions.json\n") {
    return "dataset \"history\":\n" + dataset + "model \"recommender\":\n    type: recommender\n    algorithm: " +
           algorithm + "\n" + (hyperparameters.empty() ? "" : "    hyperparameters:\n" + hyperparameters) +
           "training \"recommend\":\n    model: recommender\n    dataset: history\n" + training;
}

// Small NCF: a few epochs of a narrow network, about a second on this data.
inline const char* kSmallNcf =
    "        embedding_dim: 8\n        hidden_layers: [16, 8]\n        epochs: 6\n"
    "        batch_size: 128\n        learning_rate: 0.01\n";

inline const char* kRankedByNdcg =
    "    objective: maximize_ndcg@10\n    evaluation:\n        protocol: leave_one_out\n"
    "        negatives: 30\n        k: [5, 10]\n";

// A temporary directory with interactions.json (grouped_interactions()) and
// a real SQLite registry; job files are read as if written beside the data.
struct RecommenderWorkspace {
    std::filesystem::path dir;
    std::vector<Interaction> rows = grouped_interactions();
    std::unique_ptr<registry::Store> store;
    RecommenderWorkspace() {
        dir = std::filesystem::temp_directory_path() /
              ("hone-rec-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir);
        write_interactions_json(dir / "interactions.json", rows);
        store = registry::serialized(registry::open_store((dir / "hone.db").string()));
    }
    ~RecommenderWorkspace() { std::filesystem::remove_all(dir); }

    lang::JobFile parse(const std::string& text, const std::string& name = "recommend.n3") {
        auto loaded = lang::parse_job_text(text, (dir / name).string(), lang::format_for(dir / name));
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        return loaded.spec;
    }
    train::TrainOptions options() {
        train::TrainOptions o;
        o.context.model_root = (dir / "models").string();
        return o;
    }
    nlohmann::ordered_json train(const lang::JobFile& file, const std::string& job = "recommend") {
        return train::run_training_job(file, job, *store, options());
    }
};

}  // namespace hone::test_support
