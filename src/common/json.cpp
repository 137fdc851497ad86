#include "common/json.hpp"

#include "common/error.hpp"

namespace hone {

namespace {

using Json = nlohmann::ordered_json;

// 1-based line and column of byte `offset` in `text`.
Location locate(std::string_view text, std::size_t offset, const std::string& origin) {
    Location where(origin);
    where.line = 1;
    where.col = 1;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++where.line;
            where.col = 1;
        } else {
            ++where.col;
        }
    }
    return where;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is for users.
std::string without_prefix(const std::string& what) {
    auto close = what.find("] ");
    if (!what.empty() && what.front() == '[' && close != std::string::npos) return what.substr(close + 2);
    return what;
}

// The DOM builder, with the library's errors (malformed text, and numbers out
// of range, which it reports through the same call) thrown as located errors.
class LocatedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
public:
    LocatedDomParser(Json& result, std::string_view text, const std::string& origin)
        : nlohmann::detail::json_sax_dom_parser<Json>(result, true), text_(text), origin_(origin) {}

    template <class Exception>
    bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
        // position counts characters read, so it points just past the failing one.
        Location where = locate(text_, position ? position - 1 : 0, origin_);
        std::string what = ex.what();
        if (what.find("out_of_range.406") != std::string::npos)
            throw Error(ErrorKind::syntax, "invalid_json",
                        "invalid JSON " + origin_ + ": number '" + last_token + "' is out of range", where,
                        "numbers must fit a 64-bit float (about 1.8e308)");
        throw Error(ErrorKind::syntax, "invalid_json", "invalid JSON " + origin_ + ": " + without_prefix(what), where);
    }

private:
    std::string_view text_;
    const std::string& origin_;
};

}  // namespace

int json_depth(std::string_view text, int max_depth, std::size_t* at) {
    if (at) *at = std::string_view::npos;
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (depth > max_depth && at && *at == std::string_view::npos) *at = i;
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
        }
    }
    return deepest;
}

Json parse_json(std::string_view text, const std::string& origin, int max_depth) {
    std::size_t at = std::string_view::npos;
    if (json_depth(text, max_depth, &at) > max_depth)
        throw Error(ErrorKind::syntax, "invalid_json",
                    "invalid JSON " + origin + ": arrays and objects nest deeper than " + std::to_string(max_depth) +
                        " levels",
                    locate(text, at, origin), "the limit of nesting is " + std::to_string(max_depth));
    Json result;
    LocatedDomParser sax(result, text, origin);
    Json::sax_parse(text, &sax);
    return result;
}

std::string json_dump(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

}  // namespace hone
