#pragma once
// http text: the character and field rules of HTTP/1.1 (RFC 9110 / 9112) shared by the request
// parser (clients of the admin API and of the traffic plane) and the response parser (answers
// of upstream servers), so that both read a token, a field value, a length or a list the same way.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace eg::server::http_text {

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality (header names, tokens such as "chunked" or "close").
inline bool same_text(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 tchar: the characters of a method or a header field name.
constexpr bool is_token_char(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

inline bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// RFC 9110 field-value characters: HTAB, SP, VCHAR and obs-text (no other control character).
constexpr bool is_field_value_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '\t' || (byte >= 0x20 && byte != 0x7f);
}

inline bool is_field_value(std::string_view text) {
    return std::all_of(text.begin(), text.end(), is_field_value_char);
}

// Without leading and trailing optional white space (SP, HTAB).
inline std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Up to 40 characters of `text` fit for a message, other bytes shown as '?'.
inline std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 40)) out += c >= 0x20 && c < 0x7f ? c : '?';
    return out;
}

// Calls `element(std::string_view)` for each comma-separated element of `value`, trimmed,
// empty ones skipped (RFC 9110 §5.6.1 lists).
template <typename Element>
void for_each_list_element(std::string_view value, Element&& element) {
    while (true) {
        const auto comma = value.find(',');
        const auto item = trimmed(value.substr(0, comma));
        if (!item.empty()) element(item);
        if (comma == std::string_view::npos) return;
        value.remove_prefix(comma + 1);
    }
}

// The list elements of every field of `fields` named `name` (a range of objects with `name`
// and `value`), in order.
template <typename Fields, typename Element>
void for_each_list_element(const Fields& fields, std::string_view name, Element&& element) {
    for (const auto& field : fields)
        if (same_text(field.name, name)) for_each_list_element(field.value, element);
}

// The value of a Content-Length element: 1*DIGIT. Empty when malformed; `overflow` is set when
// the digits are valid but do not fit 64 bits.
struct decimal_length {
    std::uint64_t value = 0;
    bool valid = false;
    bool overflow = false;
};

inline decimal_length parse_decimal_length(std::string_view text) {
    decimal_length result;
    if (text.empty()) return result;
    for (char c : text) {
        if (c < '0' || c > '9') return result;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (result.value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            result.overflow = true;
        else if (!result.overflow)
            result.value = result.value * 10 + digit;
    }
    result.valid = true;
    return result;
}

// The value of one hex digit, or -1.
constexpr int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Significant hex digits a chunk size may have: 2^60 bytes, far beyond any limit.
constexpr std::size_t max_chunk_size_digits = 15;

// The size of a chunk size line (extensions after ';' ignored, white space around trimmed).
// `too_large` when it has more than max_chunk_size_digits significant digits.
struct chunk_size {
    std::uint64_t value = 0;
    bool valid = false;
    bool too_large = false;
};

inline chunk_size parse_chunk_size(std::string_view line) {
    chunk_size result;
    const auto text = trimmed(line.substr(0, line.find(';')));
    if (text.empty()) return result;
    std::size_t digits = 0;
    for (char c : text) {
        const int value = hex_digit(c);
        if (value < 0) return result;
        if (result.value != 0 || value != 0) ++digits;
        if (digits > max_chunk_size_digits) {
            result.too_large = true;
            return result;
        }
        result.value = result.value * 16 + static_cast<std::uint64_t>(value);
    }
    result.valid = true;
    return result;
}

}  // namespace eg::server::http_text
