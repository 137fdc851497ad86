#include "lang/node.hpp"

#include <cctype>
#include <charconv>
#include <string_view>
#include <unordered_map>

namespace hone::lang {

std::string Node::describe() const {
    switch (kind) {
        case Kind::list: return "a list";
        case Kind::map: return "a map";
        case Kind::scalar: break;
    }
    if (value.is_null()) return "nothing";
    if (value.is_string()) return "'" + value.get<std::string>() + "'";
    return value.dump();
}

const Block* find_block(const Document& doc, std::string_view kind, std::string_view label) {
    for (const auto& b : doc.blocks)
        if (b.kind == kind && b.label == label) return &b;
    return nullptr;
}

const Entry* find_entry(const Document& doc, std::string_view kind, std::string_view label,
                        std::initializer_list<std::string_view> keys) {
    const Block* b = find_block(doc, kind, label);
    if (!b) return nullptr;
    const Node* at = &b->body;
    const Entry* found = nullptr;
    for (std::string_view key : keys) {
        found = nullptr;
        for (const auto& e : at->entries)
            if (e.key == key) found = &e;
        if (!found) return nullptr;
        at = &found->value;
    }
    return found;
}

SourcePos position_of(const Document& doc, std::string_view kind, std::string_view label,
                      std::initializer_list<std::string_view> keys) {
    // A scalar at its value; a map or list at its key.
    if (const Entry* e = find_entry(doc, kind, label, keys))
        return e->value.is_scalar() && e->value.pos.line ? e->value.pos : e->key_pos;
    if (const Block* b = find_block(doc, kind, label)) return b->label_pos.line ? b->label_pos : b->kind_pos;
    SourcePos nowhere;
    nowhere.file = doc.file;
    return nowhere;
}

std::vector<const Node*> Node::elements() const {
    if (!is_list()) return {this};
    std::vector<const Node*> out;
    for (const auto& item : items) out.push_back(&item);
    return out;
}

Json Node::to_json() const {
    switch (kind) {
        case Kind::scalar: return value;
        case Kind::list: {
            Json out = Json::array();
            for (const auto& item : items) out.push_back(item.to_json());
            return out;
        }
        case Kind::map: {
            // Appended through an index rather than out[key]: ordered_json finds a
            // key by a linear scan, which made a map of 100,000 keys take minutes.
            // A repeated key keeps its first place and its last value, as out[key].
            Json out = Json::object();
            auto& fields = out.get_ref<Json::object_t&>();
            std::unordered_map<std::string_view, std::size_t> at;
            for (const auto& e : entries) {
                auto [it, fresh] = at.emplace(e.key, fields.size());
                if (fresh)
                    fields.Container::emplace_back(e.key, e.value.to_json());
                else
                    fields.Container::operator[](it->second).second = e.value.to_json();
            }
            return out;
        }
    }
    return Json();
}

static bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

Json type_scalar(std::string_view text) {
    if (iequals(text, "true")) return true;
    if (iequals(text, "false")) return false;
    if (iequals(text, "null") || text == "~") return nullptr;
    if (text.empty()) return "";
    std::string_view body = text;
    bool negative = false;
    if (body.front() == '+' || body.front() == '-') {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    if (body.empty()) return std::string(text);
    bool has_digit = false, numeric_chars = true;
    for (char c : body) {
        if (std::isdigit(static_cast<unsigned char>(c))) has_digit = true;
        else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') numeric_chars = false;
    }
    if (!has_digit || !numeric_chars) return std::string(text);
    const char* first = body.data();
    const char* last = body.data() + body.size();
    std::int64_t i = 0;
    auto ri = std::from_chars(first, last, i);
    if (ri.ec == std::errc() && ri.ptr == last) return negative ? -i : i;
    double d = 0;
    auto rd = std::from_chars(first, last, d, std::chars_format::general);
    if (rd.ec == std::errc() && rd.ptr == last) return negative ? -d : d;
    return std::string(text);
}

}  // namespace hone::lang
