#include "lang/overrides.hpp"

#include "common/error.hpp"
#include "lang/n3_parser.hpp"

namespace hone::lang {

namespace {

class Applier {
public:
    explicit Applier(OverrideSource source) : source_(source) {}

    // Merges `overrides` (an object) into the map `target`.
    void merge(Node& target, const Json& overrides, const std::string& path) {
        for (auto it = overrides.begin(); it != overrides.end(); ++it) {
            std::string at = path.empty() ? it.key() : path + "." + it.key();
            Entry* entry = nullptr;
            for (auto& e : target.entries)
                if (e.key == it.key()) entry = &e;
            if (entry && entry->value.is_map() && it.value().is_object() && !it.value().empty()) {
                merge(entry->value, it.value(), at);
            } else if (entry) {
                entry->value = node(it.value(), at);
            } else {
                target.entries.push_back(Entry{it.key(), origin(at, it.value()), node(it.value(), at)});
            }
        }
    }

private:
    SourcePos origin(const std::string& path, const Json& value) const {
        SourcePos pos;
        if (source_ == OverrideSource::request) {
            pos.file = "overrides." + path;
        } else {
            pos.file = "--set " + path;
            if (!value.is_object() && !value.is_array())
                pos.file += "=" + (value.is_string() ? value.get<std::string>() : value.dump());
        }
        return pos;
    }

    Node node(const Json& v, const std::string& path) const {
        Node n;
        n.pos = origin(path, v);
        if (v.is_object()) {
            n.kind = Node::Kind::map;
            for (auto it = v.begin(); it != v.end(); ++it) {
                std::string at = path + "." + it.key();
                n.entries.push_back(Entry{it.key(), origin(at, it.value()), node(it.value(), at)});
            }
        } else if (v.is_array()) {
            n.kind = Node::Kind::list;
            for (std::size_t i = 0; i < v.size(); ++i) n.items.push_back(node(v[i], path + "." + std::to_string(i)));
        } else {
            n.value = v;
            // Typed already (JSON, or a --set value typed as N3 types it): a
            // string stays a string, as if written in quotes.
            n.quoted = v.is_string();
        }
        return n;
    }

    OverrideSource source_;
};

}  // namespace

LoadedJobFile with_overrides(const JobFile& file, std::string_view kind, std::string_view name, const Json& overrides,
                             OverrideSource source) {
    if (!file.document)
        throw Error(ErrorKind::internal, "no_document", "overrides need the job file's parsed text");
    Document doc = *file.document;
    for (auto& b : doc.blocks) {
        if (b.kind != kind || b.label != name) continue;
        if (overrides.is_object()) Applier(source).merge(b.body, overrides, "");
    }
    LoadedJobFile out = bind_document(std::move(doc));
    // Data and models stay as the caller had them (a server confines a created
    // job's data to its data root after binding).
    out.spec.datasets = file.datasets;
    out.spec.models = file.models;
    return out;
}

std::string override_errors(const LoadedJobFile& loaded) {
    std::string out;
    for (const auto& d : loaded.diags.sorted()) {
        if (d.severity != Diagnostic::Severity::error) continue;
        if (!out.empty()) out += "\n";
        if (d.pos.line > 0) {
            std::string shown = render(d, loaded.doc.lines);
            while (!shown.empty() && shown.back() == '\n') shown.pop_back();
            out += shown;
        } else {
            out += d.pos.file + ": " + d.message;
        }
    }
    return out;
}

namespace {

// VALUE of KEY=VALUE as N3 reads it: a flow list `[100, 50]` or map `{a: 1}`
// as one, anything else typed as a bare scalar.
Json override_value(const std::string& assignment, const std::string& text) {
    if (text.empty() || (text.front() != '[' && text.front() != '{')) return type_scalar(text);
    Diagnostics diags;
    Document doc = parse_n3("app:\n    value: " + text + "\n", "--set " + assignment, diags);
    const Entry* entry = find_entry(doc, "app", "", {"value"});
    if (diags.has_errors() || !entry)
        throw Error(ErrorKind::validation, "invalid_override",
                    "override '" + assignment + "' has a value that is not an N3 list or map" +
                        (diags.items().empty() ? "" : ": " + diags.items().front().message));
    return entry->value.to_json();
}

}  // namespace

void add_override(Json& into, const std::string& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw Error(ErrorKind::validation, "invalid_override",
                    "override '" + assignment + "' is not KEY=VALUE (e.g. hyperparameters.n_estimators=150)");
    std::string path = assignment.substr(0, eq);
    Json value = override_value(assignment, assignment.substr(eq + 1));
    Json* at = &into;
    std::size_t start = 0;
    while (true) {
        auto dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (dot == std::string::npos) {
            (*at)[part] = value;
            return;
        }
        at = &(*at)[part];
        start = dot + 1;
    }
}

}  // namespace hone::lang
