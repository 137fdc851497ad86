#include "tune/space.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::tune {

namespace {

constexpr std::size_t kMaxGrid = 10'000'000;
constexpr std::size_t kSaturated = std::numeric_limits<std::size_t>::max();

// 15 significant digits: low + k*step and linspace values read as people wrote them.
double clean(double v) {
    if (!std::isfinite(v) || v == 0) return v;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return std::strtod(buf, nullptr);
}

std::size_t saturating_count(double count) {
    if (!(count < 1.8e19)) return kSaturated;
    auto n = static_cast<unsigned long long>(count);
    return n >= kSaturated ? kSaturated : static_cast<std::size_t>(n);
}

std::size_t saturating_mul(std::size_t a, std::size_t b) {
    if (a == 0 || b == 0) return 0;
    if (a > kSaturated / b) return kSaturated;
    return a * b;
}

// Steps from low to top(): floor((high - low) / step) with a little slack for 0.1-style steps.
double step_count(const Dimension& d) {
    double s = d.effective_step();
    if (s <= 0) return 0;
    return std::floor((d.high - d.low) / s + 1e-9);
}

bool int_log_spaced(const Dimension& d) {
    return d.kind == Dimension::Kind::integer && d.log && d.step == 0;
}

// The float values of a continuous float's axis, or an int log axis before rounding.
double spaced(const Dimension& d, std::size_t i, int grid_points) {
    if (grid_points <= 1) return d.log ? std::sqrt(d.low * d.high) : 0.5 * (d.low + d.high);
    if (i == 0) return d.low;
    if (i + 1 == static_cast<std::size_t>(grid_points)) return d.high;
    double t = static_cast<double>(i) / (grid_points - 1);
    if (d.log) return clean(std::exp(std::log(d.low) + t * (std::log(d.high) - std::log(d.low))));
    return clean(d.low + t * (d.high - d.low));
}

std::vector<std::int64_t> int_log_axis(const Dimension& d, int grid_points) {
    std::vector<std::int64_t> out;
    for (int i = 0; i < std::max(grid_points, 1); ++i) {
        auto v = static_cast<std::int64_t>(std::llround(spaced(d, i, grid_points)));
        v = std::clamp(v, static_cast<std::int64_t>(d.low), static_cast<std::int64_t>(d.high));
        if (out.empty() || out.back() != v) out.push_back(v);
    }
    return out;
}

std::string kind_name(Dimension::Kind k) {
    switch (k) {
        case Dimension::Kind::floating: return "float";
        case Dimension::Kind::integer: return "int";
        case Dimension::Kind::categorical: return "categorical";
    }
    return "?";
}

[[noreturn]] void invalid(const std::string& message, const Location& where = {}) {
    throw Error(ErrorKind::validation, "invalid_search_space", message, where);
}

void check_grid_points(int grid_points) {
    if (grid_points < 1)
        throw Error(ErrorKind::validation, "invalid_grid_points",
                    "grid_points must be at least 1, found " + std::to_string(grid_points));
}

void validate(const std::vector<Dimension>& dims, const std::vector<Location>& where) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const Dimension& d = dims[i];
        Location at = i < where.size() ? where[i] : Location{};
        std::string what = "search space '" + d.name + "'";
        if (d.name.empty()) invalid("a search space dimension needs a name", at);
        if (!names.insert(d.name).second) invalid(what + " is declared twice", at);
        if (d.kind == Dimension::Kind::categorical) {
            if (d.choices.empty()) invalid(what + ": a categorical needs at least one value", at);
            continue;
        }
        if (!std::isfinite(d.low) || !std::isfinite(d.high))
            invalid(what + ": low and high must be finite numbers", at);
        if (d.low > d.high)
            invalid(what + ": low (" + format_double(d.low) + ") must not exceed high (" + format_double(d.high) + ")", at);
        if (d.log && d.low <= 0) invalid(what + ": log needs low > 0, found " + format_double(d.low), at);
        if (!std::isfinite(d.step) || d.step < 0)
            invalid(what + ": step must be a positive number, found " + format_double(d.step), at);
        if (d.kind == Dimension::Kind::integer) {
            for (double v : {d.low, d.high})
                if (v != std::floor(v) || std::fabs(v) > 9e15)
                    invalid(what + ": an int range needs whole numbers, found " + format_double(v), at);
            if (d.step != std::floor(d.step))
                invalid(what + ": an int step must be a whole number, found " + format_double(d.step), at);
        }
    }
}

}  // namespace

