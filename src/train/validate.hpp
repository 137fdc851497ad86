#pragma once
// The checks of a job file's models and trainings that need the registries of
// the stages after the language: the catalog (algorithm names, the task a model
// type asks for, hyperparameter names, types and ranges), the metric registry
// (objectives, metric names, the early-stopping metric and its direction) and
// the data sources (source and format names). A run makes exactly these checks
// with the same functions (setup.hpp) before it loads data, so what passes here
// passes there; a run only adds what needs the data (columns, classes).
//
// Each problem becomes one diagnostic located at the value that is wrong, in
// the registry's own words ("unknown algorithm 'random_forst'; did you mean
// 'random_forest'?"). tune/validate.hpp adds the tunings and is the one entry
// point (`hone check`, `train`, `tune`, `serve` and jobs created over HTTP).
#include "common/error.hpp"
#include "lang/diagnostics.hpp"
#include "lang/node.hpp"
#include "lang/spec.hpp"

namespace hone::train {

void check_models_and_trainings(const lang::Document& doc, const lang::JobFile& file, lang::Diagnostics& diags);

// A registry's refusal as a diagnostic: its message, and its hint when the
// message offers no nearer name.
std::string diagnostic_text(const Error& e);

// Runs `check`; a hone::Error it throws becomes an error at `pos`, unless one
// is there already. False when refused.
template <class Check>
bool check_at(lang::Diagnostics& diags, const lang::SourcePos& pos, Check&& check) {
    try {
        check();
        return true;
    } catch (const Error& e) {
        if (!diags.has_error_at(pos)) diags.error(pos, diagnostic_text(e));
        return false;
    }
}

}  // namespace hone::train
