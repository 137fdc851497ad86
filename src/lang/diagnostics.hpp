#pragma once
// Errors and warnings found in a job file, reported all at once (capped) and
// rendered like a compiler's: "file:line:col: error: message", the source line,
// and a caret under the offending token.
#include <string>
#include <vector>

#include "lang/spec.hpp"

namespace hone::lang {

struct Diagnostic {
    enum class Severity { error, warning };
    Severity severity = Severity::error;
    SourcePos pos;
    std::string message;
};

class Diagnostics {
public:
    static constexpr std::size_t max_errors = 20;

    void error(const SourcePos& pos, std::string message);
    void warning(const SourcePos& pos, std::string message);

    bool has_errors() const { return error_count_ > 0; }
    // Whether an error is already reported at that line and column: a later
    // check of the same value says nothing more (no cascades).
    bool has_error_at(const SourcePos& pos) const;
    std::size_t error_count() const { return error_count_; }
    bool truncated() const { return truncated_; }
    const std::vector<Diagnostic>& items() const { return items_; }
    // Sorted by line and column, so the report reads top to bottom.
    std::vector<Diagnostic> sorted() const;

private:
    std::vector<Diagnostic> items_;
    std::size_t error_count_ = 0;
    bool truncated_ = false;
};

// A source line longer than this is shown as a window of this many bytes around
// the column, "..." marking the cut ends, so a report stays small however long
// the line (20 errors on a 10 MB line would otherwise print it 20 times).
inline constexpr std::size_t max_rendered_line = 160;

// "file:3:12: error: message\n    3 |     model: x\n      |            ^\n"
std::string render(const Diagnostic& d, const std::vector<std::string>& lines);
// Every diagnostic in order, then "too many errors" when capped.
std::string render_all(const Diagnostics& diags, const std::vector<std::string>& lines);

}  // namespace hone::lang
