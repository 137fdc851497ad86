#pragma once
// Prediction batching: requests for the same model that arrive while one of
// them is being predicted are stacked into one matrix and predicted together.
//
// No request waits for company unless told to: with max_wait 0 (the default) a
// request that finds its model idle runs at once, and batches form only under
// load, from the requests that queued meanwhile. max_wait > 0 lets the first
// request of a batch wait that long for others (more throughput, more latency).
// A batch never holds more than max_rows rows (one request larger than that
// runs alone).
//
// Contract: predict() answers exactly what LoadedModel::predict would for the
// request's own rows (prediction is per row), or throws its error.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "train/predictor.hpp"

namespace hone::server {

class PredictionBatcher {
public:
    PredictionBatcher(std::size_t max_rows, std::chrono::microseconds max_wait);
    ~PredictionBatcher();

    struct Answer {
        train::Predictions predictions;
        std::size_t batch_rows = 0;  // rows predicted together with this request's
        double seconds = 0;          // time of the batch's prediction
    };
    Answer predict(const std::string& key, const std::shared_ptr<const train::LoadedModel>& model, data::Matrix x);

private:
    struct Pending;
    struct Lane;
    Lane& lane(const std::string& key);
    static void run(const train::LoadedModel& model, std::vector<Pending*>& batch);

    std::size_t max_rows_;
    std::chrono::microseconds max_wait_;
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<Lane>> lanes_;
};

}  // namespace hone::server
