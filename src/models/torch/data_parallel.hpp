#pragma once
// The process group of data-parallel training (EstimatorConfig::data_parallel):
// the ranks meet at a rendezvous (a TCPStore that rank 0 serves on loopback, or
// a FileStore), then exchange tensors over Gloo on the loopback device. Every
// exchange waits at most the configured timeout, and a failure becomes a
// hone::Error naming what was lost, so no rank hangs on a dead peer.
//
// libtorch's c10d and Gloo headers stay in data_parallel.cpp; this header only
// needs tensors. Includes torch: only src/models/torch/ and its tests include it.
#include <memory>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "models/estimator.hpp"

namespace hone::models::torch_nn {

class ProcessGroup {
public:
    // Meets the other ranks. hone::Error(validation, "invalid_data_parallel")
    // for a rank, world size, rendezvous or timeout that cannot work;
    // hone::Error(io, "data_parallel_rendezvous_failed") when the ranks do not
    // all meet within the timeout.
    explicit ProcessGroup(const DataParallel& config);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const { return config_.rank; }
    int world_size() const { return config_.world_size; }

    // Rank 0's tensors copied into every rank's (same shapes and types).
    // `what` names the exchange in errors.
    void broadcast_from_lead(std::vector<at::Tensor>& tensors, const std::string& what);
    // Every rank's `tensor` summed, in place, the same bits on every rank.
    void sum(at::Tensor& tensor, const std::string& what);

private:
    // hone::Error(io, "data_parallel_peer_lost") naming the ranks whose
    // processes are gone, else (io, "data_parallel_timeout") or the failure.
    [[noreturn]] void fail(const std::string& what, const std::exception& e) const;

    struct Group;
    DataParallel config_;
    std::vector<long> peer_processes_;  // each rank's process id, to name a lost one
    std::unique_ptr<Group> group_;
};

// Checks a configuration without meeting anyone; the errors of the constructor's
// first kind.
void check_data_parallel(const DataParallel& config);

}  // namespace hone::models::torch_nn
