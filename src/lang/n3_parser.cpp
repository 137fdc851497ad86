#include "lang/n3_parser.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <unordered_map>

#include "lang/job_file.hpp"

namespace hone::lang {

std::vector<std::string> split_lines(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (end == text.size()) break;
        start = end + 1;
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

bool is_out_of_range_number(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
    if (text.empty() || (!std::isdigit(static_cast<unsigned char>(text.front())) && text.front() != '.')) return false;
    double d = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), d, std::chars_format::general);
    return r.ec == std::errc::result_out_of_range && r.ptr == text.data() + text.size();
}

std::string out_of_range_message(std::string_view text) {
    return "number '" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "") +
           "' is out of range of a double (magnitudes from about 2.2e-308 to 1.8e308); quote it to mean text";
}

namespace {

bool is_key_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}
bool is_space(char c) { return c == ' ' || c == '\t'; }

// Source text quoted in a message, cut after 60 bytes: the caret line shows where
// it is, and a message should not grow with a very long line.
std::string excerpt(std::string_view text) {
    constexpr std::size_t shown = 60;
    if (text.size() <= shown) return std::string(text);
    return std::string(text.substr(0, shown)) + "...";
}

// One significant line: its indentation and its text after the indentation.
struct Line {
    int number = 0;  // 1-based
    int indent = 0;  // spaces before the text; the text starts at column indent + 1
    std::string_view text;
    bool is_item() const { return text == "-" || (text.size() >= 2 && text[0] == '-' && is_space(text[1])); }
};

// "key: value" split of a line's text; the value may be empty.
struct KeyValue {
    std::string key;
    int key_col = 0;  // offset within the text
    int key_len = 0;
    std::string_view value;
    int value_col = 0;  // offset within the text
};

