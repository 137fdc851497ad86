#include "models/worker_processes.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "common/error.hpp"
#include "common/text.hpp"

extern char** environ;

namespace hone::models::workers {

namespace {

constexpr char kRowsMagic[8] = {'h', 'o', 'n', 'e', 's', 'h', 'd', '1'};
// Lines of rank 0's standard output that carry the relay; anything else there
// (a library's own console lines) is ignored.
constexpr std::string_view kRelayPrefix = "@hone ";
// The most of a worker's standard error kept for the message when it fails.
constexpr std::size_t kStderrTail = 2000;

}  // namespace

void fail(const std::string& message, const std::string& hint) {
    throw Error(ErrorKind::internal, "distributed_failed", "distributed training failed: " + message, {}, hint);
}

// ---- files of rows: rows, columns, row-major float32 features, float32 targets ----

void write_rows(const std::filesystem::path& path, const data::Matrix& x, const std::vector<float>& y,
                std::size_t begin, std::size_t end) {
    std::ofstream out(path, std::ios::binary);
    std::uint64_t rows = end - begin, cols = x.cols;
    out.write(kRowsMagic, sizeof kRowsMagic);
    out.write(reinterpret_cast<const char*>(&rows), sizeof rows);
    out.write(reinterpret_cast<const char*>(&cols), sizeof cols);
    out.write(reinterpret_cast<const char*>(x.data.data() + begin * x.cols),
              static_cast<std::streamsize>(rows * cols * sizeof(float)));
    out.write(reinterpret_cast<const char*>(y.data() + begin), static_cast<std::streamsize>(rows * sizeof(float)));
    if (!out.flush()) fail("cannot write " + path.string());
}

void read_rows(const std::filesystem::path& path, data::Matrix& x, std::vector<float>& y) {
    std::ifstream in(path, std::ios::binary);
    char magic[sizeof kRowsMagic] = {};
    std::uint64_t rows = 0, cols = 0;
    in.read(magic, sizeof magic);
    in.read(reinterpret_cast<char*>(&rows), sizeof rows);
    in.read(reinterpret_cast<char*>(&cols), sizeof cols);
    if (!in || std::memcmp(magic, kRowsMagic, sizeof magic) != 0 || cols == 0 || rows > (1ULL << 40) / cols)
        fail("cannot read the rows in " + path.string());
    x.rows = rows;
    x.cols = cols;
    x.data.resize(rows * cols);
    y.resize(rows);
    in.read(reinterpret_cast<char*>(x.data.data()), static_cast<std::streamsize>(x.data.size() * sizeof(float)));
    in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(y.size() * sizeof(float)));
    if (!in) fail("the rows in " + path.string() + " are cut short");
}

// ---- the working folder ----

WorkDir::WorkDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / ("hone-" + prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) fail(std::string("cannot make a working folder: ") + std::strerror(errno));
    path = pattern;
}

WorkDir::~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

unsigned threads_per_worker(unsigned threads, int workers) {
    unsigned total = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    return std::max(1u, total / static_cast<unsigned>(workers));
}

std::filesystem::path worker_program(const std::filesystem::path& given) {
    return given.empty() ? std::filesystem::read_symlink("/proc/self/exe") : given;
}

std::string describe_exit_status(int status) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

void check_workers(const DistributedOptions& options, std::size_t training_rows) {
    if (options.workers < 1 || options.workers > 256)
        fail("workers must be from 1 to 256, found " + std::to_string(options.workers));
    if (training_rows < static_cast<std::size_t>(options.workers))
        throw Error(ErrorKind::data, "empty_training_data",
                    "distributed training over " + std::to_string(options.workers) + " workers needs at least " +
                        std::to_string(options.workers) + " training rows, found " + std::to_string(training_rows));
}

// ---- worker processes ----

namespace {

// Reads what is available on `fd` into `buffer`; false at end of file.
bool drain(int fd, std::string& buffer) {
    char chunk[4096];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) buffer.append(chunk, static_cast<std::size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
}

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) fail(std::string("pipe: ") + std::strerror(errno));
        read = fds[0];
        write = fds[1];
    }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

