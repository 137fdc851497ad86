#include "models/cluster/rows.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <new>

#include <sys/mman.h>
#include <thread>

#include "common/error.hpp"

namespace hone::models::cluster {

void* allocate_bytes(std::size_t bytes) {
    constexpr std::size_t kHugePage = std::size_t{2} << 20;
    if (bytes >= 2 * kHugePage) {
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        if (void* p = std::aligned_alloc(kHugePage, rounded)) {
            ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: refused, the pages are ordinary ones
            return p;
        }
    }
    if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
    throw std::bad_alloc();
}

Points to_points(const data::Matrix& x) {
    Points p;
    p.rows = x.rows;
    p.cols = x.cols;
    p.values.assign(x.data.begin(), x.data.end());
    return p;
}

unsigned worker_count(std::size_t n, unsigned threads, std::size_t min_per_worker) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    std::size_t by_size = std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_per_worker));
    return static_cast<unsigned>(std::min<std::size_t>(threads, by_size));
}

void parallel_slices(std::size_t n, unsigned workers,
                     const std::function<void(std::size_t, std::size_t, unsigned)>& fn) {
    workers = std::max(1u, workers);
    std::vector<std::thread> pool;
    std::exception_ptr failure;
    std::mutex failure_lock;
    auto run = [&](std::size_t begin, std::size_t end, unsigned w) {
        try {
            fn(begin, end, w);
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_lock);
            if (!failure) failure = std::current_exception();
        }
    };
    for (unsigned w = 0; w + 1 < workers; ++w) pool.emplace_back(run, n * w / workers, n * (w + 1) / workers, w);
    run(n * (workers - 1) / workers, n, workers - 1);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

void parallel_tasks(std::size_t n, unsigned workers, const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    workers = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(n, workers)));
    parallel_slices(workers, workers, [&](std::size_t, std::size_t, unsigned) {
        for (std::size_t i = next++; i < n && !failed; i = next++) {
            try {
                fn(i);
            } catch (...) {
                failed = true;  // the other workers take no new task
                throw;
            }
        }
    });
}

void parallel_chunks(std::size_t n, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t, std::size_t, std::size_t)>& fn) {
    const std::size_t chunks = chunk_count(n, chunk);
    parallel_slices(chunks, worker_count(chunks, threads, 1), [&](std::size_t first, std::size_t last, unsigned) {
        for (std::size_t c = first; c < last; ++c) fn(c, c * chunk, std::min(n, (c + 1) * chunk));
    });
}

std::pair<std::int32_t, double> nearest_center(const double* x, const std::vector<double>& centers, std::size_t k,
                                               std::size_t d) {
    std::int32_t best = 0;
    double best_d = squared_distance(x, centers.data(), d);
    for (std::size_t c = 1; c < k; ++c) {
        double dist = squared_distance(x, centers.data() + c * d, d);
        if (dist < best_d) {
            best_d = dist;
            best = static_cast<std::int32_t>(c);
        }
    }
    return {best, best_d};
}

namespace {

constexpr char kMagic[8] = {'h', 'o', 'n', 'e', 'a', 'r', 'r', '1'};

template <typename T>
void write_values(const std::filesystem::path& path, std::span<const T> values) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const std::uint64_t count = values.size();
    out.write(kMagic, sizeof kMagic);
    out.write(reinterpret_cast<const char*>(&count), sizeof count);
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
    out.close();
    if (!out) throw Error(ErrorKind::io, "write_failed", "cannot write " + path.string());
}

template <typename T>
std::vector<T> read_values(const std::filesystem::path& path) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::data, "invalid_model", path.string() + ": " + why);
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) throw bad("cannot be read");
    char magic[sizeof kMagic];
    std::uint64_t count = 0;
    in.read(magic, sizeof magic);
    in.read(reinterpret_cast<char*>(&count), sizeof count);
    if (!in || std::memcmp(magic, kMagic, sizeof kMagic) != 0) throw bad("not an array file of hone");
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size != sizeof kMagic + sizeof count + count * sizeof(T)) throw bad("its size does not match its count");
    std::vector<T> values(count);
    in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(T)));
    if (!in) throw bad("is cut short");
    return values;
}

}  // namespace

void write_array(const std::filesystem::path& path, std::span<const double> values) { write_values(path, values); }
void write_array(const std::filesystem::path& path, std::span<const std::int32_t> values) {
    write_values(path, values);
}
std::vector<double> read_doubles(const std::filesystem::path& path) { return read_values<double>(path); }
std::vector<std::int32_t> read_ints(const std::filesystem::path& path) { return read_values<std::int32_t>(path); }

}  // namespace hone::models::cluster
