// Neural Collaborative Filtering (He et al. 2017) on the epoch loop: NeuMF, a
// generalized matrix factorization (GMF) and a multilayer perceptron over user
// and item embeddings fused by one output layer, or GMF alone. Trained on
// implicit feedback with the binary cross-entropy of each positive and
// `negative_ratio` negatives drawn anew every epoch.
#include "models/torch/ncf_impl.hpp"


#include "common/error.hpp"
#include "common/file.hpp"
#include "models/torch/loop.hpp"
#include "models/torch/ncf_scorer.hpp"
#include "models/torch/parts.hpp"
#include "models/torch/tensor_copy.hpp"

namespace hone::models::torch_nn {

namespace {

constexpr const char* kArchitectureFile = "ncf.json";
constexpr const char* kWeightsFile = "ncf.pt";

struct NcfArchitecture {
    std::int64_t users = 0, items = 0;
    std::int64_t embedding_dim = 64;
    std::vector<std::int64_t> hidden = {128, 64, 32};  // the MLP tower; empty for GMF alone
    bool gmf_only = false;

    Json to_json() const {
        return Json{{"users", users}, {"items", items}, {"embedding_dim", embedding_dim},
                    {"hidden", hidden}, {"gmf_only", gmf_only}};
    }
    static NcfArchitecture from_json(const Json& j) {
        NcfArchitecture a;
        a.users = j.at("users").get<std::int64_t>();
        a.items = j.at("items").get<std::int64_t>();
        a.embedding_dim = j.at("embedding_dim").get<std::int64_t>();
        a.hidden = j.at("hidden").get<std::vector<std::int64_t>>();
        a.gmf_only = j.at("gmf_only").get<bool>();
        return a;
    }
};

class NcfNet final : public torch::nn::Module {
public:
    // `sparse_gradients`: the embeddings' gradients hold only a batch's rows,
    // for an optimizer that steps them as dense ones (steps_sparse_rows):
    // the tables' dense gradients cost more than the rest of a step.
    explicit NcfNet(const NcfArchitecture& a, bool sparse_gradients = false) : arch_(a) {
        const auto table = [&](std::int64_t rows) {
            return torch::nn::Embedding(torch::nn::EmbeddingOptions(rows, a.embedding_dim).sparse(sparse_gradients));
        };
        gmf_user_ = register_module("gmf_user", table(a.users));
        gmf_item_ = register_module("gmf_item", table(a.items));
        std::int64_t fused = a.embedding_dim;
        if (!a.gmf_only) {
            mlp_user_ = register_module("mlp_user", table(a.users));
            mlp_item_ = register_module("mlp_item", table(a.items));
            std::int64_t in = 2 * a.embedding_dim;
            for (std::size_t i = 0; i < a.hidden.size(); ++i) {
                tower_.push_back(register_module("tower" + std::to_string(i), torch::nn::Linear(in, a.hidden[i])));
                in = a.hidden[i];
            }
            fused += in;
        }
        output_ = register_module("output", torch::nn::Linear(fused, 1));
    }

    // As the paper's code: embeddings from N(0, 0.01), linear maps Glorot
    // uniform with zero biases; every draw from `generator`, so fits side by
    // side stay deterministic.
    void initialize(at::Generator& generator) {
        torch::NoGradGuard no_grad;
        for (auto& e : embeddings()) e.normal_(0.0, 0.01, generator);
        std::vector<torch::nn::Linear> linears = tower_;
        linears.push_back(output_);
        for (auto& layer : linears) {
            const double bound = std::sqrt(6.0 / static_cast<double>(layer->weight.size(0) + layer->weight.size(1)));
            layer->weight.uniform_(-bound, bound, generator);
            layer->bias.zero_();
        }
    }

    // x: rows x 2 int64 (user, item) -> one logit per row, rows x 1.
    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor users = x.select(1, 0), items = x.select(1, 1);
        torch::Tensor fused = gmf_user_->forward(users) * gmf_item_->forward(items);
        if (!arch_.gmf_only) {
            torch::Tensor h = torch::cat({mlp_user_->forward(users), mlp_item_->forward(items)}, 1);
            for (auto& layer : tower_) h = torch::relu(layer->forward(h));
            fused = torch::cat({fused, h}, 1);
        }
        return output_->forward(fused);
    }

