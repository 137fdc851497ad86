#pragma once
// The keys of a dataset's `processing:` section (processing_spec.hpp), declared
// once like every other section (keys.hpp): the dataset's key table calls
// set_processing, and language_sections() lists processing_sections().
#include <vector>

#include "lang/keys.hpp"

namespace hone::lang {

const std::vector<Key<ProcessingSpec>>& processing_keys();
const std::vector<Key<TransformStep>>& transform_keys();
const std::vector<Key<EncodingStep>>& encoding_keys();
const std::vector<Key<SamplingSpec>>& sampling_keys();
const std::vector<Key<NoiseAugmentationSpec>>& noise_augmentation_keys();

// A dataset's `processing:` key: reads the section and, when the dataset
// declares a schema, checks every column a step names against it (and the
// columns earlier steps make).
void set_processing(DatasetSpec& d, const Json& value, Fields& f, const Node& n);

// Parses one `filter:` condition ("age >= 18", "plan in [a, b]", "income not
// null"); the error text when it is not one.
std::string parse_row_filter(const std::string& text, RowFilter& out);

std::vector<SectionDoc> processing_sections();

}  // namespace hone::lang
