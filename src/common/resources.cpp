#include "common/resources.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

namespace hone {

namespace {

// User and system CPU time of every thread of the process.
double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// The second field of /proc/self/statm counts resident pages.
std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size = 0, resident = 0;
    if (!(statm >> size >> resident)) return 0;
    return resident * sysconf(_SC_PAGESIZE);
}

std::int64_t physical_bytes() {
    return static_cast<std::int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
}

}  // namespace

nlohmann::ordered_json ResourceUsage::to_json() const {
    return {{"cpu_usage", cpu_usage},
            {"memory_usage", memory_usage},
            {"memory_total", memory_total},
            {"gpu_usage", nullptr},
            {"gpu_memory", nullptr},
            {"gpu_memory_total", nullptr},
            {"gpu_unavailable", "hone trains on the CPU: this build has no GPU runtime"}};
}

ResourceMonitor::ResourceMonitor() : cpu_seconds_(process_cpu_seconds()), wall_(std::chrono::steady_clock::now()) {}

ResourceUsage ResourceMonitor::sample() {
    double cpu = process_cpu_seconds();
    auto now = std::chrono::steady_clock::now();
    double wall = std::chrono::duration<double>(now - wall_).count();
    double cores = std::max(1u, std::thread::hardware_concurrency());
    ResourceUsage out;
    out.cpu_usage = wall > 0 ? std::clamp((cpu - cpu_seconds_) / (wall * cores), 0.0, 1.0) : 0.0;
    out.memory_usage = resident_bytes();
    out.memory_total = physical_bytes();
    cpu_seconds_ = cpu;
    wall_ = now;
    return out;
}

}  // namespace hone
