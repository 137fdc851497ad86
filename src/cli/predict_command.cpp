// `hone predict KEY --input FILE [--output FILE]`: predictions from a registered
// model, with the same preprocessing it was trained with. `hone recommend KEY
// --user U`: a registered recommender's items for users.
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "train/predictor.hpp"

namespace hone::cli {

namespace {

std::string csv_cell(const train::Json& v) {
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
        std::string out = "\"";
        for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }
    if (v.is_number_float()) return format_double(v.get<double>());
    return v.dump();
}

void write_csv(std::ostream& out, const train::Predictions& p) {
    out << "prediction";
    for (const auto& c : p.classes)
        if (!p.proba.empty()) out << "," << csv_cell("proba_" + c);
    out << "\n";
    for (std::size_t r = 0; r < p.values.size(); ++r) {
        out << csv_cell(p.values[r]);
        if (!p.proba.empty())
            for (double v : p.proba[r]) out << "," << format_double(v);
        out << "\n";
    }
}

train::Json to_json(const train::Predictions& p) {
    train::Json rows = train::Json::array();
    for (std::size_t r = 0; r < p.values.size(); ++r) {
        train::Json row{{"prediction", p.values[r]}};
        if (!p.proba.empty()) {
            train::Json probs = train::Json::object();
            for (std::size_t c = 0; c < p.classes.size(); ++c) probs[p.classes[c]] = p.proba[r][c];
            row["probabilities"] = probs;
        }
        rows.push_back(row);
    }
    return train::Json{{"predictions", rows}};
}

}  // namespace

void add_predict_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("predict", "Predict with a registered model");
    struct Options {
        std::string key, input, output;
        bool json = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("KEY", o->key, "registry key (see 'hone models list')")->required();
    cmd->add_option("-i,--input", o->input, "rows to predict: .csv, .tsv, .json or .jsonl")->required();
    cmd->add_option("-o,--output", o->output, "write here (.csv or .json); default: standard output as CSV");
    cmd->add_flag("--json", o->json, "print JSON instead of CSV");
    add_settings_options(*cmd, o->settings);
    add_threads_option(*cmd, o->settings, "threads for reading the input (default: all cores)");
    cmd->callback([o, &exit_code] {
        auto store = open_settings_store(o->settings);
        auto model = train::LoadedModel::load(*store, o->key);
        lang::DatasetSpec spec;
        spec.name = o->input;
        spec.source = "file";
        spec.path = o->input;
        const RunContext context = run_context(o->settings);
        data::Frame frame = data::load_dataset(spec, {context.threads, context.postgres_url});
        train::Predictions p = model->predict(frame);
        bool json_out = o->json || std::filesystem::path(o->output).extension() == ".json";
        if (o->output.empty()) {
            if (json_out)
                std::cout << hone::json_dump(to_json(p), 2) << "\n";
            else
                write_csv(std::cout, p);
        } else {
            std::ofstream out(o->output);
            if (!out) throw Error(ErrorKind::io, "io_error", "cannot write " + o->output);
            if (json_out)
                out << hone::json_dump(to_json(p), 2) << "\n";
            else
                write_csv(out, p);
            std::cerr << "wrote " << p.values.size() << " predictions to " << o->output << "\n";
        }
        exit_code = 0;
    });
}

namespace {

void print_recommendations(const train::Json& answer) {
    if (answer.contains("recommendations")) {
        for (const auto& one : answer["recommendations"]) print_recommendations(one);
        return;
    }
    std::cout << answer["user_id"].get<std::string>()
              << (answer["cold_start"].get<bool>() ? " (unknown to the model: the most popular items)" : "") << "\n";
    int rank = 0;
    for (const auto& item : answer["items"])
        std::cout << "  " << ++rank << ". " << item["item_id"].get<std::string>() << "  "
                  << format_double(item["score"].get<double>()) << "\n";
}

}  // namespace

void add_recommend_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("recommend", "A registered recommender's top items for one or more users");
    struct Options {
        std::string key;
        std::vector<std::string> users;
        std::size_t k = 10;
        bool include_seen = false, json = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("KEY", o->key, "registry key of a recommender (see 'hone models list')")->required();
    cmd->add_option("-u,--user", o->users, "a user id as in the training data (repeatable)")->required();
    cmd->add_option("-k", o->k, "how many items per user")->capture_default_str();
    cmd->add_flag("--include-seen", o->include_seen, "also rank items the user has interacted with");
    cmd->add_flag("--json", o->json,
                  "print JSON: what POST /api/training/models/{key}/recommend answers");
    add_settings_options(*cmd, o->settings);
    cmd->footer("A user the model never saw gets the most popular items, marked cold_start.");
    cmd->callback([o, &exit_code] {
        auto store = open_settings_store(o->settings);
        auto model = train::LoadedModel::load(*store, o->key);
        train::Json request{{"k", o->k}, {"include_seen", o->include_seen}};
        if (o->users.size() == 1) request["user_id"] = o->users.front();
        else request["user_ids"] = o->users;
        train::Json answer = model->require_recommender().answer(train::read_recommend_request(request));
        answer["model"] = o->key;
        if (o->json) std::cout << hone::json_dump(answer, 2) << "\n";
        else print_recommendations(answer);
        exit_code = 0;
    });
}

}  // namespace hone::cli
