#include "server/prometheus.hpp"

#include <charconv>
#include <cmath>

namespace hone::server {

namespace {

// A duration from a clock that stepped back, or a NaN, must not make a sum go
// down or poison it.
double non_negative(double v) { return v >= 0 ? v : 0; }

// The shortest text that reads back to the same double, written as Prometheus'
// own clients write bucket bounds: "0.0005" rather than "5e-04", scientific only
// for the very small or large ("1e-05"). Infinities and NaN in Go's spelling.
std::string number_text(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    double size = std::fabs(v);
    auto format = v != 0 && (size < 1e-4 || size >= 1e15) ? std::chars_format::scientific : std::chars_format::fixed;
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, format);
    return std::string(buf, res.ptr);
}

// Label values escape backslash, double quote and newline; HELP text the first and last.
std::string escape(std::string_view s, bool quote) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '"' && quote) out += "\\\"";
        else out += c;
    }
    return out;
}

std::string label(std::string_view name, std::string_view value) {
    return std::string(name) + "=\"" + escape(value, true) + "\"";
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP " + std::string(name) + " " + escape(help, false) + "\n";
    out += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
}

void sample(std::string& out, std::string_view name, const std::string& labels, const std::string& value) {
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + value + "\n";
}

// `labels` is `a="x",b="y"` or "" for a histogram without labels.
template <std::size_t N>
void histogram(std::string& out, const std::string& name, const std::string& labels,
               const std::array<double, N>& bounds, const Histogram<N>& h) {
    std::string prefix = labels.empty() ? "" : labels + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= N; ++i) {
        cumulative += h.counts[i];
        std::string le = i < N ? number_text(bounds[i]) : "+Inf";
        sample(out, name + "_bucket", prefix + label("le", le), std::to_string(cumulative));
    }
    sample(out, name + "_sum", labels, number_text(h.sum));
    sample(out, name + "_count", labels, std::to_string(h.count));
}

}  // namespace

void ServerMetrics::record_request(const std::string& method, const std::string& route_pattern, int status,
                                   double seconds) {
    std::lock_guard lock(requests_mu_);
    auto it = requests_.find(std::pair<std::string_view, std::string_view>(method, route_pattern));
    if (it == requests_.end()) it = requests_.try_emplace({method, route_pattern}).first;
    RouteSeries& series = it->second;
    series.seconds.observe(kRequestSecondsBuckets, non_negative(seconds));
    auto& statuses = series.by_status;
    auto s = std::lower_bound(statuses.begin(), statuses.end(), status,
                              [](const auto& entry, int value) { return entry.first < value; });
    if (s == statuses.end() || s->first != status) s = statuses.insert(s, {status, 0});
    ++s->second;
}

void ServerMetrics::record_prediction(double seconds, std::size_t rows, std::size_t batch_size) {
    std::lock_guard lock(predictions_mu_);
    prediction_seconds_.observe(kPredictionSecondsBuckets, non_negative(seconds));
    predicted_rows_ += rows;
    batch_sizes_.observe(kBatchSizeBuckets, static_cast<double>(batch_size));
}

void ServerMetrics::record_model_request(const std::string& model, int status, double seconds) {
    std::lock_guard lock(models_mu_);
    auto it = models_.find(model);
    if (it == models_.end()) it = models_.try_emplace(model).first;
    it->second.seconds.observe(kModelRequestSecondsBuckets, non_negative(seconds));
    if (status >= 400) ++it->second.errors;
}

std::vector<ModelServing> ServerMetrics::serving() const {
    std::lock_guard lock(models_mu_);
    std::vector<ModelServing> out;
    out.reserve(models_.size());
    for (const auto& [model, series] : models_) {
        const auto& h = series.seconds;
        out.push_back({model, h.count, series.errors, h.quantile(kModelRequestSecondsBuckets, 0.5),
                       h.quantile(kModelRequestSecondsBuckets, 0.95), h.quantile(kModelRequestSecondsBuckets, 0.99)});
    }
    return out;
}

std::string ServerMetrics::render(const std::map<std::string, std::int64_t>& runs_by_status,
                                  double uptime_seconds) const {
    std::string out;
    {
        std::lock_guard lock(requests_mu_);
        family(out, "hone_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.");
        for (const auto& [key, series] : requests_)
            for (const auto& [status, n] : series.by_status)
                sample(out, "hone_http_requests_total",
                       label("method", key.first) + "," + label("route", key.second) + "," +
                           label("status", std::to_string(status)),
                       std::to_string(n));
        family(out, "hone_http_request_duration_seconds", "histogram",
               "Time to answer an HTTP request, by method and route pattern.");
        for (const auto& [key, series] : requests_)
            histogram(out, "hone_http_request_duration_seconds",
                      label("method", key.first) + "," + label("route", key.second), kRequestSecondsBuckets,
                      series.seconds);
    }
    {
        std::lock_guard lock(predictions_mu_);
        family(out, "hone_prediction_duration_seconds", "histogram", "Time to predict one request's rows.");
        histogram(out, "hone_prediction_duration_seconds", "", kPredictionSecondsBuckets, prediction_seconds_);
        family(out, "hone_predicted_rows_total", "counter", "Rows predicted.");
        sample(out, "hone_predicted_rows_total", "", std::to_string(predicted_rows_));
        family(out, "hone_prediction_batch_size", "histogram", "Rows per prediction request.");
        histogram(out, "hone_prediction_batch_size", "", kBatchSizeBuckets, batch_sizes_);
    }
    {
        std::lock_guard lock(models_mu_);
        family(out, "hone_model_requests_total", "counter",
               "Answers of a model's predict and recommend routes, by model and outcome (error: status 400 or more).");
        for (const auto& [model, series] : models_) {
            sample(out, "hone_model_requests_total", label("model", model) + "," + label("outcome", "error"),
                   std::to_string(series.errors));
            sample(out, "hone_model_requests_total", label("model", model) + "," + label("outcome", "ok"),
                   std::to_string(series.seconds.count - series.errors));
        }
        family(out, "hone_model_request_duration_seconds", "histogram",
               "Time to answer a model's predict or recommend request, by model.");
        for (const auto& [model, series] : models_)
            histogram(out, "hone_model_request_duration_seconds", label("model", model), kModelRequestSecondsBuckets,
                      series.seconds);
    }
    family(out, "hone_runs", "gauge", "Runs in the registry, by status.");
    for (const auto& [status, n] : runs_by_status) sample(out, "hone_runs", label("status", status), std::to_string(n));
    family(out, "hone_uptime_seconds", "gauge", "Seconds since the server started.");
    sample(out, "hone_uptime_seconds", "", number_text(uptime_seconds));
    return out;
}

}  // namespace hone::server
