#pragma once
// The one diagnostic type: every finding of every layer and binary is one of these.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace eg::diag {

enum class severity { error, warning, note };

constexpr std::string_view to_string(severity s) {
    switch (s) {
        case severity::error:
            return "error";
        case severity::warning:
            return "warning";
        case severity::note:
            return "note";
    }
    return "error";
}

// Where a value or a finding comes from.
struct file_location {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    bool operator==(const file_location&) const = default;
};
struct env_location {
    std::string name;  // EASEGRESS_NAME
    bool operator==(const env_location&) const = default;
};
struct flag_location {
    std::string flag;  // --name
    bool operator==(const flag_location&) const = default;
};
using location = std::variant<std::monostate, file_location, env_location, flag_location>;

// "file:line:col", "env:NAME", "flag:--x", or "" for no location.
inline std::string location_text(const location& where) {
    if (const auto* f = std::get_if<file_location>(&where)) {
        std::string text = f->file;
        if (f->line > 0) {
            text += ':' + std::to_string(f->line);
            if (f->column > 0) text += ':' + std::to_string(f->column);
        }
        return text;
    }
    if (const auto* e = std::get_if<env_location>(&where)) return "env:" + e->name;
    if (const auto* l = std::get_if<flag_location>(&where)) return "flag:" + l->flag;
    return {};
}

struct diagnostic {
    std::string_view code;  // a code of the catalogue, e.g. "EG102"
    severity level = severity::error;
    std::string path;  // option path, e.g. "cluster.initial-cluster.machine-3"; may be empty
    location where;
    std::string message;
    std::string hint;  // may be empty
};

// Collects findings; rules append, callers inspect.
class diagnostics {
public:
    void add(diagnostic d) { items_.push_back(std::move(d)); }
    void append(const diagnostics& other) {
        items_.insert(items_.end(), other.items_.begin(), other.items_.end());
    }

    const std::vector<diagnostic>& items() const { return items_; }
    bool empty() const { return items_.empty(); }
    std::size_t size() const { return items_.size(); }
    auto begin() const { return items_.begin(); }
    auto end() const { return items_.end(); }

    std::size_t count(severity s) const {
        std::size_t n = 0;
        for (const auto& d : items_) n += d.level == s ? 1 : 0;
        return n;
    }
    bool has_errors() const { return count(severity::error) > 0; }
    bool has(std::string_view code) const {
        for (const auto& d : items_)
            if (d.code == code) return true;
        return false;
    }

private:
    std::vector<diagnostic> items_;
};

}  // namespace eg::diag
