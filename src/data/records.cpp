#include "data/records.hpp"

#include <charconv>
#include <cmath>

#include "common/error.hpp"

namespace hone::data {

namespace {

using OJson = nlohmann::ordered_json;

[[noreturn]] void bad_page(const std::string& message) {
    throw Error(ErrorKind::validation, "invalid_page", message);
}

// A whole number from `min` to `max`, else the one message for both forms.
std::size_t whole_number(const std::string& text, const std::string& what, std::size_t min, std::size_t max) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    bool whole = !text.empty() && ec == std::errc() && end == text.data() + text.size();
    if (!whole || value < min || value > max) {
        std::string range = max == SIZE_MAX ? "of at least " + std::to_string(min)
                                              : "from " + std::to_string(min) + " to " + std::to_string(max);
        bad_page(what + " must be a whole number " + range + ", got '" + text + "'");
    }
    return value;
}

}  // namespace

OJson cell_json(const Column& column, std::size_t row) {
    if (column.is_null(row)) return nullptr;
    switch (column.type()) {
        case DType::float64: {
            double v = column.floats()[row];
            return std::isfinite(v) ? OJson(v) : OJson();
        }
        case DType::int64: return column.ints()[row];
        case DType::boolean: return column.bools()[row] != 0;
        case DType::string: return std::string(column.string_at(row));
    }
    return nullptr;
}

Page parse_page(const std::optional<std::string>& offset, const std::optional<std::string>& limit,
                const std::string& limit_name) {
    Page page;
    if (offset) page.offset = whole_number(*offset, "offset", 0, SIZE_MAX);
    if (limit) page.limit = whole_number(*limit, limit_name, 1, kMaxRecordsLimit);
    return page;
}

OJson records_page(const Frame& frame, const std::string& dataset, const Page& page) {
    const std::size_t total = frame.rows();
    if (page.offset > total)
        bad_page("offset " + std::to_string(page.offset) + " is past the end of dataset '" + dataset + "', which has " +
                 std::to_string(total) + (total == 1 ? " row" : " rows"));
    OJson columns = OJson::array();
    for (const auto& c : frame.columns()) columns.push_back({{"name", c.name()}, {"type", to_string(c.type())}});
    OJson records = OJson::array();
    const std::size_t end = std::min(total, page.offset + std::min(page.limit, total - page.offset));
    for (std::size_t row = page.offset; row < end; ++row) {
        OJson record = OJson::object();
        for (const auto& c : frame.columns()) record[c.name()] = cell_json(c, row);
        records.push_back(std::move(record));
    }
    return {{"dataset", dataset}, {"offset", page.offset}, {"limit", page.limit},
            {"total_rows", total}, {"columns", std::move(columns)}, {"records", std::move(records)}};
}

}  // namespace hone::data
