#include "train/manifest.hpp"

#include "common/error.hpp"

namespace hone::train {

Json manifest_head(const JobBasis& b) {
    Json manifest;
    manifest["format"] = "hone-model";
    manifest["format_version"] = 1;
    manifest["algorithm"] = b.algo->name;
    manifest["library"] = b.algo->library;
    manifest["task"] = std::string(models::to_string(b.task));
    return manifest;
}

ManifestModel model_of(const Json& manifest) {
    ManifestModel m;
    m.algo = &models::find_algorithm(manifest.at("algorithm").get<std::string>());
    const std::string task = manifest.at("task").get<std::string>();
    bool known = false;
    for (auto t : {models::Task::classification, models::Task::regression, models::Task::recommendation,
                   models::Task::text_classification, models::Task::clustering})
        if (task == models::to_string(t)) {
            m.config.task = t;
            known = true;
        }
    if (!known) throw Error(ErrorKind::data, "model_load_failed", "the model's manifest names an unknown task '" + task + "'");
    m.config.num_classes = manifest.value("num_classes", 0);
    m.config.params = manifest.at("params");
    m.config.seed = manifest.at("seed").get<std::uint64_t>();
    return m;
}

}  // namespace hone::train
