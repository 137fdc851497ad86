// Writes the CSV benchmark's input: N rows x 20 mixed columns (8 float, 6 int,
// 5 short string, 1 bool), with nulls spelled as empty fields, NA and null in a
// few columns. Deterministic for a given seed.
//
//   gen_csv ROWS OUT.csv [SEED]
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace {

const char* const cities[] = {"Berlin", "Paris", "London", "Madrid", "Rome", "Vienna", "Prague", "Warsaw",
                              "Lisbon", "Dublin", "Oslo", "Helsinki", "Athens", "Sofia", "Zagreb", "Riga",
                              "Tallinn", "Vilnius", "Bern", "Brussels", "Amsterdam", "Copenhagen",
                              "Stockholm", "Budapest", "Bucharest", "Ljubljana", "Bratislava", "Luxembourg",
                              "Valletta", "Nicosia", "New York", "San Francisco", "Los Angeles", "Chicago",
                              "Boston", "Seattle", "Austin", "Denver", "Miami", "Atlanta", "Toronto",
                              "Montreal", "Vancouver", "Tokyo", "Osaka", "Seoul", "Sydney", "Melbourne",
                              "Auckland", "Cape Town"};
const char* const statuses[] = {"active", "inactive", "pending", "churned", "trial"};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s ROWS OUT.csv [SEED]\n", argv[0]);
        return 2;
    }
    long rows = std::atol(argv[1]);
    FILE* out = std::fopen(argv[2], "wb");
    if (!out) {
        std::perror(argv[2]);
        return 1;
    }
    std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 1.0);
    auto chance = [&](double p) { return unit(rng) < p; };
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };

    std::fputs(
        "id,age,income,score,city,category,count,ratio,flag,temperature,product,quantity,price,lat,lon,"
        "status,year,weight,code,delta\n",
        out);
    std::string line;
    char buf[64];
    for (long i = 0; i < rows; ++i) {
        line.clear();
        auto add = [&](const char* s) {
            line += s;
            line += ',';
        };
        auto addf = [&](const char* fmt, auto v) {
            std::snprintf(buf, sizeof buf, fmt, v);
            add(buf);
        };
        addf("%ld", i + 1);                                                   // id
        if (chance(0.02)) add("NA"); else addf("%d", 18 + pick(73));          // age
        if (chance(0.05)) add(""); else addf("%.2f", 20000 + 80000 * unit(rng) + 15000 * normal(rng));  // income
        addf("%.6f", unit(rng));                                              // score
        add(cities[pick(50)]);                                                // city
        if (chance(0.01)) add("NA"); else addf("cat_%02d", pick(20));        // category
        addf("%d", pick(1001));                                               // count
        if (chance(0.1)) addf("%.3e", unit(rng) * 1e-4); else addf("%.4f", unit(rng));  // ratio
        if (chance(0.01)) add(""); else add(chance(0.5) ? "true" : "false");  // flag
        addf("%.1f", 15 + 10 * normal(rng));                                  // temperature
        addf("P%04d", pick(1000));                                            // product
        if (chance(0.03)) add("null"); else addf("%d", 1 + pick(50));         // quantity
        addf("%.2f", 1 + 200 * unit(rng));                                    // price
        addf("%.5f", -90 + 180 * unit(rng));                                  // lat
        addf("%.5f", -180 + 360 * unit(rng));                                 // lon
        add(statuses[pick(5)]);                                               // status
        addf("%d", 1990 + pick(35));                                          // year
        if (chance(0.1)) add(""); else addf("%.3f", 50 + 20 * normal(rng));   // weight
        {                                                                     // code: 2-3 letters
            int n = 2 + pick(2);
            for (int k = 0; k < n; ++k) buf[k] = static_cast<char>('A' + pick(8));
            buf[n] = 0;
            add(buf);
        }
        std::snprintf(buf, sizeof buf, "%d", pick(20001) - 10000);           // delta
        line += buf;
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), out);
    }
    return std::fclose(out) == 0 ? 0 : 1;
}
