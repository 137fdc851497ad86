#pragma once
// What each type of pipeline stage does, by name (the seven types of the job
// language's `stages:`), and what its cached output depends on.
//
// A stage runs with the outputs of the stages it depends on (directly or not);
// it returns its own output as JSON, or throws hone::Error to fail. The model
// stages find the model an upstream model_training stage registered under
// "model_key" in that stage's output.
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/registry.hpp"
#include "common/run_context.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"

namespace hone::pipeline {

using Json = nlohmann::ordered_json;

// The SHA-256 of the file or database a dataset reads (its path, size and
// contents), or null for a source without one (PostgreSQL, which hone cannot
// fingerprint without reading it). Each file is read once per execution (while
// its size and modification time stay the same), however many stages read it.
class Fingerprints {
public:
    Json of(const lang::DatasetSpec& dataset);

private:
    std::mutex mutex_;
    std::map<std::string, std::pair<std::string, Json>> known_;  // path -> (size and mtime, fingerprint)
};

struct StageInput {
    const lang::JobFile& file;
    const lang::PipelineSpec& pipeline;
    const lang::StageSpec& stage;
    registry::Store& store;
    const RunContext& context;
    std::map<std::string, Json> upstream;  // outputs of every stage it depends on, by id
    std::function<void(const std::string&)> log;  // a line of the execution's log
    Fingerprints& fingerprints;
};

struct StageType {
    std::string name;
    std::vector<std::string> aliases;
    std::string doc;  // one line
    std::function<Json(const StageInput&)> run;
    // What the output depends on besides the stage's own settings and its
    // dependencies' outputs (the blocks it reads, their data's fingerprints),
    // for the cache key. Null when the output cannot be reused (a data source
    // with no fingerprint).
    std::function<Json(const StageInput&)> inputs;
    // Whether a cached output still holds (the model it names is still
    // registered, the file it wrote is still there).
    std::function<bool(const StageInput&, const Json& output)> still_valid;
};

const Registry<StageType>& stage_types();

}  // namespace hone::pipeline