struct WorkerProcess {
    int rank = 0;
    pid_t pid = -1;
    int in = -1;   // its standard input (rank 0: the coordinator's answers)
    int out = -1;  // its standard output (rank 0: the relayed rounds)
    int err = -1;  // its standard error
    std::string out_buffer, err_tail;
    bool running = false;
    int status = 0;
    bool stopped_by_us = false;
};

WorkerProcess spawn_worker(const std::filesystem::path& program, const std::string& command,
                           const std::filesystem::path& dir, int rank) {
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    std::string program_text = program.string(), command_text = command, dir_text = dir.string(),
                rank_text = std::to_string(rank);
    std::vector<char*> argv{program_text.data(), command_text.data(), dir_text.data(), rank_text.data(), nullptr};
    WorkerProcess w;
    w.rank = rank;
    int rc = ::posix_spawn(&w.pid, program_text.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in.read);
    ::close(out.write);
    ::close(err.write);
    if (rc != 0) {
        ::close(in.write);
        ::close(out.read);
        ::close(err.read);
        fail("cannot start " + program_text + ": " + std::strerror(rc));
    }
    w.in = in.write;
    w.out = out.read;
    w.err = err.read;
    w.running = true;
    return w;
}

std::string describe_exit(const WorkerProcess& w) {
    std::string text = describe_exit_status(w.status);
    if (WIFSIGNALED(w.status)) return text;
    std::string_view tail = trim(w.err_tail);
    auto last = tail.rfind('\n');
    if (last != std::string_view::npos) tail.remove_prefix(last + 1);
    if (!tail.empty()) text += ": " + std::string(tail);
    return text;
}

// The workers of one fit: started together, watched, and stopped together.
class WorkerGroup {
public:
    WorkerGroup(const std::filesystem::path& program, const std::string& command, const std::filesystem::path& dir,
                int workers) {
        for (int r = 0; r < workers; ++r) workers_.push_back(spawn_worker(program, command, dir, r));
    }
    ~WorkerGroup() { stop_all(); }

    std::vector<WorkerProcess>& workers() { return workers_; }

