#pragma once
// The back ends open_store() and migrate_store() choose between by location.
#include <memory>
#include <string>

#include "registry/store.hpp"

namespace hone::registry {

// postgresql:// or postgres://
bool is_postgres_url(const std::string& location);

std::unique_ptr<Store> open_sqlite_store(const std::string& path);
SchemaStatus migrate_sqlite_store(const std::string& path, int target);

std::unique_ptr<Store> open_postgres_store(const std::string& url);
SchemaStatus migrate_postgres_store(const std::string& url, int target);

}  // namespace hone::registry
