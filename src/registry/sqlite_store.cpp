// The SQLite store: one file, WAL mode so readers never block the writer, a busy
// timeout so concurrent processes wait instead of failing. Its methods are
// sql_store.hpp's; this file is how they reach SQLite.
#include <sqlite3.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/json.hpp"
#include "registry/backends.hpp"
#include "registry/sql_store.hpp"

namespace hone::registry {

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
    // Rows the last INSERT, UPDATE or DELETE on the connection changed.
    int changes() const { return sqlite3_changes(db_); }

private:
    [[noreturn]] void fail(const char* what) {
        throw Error(ErrorKind::io, "store_error", std::string("store ") + what + " failed: " + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* tables_v1 = R"SQL(
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

const char* const trial_workers_sql = R"SQL(
ALTER TABLE trials ADD COLUMN owner TEXT;
ALTER TABLE trials ADD COLUMN heartbeat REAL;
ALTER TABLE trials ADD COLUMN retry_of INTEGER;
ALTER TABLE trials ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS trials_open ON trials(study, status) WHERE status IN ('running', 'waiting');
)SQL";

// The schema, one migration per change; a store records those applied in
// schema_version. Files made before schema_version existed are recognised by
// their tables (see found_version).
const std::vector<sql::Migration>& migrations() {
    static const std::vector<sql::Migration> list = {
        {1, "jobs, runs, rounds, logs, trials, models, stage cache, audit", tables_v1},
        {2, "runs.owner: the process that last wrote a run", "ALTER TABLE runs ADD COLUMN owner TEXT"},
        {3, "an index of unfinished runs, read at every open by recovery",
         "CREATE INDEX IF NOT EXISTS runs_unfinished ON runs(ts) WHERE status IN ('pending', 'running', 'paused')"},
        {4, "trials of tuning workers: owner, heartbeat, the lost trial a rerun repeats, attempt", trial_workers_sql},
    };
    return list;
}

// One connection's statements; every statement outside BEGIN is its own transaction.
struct SqliteSession {
    sqlite3* db;
    const std::string& path;

    Statement query(const std::string& sql) { return Statement(db, sql.c_str()); }
    void script(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            throw Error(ErrorKind::io, "store_error", "store " + path + ": " + msg);
        }
    }
    void outside_effects() {}  // nothing is retried here
    // A transaction holds the whole file (BEGIN IMMEDIATE): no row locks.
    static const char* for_update() { return ""; }
    static const char* skip_locked() { return ""; }

    bool has_table(const char* table) {
        auto q = query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
        q.bind(1, std::string(table));
        return q.step();
    }
    bool has_column(const char* table, const char* column) {
        auto q = query(std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?1");
        q.bind(1, std::string(column));
        return q.step();
    }
    // The version of a file made before schema_version existed: 1 with the
    // first tables, 2 once runs had their owner; 0 for a new file.
    int found_version() {
        if (!has_table("runs")) return 0;
        return has_column("runs", "owner") ? 2 : 1;
    }
};

class SqliteDb {
public:
    explicit SqliteDb(const std::string& path) : path_(path) {
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
        SqliteSession s{db_, path_};
        s.script("PRAGMA journal_mode=WAL");
        s.script("PRAGMA synchronous=NORMAL");
        s.script("PRAGMA foreign_keys=ON");
    }
    ~SqliteDb() { sqlite3_close(db_); }
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    // Reads and single-statement writes run as they are (each its own
    // transaction); atomic work and work under the registry lock hold the
    // file's write lock (BEGIN IMMEDIATE), which every process writing the file
    // waits for.
    template <class F>
    decltype(auto) transact(const char*, sql::Work work, F&& f) {
        SqliteSession s{db_, path_};
        if (work == sql::Work::read || work == sql::Work::write) return f(s);
        s.script("BEGIN IMMEDIATE");
        try {
            return sql::call_then(f, s, [&] { s.script("COMMIT"); });
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    SchemaStatus migrate(int target) {
        return transact("migrate", sql::Work::registry_lock, [&](SqliteSession& s) {
            if (!s.has_table("schema_version")) {
                int found = s.found_version();
                s.script(sql::schema_version_table);
                if (found > 0) sql::record_version(s, found, "found in place: a store made before schema_version");
            }
            return sql::apply_migrations(s, migrations(), target, path_);
        });
    }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return sql::open_migrated<SqliteDb>(path); }

SchemaStatus migrate_sqlite_store(const std::string& path, int target) { return SqliteDb(path).migrate(target); }

}  // namespace hone::registry
