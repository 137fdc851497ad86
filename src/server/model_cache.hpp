#pragma once
// Registered models loaded for prediction, by key: each loaded once (concurrent
// requests for a key being loaded wait for that one load), the least recently
// used dropped beyond `capacity`. A dropped model stays alive for requests still
// using it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "registry/store.hpp"
#include "train/predictor.hpp"

namespace hone::server {

class ModelCache {
public:
    ModelCache(registry::Store& store, std::size_t capacity);

    // The model, loaded on first use. Load failures (unknown key, corrupt
    // artifact) propagate as hone::Error and are not cached.
    std::shared_ptr<const train::LoadedModel> get(const std::string& key);
    // Forget `key` (after it is deleted from the registry).
    void evict(const std::string& key);

    std::size_t size() const;
    std::size_t loads() const { return loads_.load(); }

private:
    using Future = std::shared_future<std::shared_ptr<const train::LoadedModel>>;
    struct Slot {
        Future model;
        std::list<std::string>::iterator order;  // position in lru_
        std::uint64_t id = 0;                     // which load made it
    };

    registry::Store& store_;
    std::size_t capacity_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Slot> slots_;
    std::list<std::string> lru_;  // most recent first
    std::uint64_t next_id_ = 0;
    std::atomic<std::size_t> loads_{0};
};

}  // namespace hone::server
