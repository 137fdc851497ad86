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
//
// ctest runs every test case in a process of its own, and initdb plus a start
// costs seconds, so the suite starts one server for all of them (the `postgres`
// fixture, tests/support/postgres_fixture.cpp): it detaches its server to a file
// that the test processes attach to, each test in a database of its own.
#include <filesystem>
#include <memory>
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

    // Leaves the server running when this object goes, for other processes:
    // writes its port, folder and binaries to `file` (atomically), which attach()
    // and stop_detached() read.
    void detach_to(const std::filesystem::path& file);
    // The server another process detached to `file`, once it answers; this
    // object never stops it. Throws std::runtime_error saying why when the file
    // cannot be read or the server does not answer.
    static std::unique_ptr<PostgresServer> attach(const std::filesystem::path& file);
    // Stops the server detached to `file`, then deletes its directory and the file.
    // Throws std::runtime_error when the file cannot be read.
    static void stop_detached(const std::filesystem::path& file);

    int port() const { return port_; }
    static constexpr const char* user() { return "hone"; }
    // postgresql://hone@127.0.0.1:<port>/<database>
    std::string url(const std::string& database = "postgres") const;

    // Runs SQL (one or more statements) in one transaction against `database`.
    void execute(const std::string& sql, const std::string& database = "postgres") const;
    // CREATE DATABASE and DROP DATABASE, which cannot run inside a transaction.
    // The drop ends the database's open sessions first.
    void create_database(const std::string& name) const;
    void drop_database(const std::string& name) const;

    // The last lines of the server's log, for failure messages.
    std::string log_tail(std::size_t lines = 20) const;

private:
    // What a detached server's file holds; `owned` says whether this object stops it.
    PostgresServer(std::string bin, std::filesystem::path dir, int port, bool owned);
    static std::unique_ptr<PostgresServer> read_detached(const std::filesystem::path& file, bool owned);

    // Records that the server's commands run as `postgres` when we are root.
    void use_postgres_user_if_root();
    void make_directory();
    void start_on_a_free_port();
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
    bool owned_ = true;
    bool as_postgres_ = false;
    unsigned uid_ = 0, gid_ = 0;
};

// The one server of a test binary: the suite's (the `postgres` fixture's) when
// $HONE_TEST_POSTGRES names its file and it answers, else one this binary starts
// at the first call and stops when it exits (a test binary run by hand).
// nullptr when there is none, with the reason in `why`. Tests that use it fail
// with that reason: a missing server is never a skip.
PostgresServer* shared_postgres_server(std::string& why);

// A database name no other test process uses, for a test on a server other
// processes share: `prefix`, this process's id, a count and the clock (process
// ids come round again during a suite's run).
std::string unique_database_name(const std::string& prefix);

}  // namespace hone::test
