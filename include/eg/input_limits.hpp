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

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
// Most nodes in a config file or cluster description (aliases counted each time they are
// used). Higher than max_document_nodes: a file within max_config_file_bytes may hold a
// mapping of a few hundred thousand entries (labels), which is read in linear time.
inline constexpr std::size_t max_config_document_nodes = 1'000'000;
// Besides those totals, a YAML text may expand (aliases counted each time they are used) to at
// most this many nodes, plus this many per byte of the text: a document without aliases has
// fewer nodes than bytes, so only alias expansion comes near it, and a few hundred bytes of
// nested aliases cost a walk of thousands of nodes, not hundreds of thousands.
inline constexpr std::size_t nodes_of_any_text = 1'000;
inline constexpr std::size_t nodes_per_text_byte = 16;

// The node bound for a YAML text of `bytes` bytes, at most `max_nodes`.
inline std::size_t node_bound_for(std::size_t bytes, std::size_t max_nodes) {
    if (bytes >= max_nodes / nodes_per_text_byte) return max_nodes;
    return std::min(max_nodes, nodes_of_any_text + nodes_per_text_byte * bytes);
}

// Why a file cannot be read.
enum class file_problem { none, cannot_open, cannot_read, directory, not_regular_file, too_large };

// The text of a file, or why it cannot be read: not a regular file, larger than max_bytes, or
// an error from the system.
struct file_text {
    std::optional<std::string> text;
    std::string problem;  // set when text is not
    file_problem kind = file_problem::none;
    int error_number = 0;  // errno for cannot_open and cannot_read

    file_text() = default;
    // A text from elsewhere (an in-memory reader): nullopt is a file that does not exist.
    file_text(std::string read) : text(std::move(read)) {}
    file_text(std::optional<std::string> read) : text(std::move(read)) {
        if (!text) refuse(file_problem::cannot_open, ENOENT);
    }

    void refuse(file_problem why, int error = 0, std::string text_of_why = {}) {
        text.reset();
        kind = why;
        error_number = error;
        problem = error != 0 ? std::strerror(error) : std::move(text_of_why);
    }
};

inline file_text read_input_file(const std::string& path, std::size_t max_bytes) {
    file_text result;
    // O_NONBLOCK: opening a FIFO without a writer does not wait; regular files ignore it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        result.refuse(file_problem::cannot_open, errno);
        return result;
    }
    struct ::stat info {};
    if (::fstat(fd, &info) != 0) {
        result.refuse(file_problem::cannot_read, errno);
    } else if (S_ISDIR(info.st_mode)) {
        result.refuse(file_problem::directory, 0, "is a directory, not a file");
    } else if (!S_ISREG(info.st_mode)) {
        result.refuse(file_problem::not_regular_file, 0,
                      "is not a regular file (a device, FIFO or socket)");
    } else if (static_cast<std::size_t>(info.st_size) > max_bytes) {
        result.refuse(file_problem::too_large, 0,
                      "is " + std::to_string(info.st_size) + " bytes, more than the " +
                          std::to_string(max_bytes) + " bytes allowed");
    } else {
        std::string text;
        text.reserve(static_cast<std::size_t>(info.st_size));
        char buffer[65536];
        for (;;) {
            const ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                result.refuse(file_problem::cannot_read, errno);
                break;
            }
            if (got == 0) {
                result.text = std::move(text);
                break;
            }
            text.append(buffer, static_cast<std::size_t>(got));
            if (text.size() > max_bytes) {  // grew while being read
                result.refuse(file_problem::too_large, 0,
                              "is more than the " + std::to_string(max_bytes) + " bytes allowed");
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
            too_deep_ = true;
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
    // Whether the depth bound was passed (otherwise, when spent, the node count).
    bool too_deep() const { return too_deep_; }
    const std::string& problem() const { return problem_; }
    int depth() const { return depth_; }

private:
    int max_depth_;
    int depth_ = 0;
    std::size_t nodes_left_;
    std::size_t max_nodes_;
    std::string problem_;
    bool too_deep_ = false;
};

}  // namespace eg::limits
