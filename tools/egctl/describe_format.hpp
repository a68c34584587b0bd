#pragma once
// `egctl describe member`: each member status as upstream prints it (PrintMapInterface).
// Every key of the status and of its `options` becomes one "Key: value" entry; Name and
// LastHeartbeatTime first, a blank line, Etcd, a blank line, then the rest sorted by key. A value
// is written as go-yaml v2 would: on one line (cut at 50 characters with "..."), or, when it
// spans lines, under the key and a "====" rule, indented by 2. Members are separated by
// "\n\n---\n\n".

#include "tools/egctl/yaml_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eg::ctl {

namespace describe_detail {

inline std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

inline std::string capitalize(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

// A one-line value longer than 49 bytes becomes its first 50 bytes and "..." (never cutting a
// UTF-8 character in two).
inline std::string cut_line(const std::string& line) {
    constexpr std::size_t limit = 50;
    if (line.size() < limit) return line;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    return line.substr(0, cut) + "...";
}

}  // namespace describe_detail

// One "Key: value" entry (the key as given, its first letter capitalized).
inline std::string describe_entry(const std::string& key, const nlohmann::ordered_json& value) {
    using namespace describe_detail;
    const std::string yaml = to_yaml(value, yaml_dialect::v2);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < yaml.size()) {
        const auto end = yaml.find('\n', start);
        lines.push_back(yaml.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (lines.size() == 1) return capitalize(key) + ": " + cut_line(lines[0]) + "\n";
    std::string out = capitalize(key) + ":\n" + std::string(key.size() + 1, '=') + "\n";
    for (const auto& line : lines) out += "  " + line + "\n";
    return out;
}

// Upstream's PrintMapInterface for objects whose keys are compared with their first letter in
// lower case: the `fronts` first in their order ("" prints a blank line after a present key),
// then the other keys sorted, then the `backs` after a blank line.
inline std::string describe_maps(const std::vector<nlohmann::ordered_json>& maps,
                                 const std::vector<std::string>& fronts,
                                 const std::vector<std::string>& backs) {
    using namespace describe_detail;
    std::string out;
    for (std::size_t m = 0; m < maps.size(); ++m) {
        std::map<std::string, nlohmann::ordered_json> spec;  // byte order, as Go's sort
        for (const auto& [key, value] : maps[m].items()) spec[lower_first(key)] = value;
        const auto listed = [](const std::vector<std::string>& list, const std::string& key) {
            return std::find(list.begin(), list.end(), key) != list.end();
        };
        bool front_printed = false;
        for (const auto& front : fronts) {
            if (front.empty() && front_printed) out += "\n";
            const auto it = spec.find(front);
            front_printed = it != spec.end();
            if (front_printed) out += describe_entry(front, it->second);
        }
        for (const auto& [key, value] : spec)
            if (!listed(fronts, key) && !listed(backs, key)) out += describe_entry(key, value);
        bool back_printed = false;
        for (const auto& back : backs) {
            const auto it = spec.find(back);
            if (it == spec.end()) continue;
            if (!back_printed) out += "\n";
            back_printed = true;
            out += describe_entry(back, it->second);
        }
        if (maps.size() > 1 && m + 1 != maps.size()) out += "\n\n---\n\n";
    }
    return out;
}

// The description of member statuses (a JSON array of upstream's MemberStatus objects).
// `etcd` is always shown (null for a secondary); the options are flattened into the status.
inline std::string describe_members(const nlohmann::ordered_json& statuses) {
    std::vector<nlohmann::ordered_json> maps;
    for (const auto& status : statuses) {
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        entry["etcd"] = status.value("etcd", nlohmann::ordered_json());
        entry["lastHeartbeatTime"] = status.value("lastHeartbeatTime", "");
        for (const auto& [key, value] : status.items())
            if (key != "options" && key != "etcd" && key != "lastHeartbeatTime") entry[key] = value;
        if (const auto it = status.find("options"); it != status.end() && it->is_object())
            for (const auto& [key, value] : it->items()) entry[key] = value;
        maps.push_back(std::move(entry));
    }
    return describe_maps(maps, {"name", "lastHeartbeatTime", "", "etcd", ""}, {});
}

}  // namespace eg::ctl
