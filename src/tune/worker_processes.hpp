#pragma once
// The `hone worker` processes a coordinating `hone tune --workers N` starts on
// its own machine. They share its standard error (so their errors show), are
// asked to stop (SIGTERM) if the coordinator leaves early, and are waited for.
#include <sys/types.h>

#include <string>
#include <vector>

namespace hone::tune {

class WorkerProcesses {
public:
    // Starts `count` processes of `program` with `args` (after the program's
    // name), in this process's environment plus `defaults` ("NAME=value"),
    // each unless the environment already sets NAME. Throws hone::Error(io)
    // naming the program when one cannot start (those already started are stopped).
    WorkerProcesses(const std::string& program, const std::vector<std::string>& args, int count,
                    const std::vector<std::string>& defaults = {});
    // Stops those still running (SIGTERM, then SIGKILL after 5 s) and waits.
    ~WorkerProcesses();
    WorkerProcesses(const WorkerProcesses&) = delete;
    WorkerProcesses& operator=(const WorkerProcesses&) = delete;

    // Collects the ones that ended; true once every one has.
    bool all_exited();
    // Waits up to `seconds` for every one to end by itself; true when they did.
    bool wait(double seconds);
    // "worker 2 (pid 4242) was killed by signal 9 (Killed)", one per process
    // that ended other than with status 0.
    std::vector<std::string> failures() const;

private:
    struct Process {
        pid_t pid = -1;
        bool running = false;
        int status = 0;
    };
    void stop_all() noexcept;
    std::vector<Process> processes_;
};

}  // namespace hone::tune
