#include "registry/audit_page.hpp"

#include <algorithm>

namespace hone::registry {

Json audit_page(Store& store, std::size_t offset, std::size_t limit) {
    limit = std::clamp<std::size_t>(limit, 1, kMaxAuditLimit);
    std::vector<Json> rows = store.audit_log(static_cast<int>(offset + limit));
    Json entries = Json::array();
    for (std::size_t i = offset; i < rows.size(); ++i) entries.push_back(std::move(rows[i]));
    return Json{{"offset", offset}, {"limit", limit}, {"entries", std::move(entries)}};
}

}  // namespace hone::registry
