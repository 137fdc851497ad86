// The one translation unit that includes libtorch's c10d and Gloo (heavy).
// ProcessGroupGloo.hpp is empty without USE_C10D_GLOO, which Torch's CMake
// flags define as Debian's libtorch was built with it.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include "models/torch/data_parallel.hpp"

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <unistd.h>

#include <charconv>
#include <fstream>

#include "common/error.hpp"

namespace hone::models::torch_nn {

struct ProcessGroup::Group {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
};

namespace {

constexpr std::string_view kTcp = "tcp://", kFile = "file://";

Error invalid(const std::string& message, const std::string& hint = {}) {
    return Error(ErrorKind::validation, "invalid_data_parallel", message, {}, hint);
}

struct TcpAddress {
    std::string host;
    std::uint16_t port = 0;
};

// "tcp://HOST:PORT" on loopback: Gloo runs on the loopback device, so ranks on
// other machines could meet but never exchange a tensor.
TcpAddress tcp_address(const std::string& rendezvous) {
    const std::string rest = rendezvous.substr(kTcp.size());
    const auto colon = rest.rfind(':');
    TcpAddress a;
    a.host = colon == std::string::npos ? rest : rest.substr(0, colon);
    unsigned port = 0;
    const char* first = rest.data() + (colon == std::string::npos ? rest.size() : colon + 1);
    const auto [end, ec] = std::from_chars(first, rest.data() + rest.size(), port);
    if (colon == std::string::npos || ec != std::errc() || end != rest.data() + rest.size() || port == 0 ||
        port > 65535)
        throw invalid("data-parallel rendezvous '" + rendezvous + "' has no port: expected tcp://127.0.0.1:PORT");
    if (a.host != "127.0.0.1" && a.host != "localhost")
        throw invalid("data-parallel rendezvous host '" + a.host + "' is not loopback",
                      "the ranks run on this machine and exchange over the loopback device: use 127.0.0.1");
    a.port = static_cast<std::uint16_t>(port);
    return a;
}

c10::intrusive_ptr<c10d::Store> open_store(const DataParallel& c) {
    const std::chrono::milliseconds timeout(c.timeout);
    if (c.rendezvous.starts_with(kTcp)) {
        const TcpAddress a = tcp_address(c.rendezvous);
        c10d::TCPStoreOptions o;
        o.port = a.port;
        o.isServer = c.rank == 0;
        o.numWorkers = static_cast<std::size_t>(c.world_size);
        o.waitWorkers = true;
        o.timeout = timeout;
        return c10::make_intrusive<c10d::TCPStore>(a.host, o);
    }
    auto store = c10::make_intrusive<c10d::FileStore>(c.rendezvous.substr(kFile.size()), c.world_size);
    store->setTimeout(timeout);
    return store;
}

std::string seconds(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

// Whether process `pid` has ended (gone, or a zombie its parent has not reaped).
bool process_ended(long pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const auto close = line.rfind(')');
    const char state = close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?';
    return state == 'Z' || state == 'X';
}

}  // namespace

void check_data_parallel(const DataParallel& c) {
    if (c.world_size < 1) throw invalid("data-parallel world_size must be at least 1, got " + std::to_string(c.world_size));
    if (c.rank < 0 || c.rank >= c.world_size)
        throw invalid("data-parallel rank must be in 0.." + std::to_string(c.world_size - 1) + ", got " +
                      std::to_string(c.rank));
    if (c.timeout.count() < 1)
        throw invalid("data-parallel timeout must be at least 1 s, got " + seconds(c.timeout));
    if (!c.distributed()) return;
    if (c.rendezvous.starts_with(kTcp)) {
        tcp_address(c.rendezvous);
    } else if (!c.rendezvous.starts_with(kFile) || !c.rendezvous.substr(kFile.size()).starts_with('/')) {
        throw invalid("data-parallel rendezvous '" + c.rendezvous +
                      "' is neither tcp://127.0.0.1:PORT nor file:///ABSOLUTE/PATH");
    }
}

ProcessGroup::ProcessGroup(const DataParallel& config) : config_(config), group_(std::make_unique<Group>()) {
    check_data_parallel(config_);
    try {
        group_->store = open_store(config_);
        // Each rank's process id, so that a failed exchange can say which peer is gone.
        const std::string pid = std::to_string(::getpid());
        group_->store->set("hone/pid/" + std::to_string(config_.rank), std::vector<std::uint8_t>(pid.begin(), pid.end()));
        for (int r = 0; r < config_.world_size; ++r) {
            const auto bytes = group_->store->get("hone/pid/" + std::to_string(r));
            peer_processes_.push_back(std::stol(std::string(bytes.begin(), bytes.end())));
        }
        auto options = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(config_.timeout));
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        options->threads = 1;  // one exchange at a time: the loop waits for each
        group_->gloo =
            c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, config_.rank, config_.world_size, options);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::io, "data_parallel_rendezvous_failed",
                    "rank " + std::to_string(config_.rank) + " of " + std::to_string(config_.world_size) +
                        " could not meet the other ranks at " + config_.rendezvous + " within " +
                        seconds(config_.timeout) + ": " + e.what(),
                    {}, "start every rank with the same rendezvous and world size");
    }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::fail(const std::string& what, const std::exception& e) const {
    std::string gone;
    for (int r = 0; r < static_cast<int>(peer_processes_.size()); ++r) {
        if (r == config_.rank || !process_ended(peer_processes_[static_cast<std::size_t>(r)])) continue;
        gone += std::string(gone.empty() ? "" : ", ") + "rank " + std::to_string(r) + " (process " +
                std::to_string(peer_processes_[static_cast<std::size_t>(r)]) + ")";
    }
    const std::string self = "rank " + std::to_string(config_.rank) + " of " + std::to_string(config_.world_size);
    const std::string detail = std::string(": ") + e.what();
    const std::string hint = "every rank must run the same training; see the lost rank's own output for why it ended";
    if (!gone.empty())
        throw Error(ErrorKind::io, "data_parallel_peer_lost",
                    "data-parallel training lost " + gone + ", which ended during " + what + " (" + self + ")" + detail,
                    {}, hint);
    if (std::string(e.what()).find("imed out") != std::string::npos)
        throw Error(ErrorKind::io, "data_parallel_timeout",
                    self + " waited " + seconds(config_.timeout) + " for its peers during " + what + " and gave up" +
                        detail,
                    {}, hint);
    throw Error(ErrorKind::io, "data_parallel_peer_lost", self + " lost its peers during " + what + detail, {}, hint);
}

void ProcessGroup::broadcast_from_lead(std::vector<at::Tensor>& tensors, const std::string& what) {
    for (auto& t : tensors) {
        std::vector<at::Tensor> one{t};
        try {
            c10d::BroadcastOptions o;
            o.rootRank = 0;
            group_->gloo->broadcast(one, o)->wait();
        } catch (const std::exception& e) {
            fail(what, e);
        }
    }
}

void ProcessGroup::sum(at::Tensor& tensor, const std::string& what) {
    std::vector<at::Tensor> one{tensor};
    try {
        group_->gloo->allreduce(one)->wait();
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

}  // namespace hone::models::torch_nn
