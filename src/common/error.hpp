#pragma once
// The one error type of hone. Every failure a user can cause is a hone::Error with
// a kind (which the CLI maps to an exit code and the server to an HTTP status), a
// machine-readable code (the error codes the APIs document, such as "dataset_load_failed"), a message,
// an optional location and an optional hint. Assertions are for our own bugs only.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hone {

// busy: the request is fine but there is no room for it now (a full queue); retry later.
enum class ErrorKind { syntax, validation, data, not_found, conflict, busy, io, cancelled, internal };

std::string_view to_string(ErrorKind kind);
// Process exit code for a kind: 1 for user input problems, 2 for io or busy, 3 internal, 130 cancelled.
int exit_code(ErrorKind kind);

// Where an error is. Every field is optional: a job file error has file/line/col,
// a data error has file (or source), row and column name.
struct Location {
    Location() = default;
    explicit Location(std::string file_name) : file(std::move(file_name)) {}

    std::string file;
    int line = 0;             // 1-based; 0 = unknown
    int col = 0;              // 1-based; 0 = unknown
    std::int64_t row = -1;    // 1-based data row (header excluded); -1 = unknown
    std::string column;       // column name, if any

    bool empty() const { return file.empty() && line == 0 && row < 0 && column.empty(); }
    // "file:line:col", "file, row 12, column 'age'", ... whatever is known.
    std::string to_string() const;
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string code, std::string message, Location where = {}, std::string hint = {});

    ErrorKind kind() const { return kind_; }
    const std::string& code() const { return code_; }
    const std::string& message() const { return message_; }
    const Location& where() const { return where_; }
    const std::string& hint() const { return hint_; }

private:
    ErrorKind kind_;
    std::string code_;
    std::string message_;
    Location where_;
    std::string hint_;
};

}  // namespace hone
