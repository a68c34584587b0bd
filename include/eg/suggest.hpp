#pragma once
// "Did you mean" suggestions: the closest known spelling, only when it is really close.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace eg::diag {

// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]))
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[m];
}

// The candidate closest to `word`, if within a third of its length (at least 1, at most 3 edits).
inline std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const auto& candidate : candidates) {
        // The distance is at least the difference in length: skip without computing it (a
        // long unknown word costs nothing against short candidates).
        const std::size_t length_gap = word.size() > candidate.size()
                                           ? word.size() - candidate.size()
                                           : candidate.size() - word.size();
        if (length_gap >= best_distance) continue;
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

// "did you mean 'cluster-role'?" or "" when nothing is close.
inline std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best = closest(word, candidates);
    return best.empty() ? std::string{} : "did you mean '" + best + "'?";
}

}  // namespace eg::diag
