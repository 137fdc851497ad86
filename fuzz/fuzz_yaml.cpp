// libFuzzer target: any bytes as a YAML job file, or as a JSON one when the text
// starts with '{' (both go through yaml-cpp, so one reader and two names). Parsing
// and binding must end in diagnostics, never a crash, a hang, an exception or a
// sanitizer report; anchors, aliases and deep nesting are refused, so no input
// may take long or much memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lang/job_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string_view start = text.substr(text.find_first_not_of(" \t\r\n") == std::string_view::npos
                                             ? text.size()
                                             : text.find_first_not_of(" \t\r\n"));
    bool json = !start.empty() && start.front() == '{';
    auto loaded = hone::lang::parse_job_text(text, json ? "fuzz.json" : "fuzz.yaml",
                                             json ? hone::lang::Format::json : hone::lang::Format::yaml);
    (void)loaded.report();
    return 0;
}
