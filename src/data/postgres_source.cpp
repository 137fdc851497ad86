// PostgreSQL source: one table or one query, read through libpqxx.
#include <charconv>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"

namespace hone::data {

namespace {

constexpr const char* kCode = "dataset_load_failed";

// Type OIDs of pg_type that map to numeric and boolean columns; every other type is read as text.
constexpr pqxx::oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

DType type_of(pqxx::oid oid) {
    switch (oid) {
        case kBool: return DType::boolean;
        case kInt2:
        case kInt4:
        case kInt8: return DType::int64;
        case kFloat4:
        case kFloat8:
        case kNumeric: return DType::float64;
        default: return DType::string;
    }
}

// libpq's messages span several lines ("ERROR:  ...\nLINE 1: ...\n   ^"); the first
// line says what went wrong, the rest point into the query we already quote.
std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    std::string_view v = trim(line);
    if (v.starts_with("ERROR:")) v = trim(v.substr(6));
    return std::string(v);
}


// "schema.table" or "table", each part quoted as an identifier.
std::string qualified_name(pqxx::connection_base& conn, const std::string& table) {
    std::string out;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = table.find('.', start);
        if (!out.empty()) out += '.';
        out += conn.quote_name(table.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

}  // namespace

Frame read_postgres(const std::string& connection, const std::string& table, const std::string& query) {
    if (table.empty() == query.empty())
        throw Error(ErrorKind::validation, kCode,
                    table.empty() ? "a postgres source needs `table` or `query`"
                                  : "a postgres source takes `table` or `query`, not both");
    if (connection.empty())
        throw Error(ErrorKind::validation, kCode,
                    "no PostgreSQL connection: set `connection:` in the dataset, or the HONE_POSTGRES_URL or "
                    "DATABASE_URL environment variable (e.g. postgresql://user@localhost:5432/dbname)");

    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(connection);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::io, kCode,
                    "cannot connect to PostgreSQL at " + redact_connection(connection) + ": " + one_line(e.what()));
    }

    std::string sql;
    pqxx::result result;
    try {
        sql = table.empty() ? query : "SELECT * FROM " + qualified_name(*conn, table);
        // Loading a dataset never writes: a read-only transaction makes sure of it.
        pqxx::read_transaction tx(*conn);
        result = tx.exec(sql);
    } catch (const pqxx::broken_connection& e) {
        throw Error(ErrorKind::io, kCode, "lost the PostgreSQL connection: " + one_line(e.what()));
    } catch (const std::exception& e) {
        throw Error(ErrorKind::data, kCode, "PostgreSQL: " + first_line(e.what()) + " (in: " + sql + ")");
    }

    const auto ncols = static_cast<std::size_t>(result.columns());
    if (ncols == 0)
        throw Error(ErrorKind::data, kCode, "PostgreSQL: the statement returns no columns (in: " + sql + ")");
    Frame frame;
    for (std::size_t c = 0; c < ncols; ++c) {
        const auto col_num = static_cast<pqxx::row::size_type>(c);
        std::string name = result.column_name(col_num);
        if (frame.find(name))
            throw Error(ErrorKind::data, kCode,
                        "PostgreSQL: the result has two columns named '" + name +
                            "'; give them distinct names with AS (in: " + sql + ")");
        Column col(name, type_of(result.column_type(col_num)));
        col.reserve(result.size());
        for (const auto& row : result) {
            const auto& field = row[col_num];
            if (field.is_null()) {
                col.push_null();
                continue;
            }
            const char* text = field.c_str();
            switch (col.type()) {
                case DType::boolean: col.push_bool(text[0] == 't'); break;
                case DType::int64: {
                    std::int64_t v = 0;
                    std::from_chars(text, text + field.size(), v);
                    col.push_int(v);
                    break;
                }
                // from_chars (locale-free) also reads numeric's "NaN" and float8's "Infinity".
                case DType::float64: {
                    double v = 0;
                    // numeric can exceed a double's range: strtod saturates to ±inf or 0 where from_chars refuses.
                    if (std::from_chars(text, text + field.size(), v).ec != std::errc()) v = std::strtod(text, nullptr);
                    col.push_float(v);
                    break;
                }
                case DType::string: col.push_string(std::string_view(text, field.size())); break;
            }
        }
        frame.add(std::move(col));
    }
    return frame;
}

}  // namespace hone::data
