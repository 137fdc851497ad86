#pragma once
// What every data-parallel training across worker processes of hone shares
// (xgboost/distributed.hpp, torch/distributed.hpp): a private working folder,
// files of rows, and the workers themselves, each the hone program started as
// `hone COMMAND DIR RANK`, watched and stopped together by the process that
// trains (the coordinator).
//
// Rank 0 relays each round to the coordinator on its standard output and
// reads the coordinator's answer (go on, stop, best round) on its standard
// input, so the trainer's callbacks (early stopping, progress, pruning) run in
// the coordinator as for a fit in its own process. A worker that ends badly
// (an error, a signal) fails the fit at once, naming it; the others are
// stopped. Workers die with the coordinator (they ask the kernel for that).
// Torch-free and XGBoost-free.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "data/frame.hpp"
#include "models/estimator.hpp"

namespace hone::models {

// How a distributed fit runs its workers.
struct DistributedOptions {
    int workers = 2;
    // The hone program started as each worker; empty: this program.
    std::filesystem::path program;
    // A worker that has not joined, or a peer silent for this long, fails the fit.
    std::chrono::seconds timeout{30};
    // Threads of all workers together (each gets threads / workers, at least
    // 1); 0 = every core.
    unsigned threads = 0;
};

namespace workers {

// hone::Error(internal, "distributed_failed") saying "distributed training
// failed: " and `message`.
[[noreturn]] void fail(const std::string& message, const std::string& hint = {});

// A fresh folder under the system's temporary folder ("hone-PREFIX-XXXXXX"),
// removed with everything in it when this ends.
struct WorkDir {
    std::filesystem::path path;
    explicit WorkDir(const std::string& prefix);
    ~WorkDir();
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
};

// Rows [begin, end) of `x` and their targets as one binary file (row-major
// float32 features, float32 targets), which read_rows reads back.
void write_rows(const std::filesystem::path& path, const data::Matrix& x, const std::vector<float>& y,
                std::size_t begin, std::size_t end);
void read_rows(const std::filesystem::path& path, data::Matrix& x, std::vector<float>& y);

// Each worker's share of `threads` (0 = every core), at least 1.
unsigned threads_per_worker(unsigned threads, int workers);

// The hone program to start as a worker: `given`, or this program when empty.
std::filesystem::path worker_program(const std::filesystem::path& given);
// How a child process ended, from waitpid's status: "exited with status 3" or
// "was killed by signal 9 (Killed)".
std::string describe_exit_status(int status);

// Checks `options.workers` (1 to 256) against the training rows.
void check_workers(const DistributedOptions& options, std::size_t training_rows);

// Starts options.workers processes `program command dir rank` and waits until
// they all end. Rank 0's relayed rounds go to callbacks.on_round and its
// answers back to it. Throws distributed_failed naming the first worker that
// failed (its rank, process id and exit: a signal, or its status and last
// line of error output) after stopping the others; hone::Error(cancelled) once
// callbacks.cancelled() turns true (the workers are stopped); and whatever
// `check`, called about every 100 ms, throws (the workers are stopped).
void run_workers(const std::filesystem::path& program, const std::string& command, const std::filesystem::path& dir,
                 int workers, const Callbacks& callbacks, const std::function<void()>& check = {});

// ---- in a worker ----

// Rank 0's round sent to the coordinator, and its answer; distributed_failed
// when the coordinator is gone.
RoundDecision ask_coordinator(const RoundReport& round);

// A worker's whole life: it dies with the coordinator, runs `work`, tells the
// coordinator it is done and returns 0; on an exception it prints it on its
// error output and leaves at once with status 1, without destructors (a
// collective it joined may be stuck).
int worker_main(const std::function<void()>& work);

}  // namespace workers
}  // namespace hone::models
