// `hone data describe`: load a dataset (from a job file's dataset block, or a data
// file directly) and print per-column statistics.
#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "common/run_context.hpp"
#include "data/source.hpp"
#include "data/stats.hpp"
#include "lang/job_file.hpp"

namespace hone::cli {

namespace {

// A dataset spec for a bare data file: the format comes from its extension.
lang::DatasetSpec spec_for_data_file(const std::string& path) {
    lang::DatasetSpec spec;
    spec.name = path;
    spec.source = "file";
    spec.path = path;
    auto ext = std::filesystem::path(path).extension().string();
    if (ext == ".tsv" || ext == ".txt") spec.format = "csv";
    return spec;
}

lang::DatasetSpec spec_from_job_file(const std::string& file, const std::string& dataset) {
    auto loaded = lang::load_job_file(file);
    if (!loaded.ok()) {
        std::cerr << loaded.report();
        throw Error(ErrorKind::validation, "invalid_job_file", "the job file has errors (see above)", Location(file));
    }
    const auto* spec = loaded.spec.find_dataset(dataset);
    if (!spec) {
        std::vector<std::string> names;
        for (const auto& d : loaded.spec.datasets) names.push_back(d.name);
        throw Error(ErrorKind::not_found, "dataset_not_found", "no dataset \"" + dataset + "\" in " + file, {},
                    names.empty() ? "the file defines no dataset" : "datasets in the file: " + [&] {
                        std::string s;
                        for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
                        return s;
                    }());
    }
    return *spec;
}

}  // namespace

void add_data_command(CLI::App& app, int& exit_code) {
    auto* data = app.add_subcommand("data", "Inspect datasets");
    data->require_subcommand(1);
    auto* describe = data->add_subcommand(
        "describe", "Load a dataset and print per-column statistics (count, nulls, mean, std, min, max, distinct, top)");
    struct Options {
        std::string file, dataset;
        bool json = false;
        std::size_t top = 3;
        unsigned threads = 0;
    };
    auto opts = std::make_shared<Options>();
    describe->add_option("FILE", opts->file, "a job file (with DATASET) or a data file (.csv, .tsv, .json, .jsonl)")
        ->required();
    describe->add_option("DATASET", opts->dataset, "the dataset block to load from the job file");
    describe->add_flag("--json", opts->json, "print JSON");
    describe->add_option("--threads", opts->threads, "threads for reading and describing (default: all cores)");
    describe->add_option("--top", opts->top, "how many most frequent values to show per column")->capture_default_str();
    describe->callback([opts, &exit_code] {
        lang::DatasetSpec spec =
            opts->dataset.empty() ? spec_for_data_file(opts->file) : spec_from_job_file(opts->file, opts->dataset);
        auto start = std::chrono::steady_clock::now();
        const RunContext context = context_from_environment();
        data::Frame frame = data::load_dataset(spec, {opts->threads, context.postgres_url});
        auto loaded = std::chrono::steady_clock::now();
        auto stats = data::describe(frame, opts->top, opts->threads);
        auto done = std::chrono::steady_clock::now();
        auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
        if (opts->json) {
            auto j = data::to_json(stats, frame.rows());
            j["dataset"] = spec.name;
            j["load_ms"] = ms(start, loaded);
            j["describe_ms"] = ms(loaded, done);
            nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
            for (const auto& w : frame.warnings()) warnings.push_back(w.message);
            j["warnings"] = std::move(warnings);
            std::cout << hone::json_dump(j, 2) << "\n";
        } else {
            std::cout << spec.name << ": " << frame.rows() << " rows x " << frame.cols() << " columns (loaded in "
                      << static_cast<long>(ms(start, loaded)) << " ms)\n";
            std::cout << data::format_table(stats, frame.rows());
            for (const auto& w : frame.warnings()) std::cerr << "warning: " << w.message << "\n";
        }
        exit_code = 0;
    });
}

}  // namespace hone::cli
