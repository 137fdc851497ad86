#pragma once
// A generated customers table for clustering tests: three well-separated
// segments in three numeric columns (age, annual_spend, visits; the i-th row is
// in segment i % 3), a text column telling the segments apart only partly
// (region), the true segment ("s0".."s2") and a customer_id that identifies rows.
#include <filesystem>
#include <fstream>
#include <random>

namespace hone::test_support {

// Each segment's center in (age, annual_spend, visits).
inline constexpr double segment_centers[3][3] = {{20, 200, 2}, {50, 800, 8}, {80, 400, 15}};

inline void write_segments_csv(const std::filesystem::path& path, int rows) {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> noise(0, 1);
    const char* regions[] = {"north", "south", "east", "west"};
    std::ofstream out(path);
    out << "customer_id,age,annual_spend,visits,region,segment\n";
    for (int i = 0; i < rows; ++i) {
        const int s = i % 3;
        const auto& c = segment_centers[s];
        out << i << "," << c[0] + 3 * noise(rng) << "," << c[1] + 40 * noise(rng) << "," << c[2] + noise(rng) << ","
            << regions[(s + i % 2) % 4] << ",s" << s << "\n";
    }
}

}  // namespace hone::test_support
