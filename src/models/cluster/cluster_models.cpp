// The clusterers' catalog entries, with scikit-learn's (1.2) names and defaults.
#include "models/backends.hpp"
#include "models/cluster/agglomerative.hpp"
#include "models/cluster/dbscan.hpp"
#include "models/cluster/kmeans.hpp"
#include "models/linear/common_params.hpp"

namespace hone::models {
namespace {

ParamSpec n_clusters(Json default_value, bool nullable, std::string doc) {
    return {.name = "n_clusters", .type = ParamType::integer, .default_value = std::move(default_value), .min = 1.0,
            .nullable = nullable, .aliases = {"k"}, .doc = std::move(doc), .tune_min = 2.0, .tune_max = 12.0};
}

ParamSpec init() {
    return {.name = "init", .type = ParamType::string, .default_value = "k-means++", .choices = {"k-means++", "random"},
            .doc = "k-means++: greedy k-means++ (2 + ln k candidates per center, the best kept); random: k distinct "
                   "rows"};
}

ParamSpec n_init(int default_value) {
    return {.name = "n_init", .type = ParamType::integer, .default_value = default_value, .min = 1.0,
            .choices = {"auto"},
            .doc = "initialisations run, the best by inertia kept; 'auto': 1 for k-means++, 10 for random"};
}

ParamSpec random_state() {
    return params::random_state("seed of the initialisation and of sampling; null = the job's seed");
}

AlgorithmSpec kmeans() {
    AlgorithmSpec a;
    a.name = "kmeans";
    a.aliases = {{"KMeans", Task::clustering}, {"k_means", std::nullopt}, {"k-means", std::nullopt}};
    a.tasks = {Task::clustering};
    a.library = "hone";
    a.doc = "K-means as scikit-learn's KMeans: the best of n_init runs of Lloyd's algorithm by inertia, rows "
            "assigned on every core. Prediction: the nearest center.";
    a.params = {
        n_clusters(8, false, "clusters (centers) to find"),
        init(),
        n_init(10),
        params::max_iter(300, "most Lloyd iterations of one run"),
        {.name = "tol", .type = ParamType::number, .default_value = 1e-4, .min = 0.0,
         .doc = "a run stops when the centers move less than this times the mean feature variance (squared shift)"},
        {.name = "algorithm", .type = ParamType::string, .default_value = "lloyd", .choices = {"lloyd", "elkan"},
         .doc = "lloyd; or elkan: the same centers, with the distances the triangle inequality decides skipped"},
        random_state(),
    };
    a.make_clusterer = cluster::make_kmeans;
    return a;
}

AlgorithmSpec minibatch_kmeans() {
    AlgorithmSpec a;
    a.name = "minibatch_kmeans";
    a.aliases = {{"MiniBatchKMeans", Task::clustering}};
    a.tasks = {Task::clustering};
    a.library = "hone";
    a.doc = "Mini-batch k-means as scikit-learn's MiniBatchKMeans, for large tables: centers follow running means "
            "of random batches. Prediction: the nearest center.";
    a.params = {
        n_clusters(8, false, "clusters (centers) to find"),
        init(),
        params::max_iter(100, "passes over the rows' worth of batches, at most"),
        {.name = "batch_size", .type = ParamType::integer, .default_value = 1024, .min = 1.0,
         .doc = "rows per batch, drawn with replacement", .tune_min = 256.0, .tune_max = 4096.0, .tune_log = true},
        {.name = "tol", .type = ParamType::number, .default_value = 0.0, .min = 0.0,
         .doc = "stop when a batch moves the centers less than this times the mean feature variance; 0: never"},
        {.name = "max_no_improvement", .type = ParamType::integer, .default_value = 10, .min = 1.0, .nullable = true,
         .doc = "stop after this many batches without a better smoothed inertia; null: never"},
        {.name = "init_size", .type = ParamType::integer, .default_value = nullptr, .min = 1.0, .nullable = true,
         .doc = "rows each initialisation is drawn from (and scored on); null: 3 * batch_size"},
        n_init(3),
        {.name = "reassignment_ratio", .type = ParamType::number, .default_value = 0.01, .min = 0.0,
         .doc = "centers with fewer rows than this share of the largest move to random batch rows"},
        random_state(),
    };
    a.make_clusterer = cluster::make_minibatch_kmeans;
    return a;
}

AlgorithmSpec dbscan() {
    AlgorithmSpec a;
    a.name = "dbscan";
    a.aliases = {{"DBSCAN", Task::clustering}};
    a.tasks = {Task::clustering};
    a.library = "nanoflann";
    a.doc = "DBSCAN as scikit-learn's: clusters of rows with min_samples rows within eps, the rest noise (-1); "
            "neighbours found on a k-d tree, memory growing with the rows. Prediction: the cluster of the nearest "
            "core row within eps, else -1 (an anomaly).";
    a.params = {
        {.name = "eps", .type = ParamType::number, .default_value = 0.5, .min = 0.0, .min_exclusive = true,
         .doc = "the neighbourhood's radius", .tune_min = 0.05, .tune_max = 5.0, .tune_log = true},
        {.name = "min_samples", .type = ParamType::integer, .default_value = 5, .min = 1.0,
         .doc = "rows within eps (the row itself included) that make a row a core row", .tune_min = 2.0,
         .tune_max = 20.0},
        {.name = "metric", .type = ParamType::string, .default_value = "euclidean",
         .choices = {"euclidean", "manhattan", "cosine"}, .doc = "the distance between rows"},
    };
    a.make_clusterer = cluster::make_dbscan;
    return a;
}

// scikit-learn's rules: exactly one of n_clusters and distance_threshold; ward
// merges by variance, which only euclidean distances define.
void check_agglomerative(const Json& p, Task) {
    if (p.at("n_clusters").is_null() == p.at("distance_threshold").is_null())
        throw Error(ErrorKind::validation, "invalid_hyperparameter",
                    "agglomerative takes exactly one of n_clusters and distance_threshold", {},
                    "set n_clusters: null to cut the dendrogram at distance_threshold");
    if (p.at("linkage").get<std::string>() == "ward" && p.at("metric").get<std::string>() != "euclidean")
        throw Error(ErrorKind::validation, "invalid_hyperparameter",
                    "linkage 'ward' takes metric 'euclidean' only, got '" + p.at("metric").get<std::string>() + "'");
}

AlgorithmSpec agglomerative() {
    AlgorithmSpec a;
    a.name = "agglomerative";
    a.aliases = {{"AgglomerativeClustering", Task::clustering}, {"hierarchical", std::nullopt}};
    a.tasks = {Task::clustering};
    a.library = "hone";
    a.doc = "Agglomerative (hierarchical) clustering as scikit-learn's AgglomerativeClustering: the whole "
            "dendrogram (nearest-neighbour chain, on centroids for ward; minimum spanning tree for single linkage), "
            "saved with the model, "
            "cut into n_clusters or at distance_threshold. Prediction: the nearest cluster centre.";
    a.params = {
        n_clusters(2, true, "clusters to cut the dendrogram into; null with distance_threshold"),
        {.name = "metric", .type = ParamType::string, .default_value = "euclidean",
         .choices = {"euclidean", "manhattan", "cosine"}, .aliases = {"affinity"},
         .doc = "the distance between rows (ward: euclidean only)"},
        {.name = "linkage", .type = ParamType::string, .default_value = "ward",
         .choices = {"ward", "complete", "average", "single"},
         .doc = "ward: least increase of variance; complete: farthest rows; average: mean distance; single: "
                "nearest rows"},
        {.name = "distance_threshold", .type = ParamType::number, .default_value = nullptr, .min = 0.0,
         .nullable = true, .doc = "cut where merges reach this distance (with n_clusters: null)"},
    };
    a.check = check_agglomerative;
    a.make_clusterer = cluster::make_agglomerative;
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> cluster_algorithms() { return {kmeans(), minibatch_kmeans(), dbscan(), agglomerative()}; }

}  // namespace hone::models
