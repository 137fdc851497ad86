#pragma once
// A tuning study's search space: named dimensions (float, int, categorical) and the
// grid they span. Built from the job file's `search_space` (lang::SearchDimension)
// or directly from Dimensions (tests, benchmarks). Samplers (sampler.hpp) draw from it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/spec.hpp"

namespace hone::tune {

using Json = nlohmann::ordered_json;

struct Dimension {
    enum class Kind { floating, integer, categorical };
    std::string name;
    Kind kind = Kind::floating;
    double low = 0, high = 0;  // inclusive; ints hold whole numbers
    bool log = false;          // sample (and grid) on a log scale; needs low > 0
    double step = 0;           // 0 = continuous (floats) / 1 (ints)
    std::vector<Json> choices; // categorical

    // The step in effect: `step` for floats (0 = continuous), max(step, 1) for ints.
    double effective_step() const;
    // The largest value on the step grid that is <= high (high itself when continuous):
    // a float 0..1 with step 0.3 tops out at 0.9, as in Optuna.
    double top() const;
    // The k-th value on the step grid (low + k*step), rounded to 15 significant
    // digits so that 0.1 + 2*0.1 reads 0.3. Only for dimensions with a step.
    double on_step(double k) const;
    // A value clamped into [low, top()] and snapped to the step (the nearest point);
    // ints come back whole. Categoricals: not applicable.
    double snap(double value) const;
    // True when only one value is possible (one choice, or low == top()).
    bool single() const;
    // The JSON a value takes in a trial's params: floats as numbers, ints as integers,
    // categoricals as the choice at `value` (an index).
    Json to_param(double value) const;
};

class SearchSpace {
public:
    SearchSpace() = default;
    // Checks the dimensions (names unique and non-empty, low <= high, log needs low > 0,
    // step >= 0 and whole for ints, categoricals with at least one choice) and throws
    // hone::Error(validation, "invalid_search_space") naming the dimension otherwise.
    explicit SearchSpace(std::vector<Dimension> dims);

    static SearchSpace from_spec(const std::vector<lang::SearchDimension>& dims);  // lang/spec.hpp
    const std::vector<Dimension>& dims() const { return dims_; }
    const Dimension* find(const std::string& name) const;  // nullptr if absent

    // Every grid point (ints by step, categoricals, floats with a step by step, floats without one
    // at `grid_points` values, log-spaced under log), in a fixed order; grid_size() without building it.
    //
    // Per dimension: categoricals give their choices; ints their steps low, low+step, ..., top()
    // (an int under log without an explicit step instead gives `grid_points` log-spaced values
    // rounded to whole numbers, duplicates removed); floats with a step their steps; floats
    // without one `grid_points` values from low to high inclusive (evenly spaced, or evenly in
    // log under log; one point is the (geometric) middle). Points are the cartesian product
    // with the first dimension varying slowest, as itertools.product. grid() throws
    // hone::Error(validation, "grid_too_large") above 10 million points.
    std::vector<Json> grid(int grid_points) const;
    std::size_t grid_size(int grid_points) const;   // saturates instead of overflowing

    // The values of one dimension on the grid: how many, and the i-th (as a param JSON).
    // Used by grid() and the grid sampler, which decodes indices without building the grid.
    std::size_t axis_size(std::size_t dim, int grid_points) const;  // saturates
    Json axis_value(std::size_t dim, std::size_t i, int grid_points) const;
    // The index on the axis of a param value, or -1 when it is not a grid value.
    std::int64_t axis_index(std::size_t dim, const Json& value, int grid_points) const;

    // {"name": {"type": "float", "low": .., "high": .., "log": .., "step": ..}, ...} and back:
    // what a study stores to check a resumed study's space.
    Json to_json() const;
    static SearchSpace from_json(const Json& j);

private:
    std::vector<Dimension> dims_;
};

}  // namespace hone::tune
