#pragma once
// The server's metrics for Prometheus: request counts and latencies by route
// pattern, prediction latencies, rows and batch sizes, kept in fixed bucket arrays
// and rendered in the text exposition format 0.0.4.
//
// Route labels take the route's pattern ("/api/training/models/{key}"), never the
// request path: one series per route, however many models or jobs exist.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hone::server {

// The Content-Type of render()'s text.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// Upper bounds (le) of the finite buckets; every histogram also has +Inf.
inline constexpr std::array<double, 14> kRequestSecondsBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
inline constexpr std::array<double, 16> kPredictionSecondsBuckets = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
inline constexpr std::array<double, 11> kBatchSizeBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
// A model's serving answers, parsing and writing included: from 10 us (the
// prediction port's one-row answers) to 10 s.
inline constexpr std::array<double, 19> kModelRequestSecondsBuckets = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,   0.05,     0.1,     0.25,   0.5,     1,      2.5,   5,      10};

// Observations per bucket, not cumulative (render adds them up); the last is +Inf.
template <std::size_t Finite>
struct Histogram {
    std::array<std::uint64_t, Finite + 1> counts{};
    double sum = 0;
    std::uint64_t count = 0;

    void observe(const std::array<double, Finite>& bounds, double value) {
        // le is inclusive: a value equal to a bound belongs to that bound's bucket.
        ++counts[std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin()];
        sum += value;
        ++count;
    }

    // The q-quantile (0 < q < 1) as Prometheus' histogram_quantile estimates it:
    // linear within the bucket that holds it, from the bucket below's bound (0
    // for the first); in the +Inf bucket, the largest finite bound. 0 when empty.
    double quantile(const std::array<double, Finite>& bounds, double q) const {
        if (count == 0) return 0;
        double rank = q * static_cast<double>(count);
        std::uint64_t below = 0;
        for (std::size_t i = 0; i < Finite; ++i) {
            if (static_cast<double>(below + counts[i]) >= rank && counts[i] > 0) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - static_cast<double>(below)) / static_cast<double>(counts[i]);
            }
            below += counts[i];
        }
        return bounds[Finite - 1];
    }
};

// One model's serving so far (ServerMetrics::serving()).
struct ModelServing {
    std::string model;        // the registry key
    std::uint64_t requests = 0;
    std::uint64_t errors = 0; // answered with a status of 400 or more
    double p50_seconds = 0, p95_seconds = 0, p99_seconds = 0;
};

class ServerMetrics {
public:
    // One answered request: hone_http_requests_total{method,route,status} and
    // hone_http_request_duration_seconds{method,route}. Negative or NaN seconds count as 0.
    void record_request(const std::string& method, const std::string& route_pattern, int status, double seconds);
    // One prediction call: hone_prediction_duration_seconds, hone_predicted_rows_total
    // and hone_prediction_batch_size.
    void record_prediction(double seconds, std::size_t rows, std::size_t batch_size);
    // One answer of a model's serving route (predict, recommend) on either port:
    // hone_model_requests_total{model,outcome} and
    // hone_model_request_duration_seconds{model}. The caller leaves out answers
    // that name no registered model, so series stay as many as the models.
    void record_model_request(const std::string& model, int status, double seconds);
    // Every model answered so far, by key.
    std::vector<ModelServing> serving() const;

    // Every family, in a fixed order, each series sorted by its labels; ends with
    // the gauges hone_runs{status} (from `runs_by_status`) and hone_uptime_seconds.
    std::string render(const std::map<std::string, std::int64_t>& runs_by_status, double uptime_seconds) const;

private:
    struct RouteSeries {
        Histogram<kRequestSecondsBuckets.size()> seconds;
        std::vector<std::pair<int, std::uint64_t>> by_status;  // few per route, sorted by status
    };
    // Finds (method, route) without building strings once the series exists.
    struct RouteLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return std::pair<std::string_view, std::string_view>(a.first, a.second) <
                   std::pair<std::string_view, std::string_view>(b.first, b.second);
        }
    };

    mutable std::mutex requests_mu_;
    std::map<std::pair<std::string, std::string>, RouteSeries, RouteLess> requests_;

    mutable std::mutex predictions_mu_;
    Histogram<kPredictionSecondsBuckets.size()> prediction_seconds_;
    std::uint64_t predicted_rows_ = 0;
    Histogram<kBatchSizeBuckets.size()> batch_sizes_;

    struct ModelSeries {
        Histogram<kModelRequestSecondsBuckets.size()> seconds;
        std::uint64_t errors = 0;
    };
    mutable std::mutex models_mu_;
    std::map<std::string, ModelSeries, std::less<>> models_;
};

}  // namespace hone::server
