// libFuzzer target: any bytes as an N3 job file. Parsing and binding must end in
// diagnostics, never a crash, hang, exception or sanitizer report; nesting past
// max_nesting_depth (flow lists and maps, indented blocks, "- - -" items) is one
// located error. YAML and JSON have their own target (fuzz_yaml.cpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lang/job_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto n3 = hone::lang::parse_job_text(text, "fuzz.n3", hone::lang::Format::n3);
    (void)n3.report();
    return 0;
}
