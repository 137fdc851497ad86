// Data-driven cases for loading datasets: every file under tests/cases/data is
// loaded through load_dataset and what came of it (the error, or the shape, the
// string values and the warnings) compared with the .expected file beside it.
// Set HONE_UPDATE_EXPECTED=1 to rewrite the .expected files (then review the diff).
//
// A case file <name>.<ext> is loaded as a dataset named <name> (up to the first
// dot); its last extension picks the source: csv, tsv, json, jsonl (source
// `file`), sqlite (table "data"), classification and interactions (the two
// JSON formats). What cannot live in a repository is made at run time in a
// temporary folder, from a marker file <name>.<ext>.<marker>:
//   .fifo    a FIFO named <name>.<ext> (with no writer: loading must not block)
//   .dir     a directory named <name>.<ext>
//   .link    a symbolic link named <name>.<ext> to the path the marker holds
//   .escape  root/<name>.<ext>, a link to outside/secret.csv, loaded confined to root
// Paths in the output are shown relative to the cases folder or the temporary one.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "data/utf8.hpp"

namespace fs = std::filesystem;
using hone::Error;
using hone::data::DType;
using hone::data::Frame;
using hone::lang::DatasetSpec;

namespace {

const fs::path kCases = fs::path(HONE_SOURCE_DIR) / "tests" / "cases" / "data";
const std::vector<std::string> kMarkers = {".fifo", ".dir", ".link", ".escape"};
// Loading a FIFO or a device must end at once; this only bounds a regression.
constexpr auto kLoadTimeout = std::chrono::seconds(20);

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool is_marker(const fs::path& p) {
    return std::find(kMarkers.begin(), kMarkers.end(), p.extension().string()) != kMarkers.end();
}

std::vector<fs::path> case_files() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(kCases))
        if (e.path().extension() != ".expected") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "hone-data-cases-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = fs::canonical(pattern);  // as the data layer reads paths back
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// The dataset a case file stands for; special files are made under `tmp`.
DatasetSpec case_spec(const fs::path& file, const fs::path& tmp) {
    fs::path data = is_marker(file) ? file.parent_path() / file.stem() : file;
    std::string filename = data.filename().string();
    DatasetSpec spec;
    spec.name = filename.substr(0, filename.find('.'));
    std::string ext = data.extension().string().substr(1);
    if (ext == "sqlite") spec.table = "data";
    spec.source = ext == "sqlite" || ext == "classification" || ext == "interactions" ? ext : "file";
    spec.base_dir = kCases;
    spec.path = filename;
    std::string marker = file.extension().string();
    if (!is_marker(file)) return spec;
    spec.base_dir = tmp;
    if (marker == ".fifo") {
        EXPECT_EQ(::mkfifo((tmp / filename).c_str(), 0600), 0);
    }
    if (marker == ".dir") fs::create_directory(tmp / filename);
    if (marker == ".link") fs::create_symlink(std::string(hone::trim(read_file(file))), tmp / filename);
    if (marker == ".escape") {
        fs::create_directories(tmp / "root");
        fs::create_directories(tmp / "outside");
        std::ofstream(tmp / "outside" / "secret.csv") << "secret\n42\n";
        fs::create_symlink("../outside/secret.csv", tmp / "root" / filename);
        spec.path = "root/" + filename;
        spec.confined_to = (tmp / "root").string();
    }
    return spec;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

// What loading gave: the shape, each string column's values, the warnings.
std::string describe_frame(const Frame& f) {
    std::string out = std::to_string(f.rows()) + (f.rows() == 1 ? " row x " : " rows x ") + std::to_string(f.cols()) +
                      (f.cols() == 1 ? " column: " : " columns: ") +
                      hone::join(f.names()) + "\n";
    for (const auto& c : f.columns())
        if (c.type() == DType::string) out += "column '" + c.name() + "' values: " + hone::join(c.dictionary()) + "\n";
    for (const auto& w : f.warnings()) out += "warning: " + w.message + "\n";
    return out;
}

std::string load_report(const DatasetSpec& spec) {
    try {
        return describe_frame(hone::data::load_dataset(spec));
    } catch (const Error& e) {
        std::string out = "error (" + std::string(hone::to_string(e.kind())) + ", " + e.code() + "): " + e.what() + "\n";
        if (!e.hint().empty()) out += "hint: " + e.hint() + "\n";
        return out;
    }
}

class DataCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(DataCase, LoadMatchesExpected) {
    const fs::path& file = GetParam();
    TempDir tmp;
    DatasetSpec spec = case_spec(file, tmp.path());
    auto pending = std::async(std::launch::async, [&] { return load_report(spec); });
    if (pending.wait_for(kLoadTimeout) != std::future_status::ready) {
        // Blocked on a FIFO: a writer opening and closing it lets the reader go.
        int fd = ::open(spec.resolved_path().c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
        FAIL() << "loading " << file.filename() << " did not end within " << kLoadTimeout.count() << " s";
    }
    std::string report = pending.get();
    replace_all(report, tmp.path().string() + "/", "");
    replace_all(report, tmp.path().string(), "<tmp>");
    replace_all(report, kCases.string() + "/", "");
    // What the data layer hands on is valid UTF-8, so JSON output cannot fail on it.
    EXPECT_TRUE(hone::data::is_valid_utf8(report)) << report;
    EXPECT_NO_THROW((void)nlohmann::json(report).dump());

    fs::path expected_path = file;
    expected_path += ".expected";
    if (std::getenv("HONE_UPDATE_EXPECTED")) {
        std::ofstream(expected_path, std::ios::binary) << report;
        return;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    EXPECT_EQ(report, read_file(expected_path));
}

INSTANTIATE_TEST_SUITE_P(Cases, DataCase, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                             std::string n = info.param.filename().string();
                             for (auto& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

}  // namespace
