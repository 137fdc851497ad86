#pragma once
// Putting things right after a crash. A process killed while it trained, tuned
// or registered leaves runs marked running, staging folders, and (killed
// between moving an artifact into place and committing its entry) a folder no
// entry names, which would block the next registration of the same key.
// Every `hone` command that opens a store, and the server, call recover() first.
#include <filesystem>
#include <string>
#include <vector>

#include "registry/store.hpp"

namespace hone::registry {

// This process, as "<host>:<pid>:<start time in clock ticks since boot>": the
// start time tells a live process from a later one that reuses the pid.
const std::string& process_identity();

// Whether the process `identity` names is still running. A process of another
// host is taken as alive (its runs are left alone); a malformed or empty
// identity (runs written before owners were recorded) as gone.
bool process_alive(const std::string& identity);

// Staging folders are named ".staging-<host>-<pid>-<start>-<random>" (their
// writer's host, pid and start time): stale once that process is gone. Another
// host's (a model root shared between machines), and folders of the oldest form
// ".staging-<random>", are stale after this long.
inline constexpr int kStaleStagingSeconds = 3600;

// ".staging-<host>-<pid>-<start>-": how this process's staging folders begin.
std::string staging_prefix();

struct RecoveryReport {
    int runs_interrupted = 0;  // unfinished runs of gone processes, now "error" (interrupted)
    int staging_removed = 0;   // stale staging folders removed
    int orphans_removed = 0;   // artifact folders no entry names, removed
    // One line a change, for logs: "run run-1a2b (train churn) was interrupted ...".
    std::vector<std::string> notes;
};

// Marks the unfinished runs whose process is gone as failed ("interrupted:
// the process that ran it (pid N) ended before the run finished"), removes
// stale staging folders under `model_root`, and, holding the store's write
// lock, removes folders under `model_root` that hold a manifest but that no
// registry entry names. The model root belongs to one store: folders another
// store registered there would count as orphans. Safe to call at any time, by
// many processes at once; a missing model root is nothing to recover.
RecoveryReport recover(Store& store, const std::filesystem::path& model_root);

}  // namespace hone::registry
