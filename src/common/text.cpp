#include "common/text.hpp"

#include "common/task.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace hone {

std::string_view to_string(Task task) {
    switch (task) {
        case Task::classification: return "classification";
        case Task::regression: return "regression";
        case Task::recommendation: return "recommendation";
        case Task::text_classification: return "text_classification";
        case Task::clustering: return "clustering";
    }
    return "unknown";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string nearest(std::string_view name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::string::npos;
    std::string lower_name = to_lower(name);
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(name, c);
        // A prefix of three or more letters ("bayes" for "bayesian") is a likely abbreviation.
        std::string lower_c = to_lower(c);
        std::size_t shorter = std::min(lower_c.size(), lower_name.size());
        if (shorter >= 3 && lower_c.compare(0, shorter, lower_name, 0, shorter) == 0) d = std::min<std::size_t>(d, 1);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
    return best_d <= limit ? best : std::string();
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
    std::string near = nearest(name, candidates);
    return near.empty() ? "" : "; did you mean '" + near + "'?";
}

std::string join_or(const std::vector<std::string>& items, std::string_view quote) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += (i + 1 == items.size()) ? " or " : ", ";
        out += quote;
        out += items[i];
        out += quote;
    }
    return out;
}

std::string format_double(double v) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string redact_connection(const std::string& connection) {
    std::string out = connection;
    // URL form: scheme://user:password@host...
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        std::size_t start = scheme + 3;
        std::size_t at = out.find('@', start);
        std::size_t slash = out.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            std::size_t colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // Key/value form, and URL query parameters: password=...
    for (std::size_t pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
        std::size_t start = pos + 9;
        std::size_t end = start;
        if (end < out.size() && out[end] == '\'') {
            ++end;
            while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
            end = std::min(end + 1, out.size());
        } else {
            while (end < out.size() && out[end] != ' ' && out[end] != '&') ++end;
        }
        out.replace(start, end - start, "***");
    }
    return out;
}

std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n' || c == '\t') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    return std::string(trim(out));
}

}  // namespace hone
