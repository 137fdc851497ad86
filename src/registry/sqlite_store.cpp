// The SQLite store: one file, WAL mode so readers never block the writer, a busy
// timeout so concurrent processes wait instead of failing.
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/names.hpp"
#include "common/text.hpp"
#include "registry/recovery.hpp"
#include "registry/store.hpp"

namespace hone::registry {

const std::vector<std::string>& stages() {
    static const std::vector<std::string> v = {"none", "staging", "production", "archived"};
    return v;
}

Json ModelEntry::to_json() const {
    return Json{{"key", key},
                {"name", name},
                {"version", version},
                {"algorithm", algorithm},
                {"framework", framework},
                {"task", task},
                {"metrics", metrics},
                {"validation_metrics", validation_metrics},
                {"hyperparameters", hyperparameters},
                {"metadata", metadata},
                {"feature_count", feature_count},
                {"training_samples", training_samples},
                {"created_at", created_at},
                {"created_by", created_by},
                {"stage", stage},
                {"file_path", file_path},
                {"sha256", sha256},
                {"run_id", run_id}};
}

Json RunRecord::to_json() const {
    Json j{{"run_id", id},         {"job", job},         {"kind", kind},
           {"status", status},     {"ts", ts},           {"duration_ms", duration_ms},
           {"metrics", metrics}};
    if (!registry_key.empty()) j["registry_key"] = registry_key;
    if (!error.empty()) j["error"] = error;
    return j;
}

Json LogEntry::to_json() const { return Json{{"timestamp", rfc3339(ts)}, {"level", level}, {"message", message}}; }

Json TrialRow::to_json() const {
    Json j{{"trial_index", number}, {"status", status}, {"hyperparameters", params},
           {"metrics", metrics}, {"value", value ? Json(*value) : Json()},
           {"intermediate_values", intermediate}, {"started_at", started_at}, {"duration_ms", duration_ms}};
    if (!error.empty()) j["error"] = error;
    if (!registry_key.empty()) j["registry_key"] = registry_key;
    return j;
}

namespace {


class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& v) {
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    // Invalid UTF-8 in a value (a label read from data) is replaced, never
    // thrown on: a run's outcome must always be recordable.
    Statement& bind(int i, const Json& v) { return bind(i, json_dump(v)); }
    Statement& bind(int i, double v) {
        sqlite3_bind_double(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }

    // True while there is a row.
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail("step");
    }
    void run() {
        while (step()) {
        }
    }
    std::string text(int col) const {
        auto* p = sqlite3_column_text(stmt_, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    Json json(int col) const {
        std::string t = text(col);
        return t.empty() ? Json::object() : Json::parse(t);
    }
    double real(int col) const { return sqlite3_column_double(stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

private:
    [[noreturn]] void fail(const char* what) {
        throw Error(ErrorKind::io, "store_error", std::string("store ") + what + " failed: " + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

const char* schema_sql = R"SQL(
CREATE TABLE IF NOT EXISTS jobs(
  kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, updated_at REAL NOT NULL,
  PRIMARY KEY(kind, name));
CREATE TABLE IF NOT EXISTS runs(
  id TEXT PRIMARY KEY, job TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  ts REAL NOT NULL, duration_ms REAL NOT NULL DEFAULT 0, metrics TEXT, result TEXT,
  error TEXT, registry_key TEXT);
CREATE INDEX IF NOT EXISTS runs_by_job ON runs(job, ts);
CREATE TABLE IF NOT EXISTS run_rounds(
  run_id TEXT NOT NULL, round INTEGER NOT NULL, metrics TEXT NOT NULL,
  PRIMARY KEY(run_id, round));
CREATE TABLE IF NOT EXISTS run_logs(
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, ts REAL NOT NULL, level TEXT NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS run_logs_by_run ON run_logs(run_id, id);
CREATE TABLE IF NOT EXISTS trials(
  study TEXT NOT NULL, number INTEGER NOT NULL, status TEXT NOT NULL, params TEXT NOT NULL,
  value REAL, metrics TEXT, intermediate TEXT, error TEXT, started_at REAL NOT NULL,
  duration_ms REAL NOT NULL DEFAULT 0, registry_key TEXT,
  PRIMARY KEY(study, number));
CREATE TABLE IF NOT EXISTS models(
  key TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, algorithm TEXT NOT NULL,
  framework TEXT NOT NULL, task TEXT NOT NULL, metrics TEXT, validation_metrics TEXT,
  hyperparameters TEXT, metadata TEXT, feature_count INTEGER, training_samples INTEGER,
  created_at REAL NOT NULL, created_by TEXT, stage TEXT NOT NULL DEFAULT 'none',
  file_path TEXT NOT NULL, sha256 TEXT NOT NULL, run_id TEXT,
  UNIQUE(name, version));
CREATE TABLE IF NOT EXISTS stage_cache(
  key TEXT PRIMARY KEY, output TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, actor TEXT, action TEXT NOT NULL,
  target TEXT, outcome TEXT, details TEXT);
)SQL";

constexpr const char* model_columns =
    "key, name, version, algorithm, framework, task, metrics, validation_metrics, hyperparameters, metadata, "
    "feature_count, training_samples, created_at, created_by, stage, file_path, sha256, run_id";

ModelEntry read_model(const Statement& s) {
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

constexpr const char* run_columns = "id, job, kind, status, ts, duration_ms, metrics, result, error, registry_key, owner";

RunRecord read_run(const Statement& s) {
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

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const std::string& path) : path_(path) {
        std::error_code ec;
        auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                            nullptr) != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw Error(ErrorKind::io, "store_unavailable", "cannot open the store " + path + ": " + msg, {},
                        "set HONE_STORE to a writable SQLite path");
        }
        sqlite3_busy_timeout(db_, 10000);
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");
        exec("PRAGMA foreign_keys=ON");
        exec(schema_sql);
        add_column_if_missing("runs", "owner", "TEXT");
    }
    ~SqliteStore() override { sqlite3_close(db_); }

    void save_job(const std::string& kind, const std::string& name, const Json& spec) override {
        Statement s(db_,
                    "INSERT INTO jobs(kind, name, spec, updated_at) VALUES(?1, ?2, ?3, ?4) "
                    "ON CONFLICT(kind, name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at");
        s.bind(1, kind).bind(2, name).bind(3, spec).bind(4, unix_seconds()).run();
    }

    std::vector<std::pair<std::string, Json>> jobs_of_kind(const std::string& kind) override {
        Statement s(db_, "SELECT name, spec FROM jobs WHERE kind = ?1 ORDER BY rowid");
        s.bind(1, kind);
        std::vector<std::pair<std::string, Json>> out;
        while (s.step()) out.emplace_back(s.text(0), s.json(1));
        return out;
    }

    void insert_run(const RunRecord& r) override {
        Statement s(db_, "INSERT INTO runs(id, job, kind, status, ts, duration_ms, metrics, result, error, registry_key, owner) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        bind_run(s, r).run();
    }

    void update_run(const RunRecord& r) override {
        Statement s(db_, "UPDATE runs SET job = ?2, kind = ?3, status = ?4, ts = ?5, duration_ms = ?6, metrics = ?7, "
                         "result = ?8, error = ?9, registry_key = ?10, owner = ?11 WHERE id = ?1");
        bind_run(s, r).run();
    }

    std::optional<RunRecord> get_run(const std::string& id) override {
        Statement s(db_, (std::string("SELECT ") + run_columns + " FROM runs WHERE id = ?1").c_str());
        s.bind(1, id);
        if (!s.step()) return std::nullopt;
        return read_run(s);
    }

    std::vector<RunRecord> unfinished_runs() override {
        Statement s(db_, (std::string("SELECT ") + run_columns +
                          " FROM runs WHERE status IN ('pending', 'running', 'paused') ORDER BY ts, rowid")
                             .c_str());
        std::vector<RunRecord> out;
        while (s.step()) out.push_back(read_run(s));
        return out;
    }

    std::vector<RunRecord> runs_of(const std::string& job, int limit) override {
        Statement s(db_, (std::string("SELECT ") + run_columns +
                          " FROM runs WHERE job = ?1 ORDER BY ts DESC, rowid DESC LIMIT ?2")
                             .c_str());
        s.bind(1, job).bind(2, limit);
        std::vector<RunRecord> out;
        while (s.step()) out.push_back(read_run(s));
        return out;
    }

    void add_round(const std::string& run_id, int round, const Json& metrics) override {
        Statement s(db_, "INSERT OR REPLACE INTO run_rounds(run_id, round, metrics) VALUES(?1, ?2, ?3)");
        s.bind(1, run_id).bind(2, round).bind(3, metrics).run();
    }

    std::vector<Json> rounds_of(const std::string& run_id) override {
        Statement s(db_, "SELECT round, metrics FROM run_rounds WHERE run_id = ?1 ORDER BY round");
        s.bind(1, run_id);
        std::vector<Json> out;
        while (s.step()) {
            Json j = s.json(1);
            j["round"] = s.integer(0);
            out.push_back(j);
        }
        return out;
    }

    void add_log(const std::string& run_id, const LogEntry& e) override {
        Statement s(db_, "INSERT INTO run_logs(run_id, ts, level, message) VALUES(?1, ?2, ?3, ?4)");
        s.bind(1, run_id).bind(2, e.ts).bind(3, e.level).bind(4, e.message).run();
    }

    std::vector<LogEntry> logs_of(const std::string& run_id) override {
        Statement s(db_, "SELECT ts, level, message FROM run_logs WHERE run_id = ?1 ORDER BY id");
        s.bind(1, run_id);
        std::vector<LogEntry> out;
        while (s.step()) out.push_back(LogEntry{s.real(0), s.text(1), s.text(2)});
        return out;
    }

    void save_trial(const TrialRow& t) override {
        Statement s(db_,
                    "INSERT OR REPLACE INTO trials(study, number, status, params, value, metrics, intermediate, error, "
                    "started_at, duration_ms, registry_key) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        s.bind(1, t.study).bind(2, t.number).bind(3, t.status).bind(4, t.params);
        if (t.value) s.bind(5, *t.value);
        s.bind(6, t.metrics).bind(7, t.intermediate).bind(8, t.error).bind(9, t.started_at).bind(10, t.duration_ms);
        s.bind(11, t.registry_key).run();
    }

    std::vector<TrialRow> trials_of(const std::string& study) override {
        Statement s(db_,
                    "SELECT study, number, status, params, value, metrics, intermediate, error, started_at, "
                    "duration_ms, registry_key FROM trials WHERE study = ?1 ORDER BY number");
        s.bind(1, study);
        std::vector<TrialRow> out;
        while (s.step()) {
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
            out.push_back(std::move(t));
        }
        return out;
    }

    ModelEntry register_model(ModelEntry entry, const std::string& job,
                              const std::function<std::string(const std::string&)>& place) override {
        check_safe_name(entry.name, "model name");
        check_safe_name(job, "job name");
        exec("BEGIN IMMEDIATE");
        try {
            if (entry.created_at == 0) entry.created_at = unix_seconds();
            std::string base = entry.name + "_" + job + "_v" + std::to_string(static_cast<std::int64_t>(entry.created_at));
            entry.key = base;
            for (int n = 2; model_exists(entry.key); ++n) entry.key = base + "_" + std::to_string(n);
            {
                Statement v(db_, "SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?1");
                v.bind(1, entry.name);
                v.step();
                entry.version = static_cast<int>(v.integer(0)) + 1;
            }
            entry.file_path = place(entry.key);
            Statement s(db_, (std::string("INSERT INTO models(") + model_columns +
                              ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)")
                                 .c_str());
            s.bind(1, entry.key).bind(2, entry.name).bind(3, entry.version).bind(4, entry.algorithm);
            s.bind(5, entry.framework).bind(6, entry.task).bind(7, entry.metrics).bind(8, entry.validation_metrics);
            s.bind(9, entry.hyperparameters).bind(10, entry.metadata).bind(11, entry.feature_count);
            s.bind(12, entry.training_samples).bind(13, entry.created_at).bind(14, entry.created_by);
            s.bind(15, entry.stage).bind(16, entry.file_path).bind(17, entry.sha256).bind(18, entry.run_id);
            s.run();
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        return entry;
    }

    std::optional<ModelEntry> get_model(const std::string& key) override {
        Statement s(db_, (std::string("SELECT ") + model_columns + " FROM models WHERE key = ?1").c_str());
        s.bind(1, key);
        if (!s.step()) return std::nullopt;
        return read_model(s);
    }

    std::vector<ModelEntry> list_models(const ModelFilter& f) override {
        Statement s(db_, (std::string("SELECT ") + model_columns +
                          " FROM models WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR algorithm = ?2) AND "
                          "(?3 = '' OR stage = ?3) ORDER BY created_at DESC, rowid DESC")
                             .c_str());
        s.bind(1, f.name).bind(2, f.algorithm).bind(3, f.stage);
        std::vector<ModelEntry> out;
        while (s.step()) out.push_back(read_model(s));
        return out;
    }

    bool delete_model(const std::string& key) override {
        Statement s(db_, "DELETE FROM models WHERE key = ?1");
        s.bind(1, key).run();
        return sqlite3_changes(db_) > 0;
    }

    void set_stage(const std::string& key, const std::string& stage) override {
        const auto& valid = stages();
        if (std::find(valid.begin(), valid.end(), stage) == valid.end())
            throw Error(ErrorKind::validation, "invalid_stage",
                        "invalid stage '" + stage + "': expected " + join_or(valid, "'"));
        Statement s(db_, "UPDATE models SET stage = ?2 WHERE key = ?1");
        s.bind(1, key).bind(2, stage).run();
        if (sqlite3_changes(db_) == 0) throw Error(ErrorKind::not_found, "model_not_found", "no model '" + key + "'");
    }

    void set_metadata(const std::string& key, const Json& metadata) override {
        Statement s(db_, "UPDATE models SET metadata = ?2 WHERE key = ?1");
        s.bind(1, key).bind(2, metadata).run();
        if (sqlite3_changes(db_) == 0) throw Error(ErrorKind::not_found, "model_not_found", "no model '" + key + "'");
    }

    void save_stage_output(const std::string& key, const Json& output) override {
        Statement s(db_,
                    "INSERT INTO stage_cache(key, output, created_at) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(key) DO UPDATE SET output = excluded.output, created_at = excluded.created_at");
        s.bind(1, key).bind(2, output).bind(3, unix_seconds()).run();
    }

    std::optional<Json> stage_output(const std::string& key) override {
        Statement s(db_, "SELECT output FROM stage_cache WHERE key = ?1");
        s.bind(1, key);
        if (!s.step()) return std::nullopt;
        return s.json(0);
    }

    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const std::string& outcome, const Json& details) override {
        Statement s(db_, "INSERT INTO audit(ts, actor, action, target, outcome, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        s.bind(1, unix_seconds()).bind(2, actor).bind(3, action).bind(4, target).bind(5, outcome).bind(6, details).run();
    }

    std::vector<Json> audit_log(int limit) override {
        Statement s(db_, "SELECT ts, actor, action, target, outcome, details FROM audit ORDER BY id DESC LIMIT ?1");
        s.bind(1, limit);
        std::vector<Json> out;
        while (s.step())
            out.push_back(Json{{"ts", s.real(0)},
                               {"actor", s.text(1)},
                               {"action", s.text(2)},
                               {"target", s.text(3)},
                               {"outcome", s.text(4)},
                               {"details", s.json(5)}});
        return out;
    }

private:
    // For stores made before a column existed.
    void add_column_if_missing(const std::string& table, const std::string& column, const std::string& type) {
        Statement s(db_, ("SELECT 1 FROM pragma_table_info('" + table + "') WHERE name = '" + column + "'").c_str());
        if (s.step()) return;
        exec(("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type).c_str());
    }

    void exclusive(const std::function<void(Store&)>& f) override {
        exec("BEGIN IMMEDIATE");
        try {
            f(*this);
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    void exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            throw Error(ErrorKind::io, "store_error", "store " + path_ + ": " + msg);
        }
    }

    bool model_exists(const std::string& key) {
        Statement s(db_, "SELECT 1 FROM models WHERE key = ?1");
        s.bind(1, key);
        return s.step();
    }

    static Statement& bind_run(Statement& s, const RunRecord& r) {
        s.bind(1, r.id).bind(2, r.job).bind(3, r.kind).bind(4, r.status).bind(5, r.ts).bind(6, r.duration_ms);
        s.bind(7, r.metrics).bind(8, r.result).bind(9, r.error).bind(10, r.registry_key);
        s.bind(11, process_identity());  // whoever writes the run owns it now
        return s;
    }

    std::string path_;
    sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Store> open_store(const std::string& location) {
    if (location.rfind("postgres://", 0) == 0 || location.rfind("postgresql://", 0) == 0)
        throw Error(ErrorKind::validation, "store_unsupported",
                    "a PostgreSQL store is not available in this build yet; use a SQLite path for HONE_STORE");
    return std::make_unique<SqliteStore>(location);
}

}  // namespace hone::registry
