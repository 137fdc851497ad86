#pragma once
// What the clusterers share: rows as doubles, squared distances, work split
// over threads, and their saved arrays.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "data/matrix.hpp"

namespace hone::models::cluster {

// Memory for large arrays in 2 MiB pages where the kernel offers them on
// request (transparent huge pages in `madvise` mode, Debian's default): a
// 200,000 x 20 table then takes 16 page faults instead of 8,000, which on a
// virtual machine is most of the time spent copying it. Smaller arrays, and
// kernels without huge pages, get ordinary memory.
void* allocate_bytes(std::size_t bytes);  // freed with std::free; throws std::bad_alloc
template <class T>
struct HugePageAllocator {
    using value_type = T;
    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(allocate_bytes(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { std::free(p); }
    template <class U>
    bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

// Row-major doubles: the clusterers compute in float64, as scikit-learn does.
struct Points {
    std::size_t rows = 0, cols = 0;
    std::vector<double, HugePageAllocator<double>> values;
    const double* row(std::size_t r) const { return values.data() + r * cols; }
    double* row(std::size_t r) { return values.data() + r * cols; }
};
Points to_points(const data::Matrix& x);

inline double squared_distance(const double* a, const double* b, std::size_t d) {
    double s = 0;
    for (std::size_t i = 0; i < d; ++i) {
        const double diff = a[i] - b[i];
        s += diff * diff;
    }
    return s;
}

// Calls fn(begin, end, worker) on `workers` contiguous slices of [0, n), each on
// its own thread (the calling thread runs the last). workers = 0: every core;
// fewer rows than `min_per_worker` per worker use fewer workers. Returns how
// many workers ran, so callers can size per-worker partial results beforehand
// with worker_count().
unsigned worker_count(std::size_t n, unsigned threads, std::size_t min_per_worker = 2048);
void parallel_slices(std::size_t n, unsigned workers,
                     const std::function<void(std::size_t begin, std::size_t end, unsigned worker)>& fn);

// fn(i) for every task i of [0, n), each taken by the next free worker: for
// tasks of uneven length. The first exception is rethrown after all stop.
void parallel_tasks(std::size_t n, unsigned workers, const std::function<void(std::size_t task)>& fn);

// Rows [0, n) in chunks of `chunk` rows; fn(c, begin, end) runs for every
// chunk c, chunks spread over the workers. Per-chunk partial results combined in
// chunk order give the same sums whatever the number of threads.
inline std::size_t chunk_count(std::size_t n, std::size_t chunk) { return (n + chunk - 1) / chunk; }
void parallel_chunks(std::size_t n, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t c, std::size_t begin, std::size_t end)>& fn);

// The nearest of `k` centers (row-major, d wide) to `x`, ties to the lower
// index, and its squared distance.
std::pair<std::int32_t, double> nearest_center(const double* x, const std::vector<double>& centers, std::size_t k,
                                               std::size_t d);

// Flat arrays saved beside a model's JSON: a small header (magic, count) then
// the values as stored in memory. read_* throw hone::Error(data,
// "invalid_model") naming the file when it is short, long or not ours.
void write_array(const std::filesystem::path& path, std::span<const double> values);
void write_array(const std::filesystem::path& path, std::span<const std::int32_t> values);
std::vector<double> read_doubles(const std::filesystem::path& path);
std::vector<std::int32_t> read_ints(const std::filesystem::path& path);

}  // namespace hone::models::cluster
