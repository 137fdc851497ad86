// Data-driven cases for `hone check`: every job file under tests/cases/check is
// checked as `hone check` checks it (the language, then the registries of the
// later stages: tune/validate.hpp) and its rendered report compared with the
// .expected file beside it.
// An empty .expected file means the job file must check clean. Set
// HONE_UPDATE_EXPECTED=1 to rewrite the .expected files (then review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lang/job_file.hpp"
#include "tune/validate.hpp"
#include "../support/files.hpp"

namespace fs = std::filesystem;
using namespace hone::lang;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<fs::path> case_files() { return hone::test_support::case_files("check", {".n3", ".yaml", ".json"}); }

class CheckCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(CheckCase, ReportMatchesExpected) {
    const fs::path& path = GetParam();
    std::string name = path.filename().string();
    auto loaded = parse_job_text(read_file(path), name, format_for(path));
    hone::tune::validate_job(loaded);
    std::string report = loaded.report();
    fs::path expected_path = path;
    expected_path += ".expected";
    if (std::getenv("HONE_UPDATE_EXPECTED")) {
        std::ofstream(expected_path, std::ios::binary) << report;
        return;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    std::string expected = read_file(expected_path);
    EXPECT_EQ(report, expected);
    bool expects_errors = expected.find(": error: ") != std::string::npos;
    EXPECT_EQ(loaded.ok(), !expects_errors);
    // Cases named ok_* and the language's complete example must be clean.
    if (name.rfind("ok_", 0) == 0 || name == "seed_complete_example.n3") {
        EXPECT_TRUE(loaded.ok()) << report;
    }
    if (name.rfind("err_", 0) == 0) {
        EXPECT_FALSE(loaded.ok());
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, CheckCase, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                             std::string n = info.param.filename().string();
                             for (auto& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

}  // namespace
