#pragma once
// ~/.egctlrc: upstream egctl's kubeconfig-like file naming clusters (server, CA), users (basic
// auth, client certificate) and contexts joining them; `current-context` picks the one in use.
// The file is optional. Its `*-data` fields hold base64 PEM, as in kubeconfig.

#include "tools/egctl/outcome.hpp"

#include <eg/input_limits.hpp>
#include <eg/yaml_limits.hpp>

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eg::ctl {

struct rc_cluster {
    std::string name;
    std::string server;
    std::string certificate_authority;       // PEM file
    std::string certificate_authority_data;  // PEM, decoded from base64
};

struct rc_user {
    std::string name;
    std::string username;
    std::string password;
    std::string client_certificate;       // PEM file
    std::string client_certificate_data;  // PEM, decoded from base64
    std::string client_key;               // PEM file
    std::string client_key_data;          // PEM, decoded from base64
};

struct rc_context {
    std::string name;
    std::string cluster;
    std::string user;
};

struct rc_config {
    std::string kind;
    std::vector<rc_cluster> clusters;
    std::vector<rc_user> users;
    std::vector<rc_context> contexts;
    std::string current_context;
};

// The cluster and user of the current context.
struct current_config {
    std::string current_context;
    rc_context context;
    rc_cluster cluster;
    rc_user user;

    // A CA or a client certificate means the server speaks HTTPS.
    bool use_https() const {
        return !cluster.certificate_authority_data.empty() ||
               !cluster.certificate_authority.empty() || !user.client_certificate_data.empty() ||
               !user.client_certificate.empty();
    }
};

namespace rc_detail {

// Go's base64.StdEncoding.DecodeString (padding required, CR and LF skipped), with its
// "illegal base64 data at input byte N" errors.
inline outcome<std::string> base64_decode(std::string_view src) {
    const auto value_of = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    const auto illegal = [](std::size_t at) {
        return outcome<std::string>::failure("illegal base64 data at input byte " +
                                             std::to_string(at));
    };
    const auto is_newline = [](char c) { return c == '\n' || c == '\r'; };
    std::string out;
    std::size_t si = 0;
    while (true) {  // one 4-character quantum per round
        unsigned quantum[4] = {0, 0, 0, 0};
        int length = 4;
        bool last = false;
        for (int j = 0; j < 4; ++j) {
            if (si == src.size()) {
                if (j == 0) return out;
                return illegal(si - static_cast<std::size_t>(j));
            }
            const char in = src[si++];
            if (const int v = value_of(in); v >= 0) {
                quantum[j] = static_cast<unsigned>(v);
                continue;
            }
            if (is_newline(in)) {
                --j;
                continue;
            }
            if (in != '=' || j < 2) return illegal(si - 1);
            if (j == 2) {  // a second '=' must follow
                while (si < src.size() && is_newline(src[si])) ++si;
                if (si == src.size()) return illegal(src.size());
                if (src[si] != '=') return illegal(si - 1);
                ++si;
            }
            while (si < src.size() && is_newline(src[si])) ++si;
            if (si < src.size()) return illegal(si);  // data after the padding
            length = j;
            last = true;
            break;
        }
        const unsigned bits = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
        for (int k = 0; k < length - 1; ++k)
            out += static_cast<char>((bits >> (16 - 8 * k)) & 0xff);
        if (last) return out;
    }
}

// "line 3: the document is nested deeper than 64 levels", for a document beyond the limits.
inline std::string limit_error(const limits::yaml_limit_problem& problem) {
    return "line " + std::to_string(problem.mark.line + 1) + ": the document " +
           (problem.too_deep ? "is " : "") + problem.message;
}

inline std::string where(const YAML::Node& node) {
    const auto mark = node.Mark();
    if (mark.line < 0) return {};
    return "line " + std::to_string(mark.line + 1) + ": ";
}

// A scalar field as text: absent or null is empty; a mapping or sequence is an error.
inline std::optional<std::string> read_string(const YAML::Node& parent, const char* key,
                                              std::string& into, std::string& error) {
    const YAML::Node node = parent[key];
    if (!node || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
        error = where(node) + "`" + key + "` must be a string";
        return std::nullopt;
    }
    into = node.Scalar();
    return into;
}

inline void read_data(const YAML::Node& parent, const char* key, std::string& into,
                      std::string& error) {
    std::string text;
    if (!read_string(parent, key, text, error)) return;
    auto decoded = base64_decode(text);
    if (!decoded) {
        error = where(parent[key]) + key + ": " + decoded.error();
        return;
    }
    into = std::move(*decoded);
}

// The items of a sequence field, each a mapping; absent or null is no items.
inline std::vector<YAML::Node> read_list(const YAML::Node& root, const char* key,
                                         std::string& error) {
    std::vector<YAML::Node> items;
    const YAML::Node node = root[key];
    if (!node || node.IsNull()) return items;
    if (!node.IsSequence()) {
        error = where(node) + "`" + key + "` must be a list";
        return items;
    }
    for (const auto& item : node) {
        if (item.IsNull()) continue;
        if (!item.IsMap()) {
            error = where(item) + "each item of `" + key + "` must be a mapping";
            return {};
        }
        items.push_back(item);
    }
    return items;
}

// The mapping under `key` of an item (`cluster:`, `user:`, `context:`); absent is empty.
inline YAML::Node read_block(const YAML::Node& item, const char* key, std::string& error) {
    const YAML::Node node = item[key];
    if (!node || node.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) {
        error = where(node) + "`" + key + "` must be a mapping";
        return YAML::Node(YAML::NodeType::Map);
    }
    return node;
}

}  // namespace rc_detail

// Parses the text of an rc file found at `path` (the path only words the errors).
inline outcome<rc_config> parse_rc_file(const std::string& text, const std::string& path) {
    const auto failed = [&](const std::string& why) {
        return outcome<rc_config>::failure("unmarshal config file " + path + " failed: " + why);
    };
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
        return failed(rc_detail::limit_error(limits::deep_recursion_problem(e)));
    } catch (const YAML::Exception& e) {
        return failed(e.what());
    }
    if (const auto problem = limits::check_yaml_document(root))
        return failed(rc_detail::limit_error(*problem));
    rc_config config;
    if (!root || root.IsNull()) return config;
    if (!root.IsMap()) return failed(rc_detail::where(root) + "the file must be a mapping");
    using namespace rc_detail;
    std::string error;
    try {
        read_string(root, "kind", config.kind, error);
        if (error.empty()) read_string(root, "current-context", config.current_context, error);
        for (const auto& item : read_list(root, "clusters", error)) {
            if (!error.empty()) break;
            rc_cluster c;
            read_string(item, "name", c.name, error);
            const auto body = read_block(item, "cluster", error);
            if (error.empty()) read_string(body, "server", c.server, error);
            if (error.empty())
                read_string(body, "certificate-authority", c.certificate_authority, error);
            if (error.empty())
                read_data(body, "certificate-authority-data", c.certificate_authority_data, error);
            config.clusters.push_back(std::move(c));
        }
        for (const auto& item : read_list(root, "users", error)) {
            if (!error.empty()) break;
            rc_user u;
            read_string(item, "name", u.name, error);
            const auto body = read_block(item, "user", error);
            if (error.empty()) read_string(body, "username", u.username, error);
            if (error.empty()) read_string(body, "password", u.password, error);
            if (error.empty()) read_string(body, "client-certificate", u.client_certificate, error);
            if (error.empty())
                read_data(body, "client-certificate-data", u.client_certificate_data, error);
            if (error.empty()) read_string(body, "client-key", u.client_key, error);
            if (error.empty()) read_data(body, "client-key-data", u.client_key_data, error);
            config.users.push_back(std::move(u));
        }
        for (const auto& item : read_list(root, "contexts", error)) {
            if (!error.empty()) break;
            rc_context c;
            read_string(item, "name", c.name, error);
            const auto body = read_block(item, "context", error);
            if (error.empty()) read_string(body, "cluster", c.cluster, error);
            if (error.empty()) read_string(body, "user", c.user, error);
            config.contexts.push_back(std::move(c));
        }
    } catch (const YAML::Exception& e) {
        return failed(e.what());
    }
    if (!error.empty()) return failed(error);
    return config;
}

