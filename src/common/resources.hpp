#pragma once
// What this process uses of the machine while it trains: the training-service
// API's resource_usage, sampled once per round or epoch.
#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace hone {

struct ResourceUsage {
    double cpu_usage = 0;          // CPU time over wall time since the last sample, per core: 0..1
    std::int64_t memory_usage = 0;  // resident set size, bytes
    std::int64_t memory_total = 0;  // the machine's physical memory, bytes

    // {"cpu_usage", "memory_usage", "memory_total", "gpu_usage": null,
    //  "gpu_memory": null, "gpu_memory_total": null, "gpu_unavailable": why}:
    // the GPU fields are null because hone trains on the CPU only.
    nlohmann::ordered_json to_json() const;
};

// Samples this process's usage; each sample's cpu_usage covers the time since
// the previous one (since construction for the first).
class ResourceMonitor {
public:
    ResourceMonitor();
    ResourceUsage sample();

private:
    double cpu_seconds_ = 0;
    std::chrono::steady_clock::time_point wall_;
};

}  // namespace hone
