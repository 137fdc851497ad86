// The PostgreSQL store: the methods of sql_store.hpp over libpqxx, for a registry
// that several processes on several machines share.
//
// - A bounded pool of connections per process (`?pool_size=N`, 4 by default): a
//   caller waits for a free connection rather than opening more than the server
//   allows.
// - Every unit of work is one transaction, retried a few times with jittered
//   backoff when PostgreSQL asks for it (serialization failure 40001, deadlock
//   40P01) or the connection was lost (a fresh one is opened), unless the work had
//   already done something outside the database (placed an artifact).
// - Registrations and exclusive() hold a transaction-scoped advisory lock, so two
//   processes never pick the same key or version, and recovery never removes a
//   folder a registration is placing.
#include <pqxx/pqxx>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>

#include "common/error.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "registry/backends.hpp"
#include "registry/sql_store.hpp"

namespace hone::registry {

namespace {

// pg_advisory_xact_lock keys: "hone" and what the lock guards.
constexpr std::int64_t kRegistryLock = 0x686f6e6500000001;  // registrations and exclusive()
constexpr std::int64_t kSchemaLock = 0x686f6e6500000002;    // migrations

constexpr int kAttempts = 4;
constexpr int kDefaultPoolSize = 4;
constexpr int kMaxPoolSize = 100;  // PostgreSQL's default max_connections

constexpr const char* tables_v1 = R"SQL(
CREATE TABLE jobs(
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
  PRIMARY KEY(kind, name));
CREATE TABLE runs(
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY, job TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  ts DOUBLE PRECISION NOT NULL, duration_ms DOUBLE PRECISION NOT NULL DEFAULT 0, metrics TEXT, result TEXT,
  error TEXT, registry_key TEXT, owner TEXT);
CREATE INDEX runs_by_job ON runs(job, ts);
CREATE TABLE run_rounds(
  run_id TEXT NOT NULL, round BIGINT NOT NULL, metrics TEXT NOT NULL,
  PRIMARY KEY(run_id, round));
CREATE TABLE run_logs(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL,
  level TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX run_logs_by_run ON run_logs(run_id, id);
CREATE TABLE trials(
  study TEXT NOT NULL, number INTEGER NOT NULL, status TEXT NOT NULL, params TEXT NOT NULL,
  value DOUBLE PRECISION, metrics TEXT, intermediate TEXT, error TEXT, started_at DOUBLE PRECISION NOT NULL,
  duration_ms DOUBLE PRECISION NOT NULL DEFAULT 0, registry_key TEXT,
  PRIMARY KEY(study, number));
CREATE TABLE models(
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  key TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, algorithm TEXT NOT NULL,
  framework TEXT NOT NULL, task TEXT NOT NULL, metrics TEXT, validation_metrics TEXT,
  hyperparameters TEXT, metadata TEXT, feature_count INTEGER, training_samples BIGINT,
  created_at DOUBLE PRECISION NOT NULL, created_by TEXT, stage TEXT NOT NULL DEFAULT 'none',
  file_path TEXT NOT NULL, sha256 TEXT NOT NULL, run_id TEXT,
  UNIQUE(name, version));
CREATE TABLE stage_cache(
  key TEXT PRIMARY KEY, output TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL);
CREATE TABLE audit(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, actor TEXT,
  action TEXT NOT NULL, target TEXT, outcome TEXT, details TEXT);
)SQL";

// JSON documents are kept as TEXT, as in SQLite: json_dump's bytes come back
// exactly, with the keys in the order written (jsonb would reorder them).
// `rowid` is the order rows were inserted in, which the shared queries sort by.
const std::vector<sql::Migration>& migrations() {
    static const std::vector<sql::Migration> list = {
        {1, "jobs, runs, rounds, logs, trials, models, stage cache, audit", tables_v1},
        {2, "an index of unfinished runs, read at every open by recovery",
         "CREATE INDEX runs_unfinished ON runs(ts) WHERE status IN ('pending', 'running', 'paused')"},
        {3, "trials of tuning workers: owner, heartbeat, the lost trial a rerun repeats, attempt", R"SQL(
ALTER TABLE trials ADD COLUMN owner TEXT;
ALTER TABLE trials ADD COLUMN heartbeat DOUBLE PRECISION;
ALTER TABLE trials ADD COLUMN retry_of INTEGER;
ALTER TABLE trials ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
CREATE INDEX trials_open ON trials(study, status) WHERE status IN ('running', 'waiting');
)SQL"},
    };
    return list;
}

// The URL libpq is given, the one messages show, and the pool's size.
struct PgLocation {
    std::string conninfo;
    std::string shown;  // without the password
    int pool_size = kDefaultPoolSize;
};

int parse_pool_size(const std::string& value, const std::string& shown) {
    int n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > kMaxPoolSize)
        throw Error(ErrorKind::validation, "store_unavailable",
                    "pool_size '" + value + "' in the store URL " + shown + ": expected a whole number from 1 to " +
                        std::to_string(kMaxPoolSize));
    return n;
}

// Takes pool_size out of the URL's parameters (libpq refuses parameters it does
// not know) and asks for UTF-8, which the store's text is, unless the URL says.
PgLocation parse_location(const std::string& url) {
    PgLocation loc;
    loc.shown = redact_connection(url);
    std::size_t q = url.find('?');
    std::vector<std::string> kept;
    bool has_encoding = false;
    if (q != std::string::npos) {
        std::string query = url.substr(q + 1);
        for (std::size_t start = 0; start <= query.size();) {
            std::size_t amp = std::min(query.find('&', start), query.size());
            std::string param = query.substr(start, amp - start);
            start = amp + 1;
            if (param.empty()) continue;
            if (param.rfind("pool_size=", 0) == 0) {
                loc.pool_size = parse_pool_size(param.substr(10), loc.shown);
                continue;
            }
            if (param.rfind("client_encoding=", 0) == 0) has_encoding = true;
            kept.push_back(param);
        }
    }
    if (!has_encoding) kept.push_back("client_encoding=UTF8");
    loc.conninfo = url.substr(0, q) + "?" + join(kept, "&");
    return loc;
}

// PostgreSQL's text holds neither NUL nor invalid UTF-8, which SQLite keeps as
// given: a value read from data must still be recordable, so invalid bytes
// become U+FFFD (as json_dump does) and NULs are dropped.
std::string storable_text(const std::string& s) {
    bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c != '\0' && static_cast<unsigned char>(c) < 0x80; });
    if (plain) return s;
    std::string valid = Json::parse(json_dump(Json(s))).get<std::string>();
    std::erase(valid, '\0');
    return valid;
}

