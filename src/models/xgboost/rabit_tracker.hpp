#pragma once
// The tracker of XGBoost's rabit communicator, in C++, so distributed training
// needs no Python: it speaks the protocol of xgboost/tracker.py (XGBoost 1.7)
// on a loopback port. Every worker connects once to start (a magic-number
// handshake, then its rank, world size, task id and command), is given a rank,
// its parent and neighbours in a binary tree and its neighbours in a ring, and
// the addresses of the peers it must connect to; the workers then talk to each
// other directly. At the end each connects again to say "shutdown"; "print"
// carries a message.
//
// Ranks: a worker that asks for one gets it; the others are assigned together
// once all have connected, in the order of their task ids (numerically when
// they are numbers), as the Python tracker's sortby="task" does, so task id i
// is rank i.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hone::models::xgb {

// The links of one rank: its tree parent (-1 for the root) and neighbours, and
// its previous and next ranks in the ring (-1 when it is alone).
struct RankLinks {
    int parent = -1;
    std::vector<int> tree;
    int ring_prev = -1;
    int ring_next = -1;
};

// The link map tracker.py's get_link_map builds for `workers` ranks: a binary
// tree, and a ring that follows the tree, relabelled so that the ring is
// 0, 1, ..., workers - 1.
std::vector<RankLinks> link_map(int workers);

class RabitTracker {
public:
    // Listens on 127.0.0.1 at a free port for `workers` workers.
    explicit RabitTracker(int workers);
    ~RabitTracker();
    RabitTracker(const RabitTracker&) = delete;
    RabitTracker& operator=(const RabitTracker&) = delete;

    int port() const { return port_; }
    const std::string& host() const { return host_; }

    // Serves workers until every rank has said shutdown, stop() is called, or
    // `start_timeout` passes before every worker has started. Throws
    // hone::Error(internal, "distributed_failed") on a protocol error or that
    // timeout. Meant for a thread of its own.
    void run(std::chrono::milliseconds start_timeout);
    // Makes run() return soon, from any thread.
    void stop() { stop_ = true; }
    // True once every worker has been given its rank and links.
    bool all_started() const { return started_ == workers_; }
    // What workers sent with "print", in order of arrival.
    std::vector<std::string> messages() const;

private:
    struct Worker;
    void handle(int fd, const std::string& peer);
    void assign(Worker& w, int rank);
    void connect_peers(Worker& w, int rank);

    int workers_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::string host_ = "127.0.0.1";
    std::atomic<bool> stop_{false};
    std::atomic<int> started_{0};
    std::vector<RankLinks> links_;
    std::vector<Worker*> pending_;               // started, waiting for a rank
    std::map<int, Worker*> waiting_accept_;      // rank -> worker that still expects peers to connect
    std::map<std::string, int> rank_of_task_;
    std::vector<int> todo_;                      // ranks not given yet, ascending
    std::vector<bool> shut_down_;
    int shutdowns_ = 0;
    std::vector<std::unique_ptr<Worker>> owned_;
    mutable std::mutex messages_mutex_;
    std::vector<std::string> messages_;
};

}  // namespace hone::models::xgb
