#include "server/context.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/text.hpp"
#include "registry/recovery.hpp"

namespace hone::server {

namespace {

std::vector<std::string> names_in(const lang::JobFile& file, const std::string& kind) {
    std::vector<std::string> out;
    if (kind == "training")
        for (const auto& t : file.trainings) out.push_back(t.name);
    else if (kind == "tuning")
        for (const auto& t : file.tunings) out.push_back(t.name);
    else
        for (const auto& p : file.pipelines) out.push_back(p.name);
    return out;
}

[[noreturn]] void unknown_job(const std::string& name, const std::string& kind, const std::vector<std::string>& names,
                              const std::vector<std::string>& other_names, const std::string& other_kind) {
    std::string msg = "no " + kind + " job '" + name + "'";
    bool other = std::find(other_names.begin(), other_names.end(), name) != other_names.end();
    if (other) msg += "; '" + name + "' is a " + other_kind + " job";
    else msg += did_you_mean(name, names);
    throw Error(ErrorKind::not_found, "job_not_found", msg, {},
                names.empty() ? "the server has no " + kind + " jobs" : kind + " jobs: " + join(names));
}

}  // namespace

Context::Context(std::vector<lang::JobFile> job_files, registry::Store& s, ServerOptions o)
    : store(s),
      options(std::move(o)),
      models(s, options.model_cache),
      batcher(options.batch_max_rows, std::chrono::microseconds(options.batch_max_wait_us)),
      runner(s, train::RunnerOptions{options.max_concurrent_jobs, options.max_queued_runs}) {
    // What a crashed process (an earlier server, a killed `hone train`) left.
    for (const auto& note : registry::recover(store, model_root()).notes)
        if (options.log) options.log(note);
    for (auto& f : job_files) add_job_file(std::move(f));
    served_files_ = files_.size();
}

std::optional<lang::Node> Context::served_model_block(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    for (std::size_t i = 0; i < served_files_ && i < files_.size(); ++i) {
        const auto& doc = files_[i].document;
        if (!doc) continue;
        if (const lang::Block* b = lang::find_block(*doc, "model", name)) return b->body;
    }
    return std::nullopt;
}

void Context::add_job_file(lang::JobFile file, bool over_http) {
    std::lock_guard lock(jobs_mu_);
    for (const char* kind : {"training", "tuning", "pipeline"}) {
        auto& by_name = std::string(kind) == "training" ? training_files_
                        : std::string(kind) == "tuning" ? tuning_files_
                                                        : pipeline_files_;
        for (const auto& name : names_in(file, kind)) {
            auto it = by_name.find(name);
            if (it == by_name.end()) continue;
            if (over_http)
                throw Error(ErrorKind::conflict, "job_exists", std::string(kind) + " job '" + name + "' already exists",
                            {}, "choose another name");
            throw Error(ErrorKind::validation, "duplicate_job",
                        std::string(kind) + " job '" + name + "' is defined in both " + it->second->path + " and " +
                            file.path,
                        Location(file.path), "serve files whose job names differ");
        }
    }
    files_.push_back(std::move(file));
    const lang::JobFile* added = &files_.back();
    for (const auto& name : names_in(*added, "training")) {
        training_files_[name] = added;
        training_names_.push_back(name);
    }
    for (const auto& name : names_in(*added, "tuning")) {
        tuning_files_[name] = added;
        tuning_names_.push_back(name);
    }
    for (const auto& name : names_in(*added, "pipeline")) {
        pipeline_files_[name] = added;
        pipeline_names_.push_back(name);
    }
}

std::vector<std::string> Context::pipeline_names() const {
    std::lock_guard lock(jobs_mu_);
    return pipeline_names_;
}

const lang::JobFile& Context::pipeline_file(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    auto it = pipeline_files_.find(name);
    if (it != pipeline_files_.end()) return *it->second;
    throw Error(ErrorKind::not_found, "pipeline_not_found", "no pipeline '" + name + "'" + did_you_mean(name, pipeline_names_),
                {}, pipeline_names_.empty() ? "the server's job files define no pipeline" : "pipelines: " + join(pipeline_names_));
}

std::vector<std::string> Context::training_names() const {
    std::lock_guard lock(jobs_mu_);
    return training_names_;
}

std::vector<std::string> Context::tuning_names() const {
    std::lock_guard lock(jobs_mu_);
    return tuning_names_;
}

const lang::JobFile* Context::find_training_file(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    auto it = training_files_.find(name);
    return it == training_files_.end() ? nullptr : it->second;
}

const lang::JobFile& Context::training_file(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    auto it = training_files_.find(name);
    if (it == training_files_.end()) unknown_job(name, "training", training_names_, tuning_names_, "tuning");
    return *it->second;
}

const lang::JobFile& Context::tuning_file(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    auto it = tuning_files_.find(name);
    if (it == tuning_files_.end()) unknown_job(name, "tuning", tuning_names_, training_names_, "training");
    return *it->second;
}

const lang::DatasetSpec& Context::dataset(const std::string& name) const {
    std::lock_guard lock(jobs_mu_);
    std::vector<std::string> names;
    for (const auto& f : files_)
        for (const auto& d : f.datasets) {
            if (d.name == name) return d;
            names.push_back(d.name);
        }
    std::string msg = "no dataset '" + name + "'";
    msg += did_you_mean(name, names);
    throw Error(ErrorKind::not_found, "dataset_not_found", msg, {},
                names.empty() ? "the server has no datasets" : "datasets: " + join(names));
}

std::string Context::model_root() const { return options.run.model_root; }

RunContext Context::run_context(const std::string& who) const {
    RunContext out = options.run;
    out.who = who;
    return out;
}

}  // namespace hone::server