// The shared SQL's ?N placeholders as PostgreSQL's $N.
std::string dollar_placeholders(std::string sql) {
    for (std::size_t i = 0; i + 1 < sql.size(); ++i)
        if (sql[i] == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') sql[i] = '$';
    return sql;
}

template <class Number>
Number parse_number(const pqxx::field& f) {
    if (f.is_null()) return Number{};
    Number v{};
    const char* text = f.c_str();
    std::from_chars(text, text + f.size(), v);  // PostgreSQL writes NaN and Infinity as from_chars reads them
    return v;
}

// One statement of a unit of work: parameters bound, then run when its rows are asked for.
class PgQuery {
public:
    PgQuery(pqxx::transaction_base& tx, const std::string& sql) : tx_(tx), sql_(dollar_placeholders(sql)) {}

    PgQuery& bind(int i, const std::string& v) { return set(i, storable_text(v)); }
    PgQuery& bind(int i, const Json& v) { return set(i, json_dump(v)); }
    PgQuery& bind(int i, double v) { return set(i, format_double(v)); }
    PgQuery& bind(int i, std::int64_t v) { return set(i, std::to_string(v)); }
    PgQuery& bind(int i, int v) { return set(i, std::to_string(v)); }

    bool step() {
        execute();
        return ++row_ < static_cast<long>(result_.size());
    }
    void run() { execute(); }
    int changes() const { return static_cast<int>(result_.affected_rows()); }

    std::string text(int col) const {
        auto f = field(col);
        return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
    }
    Json json(int col) const {
        std::string t = text(col);
        return t.empty() ? Json::object() : Json::parse(t);
    }
    double real(int col) const { return parse_number<double>(field(col)); }
    std::int64_t integer(int col) const { return parse_number<std::int64_t>(field(col)); }
    bool is_null(int col) const { return field(col).is_null(); }

private:
    PgQuery& set(int i, std::string v) {
        if (params_.size() < static_cast<std::size_t>(i)) params_.resize(i);
        params_[i - 1] = std::move(v);
        return *this;
    }
    void execute() {
        if (done_) return;
        result_ = tx_.exec_params(sql_, pqxx::prepare::make_dynamic_params(params_));
        done_ = true;
    }
    pqxx::field field(int col) const { return result_[row_][col]; }

    pqxx::transaction_base& tx_;
    std::string sql_;
    std::vector<std::optional<std::string>> params_;  // unbound: NULL
    pqxx::result result_;
    long row_ = -1;
    bool done_ = false;
};

struct PgSession {
    pqxx::transaction_base& tx;
    bool& outside;  // set once the work did something outside the database

    PgQuery query(const std::string& sql) { return PgQuery(tx, sql); }
    void script(const std::string& sql) { tx.exec(sql); }
    void outside_effects() { outside = true; }
    static const char* for_update() { return " FOR UPDATE"; }
    static const char* skip_locked() { return " FOR UPDATE SKIP LOCKED"; }
    // Held until the transaction ends, whichever way.
    void lock(std::int64_t key) { query("SELECT pg_advisory_xact_lock(?1)").bind(1, key).run(); }
};

// At most `size` connections, opened as needed and kept; a caller waits for one.
class ConnectionPool {
public:
    ConnectionPool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}
    ~ConnectionPool() {
        if (pid_ != ::getpid()) abandon();
    }

    // An idle connection, or a new one while fewer than `size` are open. Throws
    // pqxx::broken_connection when the server cannot be reached.
    std::unique_ptr<pqxx::connection> take() {
        std::unique_lock lock(mu_);
        if (pid_ != ::getpid()) abandon();
        ready_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        ++open_;
        lock.unlock();
        try {
            auto c = std::make_unique<pqxx::connection>(conninfo_);
            // Doubles as text with every bit, whatever the server's setting (shortest
            // exact form since PostgreSQL 12).
            c->set_variable("extra_float_digits", "3");
            return c;
        } catch (...) {
            forget();
            throw;
        }
    }
    void give_back(std::unique_ptr<pqxx::connection> c) {
        {
            std::lock_guard lock(mu_);
            idle_.push_back(std::move(c));
        }
        ready_.notify_one();
    }
    // A connection that broke was closed: its place is free.
    void forget() {
        {
            std::lock_guard lock(mu_);
            --open_;
        }
        ready_.notify_one();
    }

private:
    // After a fork the connections are the parent's: closing them would end the
    // parent's sessions, so the child leaves them be and opens its own.
    void abandon() {
        for (auto& c : idle_) static_cast<void>(c.release());
        idle_.clear();
        open_ = 0;
        pid_ = ::getpid();
    }

    std::string conninfo_;
    int size_;
    std::mutex mu_;
    std::condition_variable ready_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    int open_ = 0;
    pid_t pid_ = ::getpid();
};

