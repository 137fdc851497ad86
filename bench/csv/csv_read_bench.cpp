// Stand-in for `hone data describe FILE` in the CSV benchmark, for builds whose CLI
// does not have that command yet: reads FILE with hone's CSV reader, then
// summarises every column and prints one JSON line with the timings.
//
//   csv_read_bench FILE [THREADS]
//
// Built with -DHONE_BENCH_STATS it summarises with data::describe (the statistics of
// `hone data describe`); without, with a minimal pass of its own (count, nulls,
// mean, min, max for numbers; distinct for strings) so the Frame is still read
// back once, as describe would.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "data/csv_reader.hpp"
#ifdef HONE_BENCH_STATS
#include "data/stats.hpp"
#endif

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

#ifndef HONE_BENCH_STATS
// Returns a checksum so the work cannot be optimised away.
double summarise(const hone::data::Frame& frame) {
    double check = 0;
    for (const auto& col : frame.columns()) {
        std::size_t n = col.size(), nulls = 0;
        if (col.type() == hone::data::DType::string) {
            std::vector<std::uint8_t> seen(col.dictionary().size(), 0);
            std::size_t distinct = 0;
            for (std::size_t i = 0; i < n; ++i) {
                std::int32_t c = col.codes()[i];
                if (c < 0) ++nulls;
                else if (!seen[c]) seen[c] = 1, ++distinct;
            }
            check += static_cast<double>(distinct + nulls);
            continue;
        }
        double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < n; ++i) {
            if (col.is_null(i)) {
                ++nulls;
                continue;
            }
            double v = col.as_double(i);
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        double mean = n > nulls ? sum / static_cast<double>(n - nulls) : 0;
        check += mean + static_cast<double>(nulls) + (std::isfinite(lo) ? lo + hi : 0);
    }
    return check;
}
#endif

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE [THREADS]\n", argv[0]);
        return 2;
    }
    hone::data::CsvOptions options;
    if (argc > 2) options.threads = static_cast<unsigned>(std::atoi(argv[2]));
    try {
        auto t0 = std::chrono::steady_clock::now();
        hone::data::Frame frame = hone::data::read_csv(argv[1], options);
        double read_s = seconds_since(t0);
        auto t1 = std::chrono::steady_clock::now();
#ifdef HONE_BENCH_STATS
        auto stats = hone::data::describe(frame);
        double check = static_cast<double>(stats.size());
        const char* how = "data::describe";
#else
        double check = summarise(frame);
        const char* how = "minimal";
#endif
        double describe_s = seconds_since(t1);
        std::printf(
            "{\"rows\": %zu, \"cols\": %zu, \"read_s\": %.4f, \"describe_s\": %.4f, \"describe\": \"%s\", "
            "\"check\": %.6g}\n",
            frame.rows(), frame.cols(), read_s, describe_s, how, check);
    } catch (const hone::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
