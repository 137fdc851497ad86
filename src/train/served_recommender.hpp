#pragma once
// A registered recommender loaded for serving: the model, the user and item id
// tables, each user's seen items and the item counts (for users the model never
// saw), all read from its verified artifact. Safe to share between threads.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/interactions.hpp"
#include "models/recommender.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

// The artifact file of what serving needs beside the model, and its content:
// the id tables, each user's seen items (every interaction, held-out ones
// included) and the item counts that rank items for unknown users.
inline constexpr const char* kRecommenderTablesFile = "interactions.json";
Json serving_tables(const data::Interactions& all, const data::UserItems& seen_all);

// A recommendation request, as the recommend endpoint takes it and
// `hone recommend` builds it: one user (user_id) or several (user_ids, at most
// kMaxRecommendUsers), k (default 10), include_seen (default false).
struct RecommendRequest {
    std::vector<std::string> user_ids;
    bool many = false;  // written as user_ids: the answer is a list
    std::size_t k = 10;
    bool include_seen = false;
};
inline constexpr std::size_t kMaxRecommendUsers = 1000;

// Reads {"user_id": "u1" | 7, "k": 10, "include_seen": false} or {"user_ids":
// [...], ...}. Ids may be strings or whole numbers (7 is the id "7", as a
// numeric column's ids are). hone::Error(validation, "invalid_field") naming
// the field and what it must be; unknown fields are the caller's to refuse.
RecommendRequest read_recommend_request(const Json& body);

class ServedRecommender {
public:
    // `manifest` is the artifact's, already verified; `dir` holds its files.
    // hone::Error(data, "model_load_failed") for tables that do not fit together.
    ServedRecommender(const Json& manifest, const std::filesystem::path& dir);

    // The `k` best items for `user_id`, best first:
    //   {"user_id": ..., "cold_start": false, "items": [{"item_id": ..., "score": ...}, ...]}
    // Items the user has interacted with are left out unless `include_seen`. A
    // user the model never saw gets the most popular items ("cold_start": true,
    // scores are interaction counts); a known user gets the model's scores
    // (higher is better; NCF's are logits). Fewer than k items when fewer are
    // left. k must be from 1 to the catalog's size: hone::Error(validation,
    // "invalid_k") otherwise, naming both.
    Json recommend(const std::string& user_id, std::size_t k, bool include_seen) const;
    // The answer to a request: one user's as above, or {"recommendations": [...]}.
    Json answer(const RecommendRequest& request) const;

    // Several users at once: {"recommendations": [one answer as above per user]}.
    Json recommend(const std::vector<std::string>& user_ids, std::size_t k, bool include_seen) const;

    std::size_t num_users() const { return user_ids_.size(); }
    std::size_t num_items() const { return item_ids_.size(); }

    // What the recommender is made of, for writers that translate it (export):
    // the model, and the ids of its user and item indices (user_ids()[u] is
    // the id of the model's user u).
    const models::Recommender& model() const { return *model_; }
    const std::vector<std::string>& user_ids() const { return user_ids_; }
    const std::vector<std::string>& item_ids() const { return item_ids_; }

private:
    std::unique_ptr<models::Recommender> model_;
    std::vector<std::string> user_ids_, item_ids_;
    std::unordered_map<std::string, std::int32_t> user_index_;
    data::UserItems seen_;
    std::vector<std::int64_t> item_counts_;
};

}  // namespace hone::train
