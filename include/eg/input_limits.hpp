#pragma once
// input limits: the bounds on what comes from outside (files, request bodies, documents), and
// the small readers that enforce them where input enters:
//  - read_input_file: a regular file only (a device, FIFO or directory is refused without
//    blocking), at most a given size;
//  - json_nesting_problem: a JSON text's nesting depth, found by one linear scan before any
//    parser builds a tree;
//  - document_budget: the depth and node count a walk over a parsed YAML document may reach.
//    YAML aliases share nodes, so a walk that expands them can visit exponentially many: every
//    walker counts against this budget and stops when it is spent.
// docs/limits.md lists every bound with its value.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace eg::limits {

// Deepest nesting of mappings and sequences in any document we read (objects, config files,
// cluster descriptions, egctl files). Real objects nest under 15 levels.
inline constexpr int max_nesting_depth = 64;
// Most nodes (mappings, sequences and scalars, aliases counted each time they are expanded) in
// one document.
inline constexpr std::size_t max_document_nodes = 200'000;
// Largest config file or cluster description.
inline constexpr std::size_t max_config_file_bytes = 4 * 1024 * 1024;
// Largest object file (initial-object-config-files, egctl apply -f) and egctl rc file.
inline constexpr std::size_t max_object_file_bytes = 64 * 1024 * 1024;

// The text of a file, or why it cannot be read: not a regular file, larger than max_bytes, or
// an error from the system.
struct file_text {
    std::optional<std::string> text;
    std::string problem;  // set when text is not
};

inline file_text read_input_file(const std::string& path, std::size_t max_bytes) {
    file_text result;
    // O_NONBLOCK: opening a FIFO without a writer does not wait; regular files ignore it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        result.problem = std::strerror(errno);
        return result;
    }
    struct ::stat info {};
    if (::fstat(fd, &info) != 0) {
        result.problem = std::strerror(errno);
    } else if (S_ISDIR(info.st_mode)) {
        result.problem = "is a directory, not a file";
    } else if (!S_ISREG(info.st_mode)) {
        result.problem = "is not a regular file (a device, FIFO or socket)";
    } else if (static_cast<std::size_t>(info.st_size) > max_bytes) {
        result.problem = "is " + std::to_string(info.st_size) + " bytes, more than the " +
                         std::to_string(max_bytes) + " bytes allowed";
    } else {
        std::string text;
        text.reserve(static_cast<std::size_t>(info.st_size));
        char buffer[65536];
        for (;;) {
            const ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                result.problem = std::strerror(errno);
                break;
            }
            if (got == 0) {
                result.text = std::move(text);
                break;
            }
            text.append(buffer, static_cast<std::size_t>(got));
            if (text.size() > max_bytes) {  // grew while being read
                result.problem = "is more than the " + std::to_string(max_bytes) + " bytes allowed";
                break;
            }
        }
    }
    ::close(fd);
    return result;
}

// Why a JSON text nests deeper than max_depth, or nullopt. Brackets inside strings do not
// count; the text need not be valid JSON (the parser judges that afterwards).
inline std::optional<std::string> json_nesting_problem(std::string_view text,
                                                       int max_depth = max_nesting_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return "nested deeper than " + std::to_string(max_depth) + " levels (at byte " +
                       std::to_string(i) + ")";
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

// What a walk over one parsed document may still do: enter() before descending into a node and
// leave() after it, count() for a leaf. enter() and count() return false, and problem() says
// why, once a bound is passed.
class document_budget {
public:
    explicit document_budget(int max_depth = max_nesting_depth,
                             std::size_t max_nodes = max_document_nodes)
        : max_depth_(max_depth), nodes_left_(max_nodes), max_nodes_(max_nodes) {}

    // Counts one node one level down; false when over a bound.
    bool enter() {
        ++depth_;
        if (depth_ > max_depth_) {
            problem_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
            return false;
        }
        return count();
    }
    void leave() { --depth_; }
    // Counts one node at the current level (a scalar that is not descended into).
    bool count() {
        if (nodes_left_ == 0) {
            problem_ = "has more than " + std::to_string(max_nodes_) +
                       " nodes once its aliases are expanded";
            return false;
        }
        --nodes_left_;
        return true;
    }
    bool spent() const { return !problem_.empty(); }
    const std::string& problem() const { return problem_; }
    int depth() const { return depth_; }

private:
    int max_depth_;
    int depth_ = 0;
    std::size_t nodes_left_;
    std::size_t max_nodes_;
    std::string problem_;
};

}  // namespace eg::limits
