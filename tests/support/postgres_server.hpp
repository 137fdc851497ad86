#pragma once
// A throwaway PostgreSQL server for tests, from Debian's `postgresql` package:
// initdb in a fresh temporary directory, trust authentication for the role
// "hone", listening on a free 127.0.0.1 port (and a Unix socket in the same
// directory), durability off for speed. The destructor stops the server and
// deletes the directory.
//
// initdb refuses to run as root, so when the tests run as root the server's
// commands run as the `postgres` system user (the child process drops to its uid
// and gid before exec), in a directory that user owns.
#include <filesystem>
#include <string>
#include <vector>

namespace hone::test {

// The folder holding initdb, pg_ctl and postgres: $HONE_PG_BIN if set, else the
// highest version under /usr/lib/postgresql/*/bin. "" when there is none.
std::string find_postgres_bin();

class PostgresServer {
public:
    // Starts the server. Throws std::runtime_error saying why it could not, with
    // the failing command's output or the tail of the server's log.
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    int port() const { return port_; }
    static constexpr const char* user() { return "hone"; }
    // postgresql://hone@127.0.0.1:<port>/<database>
    std::string url(const std::string& database = "postgres") const;

    // Runs SQL (one or more statements) in one transaction against `database`.
    void execute(const std::string& sql, const std::string& database = "postgres") const;
    // CREATE DATABASE, which cannot run inside a transaction.
    void create_database(const std::string& name) const;

    // The last lines of the server's log, for failure messages.
    std::string log_tail(std::size_t lines = 20) const;

private:
    // Runs a server binary (as `postgres` when we are root), its output appended
    // to the command log. Returns the exit status (-1 if it could not run).
    int run(const std::string& binary, const std::vector<std::string>& args) const;
    std::string command_log_tail(std::size_t lines = 20) const;
    void stop() noexcept;

    std::string bin_;
    std::filesystem::path dir_;
    std::filesystem::path data_;
    int port_ = 0;
    bool running_ = false;
    bool as_postgres_ = false;
    unsigned uid_ = 0, gid_ = 0;
};

// The one server of a test binary, started at the first call and stopped when
// the binary exits; nullptr when it could not start, with the reason in `why`.
// Tests that use it fail with that reason: a missing server is never a skip.
PostgresServer* shared_postgres_server(std::string& why);

}  // namespace hone::test
