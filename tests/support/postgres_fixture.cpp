// The test suite's one PostgreSQL server, as ctest's `postgres` fixture:
//   hone_postgres_fixture up FILE    starts a server (PostgresServer) and leaves it
//                                    running, described in FILE for the tests
//   hone_postgres_fixture down FILE  stops that server and deletes its directory
// Every test labelled postgres requires the fixture and finds FILE through
// $HONE_TEST_POSTGRES (tests/CMakeLists.txt), so the suite pays for initdb and a
// start once instead of once per test process.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "postgres_server.hpp"

namespace fs = std::filesystem;
using hone::test::PostgresServer;

namespace {

int up(const fs::path& file) {
    // A server an interrupted run left behind would otherwise run until the machine stops.
    if (fs::exists(file)) {
        try {
            PostgresServer::stop_detached(file);
            std::printf("stopped the server a previous run left in %s\n", file.c_str());
        } catch (const std::exception& e) {
            std::printf("could not stop the server a previous run left (%s); starting a new one\n", e.what());
            fs::remove(file);
        }
    }
    try {
        PostgresServer server;
        server.detach_to(file);
        std::printf("PostgreSQL test server at %s, described in %s\n", server.url().c_str(), file.c_str());
        return 0;
    } catch (const std::exception& e) {
        // The tests that need the server do not run: this is their failure's reason.
        std::fprintf(stderr, "the PostgreSQL test server could not start: %s\n", e.what());
        return 1;
    }
}

int down(const fs::path& file) {
    if (!fs::exists(file)) {
        std::printf("no server to stop: %s does not exist (postgres_up failed or did not run)\n", file.c_str());
        return 0;
    }
    try {
        PostgresServer::stop_detached(file);
        std::printf("stopped the PostgreSQL test server described in %s\n", file.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "could not stop the PostgreSQL test server described in %s: %s\n", file.c_str(),
                     e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string command = argc == 3 ? argv[1] : "";
    if (command == "up") return up(argv[2]);
    if (command == "down") return down(argv[2]);
    std::fprintf(stderr, "usage: %s up|down FILE (got %d arguments%s%s)\n", argv[0], argc - 1,
                 argc > 1 ? ", the first " : "", argc > 1 ? argv[1] : "");
    return 2;
}
