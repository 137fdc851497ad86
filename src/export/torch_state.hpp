#pragma once
// `--format torch`: a registered neural model (mlp, ncf, gmf) as a file Python's
// torch.load reads, for users who continue in PyTorch. The file is the dict
//
//   {"state_dict": {name: tensor, ...}, "hone": "<JSON text>"}
//
// where the state dict loads with load_state_dict(strict=True) into the plain
// PyTorch modules docs/export.md ("PyTorch state dicts") defines: for the mlp
// an nn.Sequential of Linear, [BatchNorm1d,] activation, ..., Linear; for ncf
// and gmf a module of embeddings, an nn.Sequential tower and an output Linear.
// The JSON text (format "hone.torch_state", version 1) holds what rebuilding
// the module and its inputs takes: the architecture (layer sizes, activation,
// output function), the task, the classes in probability order, the raw
// feature columns, the network's input features and the fitted preprocessing
// (data::Preprocessor::to_json()); for a recommender the user and item ids in
// index order.
#include <string>
#include <vector>

#include "train/predictor.hpp"

namespace hone::exporting {

// The bytes of the model's torch file (above). A model that is not neural is
// hone::Error(validation, "not_exportable") naming its algorithm and the
// algorithms that export to torch. Loads the libtorch module (backend.hpp).
std::string export_torch_state(const train::LoadedModel& model);

// The algorithms whose models export to torch: the catalog's libtorch ones.
std::vector<std::string> torch_exportable_algorithms();

}  // namespace hone::exporting
