// libFuzzer target for the CSV reader. The first byte picks the options (delimiter,
// header, extra NA token, a declared type); the rest is the CSV text. Each input is
// read serially and again on two threads cut into tiny chunks: a hone::Error is a
// fine answer, anything else escaping is a bug, and the two reads must agree
// exactly (same Frame, or the same error message), which checks the chunk-boundary
// logic on every input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "data/csv_reader.hpp"

using hone::data::CsvOptions;
using hone::data::DType;
using hone::data::Frame;

namespace {

// The Frame (or the error) as text, to compare two reads.
std::string render(const std::string_view text, const CsvOptions& options) {
    try {
        Frame f = hone::data::read_csv_text(text, options, "fuzz.csv");
        std::string out;
        for (const auto& c : f.columns()) {
            out += c.name();
            out += ':';
            out += to_string(c.type());
            out += ':';
            if (c.size() != f.rows()) std::abort();
            for (std::size_t i = 0; i < c.size(); ++i) {
                if (c.type() == DType::string && !c.is_null(i) &&
                    (c.codes()[i] < 0 || static_cast<std::size_t>(c.codes()[i]) >= c.dictionary().size()))
                    std::abort();
                out += c.is_null(i) ? std::string("\x01") : c.to_text(i);
                out += '\x02';
            }
            out += '\n';
        }
        return out;
    } catch (const hone::Error& e) {
        return std::string("error: ") + e.what();
    }
}

// Control bytes as \xNN, so a NUL does not end the report.
std::string visible(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::uint8_t mode = data[0];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    CsvOptions options;
    const char delimiters[] = {0, ',', ';', '\t', '|', ' ', 0, 0};
    options.delimiter = delimiters[mode & 7];
    options.header = (mode & 8) == 0;
    if (mode & 16) options.na_values = {"x", "-1"};
    if (mode & 32) {
        // Declare a type for the first column, named as the reader would name it.
        const DType types[] = {DType::int64, DType::float64, DType::boolean, DType::string};
        std::string first = "column_1";
        if (options.header) {
            CsvOptions probe = options;
            probe.threads = 1;
            try {
                Frame f = hone::data::read_csv_text(text, probe, "fuzz.csv");
                if (f.cols() > 0) first = f.columns()[0].name();
            } catch (const hone::Error&) {
            }
        }
        options.types = {{first, types[(mode >> 6) & 3]}};
    }

    CsvOptions serial = options;
    serial.threads = 1;
    std::string a = render(text, serial);

    CsvOptions parallel = options;
    parallel.threads = 2;
    parallel.chunk_bytes = 1 + (mode >> 6) * 7;  // 1, 8, 15 or 22 bytes: many cuts, many bad guesses
    std::string b = render(text, parallel);
    if (a != b) {
        std::fprintf(stderr, "serial and parallel reads differ\n--- serial\n%s\n--- parallel\n%s\n", visible(a).c_str(),
                     visible(b).c_str());
        std::abort();
    }
    return 0;
}
