#pragma once
// Runs the hone program (or another) as a user does: a real process, its exit
// code, what it printed on standard output and on standard error apart.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace hone::test_support {

struct Ran {
    int code = -1;
    std::string out;  // standard output
    std::string err;  // standard error
};

inline std::string slurp(FILE* f) {
    std::string text;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f)) text.append(buf.data(), n);
    return text;
}

// `command` run by the shell (quote what holds spaces).
inline Ran run_command(const std::string& command) {
    static int calls = 0;
    auto err = std::filesystem::temp_directory_path() /
               ("hone-run-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(++calls));
    std::string cmd = command + " 2>" + err.string();
    Ran r;
    FILE* p = ::popen(cmd.c_str(), "r");
    r.out = slurp(p);
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (FILE* e = std::fopen(err.c_str(), "r")) {
        r.err = slurp(e);
        std::fclose(e);
    }
    std::filesystem::remove(err);
    return r;
}

// The hone program with `args` as a shell would split them (quote what holds spaces).
inline Ran run_hone(const std::string& args) { return run_command(std::string(HONE_BINARY) + " " + args); }

}  // namespace hone::test_support
