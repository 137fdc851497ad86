#include "postgres_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <pqxx/pqxx>

#include "common/file.hpp"

namespace hone::test {

namespace fs = std::filesystem;

namespace {

// A port the kernel just handed out on loopback; free unless someone takes it
// between now and the server's bind, which start() retries.
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    int err = errno;
    ::close(fd);
    if (port < 0) throw std::runtime_error(std::string("could not find a free port: ") + std::strerror(err));
    return port;
}

std::string tail_of(const fs::path& file, std::size_t lines) {
    std::ifstream in(file);
    if (!in) return "(no " + file.filename().string() + ")";
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    std::string out;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
    return out;
}

// The version number of a /usr/lib/postgresql/<version> folder, for picking the newest.
double version_of(const fs::path& dir) {
    try {
        return std::stod(dir.filename().string());
    } catch (...) {
        return 0;
    }
}

}  // namespace

std::string find_postgres_bin() {
    if (const char* env = std::getenv("HONE_PG_BIN"); env && *env) return env;
    std::error_code ec;
    fs::path best;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        if (!fs::exists(entry.path() / "bin" / "initdb", ec)) continue;
        if (best.empty() || version_of(entry.path()) > version_of(best)) best = entry.path();
    }
    return best.empty() ? std::string() : (best / "bin").string();
}

PostgresServer::PostgresServer() {
    bin_ = find_postgres_bin();
    if (bin_.empty())
        throw std::runtime_error(
            "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install Debian's "
            "`postgresql` package (scripts/install-deps.sh does) or set HONE_PG_BIN");
    use_postgres_user_if_root();
    make_directory();
    try {
        int rc = run("initdb", {"-D", data_.string(), "-U", user(), "-A", "trust", "-E", "UTF8", "--no-locale",
                                "--no-sync"});
        if (rc != 0)
            throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + "):\n" + command_log_tail());
        start_on_a_free_port();
        // Prove the server answers over TCP as the tests will use it.
        pqxx::connection probe(url());
        if (!probe.is_open()) throw std::runtime_error("the server started but refuses connections:\n" + log_tail());
    } catch (const std::exception& e) {
        std::string why = e.what();
        stop();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw std::runtime_error("could not start a PostgreSQL server in " + dir_.string() + " (binaries " + bin_ +
                                 (as_postgres_ ? ", as the postgres user" : "") + "): " + why);
    }
}

PostgresServer::PostgresServer(std::string bin, fs::path dir, int port, bool owned)
    : bin_(std::move(bin)), dir_(std::move(dir)), data_(dir_ / "data"), port_(port), running_(owned), owned_(owned) {
    if (owned_) use_postgres_user_if_root();
}

void PostgresServer::use_postgres_user_if_root() {
    if (::geteuid() != 0) return;
    const passwd* pw = ::getpwnam("postgres");
    if (!pw)
        throw std::runtime_error(
            "the tests run as root, which initdb refuses, and there is no `postgres` system user to run the "
            "server as (Debian's `postgresql` package creates it)");
    as_postgres_ = true;
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
}

void PostgresServer::make_directory() {
    std::string pattern = (fs::temp_directory_path() / "hone-pg-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("could not create a temporary directory from " + pattern + ": " + std::strerror(errno));
    dir_ = pattern;
    data_ = dir_ / "data";
    if (as_postgres_ && ::chown(dir_.c_str(), uid_, gid_) != 0) {
        std::string why = std::strerror(errno);
        fs::remove_all(dir_);
        throw std::runtime_error("could not give " + dir_.string() + " to the postgres user: " + why);
    }
}

void PostgresServer::start_on_a_free_port() {
    // A free port can be taken by someone else before the server binds it: try a few.
    std::string last_failure;
    for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
        port_ = free_port();
        {
            // The last setting in postgresql.conf wins, so each attempt appends its own.
            std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
            conf << "\nlisten_addresses = '127.0.0.1'\n"
                 << "port = " << port_ << "\n"
                 << "unix_socket_directories = '" << dir_.string() << "'\n"
                 << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
            if (!conf) throw std::runtime_error("could not write " + (data_ / "postgresql.conf").string());
        }
        int rc = run("pg_ctl", {"-D", data_.string(), "-l", (dir_ / "server.log").string(), "-w", "-t", "60", "start"});
        if (rc == 0) {
            running_ = true;
            return;
        }
        last_failure = "pg_ctl start failed (exit " + std::to_string(rc) + ") on port " + std::to_string(port_) +
                       "; server log:\n" + log_tail() + "pg_ctl output:\n" + command_log_tail(5);
        // Stop a server that came up after pg_ctl gave up waiting, so the retry starts clean.
        run("pg_ctl", {"-D", data_.string(), "-m", "immediate", "-w", "stop"});
        if (last_failure.find("already in use") == std::string::npos &&
            last_failure.find("could not bind") == std::string::npos)
            break;
    }
    throw std::runtime_error(last_failure);
}

