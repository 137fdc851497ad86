#include "server/model_cache.hpp"

#include <optional>

namespace hone::server {

ModelCache::ModelCache(registry::Store& store, std::size_t capacity) : store_(store), capacity_(capacity ? capacity : 1) {}

std::shared_ptr<const train::LoadedModel> ModelCache::get(const std::string& key) {
    // Made only on a miss: a promise allocates its shared state, and a hit is the hot path.
    std::optional<std::promise<std::shared_ptr<const train::LoadedModel>>> promise;
    Future future;
    std::uint64_t id = 0;
    bool load_here = false;
    {
        std::lock_guard lock(mu_);
        auto it = slots_.find(key);
        if (it != slots_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second.order);
            future = it->second.model;
        } else {
            load_here = true;
            id = ++next_id_;
            promise.emplace();
            future = promise->get_future().share();
            lru_.push_front(key);
            slots_.emplace(key, Slot{future, lru_.begin(), id});
        }
    }
    // Someone else loads (or loaded) it: wait for that one load.
    if (!load_here) return future.get();

    // This thread loads, outside the lock so other keys are not held up.
    std::shared_ptr<const train::LoadedModel> model;
    try {
        model = train::LoadedModel::load(store_, key);
    } catch (...) {
        promise->set_exception(std::current_exception());
        std::lock_guard lock(mu_);
        auto it = slots_.find(key);
        // Only our own failed slot goes, so the next request tries again.
        if (it != slots_.end() && it->second.id == id) {
            lru_.erase(it->second.order);
            slots_.erase(it);
        }
        throw;
    }
    ++loads_;
    promise->set_value(model);
    // Room is made only once a load succeeded, so requests for unknown keys never
    // push out models in use.
    std::lock_guard lock(mu_);
    while (slots_.size() > capacity_ && lru_.back() != key) {
        slots_.erase(lru_.back());
        lru_.pop_back();
    }
    return model;
}

void ModelCache::evict(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    lru_.erase(it->second.order);
    slots_.erase(it);
}

std::size_t ModelCache::size() const {
    std::lock_guard lock(mu_);
    return slots_.size();
}

}  // namespace hone::server
