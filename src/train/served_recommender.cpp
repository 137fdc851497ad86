#include "train/served_recommender.hpp"

#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "common/file.hpp"
#include "metrics/ranking.hpp"
#include "models/catalog.hpp"
#include "train/manifest.hpp"

namespace hone::train {

namespace {

[[noreturn]] void corrupt(const std::filesystem::path& path, const std::string& why) {
    throw Error(ErrorKind::data, "model_load_failed", path.string() + ": " + why);
}

// A float score as the JSON number that reads back as the same float
// ("2.537414", not the double 2.5374138355255127).
double as_written(float score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(score));
    for (int digits = 6; digits < 9; ++digits) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", digits, static_cast<double>(score));
        if (std::strtof(shorter, nullptr) == score) return std::strtod(shorter, nullptr);
    }
    return std::strtod(buf, nullptr);
}

std::string user_id_of(const Json& v, const std::string& field) {
    if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
    if (v.is_number_integer()) return v.dump();
    throw Error(ErrorKind::validation, "invalid_field",
                "'" + field + "' must be a user id (a non-empty string or a whole number), got " + v.dump());
}

}  // namespace

RecommendRequest read_recommend_request(const Json& body) {
    RecommendRequest r;
    const bool one = body.contains("user_id"), many = body.contains("user_ids");
    if (one == many)
        throw Error(ErrorKind::validation, "invalid_field",
                    one ? "give either 'user_id' or 'user_ids', not both" : "the request needs 'user_id' or 'user_ids'",
                    {}, R"(e.g. {"user_id": "user_7", "k": 10})");
    if (one) r.user_ids.push_back(user_id_of(body["user_id"], "user_id"));
    if (many) {
        const Json& ids = body["user_ids"];
        if (!ids.is_array() || ids.empty() || ids.size() > kMaxRecommendUsers)
            throw Error(ErrorKind::validation, "invalid_field",
                        "'user_ids' must be a list of 1 to " + std::to_string(kMaxRecommendUsers) + " user ids");
        for (std::size_t i = 0; i < ids.size(); ++i)
            r.user_ids.push_back(user_id_of(ids[i], "user_ids[" + std::to_string(i) + "]"));
        r.many = true;
    }
    if (body.contains("k")) {
        const Json& k = body["k"];
        if (!k.is_number_integer() || k.get<std::int64_t>() < 1)
            throw Error(ErrorKind::validation, "invalid_field", "'k' must be a whole number of at least 1, got " + k.dump());
        r.k = static_cast<std::size_t>(k.get<std::int64_t>());
    }
    if (body.contains("include_seen")) {
        if (!body["include_seen"].is_boolean())
            throw Error(ErrorKind::validation, "invalid_field",
                        "'include_seen' must be true or false, got " + body["include_seen"].dump());
        r.include_seen = body["include_seen"].get<bool>();
    }
    return r;
}

Json serving_tables(const data::Interactions& all, const data::UserItems& seen_all) {
    return Json{{"user_ids", all.user_ids},
                {"item_ids", all.item_ids},
                {"seen_offsets", seen_all.offsets},
                {"seen_items", seen_all.items},
                {"item_counts", data::item_counts(all)}};
}

ServedRecommender::ServedRecommender(const Json& manifest, const std::filesystem::path& dir) {
    ManifestModel m = model_of(manifest);
    model_ = models::make_recommender(*m.algo, m.config);
    model_->load(dir);

    const auto path = dir / kRecommenderTablesFile;
    const Json tables = Json::parse(read_file(path).value_or(""), nullptr, false);
    if (tables.is_discarded() || !tables.is_object()) corrupt(path, "not the recommender's id tables");
    try {
        user_ids_ = tables.at("user_ids").get<std::vector<std::string>>();
        item_ids_ = tables.at("item_ids").get<std::vector<std::string>>();
        seen_.offsets = tables.at("seen_offsets").get<std::vector<std::size_t>>();
        seen_.items = tables.at("seen_items").get<std::vector<std::int32_t>>();
        item_counts_ = tables.at("item_counts").get<std::vector<std::int64_t>>();
    } catch (const Json::exception& e) {
        corrupt(path, e.what());
    }
    if (seen_.offsets.size() != user_ids_.size() + 1 || item_counts_.size() != item_ids_.size() ||
        seen_.offsets.back() != seen_.items.size())
        corrupt(path, "its tables do not agree in size");
    for (std::size_t u = 0; u < user_ids_.size(); ++u) user_index_.emplace(user_ids_[u], static_cast<std::int32_t>(u));
}

Json ServedRecommender::recommend(const std::string& user_id, std::size_t k, bool include_seen) const {
    if (k < 1 || k > item_ids_.size())
        throw Error(ErrorKind::validation, "invalid_k",
                    "k must be from 1 to the catalog's " + std::to_string(item_ids_.size()) + " items, got " +
                        std::to_string(k));
    auto found = user_index_.find(user_id);
    const bool cold = found == user_index_.end();
    std::vector<float> scores(item_ids_.size());
    std::span<const std::int32_t> excluded;
    if (cold) {
        for (std::size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(item_counts_[i]);
    } else {
        model_->score_all(found->second, scores);
        if (!include_seen) excluded = seen_.of(found->second);
    }
    Json items = Json::array();
    for (std::int32_t i : metrics::top_k(scores, k, excluded)) {
        const auto index = static_cast<std::size_t>(i);
        items.push_back(Json{{"item_id", item_ids_[index]}, {"score", as_written(scores[index])}});
    }
    return Json{{"user_id", user_id}, {"cold_start", cold}, {"items", std::move(items)}};
}

Json ServedRecommender::recommend(const std::vector<std::string>& user_ids, std::size_t k, bool include_seen) const {
    Json out = Json::array();
    for (const auto& user : user_ids) out.push_back(recommend(user, k, include_seen));
    return Json{{"recommendations", std::move(out)}};
}

Json ServedRecommender::answer(const RecommendRequest& request) const {
    if (request.many) return recommend(request.user_ids, request.k, request.include_seen);
    return recommend(request.user_ids.front(), request.k, request.include_seen);
}

}  // namespace hone::train