    // The weights as NcfScorer takes them, with the item half of the tower's
    // first layer (W_i·i + b) computed for every item.
    NcfScorerWeights scorer_weights() const {
        torch::NoGradGuard no_grad;
        NcfScorerWeights w;
        w.users = arch_.users;
        w.items = arch_.items;
        w.dim = arch_.embedding_dim;
        w.gmf_only = arch_.gmf_only;
        w.gmf_user = float_values(gmf_user_->weight);
        w.gmf_item = float_values(gmf_item_->weight);
        w.output_weight = float_values(output_->weight.reshape({-1}));
        w.output_bias = output_->bias.item<float>();
        if (!arch_.gmf_only) {
            const torch::Tensor& first = tower_.front()->weight;  // width x [user; item]
            const std::int64_t d = arch_.embedding_dim;
            w.mlp_user = float_values(mlp_user_->weight);
            w.first_width = first.size(0);
            w.first_user = float_values(first.narrow(1, 0, d));
            w.first_items =
                float_values(torch::addmm(tower_.front()->bias, mlp_item_->weight, first.narrow(1, d, d).t()));
            for (std::size_t l = 1; l < tower_.size(); ++l) w.tower.push_back(dense_layer(tower_[l]));
        }
        return w;
    }

    // The weights as they are, as ncf_weights.hpp describes them.
    NcfWeights describe() const {
        NcfWeights w;
        w.users = arch_.users;
        w.items = arch_.items;
        w.dim = arch_.embedding_dim;
        w.gmf_only = arch_.gmf_only;
        w.gmf_user = float_values(gmf_user_->weight);
        w.gmf_item = float_values(gmf_item_->weight);
        if (!arch_.gmf_only) {
            w.mlp_user = float_values(mlp_user_->weight);
            w.mlp_item = float_values(mlp_item_->weight);
            for (const auto& layer : tower_) w.tower.push_back(dense_layer(layer));
        }
        w.output = dense_layer(output_);
        return w;
    }

    std::vector<torch::Tensor> embeddings() const {
        std::vector<torch::Tensor> out = {gmf_user_->weight, gmf_item_->weight};
        if (!arch_.gmf_only) {
            out.push_back(mlp_user_->weight);
            out.push_back(mlp_item_->weight);
        }
        return out;
    }

private:
    NcfArchitecture arch_;
    torch::nn::Embedding gmf_user_{nullptr}, gmf_item_{nullptr}, mlp_user_{nullptr}, mlp_item_{nullptr};
    std::vector<torch::nn::Linear> tower_;
    torch::nn::Linear output_{nullptr};
};

// The pairs of one epoch as the loop's rows: x = (user, item), y = 0/1.
void set_pairs(TrainingData& data, const data::TrainingPairs& pairs) {
    const auto n = static_cast<std::int64_t>(pairs.users.size());
    torch::Tensor x = torch::empty({n, 2}, torch::kLong);
    auto* p = x.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
        p[2 * i] = pairs.users[static_cast<std::size_t>(i)];
        p[2 * i + 1] = pairs.items[static_cast<std::size_t>(i)];
    }
    data.x = x;
    data.y = torch::tensor(pairs.labels, torch::kFloat32);
}

LoopSettings ncf_settings(const Json& p, std::uint64_t seed) {
    LoopSettings s;
    s.epochs = p.at("epochs").get<int>();
    s.batch_size = p.at("batch_size").get<int>();
    s.optimizer = p.at("optimizer").get<std::string>();
    s.optimizer_options.lr = p.at("learning_rate").get<double>();
    s.optimizer_options.weight_decay = p.at("weight_decay").get<double>();
    s.seed = seed;
    s.n_iter_no_change = s.epochs;  // the trainer's early stopping decides, not the training loss
    return s;
}

class NcfRecommender final : public Recommender {
public:
    NcfRecommender(EstimatorConfig config, bool gmf_only) : Recommender(std::move(config)) {
        arch_.gmf_only = gmf_only;
    }

    void fit(const RecommenderFitInput& input, const Callbacks& callbacks) override;

    void score(std::int32_t user, std::span<const std::int32_t> items, std::span<float> out) const override {
        if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
        const auto n = static_cast<std::int64_t>(items.size());
        torch::Tensor x = torch::empty({n, 2}, torch::kLong);
        auto* p = x.data_ptr<std::int64_t>();
        for (std::int64_t i = 0; i < n; ++i) {
            p[2 * i] = user;
            p[2 * i + 1] = items[static_cast<std::size_t>(i)];
        }
        torch::NoGradGuard no_grad;
        torch::Tensor logits = net_->forward(x).reshape({-1}).contiguous();
        std::copy_n(logits.data_ptr<float>(), n, out.begin());
    }

