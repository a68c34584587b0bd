#pragma once
// spec fields: how the traffic filters read their spec when they are built. The spec was
// checked when the object was applied (include/eg/traffic/), but a builder never trusts that:
// each reader takes any JSON, answers the field when it has the expected type and otherwise
// says what is wrong in `problems` (one line each, with the field's path), so that no JSON can
// make a build throw or crash.

#include <eg/option_value.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace eg::server {

class spec_fields {
public:
    explicit spec_fields(std::vector<std::string>& problems) : problems_(problems) {}

    // The member `key` of `parent` when `parent` is a mapping holding it, else nullptr.
    static const nlohmann::json* find(const nlohmann::json& parent, std::string_view key) {
        if (!parent.is_object()) return nullptr;
        const auto found = parent.find(key);
        return found == parent.end() ? nullptr : &*found;
    }

    void problem(const std::string& path, std::string_view what) {
        problems_.push_back(path.empty() ? std::string(what) : path + ": " + std::string(what));
    }

    // The value of `key` when it is a string; absent: nullopt; another type: a problem.
    std::optional<std::string> string(const nlohmann::json& parent, std::string_view key,
                                      const std::string& path) {
        const auto* value = find(parent, key);
        if (value == nullptr || value->is_null()) return std::nullopt;
        if (value->is_string()) return value->get<std::string>();
        problem(field(path, key), "is not a string");
        return std::nullopt;
    }

    std::optional<bool> boolean(const nlohmann::json& parent, std::string_view key,
                                const std::string& path) {
        const auto* value = find(parent, key);
        if (value == nullptr || value->is_null()) return std::nullopt;
        if (value->is_boolean()) return value->get<bool>();
        problem(field(path, key), "is not a boolean");
        return std::nullopt;
    }

    // An integer within [lowest, highest].
    std::optional<std::int64_t> integer(const nlohmann::json& parent, std::string_view key,
                                        const std::string& path, std::int64_t lowest,
                                        std::int64_t highest) {
        const auto* value = find(parent, key);
        if (value == nullptr || value->is_null()) return std::nullopt;
        std::int64_t number = 0;
        if (value->is_number_unsigned()) {
            const auto u = value->get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(INT64_MAX)) {
                problem(field(path, key), "is out of range");
                return std::nullopt;
            }
            number = static_cast<std::int64_t>(u);
        } else if (value->is_number_integer()) {
            number = value->get<std::int64_t>();
        } else {
            problem(field(path, key), "is not an integer");
            return std::nullopt;
        }
        if (number < lowest || number > highest) {
            problem(field(path, key),
                    "is out of range " + std::to_string(lowest) + " to " + std::to_string(highest));
            return std::nullopt;
        }
        return number;
    }

    // A list (nullptr when absent or of another type, the latter a problem).
    const nlohmann::json* list(const nlohmann::json& parent, std::string_view key,
                               const std::string& path) {
        const auto* value = find(parent, key);
        if (value == nullptr || value->is_null()) return nullptr;
        if (value->is_array()) return value;
        problem(field(path, key), "is not a list");
        return nullptr;
    }

    const nlohmann::json* mapping(const nlohmann::json& parent, std::string_view key,
                                  const std::string& path) {
        const auto* value = find(parent, key);
        if (value == nullptr || value->is_null()) return nullptr;
        if (value->is_object()) return value;
        problem(field(path, key), "is not a mapping");
        return nullptr;
    }

    // The strings of a list of strings (other items are problems and left out).
    std::vector<std::string> strings(const nlohmann::json& parent, std::string_view key,
                                     const std::string& path) {
        std::vector<std::string> out;
        const auto* items = list(parent, key, path);
        if (items == nullptr) return out;
        for (std::size_t i = 0; i < items->size(); ++i) {
            if ((*items)[i].is_string())
                out.push_back((*items)[i].get<std::string>());
            else
                problem(item(field(path, key), i), "is not a string");
        }
        return out;
    }

    // A Go duration (`500ms`, `1m30s`) in milliseconds, rounded up; negative ones are 0.
    std::optional<std::int64_t> duration_ms(const nlohmann::json& parent, std::string_view key,
                                            const std::string& path) {
        const auto text = string(parent, key, path);
        if (!text) return std::nullopt;
        const auto parsed = config::parse_duration(*text);
        if (const auto* failure = std::get_if<config::parse_failure>(&parsed)) {
            problem(field(path, key), failure->message);
            return std::nullopt;
        }
        const auto ns = std::get<config::duration>(parsed).nanoseconds;
        if (ns <= 0) return 0;
        return ns / 1000000 + (ns % 1000000 != 0 ? 1 : 0);
    }

    static std::string field(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }
    static std::string item(const std::string& path, std::size_t index) {
        return path + "[" + std::to_string(index) + "]";
    }

private:
    std::vector<std::string>& problems_;
};

}  // namespace eg::server
