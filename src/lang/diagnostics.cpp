#include "lang/diagnostics.hpp"

#include <algorithm>

namespace hone::lang {

void Diagnostics::error(const SourcePos& pos, std::string message) {
    ++error_count_;
    if (error_count_ > max_errors) {
        truncated_ = true;
        return;
    }
    items_.push_back({Diagnostic::Severity::error, pos, std::move(message)});
}

void Diagnostics::warning(const SourcePos& pos, std::string message) {
    items_.push_back({Diagnostic::Severity::warning, pos, std::move(message)});
}

bool Diagnostics::has_error_at(const SourcePos& pos) const {
    for (const auto& d : items_)
        if (d.severity == Diagnostic::Severity::error && d.pos.line == pos.line && d.pos.col == pos.col &&
            d.pos.file == pos.file)
            return true;
    return false;
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    std::vector<Diagnostic> out = items_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.col < b.pos.col;
    });
    return out;
}

namespace {

// The line as shown: whole when short, else max_rendered_line bytes around
// column `col` (1-based, 0 for none) with "..." at each cut end; `col` is moved to
// where that column is in the shown text.
std::string shown_line(const std::string& line, std::size_t& col) {
    if (line.size() <= max_rendered_line) return line;
    std::size_t at = col > 0 ? col - 1 : 0;
    std::size_t start = at > max_rendered_line / 2 ? at - max_rendered_line / 2 : 0;
    start = std::min(start, line.size() - max_rendered_line);
    std::string out = start > 0 ? "..." : "";
    out += line.substr(start, max_rendered_line);
    if (start + max_rendered_line < line.size()) out += "...";
    if (col > 0) col = std::min(col, line.size()) - start + (start > 0 ? 3 : 0);
    return out;
}

}  // namespace

std::string render(const Diagnostic& d, const std::vector<std::string>& lines) {
    std::string out = d.pos.file;
    if (d.pos.line > 0) {
        out += ":" + std::to_string(d.pos.line);
        if (d.pos.col > 0) out += ":" + std::to_string(d.pos.col);
    }
    out += d.severity == Diagnostic::Severity::error ? ": error: " : ": warning: ";
    out += d.message;
    out += "\n";
    if (d.pos.line > 0 && d.pos.line <= static_cast<int>(lines.size())) {
        std::string number = std::to_string(d.pos.line);
        std::string gutter(number.size(), ' ');
        std::size_t col = d.pos.col > 0 ? static_cast<std::size_t>(d.pos.col) : 0;
        std::string text = shown_line(lines[d.pos.line - 1], col);
        out += " " + number + " | " + text + "\n";
        if (col > 0) {
            std::string caret(col - 1, ' ');
            // Keep tabs so the caret lines up under tab-indented text.
            for (std::size_t i = 0; i < caret.size() && i < text.size(); ++i)
                if (text[i] == '\t') caret[i] = '\t';
            caret += "^";
            // The underline stops where the shown text does.
            std::size_t length = static_cast<std::size_t>(std::max(d.pos.length, 1));
            length = std::min(length, text.size() >= col ? text.size() - col + 1 : 1);
            if (length > 1) caret += std::string(length - 1, '~');
            out += " " + gutter + " | " + caret + "\n";
        }
    }
    return out;
}

std::string render_all(const Diagnostics& diags, const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& d : diags.sorted()) out += render(d, lines);
    if (diags.truncated())
        out += "too many errors: showing the first " + std::to_string(Diagnostics::max_errors) + " of " +
               std::to_string(diags.error_count()) + "\n";
    return out;
}

}  // namespace hone::lang
