#pragma once
// Where a run reads and writes, how wide it may go and who asked for it:
// resolved once where hone starts (the command line, the server) and passed
// down, so no stage below reads the environment or guesses a default.
#include <functional>
#include <string>

namespace hone {

struct RunContext {
    std::string store;         // the registry: a SQLite path (or a postgresql:// URL)
    std::string model_root;    // the artifact directory
    std::string postgres_url;  // for a postgres dataset that names no `connection`
    unsigned threads = 0;      // for everything a run does; 0 = every core
    std::string who = "hone";  // recorded as created_by
    // Whether the run should stop (a cancel, a timeout, a server stopping);
    // checked between rounds, batches and trials. Empty: never.
    std::function<bool()> cancelled;

    bool is_cancelled() const { return cancelled && cancelled(); }
};

// The defaults, from the environment: the store is $HONE_STORE, else
// $HONE_HOME/hone.db, else .hone/hone.db; the model root $HONE_MODEL_ROOT, else
// $HONE_HOME/models, else .hone/models; the PostgreSQL URL $HONE_POSTGRES_URL,
// else $DATABASE_URL; who is $USER, else "hone". The one place hone reads these
// variables.
RunContext context_from_environment();

// How many threads to use for `work` items when `threads` may be used (0 = every
// core): never more threads than items, at least 1.
unsigned threads_for(unsigned threads, std::size_t work);

}  // namespace hone
