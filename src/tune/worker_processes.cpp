#include "tune/worker_processes.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/error.hpp"
#include "models/worker_processes.hpp"

extern char** environ;

namespace hone::tune {

namespace {

// NULL-terminated pointers into `words`, for exec.
std::vector<char*> pointers(std::vector<std::string>& words) {
    std::vector<char*> out;
    for (auto& w : words) out.push_back(w.data());
    out.push_back(nullptr);
    return out;
}

std::vector<std::string> environment_with(const std::vector<std::string>& defaults) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& d : defaults) {
        std::string name = d.substr(0, d.find('=') + 1);
        bool set = std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name, 0) == 0; });
        if (!set) env.push_back(d);
    }
    return env;
}

}  // namespace

WorkerProcesses::WorkerProcesses(const std::string& program, const std::vector<std::string>& args, int count,
                                 const std::vector<std::string>& defaults) {
    std::vector<std::string> words{program};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv = pointers(words);
    std::vector<std::string> env_words = environment_with(defaults);
    std::vector<char*> envp = pointers(env_words);
    for (int i = 0; i < count; ++i) {
        Process p;
        int rc = ::posix_spawn(&p.pid, program.c_str(), nullptr, nullptr, argv.data(), envp.data());
        if (rc != 0) {
            stop_all();
            throw Error(ErrorKind::io, "worker_start_failed",
                        "cannot start tuning worker " + std::to_string(i + 1) + " (" + program + "): " + std::strerror(rc));
        }
        p.running = true;
        processes_.push_back(p);
    }
}

WorkerProcesses::~WorkerProcesses() { stop_all(); }

bool WorkerProcesses::all_exited() {
    bool all = true;
    for (auto& p : processes_) {
        if (p.running && ::waitpid(p.pid, &p.status, WNOHANG) == p.pid) p.running = false;
        all = all && !p.running;
    }
    return all;
}

bool WorkerProcesses::wait(double seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!all_exited()) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

std::vector<std::string> WorkerProcesses::failures() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < processes_.size(); ++i) {
        const Process& p = processes_[i];
        if (p.running || (WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0)) continue;
        out.push_back("worker " + std::to_string(i + 1) + " (pid " + std::to_string(p.pid) + ") " +
                      models::workers::describe_exit_status(p.status));
    }
    return out;
}

void WorkerProcesses::stop_all() noexcept {
    if (all_exited()) return;
    for (auto& p : processes_)
        if (p.running) ::kill(p.pid, SIGTERM);
    if (wait(5)) return;
    for (auto& p : processes_)
        if (p.running) ::kill(p.pid, SIGKILL);
    for (auto& p : processes_)
        if (p.running && ::waitpid(p.pid, &p.status, 0) == p.pid) p.running = false;
}

}  // namespace hone::tune
