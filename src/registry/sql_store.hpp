#pragma once
// The Store both back ends share: every method's SQL, its rows read into structs
// and structs bound as parameters, written once over a back end `Db` that runs a
// unit of work as one transaction (sqlite_store.cpp, postgres_store.cpp).
//
// A Db provides
//   template <class F> auto transact(const char* operation, Work work, F&& f)
// which calls f(Session&) inside one transaction (with the back end's retries)
// and returns what f returns. A Session provides query(sql) -> a Query, script(sql)
// (several statements, no parameters), outside_effects() (called right before
// the work does something outside the database, after which it is not retried),
// and the row-locking clauses for_update() and skip_locked() (" FOR UPDATE" and
// " FOR UPDATE SKIP LOCKED" in PostgreSQL; empty in SQLite, whose transactions
// hold the whole file).
// A Query provides bind(i, value) for text, Json, double and integers (1-based;
// an unbound parameter is NULL), step() (true while there is a row), run(),
// changes() (rows the statement changed) and text/json/real/integer/is_null(col).
//
// The SQL is written with ?N placeholders (PostgreSQL's session turns them into
// $N) and orders by `rowid` (SQLite's, and a column of that name in PostgreSQL).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/names.hpp"
#include "common/text.hpp"
#include "registry/recovery.hpp"
#include "registry/store.hpp"

