#pragma once
// The registry's store: jobs, runs (history), per-round metrics, model entries and
// an audit log. SQLite by default (WAL, busy timeout), or PostgreSQL for a registry
// several machines share. The store keeps JSON documents as text; it knows
// nothing of how models are trained.
//
// Contracts: every write is one transaction; a model entry is inserted only after
// its artifact directory is complete on disk (see artifacts.hpp), so readers never
// see an entry whose files are missing.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace hone::registry {

using Json = nlohmann::ordered_json;

// The stages of a model's life, MLflow's names.
const std::vector<std::string>& stages();  // none, staging, production, archived

struct ModelEntry {
    std::string key;         // <model>_<job>_v<unix seconds>[_<n>]
    std::string name;        // the model block's name
    int version = 0;         // 1, 2, ... per name
    std::string algorithm;   // catalog name
    std::string framework;   // sklearn, xgboost, pytorch
    std::string task;        // classification, regression
    Json metrics = Json::object();             // on the test split (validation when there is none)
    Json validation_metrics = Json::object();
    Json hyperparameters = Json::object();
    // training_job, dataset, target, features, preprocessing, classes, ...
    Json metadata = Json::object();
    int feature_count = 0;
    std::int64_t training_samples = 0;
    double created_at = 0;   // unix seconds
    std::string created_by;
    std::string stage = "none";
    std::string file_path;   // the artifact directory
    std::string sha256;      // of the manifest, which lists every file's digest
    std::string run_id;

    Json to_json() const;
};

struct RunRecord {
    std::string id;
    std::string job;
    std::string kind = "training";  // training or tuning
    std::string status = "running"; // pending, running, ok, error, cancelled, ...
    double ts = 0;                  // start, unix seconds
    double duration_ms = 0;
    Json metrics = Json::object();
    Json result = Json::object();   // the whole result document
    std::string error;
    std::string registry_key;
    // The process that last wrote the run (process_identity() of registry/
    // recovery.hpp), set by the store on every write: a run left unfinished by
    // a process that is gone was interrupted.
    std::string owner;

    Json to_json() const;  // the run history shape: status, ts, duration_ms, metrics, ...
};

// One trial of a tuning study (the study is its tuning run, `study` its run id).
// Written when the trial starts (status running) and again when it ends.
struct TrialRow {
    std::string study;
    int number = 0;                 // 0-based, in the order trials were started
    // running, ok, failed, pruned; in a study tuning workers share also
    // waiting (a lost trial's rerun, queued for the next worker)
    std::string status = "running";
    Json params = Json::object();   // the sampled hyperparameters
    std::optional<double> value;    // the objective (ok) or the last intermediate value (pruned)
    Json metrics = Json::object();  // validation metrics (cv: the fold means, with *_std)
    Json intermediate = Json::array();  // [[round, value], ...] as reported while fitting
    std::string error;              // failed: why
    double started_at = 0;          // unix seconds
    double duration_ms = 0;
    std::string registry_key;       // when the trial's model was registered
    // Tuning workers only (empty, 0 and nullopt otherwise):
    std::string owner;              // the worker running it: process_identity() of recovery.hpp
    double heartbeat = 0;           // unix seconds of the owner's last sign of life
    std::optional<int> retry_of;    // the lost trial this one reruns, with the same params
    int attempt = 1;                // 1, then 2 for the first rerun of a lost trial, ...

    Json to_json() const;  // with "worker" and "retry_of" when set
};

// How many of a study's trials count against its max_trials: every one but
// the lost trials that were rerun (a rerun takes its lost trial's place).
int trials_counted(const std::vector<TrialRow>& trials);
// Whether any of them is running or waiting for a worker.
bool any_trial_open(const std::vector<TrialRow>& trials);

// What a tuning worker asks of claim_trial().
struct ClaimRules {
    std::string owner;           // the claimer, process_identity()
    int max_trials = 0;          // the study's budget; a lost trial that was rerun does not count
    int max_retry = 1;           // reruns of one lost trial, at most
    double grace_seconds = 30;   // a running trial whose heartbeat is older is lost
};

struct Claim {
    enum class State {
        claimed,  // `trial` is now running under the claimer
        wait,     // nothing to claim now, but trials still run (and may be lost and rerun)
        done,     // the budget is spent and nothing runs: the study's trials are over
    };
    State state = State::done;
    TrialRow trial;
    // Every trial of the study as the claim read it for the sampler (the
    // claimed one included), when it sampled new params; empty when it took a
    // queued rerun. Only pruned trials carry their intermediate values, and
    // none its error or registry key: trials_of() reads them whole.
    std::vector<TrialRow> trials;
    std::vector<int> lost;       // trials this claim found lost (marked failed)
};

// Params for trial `number` given the study's trials (running ones included);
// nullopt when there should be no more trials (a grid exhausted, the study's
// early stopping). Called inside the claim's transaction: it may run again if
// the transaction is retried, so it must not have side effects.
using SampleParams = std::function<std::optional<Json>(const std::vector<TrialRow>& trials, int number)>;

// One line of a run's log (the training-service API's training log entry).
struct LogEntry {
    double ts = 0;          // unix seconds
    std::string level;      // info, warning, error
    std::string message;

    Json to_json() const;   // {"timestamp": RFC 3339 UTC with milliseconds, "level", "message"}
};

struct ModelFilter {
    std::string name;       // exact, empty = any
    std::string algorithm;  // exact, empty = any
    std::string stage;      // exact, empty = any
};

class Store {
public:
    virtual ~Store() = default;

