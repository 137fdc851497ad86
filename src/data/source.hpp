#pragma once
// Data sources by name (`source:` in a dataset block). load_dataset picks the
// source, loads a Frame and checks it against the declared schema. Every failure
// is hone::Error with code "dataset_load_failed" (kind data, io or not_found),
// naming the dataset and what went wrong; an unknown source lists the valid ones.
#include <string>
#include <vector>

#include "data/frame.hpp"
#include "lang/spec.hpp"

namespace hone::data {

// csv, json, jsonl, sqlite, postgres, file, classification, interactions.
const std::vector<std::string>& source_names();

Frame load_dataset(const lang::DatasetSpec& spec);

}  // namespace hone::data
