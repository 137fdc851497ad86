#include "lang/job_file.hpp"

#include <fstream>
#include <sstream>

#include "lang/binder.hpp"
#include "lang/n3_parser.hpp"

namespace hone::lang {

Format format_for(const std::filesystem::path& path) {
    auto ext = path.extension().string();
    if (ext == ".yaml" || ext == ".yml") return Format::yaml;
    if (ext == ".json") return Format::json;
    return Format::n3;
}

LoadedJobFile parse_job_text(std::string_view text, const std::string& file, Format format) {
    LoadedJobFile out;
    if (format == Format::n3)
        out.doc = parse_n3(text, file, out.diags);
    else
        out.doc = parse_yaml(text, file, out.diags);
    out.spec = bind(out.doc, out.diags);
    return out;
}

LoadedJobFile load_job_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadedJobFile out;
        out.doc.file = path.string();
        std::error_code ec;
        std::string why = std::filesystem::exists(path, ec) ? "cannot read it" : "no such file";
        out.diags.error(SourcePos{path.string(), 0, 0, 0}, "cannot open job file: " + why);
        return out;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_job_text(buffer.str(), path.string(), format_for(path));
}

}  // namespace hone::lang