    virtual void save_job(const std::string& kind, const std::string& name, const Json& spec) = 0;
    // The saved jobs of `kind` as (name, spec), in the order first saved.
    virtual std::vector<std::pair<std::string, Json>> jobs_of_kind(const std::string& kind) = 0;

    virtual void insert_run(const RunRecord& run) = 0;
    virtual void update_run(const RunRecord& run) = 0;
    virtual std::optional<RunRecord> get_run(const std::string& id) = 0;
    // Newest first.
    virtual std::vector<RunRecord> runs_of(const std::string& job, int limit = 100) = 0;
    // Runs whose status is pending, running or paused, oldest first.
    virtual std::vector<RunRecord> unfinished_runs() = 0;
    virtual void add_round(const std::string& run_id, int round, const Json& metrics) = 0;
    virtual std::vector<Json> rounds_of(const std::string& run_id) = 0;
    // A run's log, in the order written.
    virtual void add_log(const std::string& run_id, const LogEntry& entry) = 0;
    virtual std::vector<LogEntry> logs_of(const std::string& run_id) = 0;

    // Inserts or replaces the trial (study, number).
    virtual void save_trial(const TrialRow& trial) = 0;
    // By number.
    virtual std::vector<TrialRow> trials_of(const std::string& study) = 0;

    // Tuning workers. claim_trial, in one transaction: takes a queued rerun if
    // there is one (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers
    // take different ones); else, holding the study's row lock, marks failed
    // every running trial whose heartbeat is older than the grace period,
    // queues a rerun of each (same params, next number) while it has attempts
    // left, and claims one of them or, within the budget, a new trial whose
    // params `sample` gives. Numbers are never reused. A study that is not
    // running is done. An unknown study is hone::Error(not_found).
    virtual Claim claim_trial(const std::string& study, const ClaimRules& rules, const SampleParams& sample) = 0;
    // Records the owner's heartbeat and the trial's intermediate values; false
    // (nothing written) when the trial is no longer running under `owner`.
    virtual bool heartbeat_trial(const TrialRow& trial, const std::string& owner) = 0;
    // Writes the ended trial if it is still running under `owner`; false
    // (nothing written) when it was declared lost meanwhile.
    virtual bool finish_trial(const TrialRow& trial, const std::string& owner) = 0;
    // Hands a trial running under `owner` back to be claimed again, as it is
    // (same number, params and attempt): a worker told to stop. False when it
    // was not running under `owner`.
    virtual bool release_trial(const TrialRow& trial, const std::string& owner) = 0;

    // Picks a free key for <model>_<job>_v<seconds> and the next version of the
    // model, calls `place(key)` (which must move the finished artifact into place
    // and may throw), then inserts the entry; all under the store's write lock
    // (PostgreSQL: an advisory lock every process takes), so two writers never get
    // the same key or version. If `place` or the insert
    // throws, nothing is recorded and the exception propagates.
    virtual ModelEntry register_model(ModelEntry entry, const std::string& job,
                                      const std::function<std::string(const std::string& key)>& place) = 0;
    virtual std::optional<ModelEntry> get_model(const std::string& key) = 0;
    virtual std::vector<ModelEntry> list_models(const ModelFilter& filter = {}) = 0;
    virtual bool delete_model(const std::string& key) = 0;
    virtual void set_stage(const std::string& key, const std::string& stage) = 0;
    // Replaces the entry's metadata document (tags, description, ...).
    virtual void set_metadata(const std::string& key, const Json& metadata) = 0;

    // Runs `f` on this store while holding its write lock, so no registration
    // places an artifact meanwhile (recovery removes orphan folders under it).
    // `f` is given the store to call, which may differ from `this` (a wrapper
    // hands its inner store, whose lock it already holds).
    virtual void exclusive(const std::function<void(Store&)>& f) = 0;

    // Outputs of pipeline stages by cache key (pipeline/ makes the keys from
    // everything a stage depends on), so a stage whose inputs did not change is
    // not run again. Saving a key again replaces its output.
    virtual void save_stage_output(const std::string& key, const Json& output) = 0;
    virtual std::optional<Json> stage_output(const std::string& key) = 0;

    virtual void audit(const std::string& actor, const std::string& action, const std::string& target,
                       const std::string& outcome, const Json& details = Json::object()) = 0;
    virtual std::vector<Json> audit_log(int limit = 100) = 0;
};

// A SQLite file path, or a postgresql:// (postgres://) URL. A URL may end in
// `?pool_size=N` (connections this process opens at most, 4 by default; callers
// wait for a free one). Opening migrates the store's schema to the latest.
std::unique_ptr<Store> open_store(const std::string& location);

// The store's schema is versioned: each back end has an ordered list of
// migrations, and a store records those applied in its schema_version table.
struct SchemaStatus {
    int version = 0;            // the store's version now
    int latest = 0;             // the newest this build knows for the back end
    std::vector<int> applied;   // the versions this call applied, in order
    std::vector<int> history;   // the versions schema_version records, ascending
};

// Brings the store at `location` to schema version `target` (the latest when 0),
// applying the missing migrations in order in one transaction, never two
// processes at once. A store newer than this build is an error; an older target
// than the store's changes nothing.
SchemaStatus migrate_store(const std::string& location, int target = 0);

// `inner` behind one mutex: every call (a registration with its artifact
// placement included) runs alone, so threads sharing one store never interleave
// inside another's transaction. For the server, whose runs and requests share it.
std::unique_ptr<Store> serialized(std::unique_ptr<Store> inner);

}  // namespace hone::registry
