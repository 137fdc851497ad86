#include "lang/job_file.hpp"

#include <algorithm>
#include <fstream>

#include "lang/binder.hpp"
#include "lang/n3_parser.hpp"

namespace hone::lang {

Format format_for(const std::filesystem::path& path) {
    auto ext = path.extension().string();
    if (ext == ".yaml" || ext == ".yml") return Format::yaml;
    if (ext == ".json") return Format::json;
    return Format::n3;
}

std::string nesting_error_message() {
    const std::string n = std::to_string(max_nesting_depth);
    return "nesting deeper than " + n + " levels: job files nest lists and maps at most " + n +
           " deep (max_nesting_depth)";
}

LoadedJobFile parse_job_text(std::string_view text, const std::string& file, Format format,
                             const std::function<void(Document&)>& adjust) {
    LoadedJobFile out;
    if (text.size() > max_job_file_bytes) {
        out.doc.file = file;
        out.diags.error(SourcePos{file, 0, 0, 0}, "job file is larger than " + std::to_string(max_job_file_bytes) +
                                                      " bytes (max_job_file_bytes); job files hold settings, "
                                                      "not data");
        return out;
    }
    if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        // yaml-cpp reads a NUL as the end of a string or an escape, and a path
        // with one would name another file: refused in every format.
        out.doc.file = file;
        out.doc.lines = split_lines(text);
        std::size_t line_start = text.rfind('\n', nul);
        line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
        int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
        out.diags.error(SourcePos{file, line, static_cast<int>(nul - line_start) + 1, 1},
                        "NUL byte in the job file: job files are text");
        return out;
    }
    if (format == Format::n3)
        out.doc = parse_n3(text, file, out.diags);
    else
        out.doc = parse_yaml(text, file, out.diags);
    if (adjust) adjust(out.doc);
    out.spec = bind(out.doc, out.diags);
    out.spec.document = std::make_shared<const Document>(out.doc);
    return out;
}

LoadedJobFile bind_document(Document doc) {
    LoadedJobFile out;
    out.doc = std::move(doc);
    out.spec = bind(out.doc, out.diags);
    out.spec.document = std::make_shared<const Document>(out.doc);
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
    // One byte past the limit is enough to refuse it; /dev/zero ends here too.
    std::string text(max_job_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_job_text(text, path.string(), format_for(path));
}

}  // namespace hone::lang
