#pragma once
// Bounding a parsed YAML document before anything reads it. yaml-cpp shares an anchored node
// between all its aliases (a node may even contain itself: `a: &a [*a]`), so a document of a
// few hundred bytes can stand for billions of nodes, or for an endless nesting. check_yaml_document
// walks the document once, iteratively (its memory grows with the depth, not the size), counting
// every node against a document_budget, each alias once per use, and stops at the first bound
// passed. A reader that has checked a document may walk it recursively: the depth is bounded.
//
// yaml-cpp's own parser stops at about 500 levels with YAML::DeepRecursion ("bad file"):
// deep_recursion_problem words it as the nesting bound it passes.

#include <eg/input_limits.hpp>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

namespace eg::limits {

// A bound passed by a document, and where.
struct yaml_limit_problem {
    bool too_deep = false;  // the depth bound; otherwise the node count
    std::string message;    // "nested deeper than 64 levels", from document_budget
    YAML::Mark mark;        // the node at which the bound was passed (0-based)
};

namespace yaml_limits_detail {

// One mapping or sequence being walked: its entries not yet visited.
struct open_node {
    YAML::const_iterator next;
    YAML::const_iterator end;
    bool is_map = false;
    std::optional<YAML::Node> value_due;  // a map entry's value, visited after its key
};

}  // namespace yaml_limits_detail

// The first bound `budget` sets that `root` passes, or nullopt when the whole document fits.
inline std::optional<yaml_limit_problem> check_yaml_document(
    const YAML::Node& root, document_budget budget = document_budget()) {
    using yaml_limits_detail::open_node;
    std::vector<open_node> path;
    std::optional<yaml_limit_problem> problem;
    // Counts a node, and opens it when it has entries; false once a bound is passed.
    const auto visit = [&](const YAML::Node& node) {
        const bool container = node.IsMap() || node.IsSequence();
        if (container ? !budget.enter() : !budget.count()) {
            problem = yaml_limit_problem{budget.too_deep(), budget.problem(), node.Mark()};
            return false;
        }
        if (container) path.push_back({node.begin(), node.end(), node.IsMap(), std::nullopt});
        return true;
    };
    if (!visit(root)) return problem;
    while (!path.empty()) {
        auto& top = path.back();
        if (top.value_due) {
            const YAML::Node value = *top.value_due;
            top.value_due.reset();
            if (!visit(value)) return problem;
            continue;
        }
        if (top.next == top.end) {
            path.pop_back();
            budget.leave();
            continue;
        }
        const auto entry = *top.next;
        ++top.next;
        if (top.is_map) {
            top.value_due = entry.second;
            if (!visit(entry.first)) return problem;
        } else if (!visit(entry)) {
            return problem;
        }
    }
    return std::nullopt;
}

// The nesting bound, for a document yaml-cpp refused as too deep to parse.
inline yaml_limit_problem deep_recursion_problem(const YAML::DeepRecursion& e) {
    return {true, "nested deeper than " + std::to_string(max_nesting_depth) + " levels", e.mark};
}

}  // namespace eg::limits
