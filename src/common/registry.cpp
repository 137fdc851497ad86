#include "common/registry.hpp"

#include "common/text.hpp"

namespace hone {

Error unknown_name_error(std::string code, std::string_view what, std::string_view name,
                         const std::vector<std::string>& valid, std::string_view more,
                         const std::vector<std::string>& spellings) {
    std::string message = "unknown " + std::string(what) + " '" + std::string(name) + "'";
    message += did_you_mean(name, spellings.empty() ? valid : spellings);
    std::string hint = "valid " + std::string(what) + "s: " + join(valid);
    if (!more.empty()) hint += " " + std::string(more);
    return Error(ErrorKind::validation, std::move(code), std::move(message), {}, std::move(hint));
}

}  // namespace hone
