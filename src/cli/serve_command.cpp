// `hone serve FILE... [--host H] [--port P] [--token T] [--max-concurrent-jobs N]
// [--data-root DIR] [--max-body-bytes B] [--request-timeout S] ...`: the HTTP
// API over the job files and the registry until
// SIGINT or SIGTERM, then a graceful stop (running jobs end cancelled).
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/error.hpp"
#include "server/server.hpp"

namespace hone::cli {

void add_serve_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("serve", "Serve the jobs of job files and the registry over HTTP");
    struct Options {
        std::vector<std::string> files;
        server::ServerOptions server;
        bool quiet = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("FILE", o->files, "job files whose training and tuning jobs to serve");
    cmd->add_option("--host", o->server.host, "address to listen on (default: 127.0.0.1, loopback only)");
    cmd->add_option("--port", o->server.port, "port to listen on; 0 picks a free one (default: 8080)");
    cmd->add_option("--token", o->server.token,
                    "require 'Authorization: Bearer TOKEN' on every endpoint, on both ports, except health "
                    "(/api/training/health) and the API's description (/api/openapi.json, /api/docs); /metrics "
                    "needs it (default: $HONE_TOKEN, else none)");
    cmd->add_option("--threads", o->server.threads,
                    "HTTP worker threads of the API port: requests answered at once; idle connections and "
                    "clients still sending hold none (default: max(64, 4 x cores))");
    cmd->add_option("--predict-port", o->server.predict_port,
                    "also serve predictions and health on this port, from an event loop per core (fastest for "
                    "many small requests); 0 picks a free one (default: none)");
    cmd->add_option("--predict-threads", o->server.predict_threads,
                    "event loops of the prediction port (default: one per core)");
    cmd->add_option("--model-cache", o->server.model_cache, "loaded models kept for prediction (default: 8)");
    cmd->add_option("--batch-max-rows", o->server.batch_max_rows,
                    "most rows of concurrent prediction requests predicted together (default: 1024)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--batch-wait-us", o->server.batch_max_wait_us,
                    "microseconds a prediction waits for others to batch with (default: 0, only batch under load)");
    cmd->add_option("--max-concurrent-jobs", o->server.max_concurrent_jobs, "runs executing at once (default: 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-queued", o->server.max_queued_runs,
                    "runs waiting to start; more are refused with 429 (default: 64)");
    cmd->add_option("--job-timeout", o->server.job_timeout_seconds,
                    "seconds a run may take before it fails as timed out (default: none)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--max-body-bytes", o->server.max_body_bytes,
                    "largest request body in bytes, decoded, whatever its transfer encoding or content type; "
                    "larger: 413 (default: 67108864, 64 MiB)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-header-bytes", o->server.max_header_bytes,
                    "largest request line and headers together in bytes; larger: 431 (default: 65536, 64 KiB)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--request-timeout", o->server.request_timeout_seconds,
                    "seconds from a request's first byte until its headers and body have all arrived; later: 408 "
                    "(default: 60)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--keep-alive-timeout", o->server.keep_alive_timeout_seconds,
                    "seconds a connection may wait idle for its next request before it is closed (default: 60)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-connections-per-address", o->server.max_connections_per_address,
                    "connections open at once from one client address, both ports together; more: 429 "
                    "(default: 256)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--data-root", o->server.data_root,
                    "folder the datasets of jobs created over HTTP must be in (default: the working directory)");
    cmd->add_flag("-q,--quiet", o->quiet, "no request log on standard error");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        std::vector<lang::JobFile> files;
        std::size_t training = 0, tuning = 0;
        for (const auto& f : o->files) {
            files.push_back(load_checked_job_file(f).spec);
            training += files.back().trainings.size();
            tuning += files.back().tunings.size();
        }
        if (o->server.token.empty())
            if (const char* t = std::getenv("HONE_TOKEN"); t && *t) o->server.token = t;
        o->server.run = run_context(o->settings);
        auto log_mu = std::make_shared<std::mutex>();
        if (!o->quiet)
            o->server.log = [log_mu](const std::string& line) {
                std::lock_guard lock(*log_mu);
                std::cerr << line << "\n";
            };
        // Runs and requests share the store from many threads.
        auto store = registry::serialized(open_settings_store(o->settings));

        // SIGINT and SIGTERM are blocked in every thread (the server's inherit the
        // mask) and taken here with sigwait, so the stop runs in ordinary code.
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);

        server::Server srv(std::move(files), *store, o->server);
        srv.start();
        std::cout << "hone serve: listening on " << srv.url() << " (" << training << " training, " << tuning
                  << " tuning jobs; Ctrl-C stops)" << std::endl;
        if (srv.predict_port() > 0)
            std::cout << "hone serve: predictions on " << srv.url().substr(0, srv.url().rfind(':') + 1)
                      << srv.predict_port() << " (POST /api/training/models/{key}/predict, GET /api/training/health)"
                      << std::endl;
        int sig = 0;
        sigwait(&signals, &sig);
        std::cerr << "hone serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
        srv.stop();
        pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
        exit_code = 0;
    });
}

}  // namespace hone::cli
