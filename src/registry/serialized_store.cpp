// registry::serialized(): a Store whose calls run one at a time.
#include <mutex>

#include "registry/store.hpp"

namespace hone::registry {

namespace {

class SerializedStore final : public Store {
    // Defined first: the overrides below deduce their return types from it.
    template <typename F>
    auto call(F&& f) {
        std::lock_guard lock(mu_);
        return f();
    }

    std::unique_ptr<Store> inner_;
    std::mutex mu_;

public:
    explicit SerializedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

    void save_job(const std::string& kind, const std::string& name, const Json& spec) override {
        return call([&] { inner_->save_job(kind, name, spec); });
    }
    std::vector<std::pair<std::string, Json>> jobs_of_kind(const std::string& kind) override {
        return call([&] { return inner_->jobs_of_kind(kind); });
    }
    void insert_run(const RunRecord& run) override { call([&] { inner_->insert_run(run); }); }
    void update_run(const RunRecord& run) override { call([&] { inner_->update_run(run); }); }
    std::optional<RunRecord> get_run(const std::string& id) override { return call([&] { return inner_->get_run(id); }); }
    std::vector<RunRecord> runs_of(const std::string& job, int limit) override {
        return call([&] { return inner_->runs_of(job, limit); });
    }
    std::vector<RunRecord> unfinished_runs() override { return call([&] { return inner_->unfinished_runs(); }); }
    void add_round(const std::string& run_id, int round, const Json& metrics) override {
        call([&] { inner_->add_round(run_id, round, metrics); });
    }
    std::vector<Json> rounds_of(const std::string& run_id) override { return call([&] { return inner_->rounds_of(run_id); }); }
    void add_log(const std::string& run_id, const LogEntry& entry) override {
        call([&] { inner_->add_log(run_id, entry); });
    }
    std::vector<LogEntry> logs_of(const std::string& run_id) override {
        return call([&] { return inner_->logs_of(run_id); });
    }
    void save_trial(const TrialRow& trial) override { call([&] { inner_->save_trial(trial); }); }
    std::vector<TrialRow> trials_of(const std::string& study) override { return call([&] { return inner_->trials_of(study); }); }
    Claim claim_trial(const std::string& study, const ClaimRules& rules, const SampleParams& sample) override {
        return call([&] { return inner_->claim_trial(study, rules, sample); });
    }
    bool heartbeat_trial(const TrialRow& trial, const std::string& owner) override {
        return call([&] { return inner_->heartbeat_trial(trial, owner); });
    }
    bool finish_trial(const TrialRow& trial, const std::string& owner) override {
        return call([&] { return inner_->finish_trial(trial, owner); });
    }
    bool release_trial(const TrialRow& trial, const std::string& owner) override {
        return call([&] { return inner_->release_trial(trial, owner); });
    }
    ModelEntry register_model(ModelEntry entry, const std::string& job,
                              const std::function<std::string(const std::string&)>& place) override {
        return call([&] { return inner_->register_model(std::move(entry), job, place); });
    }
    std::optional<ModelEntry> get_model(const std::string& key) override { return call([&] { return inner_->get_model(key); }); }
    std::vector<ModelEntry> list_models(const ModelFilter& filter) override {
        return call([&] { return inner_->list_models(filter); });
    }
    bool delete_model(const std::string& key) override { return call([&] { return inner_->delete_model(key); }); }
    void set_stage(const std::string& key, const std::string& stage) override {
        call([&] { inner_->set_stage(key, stage); });
    }
    void set_metadata(const std::string& key, const Json& metadata) override {
        call([&] { inner_->set_metadata(key, metadata); });
    }
    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const std::string& outcome, const Json& details) override {
        call([&] { inner_->audit(actor, action, target, outcome, details); });
    }
    void save_stage_output(const std::string& key, const Json& output) override {
        call([&] { inner_->save_stage_output(key, output); });
    }
    std::optional<Json> stage_output(const std::string& key) override {
        return call([&] { return inner_->stage_output(key); });
    }
    void exclusive(const std::function<void(Store&)>& f) override { call([&] { inner_->exclusive(f); }); }
    std::vector<Json> audit_log(int limit) override { return call([&] { return inner_->audit_log(limit); }); }
};

}  // namespace

std::unique_ptr<Store> serialized(std::unique_ptr<Store> inner) {
    return std::make_unique<SerializedStore>(std::move(inner));
}

}  // namespace hone::registry
