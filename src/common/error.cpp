#include "common/error.hpp"

namespace hone {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::syntax: return "syntax";
        case ErrorKind::validation: return "validation";
        case ErrorKind::data: return "data";
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::conflict: return "conflict";
        case ErrorKind::busy: return "busy";
        case ErrorKind::io: return "io";
        case ErrorKind::cancelled: return "cancelled";
        case ErrorKind::internal: return "internal";
    }
    return "internal";
}

int exit_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::io:
        case ErrorKind::busy: return 2;
        case ErrorKind::internal: return 3;
        case ErrorKind::cancelled: return 130;
        default: return 1;
    }
}

std::string Location::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line);
        if (col > 0) out += ":" + std::to_string(col);
    }
    if (row >= 0) out += (out.empty() ? "row " : ", row ") + std::to_string(row);
    if (!column.empty()) out += (out.empty() ? "column '" : ", column '") + column + "'";
    return out;
}

static std::string compose(const std::string& message, const Location& where) {
    if (where.empty()) return message;
    return where.to_string() + ": " + message;
}

Error::Error(ErrorKind kind, std::string code, std::string message, Location where, std::string hint)
    : std::runtime_error(compose(message, where)),
      kind_(kind),
      code_(std::move(code)),
      message_(std::move(message)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

}  // namespace hone