namespace hone::registry::sql {

enum class Work {
    read,           // reads only
    write,          // one or more writes, each standing alone
    atomic,         // reads and writes that commit together or not at all
    registry_lock,  // writes under the registry's lock: one holder at a time, across processes
};

// A Db whose every unit of work runs inside a transaction already open (the one
// exclusive() holds), so the Store handed to exclusive()'s function calls into it.
template <class Session>
struct Pinned {
    Session& session;
    template <class F>
    decltype(auto) transact(const char*, Work, F&& f) {
        return f(session);
    }
};

// Runs f(session) and then `commit`, returning what f returned.
template <class F, class Session, class Commit>
decltype(auto) call_then(F&& f, Session& session, Commit&& commit) {
    if constexpr (std::is_void_v<std::invoke_result_t<F, Session&>>) {
        f(session);
        commit();
    } else {
        auto result = f(session);
        commit();
        return result;
    }
}

inline constexpr const char* model_columns =
    "key, name, version, algorithm, framework, task, metrics, validation_metrics, hyperparameters, metadata, "
    "feature_count, training_samples, created_at, created_by, stage, file_path, sha256, run_id";

inline constexpr const char* run_columns =
    "id, job, kind, status, ts, duration_ms, metrics, result, error, registry_key, owner";

inline constexpr const char* trial_columns =
    "study, number, status, params, value, metrics, intermediate, error, started_at, duration_ms, registry_key, "
    "owner, heartbeat, retry_of, attempt";

// trial_columns as the claim reads them for the sampler: intermediate values
// only of pruned trials (their last step ranks them), no error or registry key.
// Every other trial's per-round values would make a claim, which holds the
// study's lock, grow with the rounds of the whole study.
inline constexpr const char* sampled_trial_columns =
    "study, number, status, params, value, metrics, "
    "CASE WHEN status = 'pruned' THEN intermediate ELSE '[]' END, '', started_at, duration_ms, '', "
    "owner, heartbeat, retry_of, attempt";

template <class Query>
ModelEntry read_model(const Query& s) {
    ModelEntry m;
    m.key = s.text(0);
    m.name = s.text(1);
    m.version = static_cast<int>(s.integer(2));
    m.algorithm = s.text(3);
    m.framework = s.text(4);
    m.task = s.text(5);
    m.metrics = s.json(6);
    m.validation_metrics = s.json(7);
    m.hyperparameters = s.json(8);
    m.metadata = s.json(9);
    m.feature_count = static_cast<int>(s.integer(10));
    m.training_samples = s.integer(11);
    m.created_at = s.real(12);
    m.created_by = s.text(13);
    m.stage = s.text(14);
    m.file_path = s.text(15);
    m.sha256 = s.text(16);
    m.run_id = s.text(17);
    return m;
}

template <class Query>
Query& bind_model(Query& s, const ModelEntry& e) {
    s.bind(1, e.key).bind(2, e.name).bind(3, e.version).bind(4, e.algorithm);
    s.bind(5, e.framework).bind(6, e.task).bind(7, e.metrics).bind(8, e.validation_metrics);
    s.bind(9, e.hyperparameters).bind(10, e.metadata).bind(11, e.feature_count);
    s.bind(12, e.training_samples).bind(13, e.created_at).bind(14, e.created_by);
    s.bind(15, e.stage).bind(16, e.file_path).bind(17, e.sha256).bind(18, e.run_id);
    return s;
}

template <class Query>
RunRecord read_run(const Query& s) {
    RunRecord r;
    r.id = s.text(0);
    r.job = s.text(1);
    r.kind = s.text(2);
    r.status = s.text(3);
    r.ts = s.real(4);
    r.duration_ms = s.real(5);
    r.metrics = s.json(6);
    r.result = s.json(7);
    r.error = s.text(8);
    r.registry_key = s.text(9);
    r.owner = s.text(10);
    return r;
}

template <class Query>
Query& bind_run(Query& s, const RunRecord& r) {
    s.bind(1, r.id).bind(2, r.job).bind(3, r.kind).bind(4, r.status).bind(5, r.ts).bind(6, r.duration_ms);
    s.bind(7, r.metrics).bind(8, r.result).bind(9, r.error).bind(10, r.registry_key);
    s.bind(11, process_identity());  // whoever writes the run owns it now
    return s;
}

template <class Query>
TrialRow read_trial(const Query& s) {
    TrialRow t;
    t.study = s.text(0);
    t.number = static_cast<int>(s.integer(1));
    t.status = s.text(2);
    t.params = s.json(3);
    if (!s.is_null(4)) t.value = s.real(4);
    t.metrics = s.json(5);
    t.intermediate = s.text(6).empty() ? Json::array() : s.json(6);
    t.error = s.text(7);
    t.started_at = s.real(8);
    t.duration_ms = s.real(9);
    t.registry_key = s.text(10);
    t.owner = s.text(11);
    if (!s.is_null(12)) t.heartbeat = s.real(12);
    if (!s.is_null(13)) t.retry_of = static_cast<int>(s.integer(13));
    if (!s.is_null(14)) t.attempt = static_cast<int>(s.integer(14));
    return t;
}

template <class Query>
Query& bind_trial(Query& s, const TrialRow& t) {
    s.bind(1, t.study).bind(2, t.number).bind(3, t.status).bind(4, t.params);
    if (t.value) s.bind(5, *t.value);
    s.bind(6, t.metrics).bind(7, t.intermediate).bind(8, t.error).bind(9, t.started_at).bind(10, t.duration_ms);
    s.bind(11, t.registry_key).bind(12, t.owner).bind(15, t.attempt);
    if (t.heartbeat > 0) s.bind(13, t.heartbeat);
    if (t.retry_of) s.bind(14, *t.retry_of);
    return s;
}

inline std::string select_from(const char* columns, const std::string& rest) {
    return std::string("SELECT ") + columns + " " + rest;
}

[[noreturn]] inline void no_model(const std::string& key) {
    throw Error(ErrorKind::not_found, "model_not_found", "no model '" + key + "'");
}

template <class Db>
class SqlStore final : public Store {
public:
    template <class... Args>
    explicit SqlStore(Args&&... args) : db_(std::forward<Args>(args)...) {}

    Db& db() { return db_; }

    void save_job(const std::string& kind, const std::string& name, const Json& spec) override {
        db_.transact("save_job", Work::write, [&](auto& s) {
            s.query("INSERT INTO jobs(kind, name, spec, updated_at) VALUES(?1, ?2, ?3, ?4) "
                    "ON CONFLICT(kind, name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at")
                .bind(1, kind).bind(2, name).bind(3, spec).bind(4, unix_seconds()).run();
        });
    }

