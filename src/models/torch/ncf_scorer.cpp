#include "models/torch/ncf_scorer.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace hone::models::torch_nn {

namespace {

// The vectors below never cross a function boundary that is not inlined: GCC's
// note that passing them by value changed ABI in version 4.6 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// Sixteen floats: one AVX-512 register, two AVX2 ones, four SSE ones.
typedef float v16 __attribute__((vector_size(64)));
constexpr std::int64_t kLanes = 16;
constexpr int kRows = 4;  // items a block of the tower works on together

std::int64_t padded(std::int64_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

[[gnu::always_inline]] inline v16 load(const float* p) {
    v16 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
[[gnu::always_inline]] inline void store(float* p, const v16& v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline v16 relu(const v16& v) {
    const v16 zero = {};
    return v > zero ? v : zero;
}
[[gnu::always_inline]] inline float sum(const v16& v) {
    float s = 0;
    for (int i = 0; i < kLanes; ++i) s += v[i];
    return s;
}

// a·b over n floats, n a multiple of 16.
[[gnu::always_inline]] inline float dot_padded(const float* a, const float* b, std::int64_t n) {
    v16 s = {};
    for (std::int64_t k = 0; k < n; k += kLanes) s += load(a + k) * load(b + k);
    return sum(s);
}
// a·b over any n.
[[gnu::always_inline]] inline float dot(const float* a, const float* b, std::int64_t n) {
    const std::int64_t whole = n / kLanes * kLanes;
    float s = dot_padded(a, b, whole);
    for (std::int64_t k = whole; k < n; ++k) s += a[k] * b[k];
    return s;
}

// out = relu(in · w + bias) for kRows rows and G x 16 columns from column n0:
// in is kRows x k_in (row stride in_stride), w k_in x (row stride w_stride).
template <int G>
[[gnu::always_inline]] inline void dense_relu_columns(const float* in, std::int64_t in_stride, std::int64_t k_in,
                                                       const float* w, std::int64_t w_stride, const float* bias,
                                                       float* out, std::int64_t out_stride, std::int64_t n0) {
    // Unrolled whole, so that the accumulators stay in registers.
    v16 acc[kRows][G];
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) {
        const v16 b = load(bias + n0 + g * kLanes);
#pragma GCC unroll 8
        for (int r = 0; r < kRows; ++r) acc[r][g] = b;
    }
    for (std::int64_t k = 0; k < k_in; ++k) {
        v16 wk[G];
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) wk[g] = load(w + k * w_stride + n0 + g * kLanes);
#pragma GCC unroll 8
        for (int r = 0; r < kRows; ++r) {
            const float x = in[r * in_stride + k];
#pragma GCC unroll 8
            for (int g = 0; g < G; ++g) acc[r][g] += x * wk[g];
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) store(out + r * out_stride + n0 + g * kLanes, relu(acc[r][g]));
}

// What one request's loop over the items reads, laid out by NcfScorer.
struct TowerLayerView {
    std::int64_t in, padded_out;
    const float* weight_t;
    const float* bias;
};

struct Request {
    std::int64_t count;  // items to score: 0 .. count - 1
    std::int64_t dim;
    bool gmf_only;
    const float* gmf_item;  // items x dim
    const float* g;         // u ⊙ h_gmf
    const float* first_items;
    const float* c;  // W_u·u, padded
    std::int64_t first_padded;
    const TowerLayerView* layers;
    std::size_t num_layers;
    const float* mlp_out;  // padded to the last layer's padded width
    float bias;
    float* scratch;  // 2 x kRows x the widest padded width
    std::int64_t scratch_stride;
    float* out;
};

// The loop over every item, compiled for AVX-512 and AVX2 besides the
// baseline; the loader picks the one the processor runs.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void score_items(const Request& q) {
    if (q.gmf_only) {
        for (std::int64_t i = 0; i < q.count; ++i) q.out[i] = q.bias + dot(q.gmf_item + i * q.dim, q.g, q.dim);
        return;
    }
    float* a = q.scratch;
    float* b = q.scratch + kRows * q.scratch_stride;
    const std::int64_t s = q.scratch_stride;
    for (std::int64_t start = 0; start < q.count; start += kRows) {
        const std::int64_t n = std::min<std::int64_t>(kRows, q.count - start);
        // The first layer: the item's precomputed half plus the user's. A
        // block short of kRows items repeats its last one.
        for (int r = 0; r < kRows; ++r) {
            const std::int64_t item = start + std::min<std::int64_t>(r, n - 1);
            const float* row = q.first_items + item * q.first_padded;
            for (std::int64_t j = 0; j < q.first_padded; j += kLanes)
                store(a + r * s + j, relu(load(row + j) + load(q.c + j)));
        }
        for (std::size_t l = 0; l < q.num_layers; ++l) {
            const TowerLayerView& layer = q.layers[l];
            std::int64_t n0 = 0;
            for (; n0 + 2 * kLanes <= layer.padded_out; n0 += 2 * kLanes)
                dense_relu_columns<2>(a, s, layer.in, layer.weight_t, layer.padded_out, layer.bias, b, s, n0);
            if (n0 < layer.padded_out)
                dense_relu_columns<1>(a, s, layer.in, layer.weight_t, layer.padded_out, layer.bias, b, s, n0);
            std::swap(a, b);
        }
        const std::int64_t last = q.num_layers ? q.layers[q.num_layers - 1].padded_out : q.first_padded;
        for (std::int64_t r = 0; r < n; ++r) {
            const std::int64_t item = start + r;
            q.out[item] = q.bias + dot(q.gmf_item + item * q.dim, q.g, q.dim) + dot_padded(a + r * s, q.mlp_out, last);
        }
    }
}

void check(bool ok, const std::string& what) {
    if (!ok) throw Error(ErrorKind::internal, "invalid_argument", "NCF scorer: " + what);
}

}  // namespace

NcfScorer::NcfScorer(NcfScorerWeights w)
    : users_(w.users), items_(w.items), dim_(w.dim), gmf_only_(w.gmf_only), output_bias_(w.output_bias) {
    const auto size = [](std::int64_t a, std::int64_t b) { return static_cast<std::size_t>(a * b); };
    check(w.gmf_user.size() == size(users_, dim_) && w.gmf_item.size() == size(items_, dim_),
          "GMF embeddings of the wrong size");
    gmf_user_ = std::move(w.gmf_user);
    gmf_item_ = std::move(w.gmf_item);
    gmf_out_.assign(w.output_weight.begin(), w.output_weight.begin() + std::min<std::int64_t>(dim_, static_cast<std::int64_t>(w.output_weight.size())));
    if (gmf_only_) {
        check(w.output_weight.size() == static_cast<std::size_t>(dim_), "an output layer of the wrong size");
        return;
    }
    first_width_ = w.first_width;
    first_padded_ = padded(first_width_);
    check(w.mlp_user.size() == size(users_, dim_) && w.first_items.size() == size(items_, first_width_) &&
              w.first_user.size() == size(first_width_, dim_),
          "MLP embeddings or first layer of the wrong size");
    mlp_user_ = std::move(w.mlp_user);
    first_items_.assign(size(items_, first_padded_), 0.0f);
    for (std::int64_t i = 0; i < items_; ++i)
        std::copy_n(w.first_items.begin() + i * first_width_, first_width_, first_items_.begin() + i * first_padded_);
    first_user_t_.assign(size(dim_, first_padded_), 0.0f);
    for (std::int64_t j = 0; j < first_width_; ++j)
        for (std::int64_t d = 0; d < dim_; ++d)
            first_user_t_[static_cast<std::size_t>(d * first_padded_ + j)] = w.first_user[static_cast<std::size_t>(j * dim_ + d)];
    std::int64_t in = first_width_;
    for (const DenseLayer& d : w.tower) {
        check(d.in == in && d.weight.size() == size(d.out, d.in) && d.bias.size() == static_cast<std::size_t>(d.out),
              "tower layers that do not fit together");
        Layer l;
        l.in = d.in;
        l.out = d.out;
        l.padded_out = padded(d.out);
        l.weight_t.assign(size(d.in, l.padded_out), 0.0f);
        for (std::int64_t o = 0; o < d.out; ++o)
            for (std::int64_t k = 0; k < d.in; ++k)
                l.weight_t[static_cast<std::size_t>(k * l.padded_out + o)] = d.weight[static_cast<std::size_t>(o * d.in + k)];
        l.bias.assign(static_cast<std::size_t>(l.padded_out), 0.0f);
        std::copy(d.bias.begin(), d.bias.end(), l.bias.begin());
        in = d.out;
        tower_.push_back(std::move(l));
    }
    check(w.output_weight.size() == static_cast<std::size_t>(dim_ + in), "an output layer of the wrong size");
    mlp_out_.assign(static_cast<std::size_t>(padded(in)), 0.0f);
    std::copy(w.output_weight.begin() + dim_, w.output_weight.end(), mlp_out_.begin());
}

void NcfScorer::score_all(std::int32_t user, std::span<float> out) const {
    if (user < 0 || user >= users_)
        throw Error(ErrorKind::internal, "invalid_argument",
                    "user " + std::to_string(user) + " is not one of the model's " + std::to_string(users_));
    if (static_cast<std::int64_t>(out.size()) > items_)
        throw Error(ErrorKind::internal, "invalid_argument",
                    std::to_string(out.size()) + " scores asked of a model of " + std::to_string(items_) + " items");
    const auto u = static_cast<std::size_t>(user), dim = static_cast<std::size_t>(dim_);
    std::vector<float> g(dim);
    for (std::size_t d = 0; d < dim; ++d) g[d] = gmf_user_[u * dim + d] * gmf_out_[d];
    Request q{};
    q.count = static_cast<std::int64_t>(out.size());
    q.dim = dim_;
    q.gmf_only = gmf_only_;
    q.gmf_item = gmf_item_.data();
    q.g = g.data();
    q.bias = output_bias_;
    q.out = out.data();
    std::vector<float> c, scratch;
    std::vector<TowerLayerView> layers;
    if (!gmf_only_) {
        // W_u·u, once for every item.
        c.assign(static_cast<std::size_t>(first_padded_), 0.0f);
        const float* mu = mlp_user_.data() + u * dim;
        for (std::size_t d = 0; d < dim; ++d) {
            const float x = mu[d];
            const float* row = first_user_t_.data() + d * static_cast<std::size_t>(first_padded_);
            for (std::int64_t j = 0; j < first_width_; ++j) c[static_cast<std::size_t>(j)] += x * row[j];
        }
        std::int64_t widest = first_padded_;
        for (const Layer& l : tower_) {
            layers.push_back({l.in, l.padded_out, l.weight_t.data(), l.bias.data()});
            widest = std::max(widest, l.padded_out);
        }
        scratch.assign(static_cast<std::size_t>(2 * kRows * widest), 0.0f);
        q.first_items = first_items_.data();
        q.c = c.data();
        q.first_padded = first_padded_;
        q.layers = layers.data();
        q.num_layers = layers.size();
        q.mlp_out = mlp_out_.data();
        q.scratch = scratch.data();
        q.scratch_stride = widest;
    }
    score_items(q);
}

}  // namespace hone::models::torch_nn