double Dimension::effective_step() const {
    if (kind == Kind::integer) return step > 0 ? step : 1;
    if (kind == Kind::floating) return step;
    return 1;
}

double Dimension::on_step(double k) const {
    double v = low + k * effective_step();
    if (kind == Kind::integer) return std::round(v);
    return clean(v);
}

double Dimension::top() const {
    if (kind == Kind::categorical) return static_cast<double>(choices.size()) - 1;
    if (effective_step() <= 0) return high;
    return std::min(on_step(step_count(*this)), high);
}

double Dimension::snap(double value) const {
    if (kind == Kind::categorical) {
        double last = static_cast<double>(choices.size()) - 1;
        return std::clamp(std::round(value), 0.0, std::max(last, 0.0));
    }
    double s = effective_step();
    if (s <= 0) return std::clamp(value, low, high);
    double k = std::clamp(std::round((value - low) / s), 0.0, step_count(*this));
    return on_step(k);
}

bool Dimension::single() const {
    if (kind == Kind::categorical) return choices.size() <= 1;
    return top() <= low;
}

Json Dimension::to_param(double value) const {
    switch (kind) {
        case Kind::integer: return Json(static_cast<std::int64_t>(std::llround(value)));
        case Kind::floating: return Json(value);
        case Kind::categorical: return choices.at(static_cast<std::size_t>(value));
    }
    return Json();
}

SearchSpace::SearchSpace(std::vector<Dimension> dims) : dims_(std::move(dims)) { validate(dims_, {}); }

SearchSpace SearchSpace::from_spec(const std::vector<lang::SearchDimension>& spec) {
    SearchSpace space;
    std::vector<Location> where;
    for (const auto& s : spec) {
        Dimension d;
        d.name = s.name;
        switch (s.type) {
            case lang::SearchDimension::Type::float_: d.kind = Dimension::Kind::floating; break;
            case lang::SearchDimension::Type::int_: d.kind = Dimension::Kind::integer; break;
            case lang::SearchDimension::Type::categorical: d.kind = Dimension::Kind::categorical; break;
            case lang::SearchDimension::Type::catalog:
                throw Error(ErrorKind::internal, "unresolved_search_space",
                            "search space '" + s.name + "' still needs its range from the catalog (tune/validate.hpp)");
        }
        d.low = s.min;
        d.high = s.max;
        d.log = s.log;
        d.step = s.step.value_or(0);
        d.choices = s.values;
        space.dims_.push_back(std::move(d));
        Location at(s.pos.file);
        at.line = s.pos.line;
        at.col = s.pos.col;
        where.push_back(at);
    }
    validate(space.dims_, where);
    return space;
}

const Dimension* SearchSpace::find(const std::string& name) const {
    for (const auto& d : dims_)
        if (d.name == name) return &d;
    return nullptr;
}

std::size_t SearchSpace::axis_size(std::size_t dim, int grid_points) const {
    check_grid_points(grid_points);
    const Dimension& d = dims_.at(dim);
    if (d.kind == Dimension::Kind::categorical) return d.choices.size();
    if (int_log_spaced(d)) return int_log_axis(d, grid_points).size();
    if (d.effective_step() > 0) return saturating_count(step_count(d) + 1);
    if (d.low == d.high) return 1;
    return static_cast<std::size_t>(grid_points);
}

Json SearchSpace::axis_value(std::size_t dim, std::size_t i, int grid_points) const {
    const Dimension& d = dims_.at(dim);
    if (d.kind == Dimension::Kind::categorical) return d.choices.at(i);
    if (int_log_spaced(d)) return Json(int_log_axis(d, grid_points).at(i));
    if (d.effective_step() > 0) return d.to_param(d.on_step(static_cast<double>(i)));
    if (d.low == d.high) return d.to_param(d.low);
    return d.to_param(spaced(d, i, grid_points));
}