// The current context's cluster and user, as upstream resolves them.
inline outcome<current_config> resolve_current(const rc_config& config) {
    using result = outcome<current_config>;
    if (config.current_context.empty())
        return result::failure("current context not found in .egctlrc file");
    const rc_context* context = nullptr;
    for (const auto& c : config.contexts)
        if (c.name == config.current_context) {
            context = &c;
            break;
        }
    if (!context)
        return result::failure("current context " + config.current_context +
                               " not found in .egctlrc file");
    const rc_cluster* cluster = nullptr;
    for (const auto& c : config.clusters)
        if (c.name == context->cluster) {
            cluster = &c;
            break;
        }
    if (!cluster)
        return result::failure("cluster " + context->cluster + " not found in .egctlrc file");
    const rc_user* user = nullptr;
    for (const auto& u : config.users)
        if (u.name == context->user) {
            user = &u;
            break;
        }
    if (!user) return result::failure("user " + context->user + " not found in .egctlrc file");
    return current_config{config.current_context, *context, *cluster, *user};
}

// "open PATH: no such file or directory", as Go words a failed open.
inline std::string open_error(const std::string& path, int error_number) {
    std::string reason = std::strerror(error_number);
    if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] += 'a' - 'A';
    return "open " + path + ": " + reason;
}

