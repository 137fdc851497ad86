#include "data/interactions_document.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::data {

namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void bad(const std::string& message) { throw Error(ErrorKind::validation, "invalid_field", message); }

const Column& required(const Frame& frame, const char* name, bool text) {
    const Column* c = frame.find(name);
    if (!c) bad("interactions need a '" + std::string(name) + "' column; the table has " + join(frame.names()));
    if (text != (c->type() == DType::string))
        bad("column '" + std::string(name) + "' must hold " + (text ? "text" : "numbers") + ", not " +
            std::string(to_string(c->type())));
    if (c->has_nulls()) bad("column '" + std::string(name) + "' has missing values; every interaction needs one");
    return *c;
}

// Distinct values of a text column, counted by dictionary code (taken rows
// may leave codes unused).
std::size_t distinct(const Column& c) {
    std::vector<bool> seen(c.dictionary().size(), false);
    std::size_t n = 0;
    for (auto code : c.codes())
        if (code >= 0 && !seen[static_cast<std::size_t>(code)]) {
            seen[static_cast<std::size_t>(code)] = true;
            ++n;
        }
    return n;
}

Json metadata(const Column& users, const Column& items, std::size_t rows) {
    std::size_t u = distinct(users), i = distinct(items);
    double cells = static_cast<double>(u) * static_cast<double>(i);
    return {{"num_users", u},
            {"num_items", i},
            {"num_interactions", rows},
            {"density", cells > 0 ? static_cast<double>(rows) / cells : 0.0}};
}

// A cell quoted when CSV needs it.
std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

nlohmann::ordered_json interactions_document(const Frame& frame) {
    const Column& users = required(frame, "user_id", true);
    const Column& items = required(frame, "item_id", true);
    const Column& ratings = required(frame, "implicit_rating", false);
    const Column* times = frame.find("timestamp");
    const Column* types = frame.find("interaction_type");
    Json records = Json::array();
    for (std::size_t r = 0; r < frame.rows(); ++r) {
        Json rec{{"user_id", users.string_at(r)}, {"item_id", items.string_at(r)}};
        if (times && !times->is_null(r)) rec["timestamp"] = times->to_text(r);
        if (types && !types->is_null(r)) rec["interaction_type"] = types->to_text(r);
        rec["implicit_rating"] = ratings.as_double(r);
        records.push_back(std::move(rec));
    }
    return {{"metadata", metadata(users, items, frame.rows())}, {"interactions", std::move(records)}};
}

void write_csv(const Frame& frame, std::ostream& out) {
    const auto& columns = frame.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << csv_cell(columns[c].name());
    out << "\n";
    for (std::size_t r = 0; r < frame.rows(); ++r) {
        for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << csv_cell(columns[c].to_text(r));
        out << "\n";
    }
}

}  // namespace hone::data
