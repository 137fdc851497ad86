#include "server/batcher.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <vector>

namespace hone::server {

struct PredictionBatcher::Pending {
    data::Matrix x;
    Answer answer;
    std::exception_ptr error;
    bool done = false;
};

// One model's queue. `busy` while a batch of it is being predicted.
struct PredictionBatcher::Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Pending*> queue;
    bool busy = false;
};

PredictionBatcher::PredictionBatcher(std::size_t max_rows, std::chrono::microseconds max_wait)
    : max_rows_(std::max<std::size_t>(1, max_rows)), max_wait_(max_wait) {}

PredictionBatcher::~PredictionBatcher() = default;

PredictionBatcher::Lane& PredictionBatcher::lane(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& l = lanes_[key];
    if (!l) l = std::make_unique<Lane>();
    return *l;
}

void PredictionBatcher::run(const train::LoadedModel& model, std::vector<Pending*>& batch) {
    auto t0 = std::chrono::steady_clock::now();
    std::size_t rows = 0;
    for (auto* p : batch) rows += p->x.rows;
    try {
        train::Predictions all;
        if (batch.size() == 1) {
            all = model.predict(batch.front()->x);
        } else {
            data::Matrix stacked;
            stacked.cols = batch.front()->x.cols;
            stacked.names = batch.front()->x.names;
            stacked.rows = rows;
            stacked.data.reserve(rows * stacked.cols);
            for (auto* p : batch) stacked.data.insert(stacked.data.end(), p->x.data.begin(), p->x.data.end());
            all = model.predict(stacked);
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (batch.size() == 1) {  // the usual case when idle: the answer is all of it
            batch.front()->answer = Answer{std::move(all), rows, seconds};
            return;
        }
        std::size_t at = 0;
        for (auto* p : batch) {
            train::Predictions& mine = p->answer.predictions;
            mine.classes = all.classes;
            mine.values.assign(all.values.begin() + at, all.values.begin() + at + p->x.rows);
            if (!all.proba.empty()) mine.proba.assign(all.proba.begin() + at, all.proba.begin() + at + p->x.rows);
            p->answer.batch_rows = rows;
            p->answer.seconds = seconds;
            at += p->x.rows;
        }
    } catch (...) {
        for (auto* p : batch) p->error = std::current_exception();
    }
}

PredictionBatcher::Answer PredictionBatcher::predict(const std::string& key,
                                                     const std::shared_ptr<const train::LoadedModel>& model,
                                                     data::Matrix x) {
    Lane& l = lane(key);
    Pending me;
    me.x = std::move(x);
    std::unique_lock lock(l.mu);
    l.queue.push_back(&me);
    l.cv.notify_all();  // a leader waiting for company counts the rows again
    while (!me.done) {
        if (l.busy) {
            l.cv.wait(lock);
            continue;
        }
        // Lead a batch: this request is still queued, since nobody else ran it.
        l.busy = true;
        auto queued_rows = [&] {
            std::size_t n = 0;
            for (auto* p : l.queue) n += p->x.rows;
            return n;
        };
        if (max_wait_.count() > 0)
            l.cv.wait_for(lock, max_wait_, [&] { return queued_rows() >= max_rows_; });
        std::vector<Pending*> batch;
        std::size_t rows = 0;
        while (!l.queue.empty() && (batch.empty() || rows + l.queue.front()->x.rows <= max_rows_)) {
            rows += l.queue.front()->x.rows;
            batch.push_back(l.queue.front());
            l.queue.pop_front();
        }
        lock.unlock();
        run(*model, batch);
        lock.lock();
        for (auto* p : batch) p->done = true;
        l.busy = false;
        l.cv.notify_all();
    }
    if (me.error) std::rethrow_exception(me.error);
    return std::move(me.answer);
}

}  // namespace hone::server