// Go's wording of why a file cannot be read: "open PATH: no such file or directory", "read
// PATH: is a directory", "read PATH: is not a regular file (a device, FIFO or socket)".
inline std::string file_error(const std::string& path, const limits::file_text& file) {
    if (file.kind == limits::file_problem::cannot_open) return open_error(path, file.error_number);
    if (file.kind == limits::file_problem::directory) return "read " + path + ": is a directory";
    std::string reason = file.problem;
    if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] += 'a' - 'A';
    return "read " + path + ": " + reason;
}

// The whole content of a regular file of at most `max_bytes`, or Go's wording of why it cannot
// be read. A FIFO or device is refused without waiting on it.
inline outcome<std::string> read_file_text(const std::string& path,
                                           std::size_t max_bytes = limits::max_object_file_bytes) {
    auto file = limits::read_input_file(path, max_bytes);
    if (!file.text) return outcome<std::string>::failure(file_error(path, file));
    return std::move(*file.text);
}

// $HOME/.egctlrc, or "$HOME is not defined".
inline outcome<std::string> rc_file_path(const char* home) {
    if (home == nullptr || *home == '\0')
        return outcome<std::string>::failure("$HOME is not defined");
    return (std::filesystem::path(home) / ".egctlrc").string();
}

// The current config from the rc file under `home` (the HOME variable): nullopt when there is
// no rc file, an error when it cannot be read or names what it does not define.
inline outcome<std::optional<current_config>> load_current_config(const char* home) {
    using result = outcome<std::optional<current_config>>;
    // Without a home (e.g. a service's environment) there is no rc file to follow.
    if (home == nullptr || *home == '\0') return std::optional<current_config>();
    const auto path = rc_file_path(home);
    if (!path) return result::failure(path.error());
    std::error_code ec;
    if (!std::filesystem::exists(*path, ec) && !ec) return std::optional<current_config>();
    const auto text = read_file_text(*path);
    if (!text) return result::failure(text.error());
    const auto config = parse_rc_file(*text, *path);
    if (!config) return result::failure(config.error());
    auto current = resolve_current(*config);
    if (!current) return result::failure(current.error());
    return std::optional<current_config>(std::move(*current));
}

}  // namespace eg::ctl
