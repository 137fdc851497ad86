#include "registry/recovery.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

namespace hone::registry {

namespace fs = std::filesystem;

namespace {

// Field 22 of /proc/<pid>/stat: when the process started, in ticks since boot;
// "" when there is no such process.
std::string start_time_of(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return "";
    // The command name (field 2) is in parentheses and may hold spaces.
    auto close = stat.rfind(')');
    if (close == std::string::npos) return "";
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i)
        if (i == 22) return field;
    return "";
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

// Splits "a:b:c" from the right into host (which may hold ':'), pid, start.
bool parse_identity(const std::string& id, std::string& host, long& pid, std::string& start) {
    auto second = id.rfind(':');
    if (second == std::string::npos || second == 0) return false;
    auto first = id.rfind(':', second - 1);
    if (first == std::string::npos) return false;
    host = id.substr(0, first);
    start = id.substr(second + 1);
    try {
        pid = std::stol(id.substr(first + 1, second - first - 1));
    } catch (const std::exception&) {
        return false;
    }
    return pid > 0 && !start.empty();
}

bool local_process_alive(long pid, const std::string& start) {
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
    return start_time_of(pid) == start;
}

void interrupt_gone_runs(Store& store, RecoveryReport& report) {
    for (auto run : store.unfinished_runs()) {
        if (process_alive(run.owner)) continue;
        std::string host;
        long pid = 0;
        std::string start;
        std::string who = parse_identity(run.owner, host, pid, start) ? "the process that ran it (pid " +
                                                                             std::to_string(pid) + ")"
                                                                       : "the process that ran it";
        run.status = "error";
        run.error = "interrupted: " + who + " ended before the run finished";
        store.update_run(run);
        ++report.runs_interrupted;
        report.notes.push_back("run " + run.id + " (" + run.kind + " " + run.job + ") was interrupted: " + who +
                               " ended; marked failed");
    }
}

// A staging folder's name after ".staging-": "<host>-<pid>-<start>-<random>",
// split from the right as the host may hold '-'; host is "" in the older form
// "<pid>-<start>-<random>", written before hosts were named.
bool parse_staging(const std::string& rest, std::string& host, long& pid, std::string& start) {
    auto last = rest.rfind('-');
    if (last == std::string::npos || last == 0) return false;
    auto second = rest.rfind('-', last - 1);
    if (second == std::string::npos || second == 0) return false;
    auto third = rest.rfind('-', second - 1);
    std::size_t pid_at = third == std::string::npos ? 0 : third + 1;
    host = third == std::string::npos ? "" : rest.substr(0, third);
    start = rest.substr(second + 1, last - second - 1);
    try {
        pid = std::stol(rest.substr(pid_at, second - pid_at));
    } catch (const std::exception&) {
        return false;
    }
    return pid > 0 && !start.empty();
}

// A staging folder of a gone writer on this host, or one past its age: another
// host's (whose processes this one cannot see, in a model root machines share)
// or one of the oldest form ".staging-<random>".
bool stale_staging(const fs::directory_entry& e) {
    std::string rest = e.path().filename().string().substr(std::string(".staging-").size());
    std::string host, start;
    long pid = 0;
    if (parse_staging(rest, host, pid, start) && (host.empty() || host == host_name()))
        return !local_process_alive(pid, start);
    std::error_code ec;
    auto written = fs::last_write_time(e.path(), ec);
    if (ec) return false;
    return fs::file_time_type::clock::now() - written > std::chrono::seconds(kStaleStagingSeconds);
}

void remove_stale_staging(const fs::path& root, RecoveryReport& report) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        if (!e.is_directory() || e.path().filename().string().rfind(".staging-", 0) != 0) continue;
        if (!stale_staging(e)) continue;
        std::error_code rm;
        fs::remove_all(e.path(), rm);
        if (rm) continue;
        ++report.staging_removed;
        report.notes.push_back("removed the staging folder " + e.path().string() + " of a process that is gone");
    }
}

void remove_orphans(Store& store, const fs::path& root, RecoveryReport& report) {
    store.exclusive([&](Store& locked) {
        std::set<std::string> keys;
        for (const auto& m : locked.list_models()) keys.insert(m.key);
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(root, ec)) {
            std::string name = e.path().filename().string();
            if (!e.is_directory() || name.empty() || name.front() == '.' || keys.count(name)) continue;
            if (!fs::exists(e.path() / "manifest.json")) continue;  // not an artifact of ours
            std::error_code rm;
            fs::remove_all(e.path(), rm);
            if (rm) continue;
            ++report.orphans_removed;
            report.notes.push_back("removed " + e.path().string() +
                                   ": an artifact no registry entry names (its registration was interrupted)");
        }
    });
}

}  // namespace

const std::string& process_identity() {
    // Made again after a fork: the child is another process.
    thread_local pid_t pid = 0;
    thread_local std::string id;
    if (pid != ::getpid()) {
        pid = ::getpid();
        id = host_name() + ":" + std::to_string(pid) + ":" + start_time_of(pid);
    }
    return id;
}

std::string staging_prefix() {
    return ".staging-" + host_name() + "-" + std::to_string(::getpid()) + "-" + start_time_of(::getpid()) + "-";
}

bool process_alive(const std::string& identity) {
    std::string host, start;
    long pid = 0;
    if (!parse_identity(identity, host, pid, start)) return false;
    if (host != host_name()) return true;
    return local_process_alive(pid, start);
}

RecoveryReport recover(Store& store, const fs::path& model_root) {
    RecoveryReport report;
    interrupt_gone_runs(store, report);
    std::error_code ec;
    if (!fs::is_directory(model_root, ec)) return report;
    remove_stale_staging(model_root, report);
    remove_orphans(store, model_root, report);
    return report;
}

}  // namespace hone::registry
