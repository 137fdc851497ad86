#pragma once
// Files the test suites share: a temporary directory removed at the end, and
// the data-driven case files of a folder under tests/cases.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hone::test_support {

// A fresh directory under the system's temporary one, named from `prefix`,
// the process and this object; removed with everything in it.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "hone-test") {
        path = std::filesystem::temp_directory_path() /
               (prefix + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// The files of tests/cases/<folder> whose extension is one of `extensions`, sorted.
inline std::vector<std::filesystem::path> case_files(const std::string& folder,
                                                     const std::vector<std::string>& extensions) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(HONE_SOURCE_DIR) / "tests/cases" /
                                                             folder))
        if (std::find(extensions.begin(), extensions.end(), e.path().extension().string()) != extensions.end())
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace hone::test_support