class Parser {
public:
    Parser(std::string_view text, const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {
        doc_.file = file;
        doc_.lines = split_lines(text);
        scan_lines();
    }

    Document run() {
        while (at_ < lines_.size()) parse_block();
        return std::move(doc_);
    }

private:
    SourcePos pos(int line, int col, int length = 1) const { return SourcePos{file_, line, col, length}; }

    void scan_lines() {
        for (std::size_t n = 0; n < doc_.lines.size(); ++n) {
            std::string_view raw = doc_.lines[n];
            int number = static_cast<int>(n) + 1;
            std::size_t i = 0;
            while (i < raw.size() && is_space(raw[i])) {
                if (raw[i] == '\t') {
                    diags_.error(pos(number, static_cast<int>(i) + 1),
                                 "tab character in indentation; indent with spaces");
                    break;
                }
                ++i;
            }
            if (i < raw.size() && raw[i] == '\t') continue;
            std::string_view text = raw.substr(i);
            while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
            if (text.empty() || text.front() == '#') continue;
            lines_.push_back(Line{number, static_cast<int>(i), text});
        }
    }

    // Unwinds one level of nesting when it goes out of scope.
    struct Level {
        int& depth;
        ~Level() { --depth; }
    };

    // Opens one more level of nesting, or reports (at `at`) that it would pass
    // max_nesting_depth and answers false; pair a true answer with a Level.
    bool enter(const SourcePos& at) {
        if (depth_ >= max_nesting_depth) {
            diags_.error(at, nesting_error_message());
            return false;
        }
        ++depth_;
        return true;
    }

    // Skips the rest of the current block after it nested too deep: every caller
    // up the stack sees a line at column 1 next and returns, so one error is
    // reported for the block rather than one per level.
    void abandon_block() {
        while (at_ < lines_.size() && lines_[at_].indent > 0) ++at_;
    }

    // Skips the current line and every line indented deeper than `indent`.
    void skip_subtree(int indent) {
        ++at_;
        while (at_ < lines_.size() && lines_[at_].indent > indent) ++at_;
    }

    void parse_block() {
        const Line& line = lines_[at_];
        if (line.indent > 0) {
            diags_.error(pos(line.number, line.indent + 1),
                         "bad indentation: a block such as 'training \"name\":' starts at column 1");
            skip_subtree(0);
            return;
        }
        Block block;
        if (!parse_header(line, block)) {
            skip_subtree(0);
            return;
        }
        ++at_;
        if (at_ < lines_.size() && lines_[at_].indent > 0) {
            block.body = parse_nested();
            if (!block.body.is_map()) {
                diags_.error(block.body.pos, "the body of a " + block.kind + " block is 'key: value' lines, found " +
                                                 block.body.describe());
                block.body = Node{Node::Kind::map, {}, false, {}, {}, block.kind_pos};
            }
        } else {
            block.body.kind = Node::Kind::map;
            block.body.pos = block.kind_pos;
        }
        doc_.blocks.push_back(std::move(block));
    }

    // `kind "label":`, `kind label:` or `app:`.
    bool parse_header(const Line& line, Block& block) {
        std::string_view t = line.text;
        std::size_t i = 0;
        if (!is_key_start(t[0])) {
            diags_.error(pos(line.number, 1, static_cast<int>(t.size())),
                         "expected a block such as 'training \"name\":', found '" + excerpt(t) + "'");
            return false;
        }
        while (i < t.size() && is_key_char(t[i])) ++i;
        block.kind = std::string(t.substr(0, i));
        block.kind_pos = pos(line.number, 1, static_cast<int>(i));
        while (i < t.size() && is_space(t[i])) ++i;
        if (i < t.size() && (t[i] == '"' || t[i] == '\'')) {
            std::size_t open = i;
            auto label = read_quoted(t, i, line.number, 1);
            if (!label) return false;
            block.label = *label;
            block.label_pos = pos(line.number, static_cast<int>(open) + 1, static_cast<int>(i - open));
        } else if (i < t.size() && is_key_start(t[i])) {
            std::size_t start = i;
            while (i < t.size() && is_key_char(t[i])) ++i;
            block.label = std::string(t.substr(start, i - start));
            block.label_pos = pos(line.number, static_cast<int>(start) + 1, static_cast<int>(i - start));
        }
        while (i < t.size() && is_space(t[i])) ++i;
        if (i >= t.size() || t[i] != ':') {
            diags_.error(pos(line.number, static_cast<int>(i) + 1),
                         "expected ':' to end the " + block.kind + " block header");
            return false;
        }
        ++i;
        while (i < t.size() && is_space(t[i])) ++i;
        if (i < t.size() && t[i] != '#') {
            diags_.error(pos(line.number, static_cast<int>(i) + 1, static_cast<int>(t.size() - i)),
                         "unexpected text after the " + block.kind +
                             " block header; its fields go on the following lines, indented");
            return false;
        }
        return true;
    }

    // Reads a quoted string starting at t[i] (a quote); on success i is past the
    // closing quote. An unclosed quote is an error at the opening quote, whose
    // column is col_base + its offset in t.
    std::optional<std::string> read_quoted(std::string_view t, std::size_t& i, int line_number, int col_base) {
        char quote = t[i];
        std::size_t open = i++;
        std::string out;
        while (i < t.size()) {
            char c = t[i];
            if (quote == '"' && c == '\\' && i + 1 < t.size()) {
                char e = t[i + 1];
                switch (e) {
                    case 'n': out += '\n'; break;
                    case 't': out += '\t'; break;
                    case '\\': out += '\\'; break;
                    case '"': out += '"'; break;
                    default: out += '\\'; out += e; break;
                }
                i += 2;
                continue;
            }
            if (c == quote) {
                if (quote == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
                    out += '\'';
                    i += 2;
                    continue;
                }
                ++i;
                return out;
            }
            out += c;
            ++i;
        }
        diags_.error(pos(line_number, col_base + static_cast<int>(open)),
                     std::string("unclosed quote: this string has no closing ") + quote);
        return std::nullopt;
    }

    // Splits "key: value" / "key:"; nullopt when the text is not a key line.
    static std::optional<KeyValue> split_key(std::string_view t) {
        KeyValue kv;
        std::size_t i = 0;
        if (t.empty()) return std::nullopt;
        if (t[0] == '"' || t[0] == '\'') {
            char q = t[0];
            std::size_t close = t.find(q, 1);
            if (close == std::string_view::npos) return std::nullopt;
            kv.key = std::string(t.substr(1, close - 1));
            kv.key_len = static_cast<int>(close + 1);
            i = close + 1;
        } else {
            if (!is_key_start(t[0])) return std::nullopt;
            while (i < t.size() && is_key_char(t[i])) ++i;
            kv.key = std::string(t.substr(0, i));
            kv.key_len = static_cast<int>(i);
        }
        std::size_t colon = i;
        while (colon < t.size() && t[colon] == ' ') ++colon;
        if (colon >= t.size() || t[colon] != ':') return std::nullopt;
        if (colon + 1 < t.size() && !is_space(t[colon + 1])) return std::nullopt;  // "http://..."
        std::size_t v = colon + 1;
        while (v < t.size() && is_space(t[v])) ++v;
        kv.value = t.substr(v);
        kv.value_col = static_cast<int>(v);
        if (!kv.value.empty() && kv.value.front() == '#') kv.value = {};
        return kv;
    }

    // The node made of the lines from here that are indented deeper than their parent.
    Node parse_nested() {
        const Line& first = lines_[at_];
        if (first.is_item()) return parse_list(first.indent, false);
        if (split_key(first.text)) return parse_map(first.indent);
        // A scalar on its own line under its key.
        Node node = parse_inline(first.text, first.number, first.indent + 1);
        skip_subtree(first.indent);
        return node;
    }

    Node parse_map(int indent) {
        Node map;
        map.kind = Node::Kind::map;
        map.pos = pos(lines_[at_].number, indent + 1);
        if (!enter(map.pos)) {
            abandon_block();
            return map;
        }
        Level level{depth_};
        // Key -> the line it was first set at, so duplicates cost no scan.
        std::unordered_map<std::string, int> seen;
        while (at_ < lines_.size()) {
            const Line& line = lines_[at_];
            if (line.indent < indent) break;
            if (line.indent > indent) {
                diags_.error(pos(line.number, line.indent + 1),
                             "bad indentation: expected " + std::to_string(indent) + " spaces, found " +
                                 std::to_string(line.indent));
                skip_subtree(indent);
                continue;
            }
            if (line.is_item()) {
                diags_.error(pos(line.number, line.indent + 1),
                             "unexpected list item: the lines around it are 'key: value' lines");
                skip_subtree(indent);
                continue;
            }
            auto kv = split_key(line.text);
            if (!kv) {
                diags_.error(pos(line.number, line.indent + 1, static_cast<int>(line.text.size())),
                             "expected 'key: value', found '" + excerpt(line.text) + "'");
                skip_subtree(indent);
                continue;
            }
            Entry entry;
            entry.key = kv->key;
            entry.key_pos = pos(line.number, indent + kv->key_col + 1, kv->key_len);
            ++at_;
            if (!kv->value.empty()) {
                entry.value = parse_inline(kv->value, line.number, indent + kv->value_col + 1);
            } else if (at_ < lines_.size() && lines_[at_].indent > indent) {
                entry.value = parse_nested();
            } else if (at_ < lines_.size() && lines_[at_].indent == indent && lines_[at_].is_item()) {
                entry.value = parse_list(indent, true);  // YAML's "key:\n- item" at the key's indent
            } else {
                entry.value.pos = pos(line.number, indent + kv->value_col + 1);
            }
            auto [first, fresh] = seen.emplace(entry.key, entry.key_pos.line);
            if (fresh) {
                map.entries.push_back(std::move(entry));
            } else {
                diags_.error(entry.key_pos, "duplicate key '" + entry.key + "' (first set at line " +
                                                std::to_string(first->second) + ")");
            }
        }
        return map;
    }

    // Items at `indent`. `compact`: the list sits at its key's indent, so a
    // non-item line at that indent ends it rather than being an error.
    Node parse_list(int indent, bool compact) {
        Node list;
        list.kind = Node::Kind::list;
        list.pos = pos(lines_[at_].number, indent + 1);
        if (!enter(list.pos)) {
            abandon_block();
            return list;
        }
        Level level{depth_};
        while (at_ < lines_.size()) {
            Line& line = lines_[at_];
            if (line.indent < indent) break;
            if (line.indent > indent) {
                diags_.error(pos(line.number, line.indent + 1),
                             "bad indentation: expected " + std::to_string(indent) + " spaces, found " +
                                 std::to_string(line.indent));
                skip_subtree(indent);
                continue;
            }
            if (!line.is_item()) {
                if (compact) break;
                diags_.error(pos(line.number, line.indent + 1),
                             "expected a list item '- ...' like the lines above it");
                skip_subtree(indent);
                continue;
            }
            std::size_t skip = 1;
            while (skip < line.text.size() && is_space(line.text[skip])) ++skip;
            if (skip >= line.text.size()) {
                // "-" alone: the item is the nested block below.
                int number = line.number;
                ++at_;
                if (at_ < lines_.size() && lines_[at_].indent > indent) {
                    list.items.push_back(parse_nested());
                } else {
                    Node empty;
                    empty.pos = pos(number, indent + 1);
                    list.items.push_back(std::move(empty));
                }
                continue;
            }
            // Re-read the rest of the line as if it started at its own column, so
            // "- name: type" opens a map whose further keys align with "name".
            int content_indent = indent + static_cast<int>(skip);
            std::string_view rest = line.text.substr(skip);
            if (Line{0, 0, rest}.is_item() || split_key(rest)) {
                line.indent = content_indent;
                line.text = rest;
                list.items.push_back(Line{0, 0, rest}.is_item() ? parse_list(content_indent, false)
                                                                : parse_map(content_indent));
            } else {
                list.items.push_back(parse_inline(rest, line.number, content_indent + 1));
                skip_subtree(indent);
            }
        }
        return list;
    }

    // A value written after "key:" or "- ": quoted, flow list/map, or bare.
    Node parse_inline(std::string_view t, int line_number, int col) {
        std::size_t i = 0;
        line_abandoned_ = false;
        Node node = parse_flow_value(t, i, line_number, col, /*in_flow=*/false);
        while (i < t.size() && is_space(t[i])) ++i;
        if (i < t.size() && t[i] != '#') {
            diags_.error(pos(line_number, col + static_cast<int>(i), static_cast<int>(t.size() - i)),
                         "unexpected text '" + excerpt(t.substr(i)) + "' after the value");
        }
        return node;
    }

    Node parse_flow_value(std::string_view t, std::size_t& i, int line_number, int col, bool in_flow) {
        Node node;
        node.pos = pos(line_number, col + static_cast<int>(i));
        if (i >= t.size()) return node;
        char c = t[i];
        if (c == '"' || c == '\'') {
            std::size_t open = i;
            auto s = read_quoted(t, i, line_number, col);
            if (!s) {
                i = t.size();
                return node;
            }
            node.value = *s;
            node.quoted = true;
            node.pos.length = static_cast<int>(i - open);
            return node;
        }
        if (c == '[' || c == '{') return parse_flow_collection(t, i, line_number, col);
        std::size_t start = i;
        if (in_flow) {
            while (i < t.size() && t[i] != ',' && t[i] != ']' && t[i] != '}') ++i;
        } else {
            // A bare value runs to the end of the line or to a " #" comment.
            while (i < t.size() && !(t[i] == '#' && i > start && is_space(t[i - 1]))) ++i;
        }
        std::string_view text = t.substr(start, i - start);
        while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
        if (in_flow) {
            std::size_t lead = 0;
            while (lead < text.size() && is_space(text[lead])) ++lead;
            text.remove_prefix(lead);
            node.pos.col += static_cast<int>(lead);
        }
        node.value = type_scalar(text);
        node.pos.length = static_cast<int>(text.size());
        if (node.value.is_string() && is_out_of_range_number(text)) diags_.error(node.pos, out_of_range_message(text));
        return node;
    }

    Node parse_flow_collection(std::string_view t, std::size_t& i, int line_number, int col) {
        Node node;
        char open = t[i], close = open == '[' ? ']' : '}';
        node.kind = open == '[' ? Node::Kind::list : Node::Kind::map;
        node.pos = pos(line_number, col + static_cast<int>(i));
        if (!enter(node.pos)) {
            line_abandoned_ = true;  // the enclosing collections stay silent about their ends
            i = t.size();
            return node;
        }
        Level level{depth_};
        std::size_t open_at = i++;
        auto skip_ws = [&] {
            while (i < t.size() && is_space(t[i])) ++i;
        };
        skip_ws();
        if (i < t.size() && t[i] == close) {
            ++i;
            return node;
        }
        while (i < t.size()) {
            skip_ws();
            if (node.kind == Node::Kind::map) {
                std::size_t key_start = i;
                while (i < t.size() && t[i] != ':' && t[i] != ',' && t[i] != close) ++i;
                std::string_view key = trim_view(t.substr(key_start, i - key_start));
                if (i >= t.size() || t[i] != ':') break;
                ++i;
                skip_ws();
                Entry e;
                e.key = std::string(key);
                e.key_pos = pos(line_number, col + static_cast<int>(key_start), static_cast<int>(key.size()));
                e.value = parse_flow_value(t, i, line_number, col, true);
                node.entries.push_back(std::move(e));
            } else {
                node.items.push_back(parse_flow_value(t, i, line_number, col, true));
            }
            skip_ws();
            if (i < t.size() && t[i] == ',') {
                ++i;
                continue;
            }
            if (i < t.size() && t[i] == close) {
                ++i;
                return node;
            }
            break;
        }
        if (!line_abandoned_)
            diags_.error(pos(line_number, col + static_cast<int>(open_at)),
                         std::string("unclosed '") + open + "': expected '" + close + "' before the end of the line");
        i = t.size();
        return node;
    }

    static std::string_view trim_view(std::string_view s) {
        while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
        while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
        return s;
    }

    std::string file_;
    Diagnostics& diags_;
    Document doc_;
    std::vector<Line> lines_;
    std::size_t at_ = 0;
    int depth_ = 1;                // levels open: the file's top level is 1, a block's body 2
    bool line_abandoned_ = false;  // the current value nested too deep; the rest of its line is skipped
};

}  // namespace

Document parse_n3(std::string_view text, const std::string& file, Diagnostics& diags) {
    return Parser(text, file, diags).run();
}

}  // namespace hone::lang
