#include "common/names.hpp"

#include <cctype>

#include "common/error.hpp"

namespace hone {

bool is_safe_name(std::string_view name, std::size_t max_length) {
    if (name.empty() || name.size() > max_length || name.front() == '.') return false;
    for (char ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') return false;
    return true;
}

void check_safe_name(std::string_view name, const std::string& what, std::size_t max_length) {
    if (is_safe_name(name, max_length)) return;
    // The name is shown as far as it is printable, so the message stays one line.
    std::string shown;
    for (char ch : name.substr(0, max_length + 16))
        shown += std::isprint(static_cast<unsigned char>(ch)) ? ch : '?';
    if (name.size() > max_length + 16) shown += "...";
    throw Error(ErrorKind::validation, "invalid_name",
                what + " '" + shown + "' is not a name: use 1 to " + std::to_string(max_length) +
                    " of A-Z a-z 0-9 _ . - (not starting with '.')");
}

}  // namespace hone
