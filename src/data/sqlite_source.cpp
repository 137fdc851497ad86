// SQLite source: one table or one query of a database file opened read-only.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"

namespace hone::data {

namespace {

constexpr const char* kCode = "dataset_load_failed";

// Location without designated initializers (-Wmissing-field-initializers).
Location location(std::string file, int line = 0, std::int64_t row = -1, std::string column = {}) {
    Location l;
    l.file = std::move(file);
    l.line = line;
    l.row = row;
    l.column = std::move(column);
    return l;
}

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// "name" with embedded quotes doubled: SQLite's identifier quoting.
std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string to_upper_ascii(const char* s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string to_hex(const void* data, int n) {
    static const char* hex = "0123456789abcdef";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out = "x'";
    for (int i = 0; i < n; ++i) {
        out += hex[p[i] >> 4];
        out += hex[p[i] & 15];
    }
    return out + "'";
}

// One column's cells as read, before its type is settled.
struct RawColumn {
    std::string name;
    std::string decltype_upper;  // declared type of a table column, "" for expressions
    std::vector<std::variant<std::monostate, std::int64_t, double, std::string>> cells;
    bool has_int = false, has_real = false, has_text = false;
};

// The type a column with no values takes from its declaration (SQLite's affinity rules).
DType declared_type(const std::string& decl) {
    if (decl.find("BOOL") != std::string::npos) return DType::boolean;
    if (decl.find("INT") != std::string::npos) return DType::int64;
    if (decl.find("REAL") != std::string::npos || decl.find("FLOA") != std::string::npos ||
        decl.find("DOUB") != std::string::npos || decl.find("NUMERIC") != std::string::npos ||
        decl.find("DECIMAL") != std::string::npos)
        return DType::float64;
    return DType::string;
}

Column settle(RawColumn& raw) {
    DType type;
    if (raw.has_text)
        type = DType::string;
    else if (raw.has_real)
        type = DType::float64;
    else if (raw.has_int)
        type = DType::int64;
    else
        type = declared_type(raw.decltype_upper);

    // SQLite has no boolean storage class: a BOOLEAN column stores 0 and 1.
    if (type == DType::int64 && raw.decltype_upper.find("BOOL") != std::string::npos) {
        bool all01 = true;
        for (const auto& cell : raw.cells)
            if (const auto* v = std::get_if<std::int64_t>(&cell); v && *v != 0 && *v != 1) all01 = false;
        if (all01) type = DType::boolean;
    }

    Column col(raw.name, type);
    col.reserve(raw.cells.size());
    for (const auto& cell : raw.cells) {
        if (std::holds_alternative<std::monostate>(cell)) {
            col.push_null();
            continue;
        }
        switch (type) {
            case DType::boolean: col.push_bool(std::get<std::int64_t>(cell) != 0); break;
            case DType::int64: col.push_int(std::get<std::int64_t>(cell)); break;
            case DType::float64:
                if (const auto* i = std::get_if<std::int64_t>(&cell))
                    col.push_float(static_cast<double>(*i));
                else
                    col.push_float(std::get<double>(cell));
                break;
            case DType::string:
                if (const auto* s = std::get_if<std::string>(&cell))
                    col.push_string(*s);
                else if (const auto* i = std::get_if<std::int64_t>(&cell))
                    col.push_string(std::to_string(*i));
                else
                    col.push_string(format_double(std::get<double>(cell)));
                break;
        }
    }
    raw.cells.clear();
    raw.cells.shrink_to_fit();
    return col;
}

void check_table_or_query(const std::string& table, const std::string& query, const std::string& file) {
    if (table.empty() == query.empty())
        throw Error(ErrorKind::validation, kCode,
                    table.empty() ? "a sqlite source needs `table` or `query`"
                                  : "a sqlite source takes `table` or `query`, not both",
                    location(file));
}

// SQLite opens the database by its path (it also needs the -wal and -shm files
// beside it), so it opens the real path DataFile read from its descriptor, refusing
// a link there (SQLITE_OPEN_NOFOLLOW), and what it opened must be that same file.
std::unique_ptr<sqlite3, DbCloser> open_database(const DataFile& file) {
    const std::string shown = file.path().string();
    sqlite3* raw_db = nullptr;
    int rc = sqlite3_open_v2(file.real_path().c_str(), &raw_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, nullptr);
    std::unique_ptr<sqlite3, DbCloser> db(raw_db);
    if (rc != SQLITE_OK)
        throw Error(ErrorKind::io, kCode,
                    std::string("cannot open the SQLite database: ") + (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)),
                    location(shown));
    return db;
}

void check_same_file(const DataFile& file) {
    struct stat st {};
    if (::stat(file.real_path().c_str(), &st) != 0 || st.st_dev != file.device() || st.st_ino != file.inode())
        throw Error(ErrorKind::io, kCode, "the file was replaced while it was being opened",
                    location(file.path().string()));
}

}  // namespace

Frame read_sqlite(const std::filesystem::path& path, const std::string& table, const std::string& query) {
    check_table_or_query(table, query, path.string());
    DataFile file(path);
    return read_sqlite(file, table, query);
}

Frame read_sqlite(const DataFile& data_file, const std::string& table, const std::string& query) {
    const std::string file = data_file.path().string();
    check_table_or_query(table, query, file);
    if (data_file.real_path().empty())
        throw Error(ErrorKind::io, kCode, "cannot tell the path of the opened file", location(file));
    std::unique_ptr<sqlite3, DbCloser> db = open_database(data_file);
    // Another process may be writing (WAL); wait for it rather than fail at once.
    sqlite3_busy_timeout(db.get(), 5000);

    const std::string sql = table.empty() ? query : "SELECT * FROM " + quote_identifier(table);
    auto fail = [&](const std::string& what) {
        return Error(ErrorKind::data, kCode, "SQLite: " + what + " (in: " + sql + ")", location(file));
    };

    sqlite3_stmt* raw_stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &raw_stmt, &tail);
    std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw_stmt);
    if (rc != SQLITE_OK) throw fail(sqlite3_errmsg(db.get()));
    if (!stmt) throw fail("the query is empty");
    if (tail && !trim(tail).empty()) throw fail("the query holds more than one statement");
    check_same_file(data_file);  // preparing read the schema: the file is open now
    const int ncols = sqlite3_column_count(stmt.get());
    if (ncols == 0) throw fail("the statement returns no columns");

    std::vector<RawColumn> raws(ncols);
    for (int c = 0; c < ncols; ++c) {
        raws[c].name = sqlite3_column_name(stmt.get(), c);
        const char* decl = sqlite3_column_decltype(stmt.get(), c);
        raws[c].decltype_upper = decl ? to_upper_ascii(decl) : "";
    }

    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        for (int c = 0; c < ncols; ++c) {
            RawColumn& raw = raws[c];
            switch (sqlite3_column_type(stmt.get(), c)) {
                case SQLITE_INTEGER:
                    raw.cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt.get(), c)));
                    raw.has_int = true;
                    break;
                case SQLITE_FLOAT:
                    raw.cells.emplace_back(sqlite3_column_double(stmt.get(), c));
                    raw.has_real = true;
                    break;
                case SQLITE_TEXT: {
                    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
                    int n = sqlite3_column_bytes(stmt.get(), c);
                    raw.cells.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(n)));
                    raw.has_text = true;
                    break;
                }
                case SQLITE_BLOB: {
                    // Blobs are not text: keep them readable as SQLite's hex literal.
                    const void* p = sqlite3_column_blob(stmt.get(), c);
                    int n = sqlite3_column_bytes(stmt.get(), c);
                    raw.cells.emplace_back(to_hex(p, n));
                    raw.has_text = true;
                    break;
                }
                default: raw.cells.emplace_back(std::monostate{}); break;
            }
        }
    }
    if (rc != SQLITE_DONE) throw fail(sqlite3_errmsg(db.get()));

    Frame frame;
    for (auto& raw : raws) {
        if (frame.find(raw.name))
            throw fail("the result has two columns named '" + raw.name + "'; give them distinct names with AS");
        frame.add(settle(raw));
    }
    return frame;
}

}  // namespace hone::data