void PostgresServer::detach_to(const fs::path& file) {
    std::ostringstream text;
    text << "# A PostgreSQL server the test suite shares; the postgres_down test stops it.\n"
         << "url=" << url() << "\nport=" << port_ << "\ndir=" << dir_.string() << "\nbin=" << bin_ << "\n";
    hone::write_file_atomically(file, text.str());
    owned_ = false;
}

std::unique_ptr<PostgresServer> PostgresServer::read_detached(const fs::path& file, bool owned) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
    std::map<std::string, std::string> fields;
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find('=');
        if (!line.starts_with("#") && eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
    }
    int port = 0;
    try {
        port = std::stoi(fields["port"]);
    } catch (const std::exception&) {
    }
    // The owner deletes the directory: never one that is not a test server's.
    if (port <= 0 || !fs::path(fields["dir"]).filename().string().starts_with("hone-pg-") || fields["bin"].empty())
        throw std::runtime_error(file.string() +
                                 " does not describe a test server: expected port=, dir=<a hone-pg-* directory> "
                                 "and bin= lines");
    return std::unique_ptr<PostgresServer>(new PostgresServer(fields["bin"], fields["dir"], port, owned));
}

std::unique_ptr<PostgresServer> PostgresServer::attach(const fs::path& file) {
    auto server = read_detached(file, /*owned=*/false);
    try {
        pqxx::connection probe(server->url());
    } catch (const std::exception& e) {
        throw std::runtime_error("the server " + file.string() + " describes does not answer at " + server->url() +
                                 ": " + e.what());
    }
    return server;
}

void PostgresServer::stop_detached(const fs::path& file) {
    read_detached(file, /*owned=*/true).reset();  // the owner's destructor stops it and deletes its directory
    fs::remove(file);
}

PostgresServer::~PostgresServer() {
    if (!owned_) return;
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void PostgresServer::stop() noexcept {
    if (!running_) return;
    try {
        if (run("pg_ctl", {"-D", data_.string(), "-m", "fast", "-w", "-t", "30", "stop"}) != 0)
            run("pg_ctl", {"-D", data_.string(), "-m", "immediate", "-w", "stop"});
    } catch (...) {
    }
    running_ = false;
}

std::string PostgresServer::url(const std::string& database) const {
    return "postgresql://" + std::string(user()) + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresServer::execute(const std::string& sql, const std::string& database) const {
    pqxx::connection conn(url(database));
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
}

void PostgresServer::create_database(const std::string& name) const {
    pqxx::connection conn(url());
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
}

void PostgresServer::drop_database(const std::string& name) const {
    pqxx::connection conn(url());
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
}

std::string PostgresServer::log_tail(std::size_t lines) const { return tail_of(dir_ / "server.log", lines); }

std::string PostgresServer::command_log_tail(std::size_t lines) const { return tail_of(dir_ / "commands.log", lines); }

int PostgresServer::run(const std::string& binary, const std::vector<std::string>& args) const {
    const std::string program = bin_ + "/" + binary;
    const std::string log = (dir_ / "commands.log").string();
    std::vector<std::string> argv_s = {program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    {
        std::ofstream header(log, std::ios::app);
        header << "$";
        for (const auto& a : argv_s) header << " " << a;
        header << "\n";
    }
    if (as_postgres_) {
        // The postgres user appends to the same log after the parent wrote to it.
        if (::chown(log.c_str(), uid_, gid_) != 0) return -1;
    }

    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
            ::close(fd);
        }
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        if (as_postgres_) {
            // Order matters: groups and gid while still root, then the uid.
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0) {
                const char msg[] = "could not switch to the postgres user\n";
                [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
                ::_exit(126);
            }
        }
        if (::chdir(dir_.c_str()) != 0) ::_exit(126);
        ::execv(program.c_str(), argv.data());
        std::string msg = "cannot run " + program + ": " + std::strerror(errno) + "\n";
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {

// The suite's server when the test runs under ctest's `postgres` fixture, else one of this binary's own.
std::unique_ptr<PostgresServer> attach_or_start(std::string& failure) {
    std::string attach_failure;
    if (const char* file = std::getenv("HONE_TEST_POSTGRES"); file && *file) {
        try {
            return PostgresServer::attach(file);
        } catch (const std::exception& e) {
            attach_failure = std::string(e.what()) + "; starting one of this test's own instead, which failed: ";
            std::fprintf(stderr, "%s; starting a PostgreSQL server of this test's own\n", e.what());
        }
    }
    try {
        return std::make_unique<PostgresServer>();
    } catch (const std::exception& e) {
        failure = attach_failure + e.what();
        return nullptr;
    }
}

}  // namespace

PostgresServer* shared_postgres_server(std::string& why) {
    static std::string failure;
    static std::unique_ptr<PostgresServer> server = attach_or_start(failure);
    why = failure;
    return server.get();
}

std::string unique_database_name(const std::string& prefix) {
    static std::atomic<int> made = 0;
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++made) + "_" + std::to_string(micros);
}

}  // namespace hone::test
