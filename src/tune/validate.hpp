#pragma once
// The one validation path of a job file after the language: what the binder
// checked (keys, types, references), then everything a run would refuse
// before it loads data, checked with the registries that decide it at run time
// (train/validate.hpp for models and trainings; here the tunings: sampler and
// pruner names, the objective metric, each search-space key against the
// algorithm's hyperparameters and each bound against the parameter's range).
// `hone check`, `hone train`, `hone tune`, `hone serve` and jobs created over
// HTTP all go through validate_job, so they accept and refuse the same files.
#include <optional>
#include <string>

#include "lang/job_file.hpp"
#include "lang/keys.hpp"
#include "models/catalog.hpp"

namespace hone::tune {

// Adds the later stages' diagnostics to `loaded.diags`.
void validate_job(lang::LoadedJobFile& loaded);

// The names each registry the job language refers to knows (sources, formats,
// algorithms, metrics, samplers, pruners), for the language's docs (keys.hpp).
lang::NameLists registry_names();

// A dimension written as a name alone, with the range the catalog declares for
// that hyperparameter (its tuning range, else its bounds): an int or float range
// (log where the catalog says so), true/false for a bool, the choices of a
// string. Other dimensions come back as they are. Throws hone::Error(validation,
// "invalid_search_space") when the algorithm has no such hyperparameter or the
// catalog gives it no finite range.
lang::SearchDimension with_catalog_range(const lang::SearchDimension& dimension, const models::AlgorithmSpec& algo);
// Every catalog dimension of `spec` resolved against the algorithm its training
// job trains (in `file`).
void resolve_catalog_ranges(lang::TuningSpec& spec, const lang::JobFile& file);

// One search-space dimension against the algorithm it tunes: a key the
// algorithm does not take is a warning (returned), or an error under `strict`;
// a bound or value outside the parameter's range is an error (every trial
// there would fail). Errors throw hone::Error(validation).
std::optional<std::string> check_dimension(const lang::SearchDimension& dimension, const models::AlgorithmSpec& algo,
                                           bool strict);

}  // namespace hone::tune
