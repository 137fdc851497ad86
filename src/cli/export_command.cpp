// `hone export KEY --format FORMAT --output PATH`: a registered model written
// in an export format (export/formats.hpp). `hone models import PATH`: a bundle
// registered as the next version of its model (export/bundle.hpp).
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "common/json.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "export/bundle.hpp"
#include "export/formats.hpp"

namespace hone::cli {

namespace {

using Json = registry::Json;

std::string formats_help() {
    std::string out = "Formats:\n";
    std::size_t width = 0;
    for (const auto& f : exporting::formats().entries()) width = std::max(width, f.name.size());
    for (const auto& f : exporting::formats().entries())
        out += "  " + f.name + std::string(width - f.name.size() + 2, ' ') + f.doc + "\n";
    return out;
}

struct ExportOptions {
    std::string key, format, output;
    bool json = false;
};

void run_export(const ExportOptions& o, const Settings& settings) {
    const exporting::Format& format = exporting::find_format(o.format);  // a wrong name fails before the store opens
    auto store = open_settings_store(settings);
    const std::string bytes = format.write(*store, o.key);
    const bool to_stdout = o.output == "-";
    if (to_stdout) {
        std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::cout.flush();
    } else {
        write_file_atomically(o.output, bytes);
    }
    store->audit(run_context(settings).who, "export_model", o.key, "ok", Json{{"format", format.name}});
    Json report{{"key", o.key},
                {"path", o.output},
                {"format", format.name},
                {"bytes", bytes.size()},
                {"sha256", sha256_hex(bytes)}};
    // The file itself may be on standard output: the report then goes to standard error.
    std::ostream& out = to_stdout ? std::cerr : std::cout;
    if (o.json)
        out << hone::json_dump(report, 2) << "\n";
    else
        out << "wrote " << (to_stdout ? "standard output" : o.output) << ": " << format.name << " of " << o.key << ", "
            << bytes.size() << " bytes, sha256 " << report["sha256"].get<std::string>() << "\n";
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("export", "Write a registered model as one file: ONNX for other runtimes, a PyTorch state dict, or a bundle for "
                                            "another hone");
    auto o = std::make_shared<ExportOptions>();
    auto settings = std::make_shared<Settings>();
    cmd->add_option("KEY", o->key, "registry key ('hone models list' shows them)")->required();
    cmd->add_option("--format", o->format, "the format: " + join(exporting::formats().names()))->required();
    cmd->add_option("--output,-o", o->output, "the file to write (replaced whole, never half written); - for standard output")
        ->required();
    cmd->add_flag("--json", o->json, "print what was written as JSON: key, path, format, bytes, sha256");
    add_settings_options(*cmd, *settings);
    cmd->footer(formats_help() +
                "\nA bundle holds the model's files, its registry entry and their SHA-256s; 'hone models import "
                "FILE' registers it in another registry.");
    cmd->callback([=, &exit_code] {
        run_export(*o, *settings);
        exit_code = 0;
    });
}

void add_models_import(CLI::App& models, const std::shared_ptr<Settings>& settings, int& exit_code) {
    auto* cmd = models.add_subcommand(
        "import", "Register a bundle ('hone export KEY --format bundle') as the next version of its model");
    auto path = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("PATH", *path, "the bundle file")->required();
    cmd->add_option("--name", *name, "register it under this model name (default: the name it had)");
    cmd->add_flag("--json", *json, "print the new entry as JSON (the shape of 'hone models show')");
    cmd->footer("Every file of the bundle is checked against its SHA-256 before anything is stored: a damaged, "
                "cut short or altered bundle is refused and the registry is left as it was. The entry keeps the "
                "original's metrics, hyperparameters and metadata (metadata.imported_from says where it came "
                "from), in stage none.");
    cmd->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        exporting::ImportOptions options{*name, run_context(*settings)};
        registry::ModelEntry entry = exporting::import_bundle(*store, std::filesystem::path(*path), options);
        store->audit(options.context.who, "import_model", entry.key, "ok",
                     Json{{"from", entry.metadata["imported_from"]["key"]}, {"version", entry.version}});
        if (*json)
            std::cout << hone::json_dump(entry.to_json(), 2) << "\n";
        else
            std::cout << "imported " << entry.key << " (" << entry.name << " version " << entry.version << ") from "
                      << entry.metadata["imported_from"]["key"].get<std::string>() << "\n";
        exit_code = 0;
    });
}

}  // namespace hone::cli
