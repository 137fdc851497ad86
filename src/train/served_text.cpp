#include "train/served_text.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/file.hpp"
#include "models/catalog.hpp"
#include "train/manifest.hpp"
#include "models/text/thresholds.hpp"

namespace hone::train {

ServedText::ServedText(const Json& manifest, const std::filesystem::path& dir) {
    ManifestModel m = model_of(manifest);
    model_ = models::make_text_classifier(*m.algo, m.config);
    model_->load(dir);
    const auto path = dir / kTextLabelsFile;
    const Json labels = Json::parse(read_file(path).value_or(""), nullptr, false);
    try {
        text_column_ = labels.at("text").get<std::string>();
        label_names_ = labels.at("label_names").get<std::vector<std::string>>();
        multi_label_ = labels.at("multi_label").get<bool>();
        allow_empty_ = labels.at("allow_empty").get<bool>();
        if (multi_label_) thresholds_ = labels.at("thresholds").get<std::vector<float>>();
    } catch (const Json::exception& e) {
        throw Error(ErrorKind::data, "model_load_failed", path.string() + ": not a text classifier's labels: " + e.what());
    }
    if (label_names_.size() != model_->num_labels() || (multi_label_ && thresholds_.size() != label_names_.size()))
        throw Error(ErrorKind::data, "model_load_failed", path.string() + ": its labels do not match the model's");
}

ServedText::Predicted ServedText::predict(const std::vector<std::string>& texts) const {
    const std::vector<float> proba = model_->predict_proba(texts);
    const std::size_t n = label_names_.size();
    Predicted out;
    std::vector<std::vector<std::int32_t>> sets;
    if (multi_label_) sets = models::text::decide(proba, thresholds_, allow_empty_);
    for (std::size_t r = 0; r < texts.size(); ++r) {
        const auto row = proba.begin() + static_cast<std::ptrdiff_t>(r * n);
        out.proba.emplace_back(row, row + static_cast<std::ptrdiff_t>(n));
        if (!multi_label_) {
            out.labels.emplace_back(label_names_[static_cast<std::size_t>(std::max_element(row, row + static_cast<std::ptrdiff_t>(n)) - row)]);
            continue;
        }
        Json chosen = Json::array();
        for (std::int32_t i : sets[r]) chosen.push_back(label_names_[static_cast<std::size_t>(i)]);
        out.labels.push_back(std::move(chosen));
    }
    return out;
}

}  // namespace hone::train
