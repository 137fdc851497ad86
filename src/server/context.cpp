#include "server/context.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::server {

namespace {

void index_jobs(const std::vector<lang::JobFile>& files, const std::string& kind,
                std::vector<std::string>& names, std::map<std::string, const lang::JobFile*>& by_name) {
    for (const auto& file : files) {
        std::vector<std::string> in_file;
        if (kind == "training")
            for (const auto& t : file.trainings) in_file.push_back(t.name);
        else
            for (const auto& t : file.tunings) in_file.push_back(t.name);
        for (const auto& name : in_file) {
            auto [it, inserted] = by_name.emplace(name, &file);
            if (!inserted)
                throw Error(ErrorKind::validation, "duplicate_job",
                            kind + " job '" + name + "' is defined in both " + it->second->path + " and " + file.path,
                            Location(file.path), "serve files whose job names differ");
            names.push_back(name);
        }
    }
}

[[noreturn]] void unknown_job(const std::string& name, const std::string& kind, const std::vector<std::string>& names,
                              const std::vector<std::string>& other_names, const std::string& other_kind) {
    std::string msg = "no " + kind + " job '" + name + "'";
    std::string near = nearest(name, names);
    bool other = std::find(other_names.begin(), other_names.end(), name) != other_names.end();
    if (other) msg += "; '" + name + "' is a " + other_kind + " job";
    else if (!near.empty()) msg += "; did you mean '" + near + "'?";
    throw Error(ErrorKind::not_found, "job_not_found", msg, {},
                names.empty() ? "the server has no " + kind + " jobs" : kind + " jobs: " + join(names));
}

}  // namespace

Context::Context(std::vector<lang::JobFile> job_files, registry::Store& s, ServerOptions o)
    : files(std::move(job_files)), store(s), options(std::move(o)), models(s, options.model_cache) {
    index_jobs(files, "training", training_names, training_files);
    index_jobs(files, "tuning", tuning_names, tuning_files);
}

const lang::JobFile& Context::training_file(const std::string& name) const {
    auto it = training_files.find(name);
    if (it == training_files.end()) unknown_job(name, "training", training_names, tuning_names, "tuning");
    return *it->second;
}

const lang::JobFile& Context::tuning_file(const std::string& name) const {
    auto it = tuning_files.find(name);
    if (it == tuning_files.end()) unknown_job(name, "tuning", tuning_names, training_names, "training");
    return *it->second;
}

std::string Context::model_root() const {
    return options.model_root.empty() ? registry::default_model_root() : options.model_root;
}

}  // namespace hone::server
