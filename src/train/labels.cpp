#include "train/labels.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::train {

EncodedTarget encode_target(const data::Column& target, bool classification) {
    EncodedTarget out;
    std::size_t n = target.size();
    if (!classification) {
        if (target.type() == data::DType::string)
            throw Error(ErrorKind::validation, "invalid_target",
                        "target '" + target.name() + "' holds text; a regressor needs a numeric target", {},
                        "use a classifier (model type: classifier), or a numeric target column");
        for (std::size_t i = 0; i < n; ++i) {
            double v = target.as_double(i);
            if (std::isnan(v)) {
                ++out.dropped_nulls;
                continue;
            }
            out.rows.push_back(i);
            out.y.push_back(static_cast<float>(v));
        }
        return out;
    }
    // Classes in LabelEncoder order, keyed by their text.
    std::vector<std::string> labels;
    switch (target.type()) {
        case data::DType::string: {
            labels = target.dictionary();
            std::vector<bool> used(labels.size(), false);
            for (std::size_t i = 0; i < n; ++i)
                if (!target.is_null(i)) used[target.codes()[i]] = true;
            std::vector<std::string> present;
            for (std::size_t c = 0; c < labels.size(); ++c)
                if (used[c]) present.push_back(labels[c]);
            std::sort(present.begin(), present.end());
            labels = present;
            break;
        }
        default: {
            std::map<double, std::string> values;
            for (std::size_t i = 0; i < n; ++i)
                if (!target.is_null(i)) values.emplace(target.as_double(i), target.to_text(i));
            for (auto& [v, text] : values) labels.push_back(text);
            break;
        }
    }
    std::map<std::string, int> index;
    for (std::size_t c = 0; c < labels.size(); ++c) index[labels[c]] = static_cast<int>(c);
    for (std::size_t i = 0; i < n; ++i) {
        if (target.is_null(i)) {
            ++out.dropped_nulls;
            continue;
        }
        out.rows.push_back(i);
        out.y.push_back(static_cast<float>(index[target.to_text(i)]));
    }
    out.classes = labels;
    return out;
}

nlohmann::ordered_json label_json(const std::string& label, data::DType type) {
    switch (type) {
        case data::DType::boolean: return label == "true";
        case data::DType::int64: return std::stoll(label);
        case data::DType::float64: return std::stod(label);
        case data::DType::string: return label;
    }
    return label;
}

}  // namespace hone::train
