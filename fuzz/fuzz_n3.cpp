// libFuzzer target: any bytes as an N3 job file, then as YAML. Parsing and binding
// must end in diagnostics, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lang/job_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto n3 = hone::lang::parse_job_text(text, "fuzz.n3", hone::lang::Format::n3);
    (void)n3.report();
    auto yaml = hone::lang::parse_job_text(text, "fuzz.yaml", hone::lang::Format::yaml);
    (void)yaml.report();
    return 0;
}
