#pragma once
// A page of the audit log, newest first, in the one shape `hone audit --json`
// and GET /api/training/audit answer: {"offset", "limit", "entries": [{"ts",
// "actor", "action", "target", "outcome", "details"}]}. A page shorter than
// its limit is the last.
#include <cstddef>

#include "registry/store.hpp"

namespace hone::registry {

inline constexpr std::size_t kDefaultAuditLimit = 100;
inline constexpr std::size_t kMaxAuditLimit = 1000;

// `limit` is clamped to 1..kMaxAuditLimit: callers refuse other values with
// their own words (a query parameter, a command-line option).
Json audit_page(Store& store, std::size_t offset, std::size_t limit);

}  // namespace hone::registry
