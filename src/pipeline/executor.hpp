#pragma once
// Running a pipeline: its stages in the order their dependencies allow,
// independent ones at once (up to `max_parallel`), each stage's output cached
// under a key made of everything it depends on, so a rerun skips what did not
// change and says so; retries per stage; a failed or killed execution resumed
// later without rerunning the stages that had completed.
//
// An execution is a run of kind "pipeline" in the store (its job is the
// pipeline's name): written when it starts, after every stage and when it
// ends, so a process killed mid-stage leaves an execution the registry's
// recovery marks interrupted and `resume` continues.
//
// The execution document (CLI --json and HTTP alike):
//   {"execution_id", "pipeline", "file", "status" (running, completed, failed,
//    cancelled), "started_at", "duration_ms", "resumed_from", "error",
//    "stages": [{"id", "type", "dependencies", "status" (pending, running,
//    completed, failed, skipped, interrupted), "cached", "reused_from",
//    "attempts", "started_at", "duration_ms", "cache_key", "output", "error"}]}
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_context.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"

namespace hone::pipeline {

using Json = nlohmann::ordered_json;

// A stage that started or ended, for progress lines and event streams.
struct StageEvent {
    std::string execution_id;
    Json stage;  // the stage's entry of the execution document
};

struct ExecutionOptions {
    RunContext context;    // store, model root, threads, who, cancellation
    bool use_cache = true;  // false (--no-cache): run every stage
    // Continue the pipeline's latest execution that did not complete: its
    // completed stages are reused when their inputs are unchanged (even with
    // cache: false), the others run. hone::Error(not_found,
    // "execution_not_found") when there is none to resume.
    bool resume = false;
    // "" = a new execution row; else a row already in the store (a queued run
    // of the server's job runner), which this execution takes over.
    std::string execution_id;
    std::function<void(const StageEvent&)> on_stage;
};

// Runs pipeline `name` of `file` and returns its execution document. An unknown
// name is hone::Error(not_found, "pipeline_not_found") listing the file's
// pipelines. A failed stage does not throw: the document says "failed", with
// the stage's error; stages after it are "skipped", independent ones go on.
Json run_pipeline(const lang::JobFile& file, const std::string& name, registry::Store& store,
                  const ExecutionOptions& options);

// The execution --resume would continue: the pipeline's latest that did not
// complete. hone::Error(not_found, "execution_not_found") when it has none,
// (conflict, "run_finished") when the latest completed.
registry::RunRecord resumable_execution(registry::Store& store, const std::string& name);

// The execution document of a stored execution; nullopt when `id` is not one.
std::optional<Json> find_execution(registry::Store& store, const std::string& id);
// The executions of pipeline `name`, newest first.
std::vector<Json> executions_of(registry::Store& store, const std::string& name, int limit = 20);

// The pipeline as `hone pipeline list` and GET /api/training/pipelines show it.
Json describe_pipeline(const lang::PipelineSpec& pipeline);

}  // namespace hone::pipeline