// A connection taken from the pool for one attempt, given back at the end.
class Lease {
public:
    explicit Lease(ConnectionPool& pool) : pool_(pool), conn_(pool.take()) {}
    ~Lease() {
        if (conn_) pool_.give_back(std::move(conn_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    pqxx::connection& connection() { return *conn_; }
    void discard() {
        conn_.reset();
        pool_.forget();
    }

private:
    ConnectionPool& pool_;
    std::unique_ptr<pqxx::connection> conn_;
};

void backoff(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    int base_ms = 10 << (attempt - 1);  // 10, 20, 40 ms
    std::uniform_int_distribution<int> jitter(0, base_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(rng)));
}

class PgDb {
public:
    explicit PgDb(const std::string& url) : loc_(parse_location(url)), pool_(loc_.conninfo, loc_.pool_size) {}

    template <class F>
    auto transact(const char* operation, sql::Work work, F&& f) {
        using Result = std::invoke_result_t<F, PgSession&>;
        if constexpr (std::is_void_v<Result>) {
            attempt(operation, work, [&](PgSession& s) { f(s); });
        } else {
            std::optional<Result> out;
            attempt(operation, work, [&](PgSession& s) { out.emplace(f(s)); });
            return std::move(*out);
        }
    }

    SchemaStatus migrate(int target) {
        return transact("migrate", sql::Work::write, [&](PgSession& s) {
            s.lock(kSchemaLock);
            return sql::apply_migrations(s, migrations(), target, loc_.shown);
        });
    }

private:
    // Runs `body` in one transaction, again after a failure PostgreSQL says to
    // retry or a lost connection, up to kAttempts times.
    void attempt(const char* operation, sql::Work work, const std::function<void(PgSession&)>& body) {
        for (int n = 1;; ++n) {
            bool outside = false;
            std::string why = once(operation, work, body, outside);
            if (why.empty()) return;
            if (outside)
                throw fail(operation, why + "; not retried, as it had begun work outside the database");
            if (n == kAttempts) throw fail(operation, why + " (" + std::to_string(n) + " attempts)");
            backoff(n);
        }
    }

    // One attempt: "" when it committed, else why it may be retried. Every
    // other failure is thrown.
    std::string once(const char* operation, sql::Work work, const std::function<void(PgSession&)>& body,
                     bool& outside) {
        std::optional<Lease> lease;
        try {
            lease.emplace(pool_);
            pqxx::work tx(lease->connection());
            PgSession s{tx, outside};
            if (work == sql::Work::registry_lock) s.lock(kRegistryLock);
            body(s);
            tx.commit();
            return "";
        } catch (const pqxx::in_doubt_error& e) {
            if (lease) lease->discard();
            throw fail(operation, "the connection was lost while committing, so it may or may not be recorded: " +
                                      one_line(e.what()));
        } catch (const pqxx::broken_connection& e) {
            if (!lease) return "cannot connect: " + one_line(e.what());
            lease->discard();
            return "lost the connection: " + one_line(e.what());
        } catch (const pqxx::serialization_failure& e) {
            return "serialization failure: " + one_line(e.what());
        } catch (const pqxx::deadlock_detected& e) {
            return "deadlock: " + one_line(e.what());
        } catch (const pqxx::sql_error& e) {
            throw fail(operation, one_line(e.what()));
        } catch (const pqxx::failure& e) {
            throw fail(operation, one_line(e.what()));
        }
    }

    Error fail(const char* operation, const std::string& why) const {
        return Error(ErrorKind::io, "store_error",
                     std::string("the PostgreSQL store at ") + loc_.shown + ": " + operation + " failed: " + why, {},
                     "check that the server is up and HONE_STORE names it");
    }

    PgLocation loc_;
    ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url) { return sql::open_migrated<PgDb>(url); }

SchemaStatus migrate_postgres_store(const std::string& url, int target) { return PgDb(url).migrate(target); }

}  // namespace hone::registry