    // Every item for one user without libtorch, from the weights laid out
    // once after the fit or the load (ncf_scorer.hpp); while fitting, through
    // score().
    void score_all(std::int32_t user, std::span<float> out) const override {
        if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
        if (scorer_) scorer_->score_all(user, out);
        else Recommender::score_all(user, out);
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override;
    void load(const std::filesystem::path& dir) override;

    bool iterative() const override { return true; }
    int best_round() const override { return best_epoch_; }

    NcfWeights describe() const {
        if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
        return net_->describe();
    }

private:
    // A tower without layers feeds the embeddings to the output as they are:
    // no first layer to split; score() serves it.
    void make_scorer() {
        scorer_.reset();
        if (arch_.gmf_only || !arch_.hidden.empty()) scorer_ = std::make_shared<const NcfScorer>(net_->scorer_weights());
    }

    NcfArchitecture arch_;
    std::shared_ptr<NcfNet> net_;
    std::shared_ptr<const NcfScorer> scorer_;
    int best_epoch_ = -1;
};

void NcfRecommender::fit(const RecommenderFitInput& input, const Callbacks& callbacks) {
    const Json& p = config_.params;
    arch_.users = static_cast<std::int64_t>(input.train.num_users());
    arch_.items = static_cast<std::int64_t>(input.train.num_items());
    arch_.embedding_dim = p.at("embedding_dim").get<std::int64_t>();
    if (!arch_.gmf_only) arch_.hidden = p.at("hidden_layers").get<std::vector<std::int64_t>>();
    else arch_.hidden.clear();
    const int ratio = p.at("negative_ratio").get<int>();
    const std::uint64_t seed = seed_of(config_);
    use_threads(config_.threads);
    scorer_.reset();
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto net = std::make_shared<NcfNet>(arch_, steps_sparse_rows(p.at("optimizer").get<std::string>()));
    net->initialize(generator);

    LoopModel model;
    model.module = net;
    model.forward = [net](const torch::Tensor& x) { return net->forward(x); };
    model.loss = find_loss("binary_cross_entropy");
    model.generator = generator;
    const data::Interactions& train = input.train;
    const data::UserItems& seen = input.seen;
    model.resample = [&train, &seen, ratio](TrainingData& d, std::mt19937_64& rng) {
        set_pairs(d, data::sample_training_pairs(train, seen, ratio, rng));
    };
    if (input.validation) {
        const SampledEvaluation evaluation = *input.validation;
        model.validate = [this, evaluation] {
            Json out = Json::object();
            for (const auto& [name, value] : sampled_ranking_metrics(*this, evaluation))
                if (name.rfind("hr@", 0) == 0 || name.rfind("ndcg@", 0) == 0) out[name] = value;
            return out;
        };
    }
    // The first epoch's rows are drawn by resample like every other's; these
    // only size the loop (the schedule counts its steps by them).
    std::mt19937_64 sizing(seed);
    TrainingData data;
    set_pairs(data, data::sample_training_pairs(train, seen, ratio, sizing));
    EpochLoop loop(std::move(model), ncf_settings(p, seed), std::move(data));
    net_ = net;  // validation scores through score(), with the weights as they train
    try {
        run_with_checkpoints(loop, *net, config_.checkpoints, callbacks);
    } catch (...) {
        net_.reset();
        throw;
    }
    best_epoch_ = loop.best_epoch();
    make_scorer();
}

std::vector<std::string> NcfRecommender::save(const std::filesystem::path& dir) const {
    if (!net_) throw Error(ErrorKind::validation, "not_fitted", "the model has not been fitted or loaded");
    Json meta = arch_.to_json();
    meta["best_epoch"] = best_epoch_;
    write_json_file(dir / kArchitectureFile, meta);
    save_module_atomically(*net_, dir / kWeightsFile);
    return {kArchitectureFile, kWeightsFile};
}

void NcfRecommender::load(const std::filesystem::path& dir) {
    const auto meta_path = dir / kArchitectureFile, weights_path = dir / kWeightsFile;
    auto text = read_file(meta_path);
    if (!text || !std::filesystem::is_regular_file(weights_path))
        throw Error(ErrorKind::not_found, "model_not_found", "no NCF model (ncf.json and ncf.pt) in " + dir.string());
    try {
        Json meta = Json::parse(*text);
        NcfArchitecture arch = NcfArchitecture::from_json(meta);
        auto net = std::make_shared<NcfNet>(arch);
        torch::serialize::InputArchive archive;
        archive.load_from(weights_path.string());
        net->load(archive);
        net->eval();
        arch_ = arch;
        net_ = std::move(net);
        best_epoch_ = meta.value("best_epoch", -1);
        make_scorer();
    } catch (const Json::exception& e) {
        throw Error(ErrorKind::data, "model_load_failed", meta_path.string() + ": " + e.what());
    } catch (const c10::Error& e) {
        throw Error(ErrorKind::data, "model_load_failed",
                    weights_path.string() + " is not this NCF's weights: " + e.what_without_backtrace());
    }
}

}  // namespace

NcfWeights describe_ncf_recommender(const Recommender& recommender) {
    const auto* ncf = dynamic_cast<const NcfRecommender*>(&recommender);
    if (!ncf)
        throw Error(ErrorKind::validation, "not_an_ncf",
                    "the recommender is not an ncf or gmf: only those describe their embeddings and layers");
    return ncf->describe();
}

std::unique_ptr<Recommender> make_ncf_recommender(EstimatorConfig config, bool gmf_only) {
    return std::make_unique<NcfRecommender>(std::move(config), gmf_only);
}

}  // namespace hone::models::torch_nn