    std::vector<std::pair<std::string, Json>> jobs_of_kind(const std::string& kind) override {
        return db_.transact("jobs_of_kind", Work::read, [&](auto& s) {
            auto q = s.query("SELECT name, spec FROM jobs WHERE kind = ?1 ORDER BY rowid");
            q.bind(1, kind);
            std::vector<std::pair<std::string, Json>> out;
            while (q.step()) out.emplace_back(q.text(0), q.json(1));
            return out;
        });
    }

    void insert_run(const RunRecord& r) override {
        db_.transact("insert_run", Work::write, [&](auto& s) {
            auto q = s.query("INSERT INTO runs(id, job, kind, status, ts, duration_ms, metrics, result, error, "
                             "registry_key, owner) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
            bind_run(q, r).run();
        });
    }

    void update_run(const RunRecord& r) override {
        db_.transact("update_run", Work::write, [&](auto& s) {
            auto q = s.query("UPDATE runs SET job = ?2, kind = ?3, status = ?4, ts = ?5, duration_ms = ?6, "
                             "metrics = ?7, result = ?8, error = ?9, registry_key = ?10, owner = ?11 WHERE id = ?1");
            bind_run(q, r).run();
        });
    }

    std::optional<RunRecord> get_run(const std::string& id) override {
        return db_.transact("get_run", Work::read, [&](auto& s) -> std::optional<RunRecord> {
            auto q = s.query(select_from(run_columns, "FROM runs WHERE id = ?1"));
            q.bind(1, id);
            if (!q.step()) return std::nullopt;
            return read_run(q);
        });
    }

    std::vector<RunRecord> unfinished_runs() override {
        return runs_where("unfinished_runs",
                          "WHERE status IN ('pending', 'running', 'paused') ORDER BY ts, rowid", [](auto&) {});
    }

    std::vector<RunRecord> runs_of(const std::string& job, int limit) override {
        return runs_where("runs_of", "WHERE job = ?1 ORDER BY ts DESC, rowid DESC LIMIT ?2",
                          [&](auto& q) { q.bind(1, job).bind(2, limit); });
    }

    void add_round(const std::string& run_id, int round, const Json& metrics) override {
        db_.transact("add_round", Work::write, [&](auto& s) {
            s.query("INSERT INTO run_rounds(run_id, round, metrics) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(run_id, round) DO UPDATE SET metrics = excluded.metrics")
                .bind(1, run_id).bind(2, round).bind(3, metrics).run();
        });
    }

    std::vector<Json> rounds_of(const std::string& run_id) override {
        return db_.transact("rounds_of", Work::read, [&](auto& s) {
            auto q = s.query("SELECT round, metrics FROM run_rounds WHERE run_id = ?1 ORDER BY round");
            q.bind(1, run_id);
            std::vector<Json> out;
            while (q.step()) {
                Json j = q.json(1);
                j["round"] = q.integer(0);
                out.push_back(j);
            }
            return out;
        });
    }

    void add_log(const std::string& run_id, const LogEntry& e) override {
        db_.transact("add_log", Work::write, [&](auto& s) {
            s.query("INSERT INTO run_logs(run_id, ts, level, message) VALUES(?1, ?2, ?3, ?4)")
                .bind(1, run_id).bind(2, e.ts).bind(3, e.level).bind(4, e.message).run();
        });
    }

    std::vector<LogEntry> logs_of(const std::string& run_id) override {
        return db_.transact("logs_of", Work::read, [&](auto& s) {
            auto q = s.query("SELECT ts, level, message FROM run_logs WHERE run_id = ?1 ORDER BY id");
            q.bind(1, run_id);
            std::vector<LogEntry> out;
            while (q.step()) out.push_back(LogEntry{q.real(0), q.text(1), q.text(2)});
            return out;
        });
    }

    void save_trial(const TrialRow& t) override {
        db_.transact("save_trial", Work::write, [&](auto& s) {
            auto q = s.query(std::string("INSERT INTO trials(") + trial_columns +
                             ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT(study, number) DO "
                             "UPDATE SET status = excluded.status, params = excluded.params, value = excluded.value, "
                             "metrics = excluded.metrics, intermediate = excluded.intermediate, error = excluded.error, "
                             "started_at = excluded.started_at, duration_ms = excluded.duration_ms, "
                             "registry_key = excluded.registry_key");
            bind_trial(q, t).run();
        });
    }

    std::vector<TrialRow> trials_of(const std::string& study) override {
        return db_.transact("trials_of", Work::read, [&](auto& s) { return trials_in(s, study); });
    }

    Claim claim_trial(const std::string& study, const ClaimRules& rules, const SampleParams& sample) override {
        return db_.transact("claim_trial", Work::atomic, [&](auto& s) {
            Claim c;
            double now = unix_seconds();
            if (claim_queued(s, study, rules.owner, now, c)) return c;
            if (!lock_running_study(s, study)) return c;  // done
            c.lost = mark_lost(s, study, rules, now);
            if (!c.lost.empty() && claim_queued(s, study, rules.owner, now, c)) return c;
            c.trials = trials_in(s, study, sampled_trial_columns);
            int number = c.trials.empty() ? 0 : c.trials.back().number + 1;
            std::optional<Json> params;
            if (trials_counted(c.trials) < rules.max_trials) params = sample(c.trials, number);
            if (!params) {
                c.state = any_trial_open(c.trials) ? Claim::State::wait : Claim::State::done;
                c.trials.clear();
                return c;
            }
            TrialRow& t = c.trial;
            t.study = study;
            t.number = number;
            t.params = *params;
            t.started_at = now;
            t.owner = rules.owner;
            t.heartbeat = now;
            insert_trial(s, t);
            c.trials.push_back(t);
            c.state = Claim::State::claimed;
            return c;
        });
    }

    bool heartbeat_trial(const TrialRow& t, const std::string& owner) override {
        return db_.transact("heartbeat_trial", Work::write, [&](auto& s) {
            auto q = s.query("UPDATE trials SET heartbeat = ?4, intermediate = ?5 "
                             "WHERE study = ?1 AND number = ?2 AND owner = ?3 AND status = 'running'");
            q.bind(1, t.study).bind(2, t.number).bind(3, owner).bind(4, unix_seconds()).bind(5, t.intermediate).run();
            return q.changes() > 0;
        });
    }

    bool release_trial(const TrialRow& t, const std::string& owner) override {
        return db_.transact("release_trial", Work::write, [&](auto& s) {
            auto q = s.query("UPDATE trials SET status = 'waiting', owner = '', heartbeat = NULL, intermediate = '[]' "
                             "WHERE study = ?1 AND number = ?2 AND owner = ?3 AND status = 'running'");
            q.bind(1, t.study).bind(2, t.number).bind(3, owner).run();
            return q.changes() > 0;
        });
    }

    bool finish_trial(const TrialRow& t, const std::string& owner) override {
        return db_.transact("finish_trial", Work::write, [&](auto& s) {
            auto q = s.query("UPDATE trials SET status = ?4, value = ?5, metrics = ?6, intermediate = ?7, error = ?8, "
                             "duration_ms = ?9, registry_key = ?10, heartbeat = ?11 "
                             "WHERE study = ?1 AND number = ?2 AND owner = ?3 AND status = 'running'");
            q.bind(1, t.study).bind(2, t.number).bind(3, owner).bind(4, t.status);
            if (t.value) q.bind(5, *t.value);
            q.bind(6, t.metrics).bind(7, t.intermediate).bind(8, t.error).bind(9, t.duration_ms);
            q.bind(10, t.registry_key).bind(11, unix_seconds()).run();
            return q.changes() > 0;
        });
    }

    ModelEntry register_model(ModelEntry entry, const std::string& job,
                              const std::function<std::string(const std::string&)>& place) override {
        check_safe_name(entry.name, "model name");
        check_safe_name(job, "job name");
        if (entry.created_at == 0) entry.created_at = unix_seconds();
        return db_.transact("register_model", Work::registry_lock, [&](auto& s) {
            ModelEntry e = entry;  // a retried attempt starts from the caller's entry
            std::string base = e.name + "_" + job + "_v" + std::to_string(static_cast<std::int64_t>(e.created_at));
            e.key = base;
            for (int n = 2; model_exists(s, e.key); ++n) e.key = base + "_" + std::to_string(n);
            auto v = s.query("SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?1");
            v.bind(1, e.name).step();
            e.version = static_cast<int>(v.integer(0)) + 1;
            s.outside_effects();
            e.file_path = place(e.key);
            auto q = s.query(std::string("INSERT INTO models(") + model_columns +
                             ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
            bind_model(q, e).run();
            return e;
        });
    }

    std::optional<ModelEntry> get_model(const std::string& key) override {
        return db_.transact("get_model", Work::read, [&](auto& s) -> std::optional<ModelEntry> {
            auto q = s.query(select_from(model_columns, "FROM models WHERE key = ?1"));
            q.bind(1, key);
            if (!q.step()) return std::nullopt;
            return read_model(q);
        });
    }

    std::vector<ModelEntry> list_models(const ModelFilter& f) override {
        return db_.transact("list_models", Work::read, [&](auto& s) {
            auto q = s.query(select_from(model_columns,
                                         "FROM models WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR algorithm = ?2) "
                                         "AND (?3 = '' OR stage = ?3) ORDER BY created_at DESC, rowid DESC"));
            q.bind(1, f.name).bind(2, f.algorithm).bind(3, f.stage);
            std::vector<ModelEntry> out;
            while (q.step()) out.push_back(read_model(q));
            return out;
        });
    }

    bool delete_model(const std::string& key) override {
        return db_.transact("delete_model", Work::write, [&](auto& s) {
            auto q = s.query("DELETE FROM models WHERE key = ?1");
            q.bind(1, key).run();
            return q.changes() > 0;
        });
    }

    void set_stage(const std::string& key, const std::string& stage) override {
        const auto& valid = stages();
        if (std::find(valid.begin(), valid.end(), stage) == valid.end())
            throw Error(ErrorKind::validation, "invalid_stage",
                        "invalid stage '" + stage + "': expected " + join_or(valid, "'"));
        update_model("set_stage", "UPDATE models SET stage = ?2 WHERE key = ?1", key, stage);
    }

    void set_metadata(const std::string& key, const Json& metadata) override {
        update_model("set_metadata", "UPDATE models SET metadata = ?2 WHERE key = ?1", key, metadata);
    }

    void exclusive(const std::function<void(Store&)>& f) override {
        db_.transact("exclusive", Work::registry_lock, [&](auto& s) {
            using Locked = Pinned<std::remove_reference_t<decltype(s)>>;
            s.outside_effects();  // f's work is its own: never run twice
            SqlStore<Locked> locked(Locked{s});
            f(locked);
        });
    }

    void save_stage_output(const std::string& key, const Json& output) override {
        db_.transact("save_stage_output", Work::write, [&](auto& s) {
            s.query("INSERT INTO stage_cache(key, output, created_at) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(key) DO UPDATE SET output = excluded.output, created_at = excluded.created_at")
                .bind(1, key).bind(2, output).bind(3, unix_seconds()).run();
        });
    }

    std::optional<Json> stage_output(const std::string& key) override {
        return db_.transact("stage_output", Work::read, [&](auto& s) -> std::optional<Json> {
            auto q = s.query("SELECT output FROM stage_cache WHERE key = ?1");
            q.bind(1, key);
            if (!q.step()) return std::nullopt;
            return q.json(0);
        });
    }

    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const std::string& outcome, const Json& details) override {
        db_.transact("audit", Work::write, [&](auto& s) {
            s.query("INSERT INTO audit(ts, actor, action, target, outcome, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
                .bind(1, unix_seconds()).bind(2, actor).bind(3, action).bind(4, target).bind(5, outcome)
                .bind(6, details).run();
        });
    }

    std::vector<Json> audit_log(int limit) override {
        return db_.transact("audit_log", Work::read, [&](auto& s) {
            auto q = s.query("SELECT ts, actor, action, target, outcome, details FROM audit ORDER BY id DESC LIMIT ?1");
            q.bind(1, limit);
            std::vector<Json> out;
            while (q.step())
                out.push_back(Json{{"ts", q.real(0)},
                                   {"actor", q.text(1)},
                                   {"action", q.text(2)},
                                   {"target", q.text(3)},
                                   {"outcome", q.text(4)},
                                   {"details", q.json(5)}});
            return out;
        });
    }

private:
    template <class Bind>
    std::vector<RunRecord> runs_where(const char* operation, const char* where, Bind&& bind) {
        return db_.transact(operation, Work::read, [&](auto& s) {
            auto q = s.query(select_from(run_columns, std::string("FROM runs ") + where));
            bind(q);
            std::vector<RunRecord> out;
            while (q.step()) out.push_back(read_run(q));
            return out;
        });
    }

    template <class Value>
    void update_model(const char* operation, const char* sql, const std::string& key, const Value& value) {
        bool found = db_.transact(operation, Work::write, [&](auto& s) {
            auto q = s.query(sql);
            q.bind(1, key).bind(2, value).run();
            return q.changes() > 0;
        });
        if (!found) no_model(key);
    }

    template <class Session>
    static std::vector<TrialRow> trials_in(Session& s, const std::string& study, const char* columns = trial_columns) {
        auto q = s.query(select_from(columns, "FROM trials WHERE study = ?1 ORDER BY number"));
        q.bind(1, study);
        std::vector<TrialRow> out;
        while (q.step()) out.push_back(read_trial(q));
        return out;
    }

    template <class Session>
    static void insert_trial(Session& s, const TrialRow& t) {
        auto q = s.query(std::string("INSERT INTO trials(") + trial_columns +
                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
        bind_trial(q, t).run();
    }

    // Takes the first queued rerun no other claimer holds: true, with it in `c`.
    template <class Session>
    static bool claim_queued(Session& s, const std::string& study, const std::string& owner, double now, Claim& c) {
        auto q = s.query("SELECT number FROM trials WHERE study = ?1 AND status = 'waiting' ORDER BY number LIMIT 1" +
                         std::string(s.skip_locked()));
        q.bind(1, study);
        if (!q.step()) return false;
        int number = static_cast<int>(q.integer(0));
        s.query("UPDATE trials SET status = 'running', owner = ?3, heartbeat = ?4, started_at = ?4 "
                "WHERE study = ?1 AND number = ?2")
            .bind(1, study).bind(2, number).bind(3, owner).bind(4, now).run();
        auto row = s.query(select_from(trial_columns, "FROM trials WHERE study = ?1 AND number = ?2"));
        row.bind(1, study).bind(2, number).step();
        c.trial = read_trial(row);
        c.state = Claim::State::claimed;
        return true;
    }

    // Locks the study's row until the claim commits; false when it has ended.
    template <class Session>
    static bool lock_running_study(Session& s, const std::string& study) {
        auto q = s.query("SELECT status FROM runs WHERE id = ?1 AND kind = 'tuning'" + std::string(s.for_update()));
        q.bind(1, study);
        if (!q.step()) throw Error(ErrorKind::not_found, "study_not_found", "no study '" + study + "' in the store");
        return q.text(0) == "running";
    }

    // Marks failed the running trials whose owner fell silent, each queued for a
    // rerun while it has attempts left; their numbers.
    template <class Session>
    static std::vector<int> mark_lost(Session& s, const std::string& study, const ClaimRules& rules, double now) {
        std::vector<TrialRow> lost;
        {
            auto q = s.query(select_from(trial_columns, "FROM trials WHERE study = ?1 AND status = 'running' AND "
                                                        "heartbeat IS NOT NULL AND heartbeat < ?2 ORDER BY number" +
                                                            std::string(s.for_update())));
            q.bind(1, study).bind(2, now - rules.grace_seconds);
            while (q.step()) lost.push_back(read_trial(q));
        }
        std::vector<int> numbers;
        for (TrialRow& t : lost) {
            numbers.push_back(t.number);
            std::string error = "lost: its worker " + t.owner + " sent no heartbeat for " +
                                std::to_string(static_cast<long>(now - t.heartbeat)) + " s";
            if (t.attempt <= rules.max_retry) {
                auto next = s.query("SELECT MAX(number) FROM trials WHERE study = ?1");
                next.bind(1, study).step();
                TrialRow rerun;
                rerun.study = study;
                rerun.number = static_cast<int>(next.integer(0)) + 1;
                rerun.status = "waiting";
                rerun.params = t.params;
                rerun.started_at = now;
                rerun.retry_of = t.number;
                rerun.attempt = t.attempt + 1;
                insert_trial(s, rerun);
                error += "; rerun as trial " + std::to_string(rerun.number);
            } else {
                error += "; not rerun: it was attempt " + std::to_string(t.attempt) + " and max_retry is " +
                         std::to_string(rules.max_retry);
            }
            s.query("UPDATE trials SET status = 'failed', error = ?3, duration_ms = ?4 WHERE study = ?1 AND number = ?2")
                .bind(1, study).bind(2, t.number).bind(3, error).bind(4, (now - t.started_at) * 1000).run();
        }
        return numbers;
    }

    template <class Session>
    static bool model_exists(Session& s, const std::string& key) {
        auto q = s.query("SELECT 1 FROM models WHERE key = ?1");
        q.bind(1, key);
        return q.step();
    }

    Db db_;
};

// A store of back end Db at `location`, its schema migrated to the latest.
template <class Db>
std::unique_ptr<Store> open_migrated(const std::string& location) {
    auto store = std::make_unique<SqlStore<Db>>(location);
    store->db().migrate(0);
    return store;
}

// One step of a back end's schema: its version (1, 2, ... in order), what it
// changes, and the statements that change it.
struct Migration {
    int version;
    const char* summary;
    const char* sql;
};

inline constexpr const char* schema_version_table =
    "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, summary TEXT NOT NULL, "
    "applied_at DOUBLE PRECISION NOT NULL)";

template <class Session>
void record_version(Session& s, int version, const std::string& summary) {
    s.query("INSERT INTO schema_version(version, summary, applied_at) VALUES(?1, ?2, ?3)")
        .bind(1, version).bind(2, summary).bind(3, unix_seconds()).run();
}

template <class Session>
std::vector<int> recorded_versions(Session& s) {
    auto q = s.query("SELECT version FROM schema_version ORDER BY version");
    std::vector<int> out;
    while (q.step()) out.push_back(static_cast<int>(q.integer(0)));
    return out;
}

// Applies, in the session's transaction (which the caller holds alone), the
// migrations of `list` above the version the store records, up to `target` (the
// latest when 0), each recorded in schema_version. `where` names the store.
template <class Session>
SchemaStatus apply_migrations(Session& s, const std::vector<Migration>& list, int target, const std::string& where) {
    SchemaStatus status;
    status.latest = list.back().version;
    if (target == 0) target = status.latest;
    if (target < 0 || target > status.latest)
        throw Error(ErrorKind::validation, "store_schema",
                    "no schema version " + std::to_string(target) + " for the store at " + where + ": expected 1 to " +
                        std::to_string(status.latest));
    s.script(schema_version_table);
    auto recorded = recorded_versions(s);
    int current = recorded.empty() ? 0 : recorded.back();
    if (current > status.latest)
        throw Error(ErrorKind::io, "store_schema_newer",
                    "the store at " + where + " is at schema version " + std::to_string(current) +
                        ", newer than this hone knows (" + std::to_string(status.latest) + ")", {},
                    "use the hone that last wrote this store, or a newer one");
    for (const auto& m : list) {
        if (m.version <= current || m.version > target) continue;
        s.script(m.sql);
        record_version(s, m.version, m.summary);
        status.applied.push_back(m.version);
    }
    status.history = recorded_versions(s);
    status.version = status.history.empty() ? 0 : status.history.back();
    return status;
}

}  // namespace hone::registry::sql