std::int64_t SearchSpace::axis_index(std::size_t dim, const Json& value, int grid_points) const {
    const Dimension& d = dims_.at(dim);
    if (d.kind == Dimension::Kind::categorical) {
        for (std::size_t i = 0; i < d.choices.size(); ++i)
            if (d.choices[i] == value) return static_cast<std::int64_t>(i);
        return -1;
    }
    if (!value.is_number()) return -1;
    double v = value.get<double>();
    if (int_log_spaced(d)) {
        auto axis = int_log_axis(d, grid_points);
        for (std::size_t i = 0; i < axis.size(); ++i)
            if (static_cast<double>(axis[i]) == v) return static_cast<std::int64_t>(i);
        return -1;
    }
    double s = d.effective_step();
    if (s > 0) {
        double k = std::round((v - d.low) / s);
        if (k < 0 || k > step_count(d)) return -1;
        double on = d.on_step(k);
        if (std::fabs(on - v) > 1e-9 * std::max({1.0, std::fabs(v), s})) return -1;
        return static_cast<std::int64_t>(k);
    }
    std::size_t n = axis_size(dim, grid_points);
    for (std::size_t i = 0; i < n; ++i) {
        double g = axis_value(dim, i, grid_points).get<double>();
        if (std::fabs(g - v) <= 1e-12 * std::max(1.0, std::fabs(g))) return static_cast<std::int64_t>(i);
    }
    return -1;
}

std::size_t SearchSpace::grid_size(int grid_points) const {
    check_grid_points(grid_points);
    std::size_t n = 1;
    for (std::size_t i = 0; i < dims_.size(); ++i) n = saturating_mul(n, axis_size(i, grid_points));
    return n;
}

std::vector<Json> SearchSpace::grid(int grid_points) const {
    std::size_t total = grid_size(grid_points);
    if (total > kMaxGrid)
        throw Error(ErrorKind::validation, "grid_too_large",
                    "the grid has " + (total == kSaturated ? std::string("more than 10^19") : std::to_string(total)) +
                        " points, more than the 10000000 that can be listed",
                    {}, "give the floats fewer grid points or the ints a larger step, or use the random or bayesian strategy");
    std::vector<std::vector<Json>> axes(dims_.size());
    for (std::size_t i = 0; i < dims_.size(); ++i) {
        std::size_t n = axis_size(i, grid_points);
        for (std::size_t k = 0; k < n; ++k) axes[i].push_back(axis_value(i, k, grid_points));
    }
    std::vector<Json> out;
    out.reserve(total);
    std::vector<std::size_t> at(dims_.size(), 0);
    for (std::size_t p = 0; p < total; ++p) {
        Json point = Json::object();
        for (std::size_t i = 0; i < dims_.size(); ++i) point[dims_[i].name] = axes[i][at[i]];
        out.push_back(std::move(point));
        for (std::size_t i = dims_.size(); i-- > 0;) {  // last dimension fastest
            if (++at[i] < axes[i].size()) break;
            at[i] = 0;
        }
    }
    return out;
}

Json SearchSpace::to_json() const {
    Json j = Json::object();
    for (const auto& d : dims_) {
        Json e = {{"type", kind_name(d.kind)}};
        if (d.kind == Dimension::Kind::categorical) {
            e["choices"] = d.choices;
        } else {
            e["low"] = d.low;
            e["high"] = d.high;
            e["log"] = d.log;
            e["step"] = d.step;
        }
        j[d.name] = std::move(e);
    }
    return j;
}

SearchSpace SearchSpace::from_json(const Json& j) {
    if (!j.is_object()) invalid("a stored search space must be a JSON object");
    std::vector<Dimension> dims;
    for (const auto& [name, e] : j.items()) {
        Dimension d;
        d.name = name;
        std::string type = e.value("type", "");
        if (type == "float") d.kind = Dimension::Kind::floating;
        else if (type == "int") d.kind = Dimension::Kind::integer;
        else if (type == "categorical") d.kind = Dimension::Kind::categorical;
        else invalid("search space '" + name + "': unknown type '" + type + "'");
        if (d.kind == Dimension::Kind::categorical) {
            for (const auto& c : e.value("choices", Json::array())) d.choices.push_back(c);
        } else {
            d.low = e.value("low", 0.0);
            d.high = e.value("high", 0.0);
            d.log = e.value("log", false);
            d.step = e.value("step", 0.0);
        }
        dims.push_back(std::move(d));
    }
    return SearchSpace(std::move(dims));
}

}  // namespace hone::tune