    // Reaps workers that ended; true once all have ended.
    bool reap() {
        bool all = true;
        for (auto& w : workers_) {
            if (w.running && ::waitpid(w.pid, &w.status, WNOHANG) == w.pid) w.running = false;
            all = all && !w.running;
        }
        return all;
    }
    // The first worker that failed on its own (not stopped by us), if any.
    const WorkerProcess* failed() const {
        const WorkerProcess* first = nullptr;
        for (const auto& w : workers_) {
            if (w.running || w.stopped_by_us) continue;
            bool bad = WIFSIGNALED(w.status) || WEXITSTATUS(w.status) != 0;
            // A killed worker is the cause; the others failed because it went.
            if (bad && WIFSIGNALED(w.status)) return &w;
            if (bad && !first) first = &w;
        }
        return first;
    }
    // Reaps for up to `grace`, until every worker has ended.
    void settle(std::chrono::milliseconds grace) {
        auto until = std::chrono::steady_clock::now() + grace;
        while (!reap() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    void stop_all() {
        for (auto& w : workers_) {
            if (w.running) {
                ::kill(w.pid, SIGKILL);
                w.stopped_by_us = true;
                ::waitpid(w.pid, &w.status, 0);
                w.running = false;
            }
            // What it said last, for the message: the pipe ends with it.
            if (w.err >= 0)
                while (drain(w.err, w.err_tail)) {
                }
            if (w.err_tail.size() > kStderrTail) w.err_tail.erase(0, w.err_tail.size() - kStderrTail);
            close_fd(w.in);
            close_fd(w.out);
            close_fd(w.err);
        }
    }

private:
    std::vector<WorkerProcess> workers_;
};

// Writes a line to rank 0's input. A worker that is gone must not take hone with
// it: SIGPIPE is held back on this thread for the write and dropped.
void write_line(int fd, const std::string& line) {
    sigset_t pipe_signal, previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    std::string text = line + "\n";
    const char* p = text.data();
    std::size_t left = text.size();
    bool broken = false;
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            broken = true;  // rank 0 is gone: its exit is reported
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (broken) {
        timespec none{0, 0};
        while (sigtimedwait(&pipe_signal, nullptr, &none) == SIGPIPE) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

// Each complete relay line of rank 0: a round for the callbacks, answered on its input.
void relay_rounds(WorkerProcess& w, const Callbacks& callbacks) {
    std::size_t end;
    while ((end = w.out_buffer.find('\n')) != std::string::npos) {
        std::string line = w.out_buffer.substr(0, end);
        w.out_buffer.erase(0, end + 1);
        if (!line.starts_with(kRelayPrefix)) continue;
        Json j = Json::parse(line.substr(kRelayPrefix.size()), nullptr, false);
        if (!j.is_object() || !j.contains("round")) continue;
        RoundReport r;
        r.round = j.value("round", 0);
        r.total_rounds = j.value("total_rounds", 0);
        r.metrics = j.value("metrics", Json::object());
        r.replayed = j.value("replayed", false);
        RoundDecision d = callbacks.on_round ? callbacks.on_round(r) : RoundDecision{};
        write_line(w.in, Json{{"stop", d.stop}, {"best_round", d.best_round}}.dump());
    }
}

// Reads whatever the workers wrote within 100 ms; rank 0's rounds go to the callbacks.
void read_outputs(std::vector<WorkerProcess>& ws, const Callbacks& callbacks) {
    std::vector<pollfd> fds;
    std::vector<std::pair<WorkerProcess*, bool>> owners;  // worker, stdout (else stderr)
    for (auto& w : ws) {
        if (w.out >= 0) fds.push_back({w.out, POLLIN, 0}), owners.emplace_back(&w, true);
        if (w.err >= 0) fds.push_back({w.err, POLLIN, 0}), owners.emplace_back(&w, false);
    }
    ::poll(fds.data(), fds.size(), 100);
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        auto [w, is_out] = owners[i];
        std::string& buffer = is_out ? w->out_buffer : w->err_tail;
        if (!drain(fds[i].fd, buffer)) close_fd(is_out ? w->out : w->err);
        if (!is_out && w->err_tail.size() > kStderrTail) w->err_tail.erase(0, w->err_tail.size() - kStderrTail);
        if (is_out && w->rank == 0) relay_rounds(*w, callbacks);
    }
}

}  // namespace

void run_workers(const std::filesystem::path& program, const std::string& command, const std::filesystem::path& dir,
                 int workers, const Callbacks& callbacks, const std::function<void()>& check) {
    WorkerGroup group(program, command, dir, workers);  // stops every worker still running when this ends
    auto& ws = group.workers();
    while (true) {
        read_outputs(ws, callbacks);
        bool all_done = group.reap();
        if (group.failed()) {
            // The others usually follow at once (their peer is gone): let them,
            // so that the cause (a killed worker) is told rather than its echo.
            group.settle(std::chrono::milliseconds(500));
            group.stop_all();
            const WorkerProcess* bad = group.failed();
            fail("worker " + std::to_string(bad->rank) + " of " + std::to_string(ws.size()) + " (pid " +
                 std::to_string(bad->pid) + ") " + describe_exit(*bad) + "; the other workers were stopped");
        }
        if (all_done) return;
        if (check) check();
        if (callbacks.cancelled && callbacks.cancelled())
            throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    }
}

// ---- in a worker ----

RoundDecision ask_coordinator(const RoundReport& r) {
    std::cout << kRelayPrefix
              << Json{{"round", r.round}, {"total_rounds", r.total_rounds}, {"metrics", r.metrics},
                      {"replayed", r.replayed}}
                     .dump()
              << std::endl;
    std::string line;
    if (!std::getline(std::cin, line)) fail("the coordinator is gone");
    Json j = Json::parse(line, nullptr, false);
    RoundDecision d;
    d.stop = j.is_object() && j.value("stop", false);
    d.best_round = j.is_object() ? j.value("best_round", -1) : -1;
    return d;
}

int worker_main(const std::function<void()>& work) {
    // A worker does not outlive the process that started it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    try {
        work();
        std::cout << kRelayPrefix << "{\"done\": true}" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        std::_Exit(1);
    }
}

}  // namespace hone::models::workers
