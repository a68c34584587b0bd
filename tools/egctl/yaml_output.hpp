#pragma once
// JSON as YAML text, byte for byte as upstream egctl prints it. Upstream converts with two Go
// libraries, so there are two dialects:
//   v3 (`-o yaml`, go-yaml v3): 4-space indentation, a sequence indented under its key;
//   v2 (describe values, go-yaml v2): 2-space indentation, a sequence flush with its key.
// Both sort map keys the way go-yaml does (digit runs by value), write a string plain unless a
// YAML reader would take it for another type or its characters need quoting (then 'single' or
// "double" quotes), and write multi-line strings as literal blocks (|, |-, |+).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace eg::ctl {

enum class yaml_dialect { v3, v2 };

namespace yaml_detail {

struct code_point {
    char32_t value;
    std::size_t length;  // bytes
};

// The UTF-8 character at `i` (an invalid byte reads as itself, one byte long).
inline code_point decode_utf8(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    const auto continuation = [&](std::size_t n) {
        for (std::size_t k = 1; k <= n; ++k)
            if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) return false;
        return true;
    };
    if (b < 0x80) return {b, 1};
    if ((b & 0xE0) == 0xC0 && continuation(1))
        return {static_cast<char32_t>(((b & 0x1F) << 6) | (byte(i + 1) & 0x3F)), 2};
    if ((b & 0xF0) == 0xE0 && continuation(2))
        return {static_cast<char32_t>(((b & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) |
                                      (byte(i + 2) & 0x3F)),
                3};
    if ((b & 0xF8) == 0xF0 && continuation(3))
        return {static_cast<char32_t>(((b & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) |
                                      ((byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F)),
                4};
    return {b, 1};
}

// libyaml's printable set (it excludes characters outside the BMP).
inline bool is_printable(char32_t c) {
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
}

inline bool is_break(char32_t c) {
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

// A plain scalar go-yaml would read back as something other than a string: null, a bool
// (old YAML 1.1 spellings included), a number, a timestamp, a base-60 float or a merge key.
inline bool resolves_to_non_string(std::string_view s) {
    static const std::regex special(
        "|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
        "|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
        "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|<<");
    static const std::regex number(
        "[-+]?(0|[1-9][0-9]*)"                                      // decimal
        "|[-+]?0[0-7]+"                                             // YAML 1.1 octal
        "|[-+]?0[xX][0-9a-fA-F]+"                                   // hex
        "|[-+]?0[oO][0-7]+"                                         // YAML 1.2 octal
        "|[-+]?0[bB][01]+"                                          // binary
        "|[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");  // float
    static const std::regex timestamp(
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        "([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
        "| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]+)?)?");
    static const std::regex base60("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
    if (std::regex_match(s.begin(), s.end(), special)) return true;
    if (s.empty()) return true;
    const char first = s.front();
    if (first == '.') {
        static const std::regex dot_float("\\.[0-9]+([eE][-+]?[0-9]+)?");
        return std::regex_match(s.begin(), s.end(), dot_float);
    }
    if (!((first >= '0' && first <= '9') || first == '-' || first == '+')) return false;
    std::string plain(s);
    std::erase(plain, '_');  // go-yaml drops underscores before reading a number
    return std::regex_match(plain, number) || std::regex_match(s.begin(), s.end(), timestamp) ||
           std::regex_match(s.begin(), s.end(), base60);
}

// What libyaml's scalar analysis allows for the text, in block context.
struct scalar_analysis {
    bool multiline = false;
    bool plain_allowed = true;
    bool single_quoted_allowed = true;
    bool block_allowed = true;
};

inline scalar_analysis analyze(std::string_view s, yaml_dialect dialect) {
    scalar_analysis a;
    if (s.empty()) {
        a.block_allowed = false;
        return a;
    }
    bool indicators = s.starts_with("---") || s.starts_with("...");
    bool leading_space = false, leading_break = false, trailing_space = false;
    bool trailing_break = false, break_space = false, space_break = false;
    bool tabs = false, special = false, previous_space = false, previous_break = false;
    bool preceded_by_whitespace = true;
    for (std::size_t i = 0; i < s.size();) {
        const auto [c, width] = decode_utf8(s, i);
        const bool followed_by_whitespace =
            i + width >= s.size() || s[i + width] == ' ' || s[i + width] == '\t';
        if (i == 0) {
            switch (c) {
                case '#':
                case ',':
                case '[':
                case ']':
                case '{':
                case '}':
                case '&':
                case '*':
                case '!':
                case '|':
                case '>':
                case '\'':
                case '"':
                case '%':
                case '@':
                case '`':
                    indicators = true;
                    break;
                case '?':
                case ':':
                case '-':
                    if (followed_by_whitespace) indicators = true;
                    break;
                default:
                    break;
            }
        } else if ((c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace)) {
            indicators = true;
        }
        if (c == '\t' && dialect == yaml_dialect::v3)
            tabs = true;
        else if (!is_printable(c))
            special = true;
        const bool last = i + width == s.size();
        if (c == ' ') {
            if (i == 0) leading_space = true;
            if (last) trailing_space = true;
            if (previous_break) break_space = true;
            previous_space = true;
            previous_break = false;
        } else if (is_break(c)) {
            a.multiline = true;
            if (i == 0) leading_break = true;
            if (last) trailing_break = true;
            if (previous_space) space_break = true;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
        i += width;
    }
    if (leading_space || leading_break || trailing_space || trailing_break) a.plain_allowed = false;
    if (trailing_space) a.block_allowed = false;
    if (break_space) a.plain_allowed = a.single_quoted_allowed = false;
    if (space_break || tabs || special) a.plain_allowed = a.single_quoted_allowed = false;
    if (space_break || special) a.block_allowed = false;
    if (a.multiline) a.plain_allowed = false;
    if (indicators) a.plain_allowed = false;
    return a;
}

inline std::string double_quoted(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const auto [c, width] = decode_utf8(s, i);
        const bool escape = !is_printable(c) || c == 0xFEFF || is_break(c) || c == '"' || c == '\\';
        if (!escape) {
            out.append(s.substr(i, width));
            i += width;
            continue;
        }
        i += width;
        out += '\\';
        switch (c) {
            case 0:
                out += '0';
                continue;
            case 0x07:
                out += 'a';
                continue;
            case 0x08:
                out += 'b';
                continue;
            case 0x09:
                out += 't';
                continue;
            case 0x0A:
                out += 'n';
                continue;
            case 0x0B:
                out += 'v';
                continue;
            case 0x0C:
                out += 'f';
                continue;
            case 0x0D:
                out += 'r';
                continue;
            case 0x1B:
                out += 'e';
                continue;
            case '"':
                out += '"';
                continue;
            case '\\':
                out += '\\';
                continue;
            case 0x85:
                out += 'N';
                continue;
            case 0xA0:
                out += '_';
                continue;
            case 0x2028:
                out += 'L';
                continue;
            case 0x2029:
                out += 'P';
                continue;
            default:
                break;
        }
        int digits = 2;
        if (c > 0xFF) digits = c > 0xFFFF ? 8 : 4;
        out += digits == 2 ? 'x' : (digits == 4 ? 'u' : 'U');
        for (int k = digits - 1; k >= 0; --k) out += hex[(c >> (4 * k)) & 0xF];
    }
    return out + "\"";
}

inline std::string single_quoted(std::string_view s) {
    std::string out = "'";
    for (const char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// A literal block as libyaml writes it: the header (|, |-, |+; an indentation digit when the
// text starts with a space or a break), then the lines indented by `indent`, empty lines bare.
// Ends with a newline exactly when the text does.
inline std::string literal_block(std::string_view s, int indent, int best_indent) {
    std::string out = "|";
    if (!s.empty() && (s.front() == ' ' || s.front() == '\n'))
        out += static_cast<char>('0' + best_indent);
    if (s.empty() || s.back() != '\n')
        out += '-';
    else if (s.size() == 1 || s[s.size() - 2] == '\n')
        out += '+';
    bool at_line_start = false;  // just after a written line break
    bool breaks = true;          // the next character starts a line
    for (const char c : s) {
        if (c == '\n') {
            out += '\n';
            at_line_start = true;
            breaks = true;
            continue;
        }
        if (breaks) {
            if (!at_line_start) out += '\n';
            out.append(static_cast<std::size_t>(indent), ' ');
            breaks = false;
        }
        out += c;
        at_line_start = false;
    }
    return out;
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), with YAML's names for the infinities and NaN.
inline std::string go_float(double v) {
    if (std::isnan(v)) return ".nan";
    if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
    if (v == 0) return std::signbit(v) ? "-0" : "0";
    char buffer[64];
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::scientific);
    std::string text(buffer, end.ptr);
    std::string out;
    if (text.front() == '-') {
        out = "-";
        text.erase(0, 1);
    }
    const auto e = text.find('e');
    const int exponent = std::stoi(text.substr(e + 1));
    std::string digits;
    for (const char c : text.substr(0, e))
        if (c != '.') digits += c;
    if (exponent < -4 || exponent >= 6) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        out += exponent < 0 ? "e-" : "e+";
        const int magnitude = std::abs(exponent);
        if (magnitude < 10) out += '0';
        out += std::to_string(magnitude);
        return out;
    }
    if (exponent < 0)
        return out + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= integer_digits)
        return out + digits + std::string(integer_digits - digits.size(), '0');
    return out + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

inline bool is_letter(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
inline bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

inline std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto [c, width] = decode_utf8(s, i);
        out.push_back(c);
        i += width;
    }
    return out;
}

}  // namespace yaml_detail

// go-yaml's order of string map keys: letters by code point, non-letters before letters (v3:
// after them when following a digit), digit runs by numeric value.
inline bool yaml_key_less(std::string_view a, std::string_view b,
                          yaml_dialect dialect = yaml_dialect::v3) {
    using namespace yaml_detail;
    const auto ar = code_points(a);
    const auto br = code_points(b);
    bool digits = false;
    for (std::size_t i = 0; i < ar.size() && i < br.size(); ++i) {
        if (ar[i] == br[i]) {
            digits = is_digit(ar[i]);
            continue;
        }
        const bool al = is_letter(ar[i]);
        const bool bl = is_letter(br[i]);
        if (al && bl) return ar[i] < br[i];
        if (al || bl) return digits && dialect == yaml_dialect::v3 ? al : bl;
        std::size_t ai = i;
        std::size_t bi = i;
        long long an = 0;
        long long bn = 0;
        if (dialect == yaml_dialect::v3 && (ar[i] == '0' || br[i] == '0')) {
            for (std::size_t j = i; j-- > 0 && is_digit(ar[j]);)
                if (ar[j] != '0') {
                    an = bn = 1;
                    break;
                }
        }
        for (; ai < ar.size() && is_digit(ar[ai]); ++ai) an = an * 10 + (ar[ai] - '0');
        for (; bi < br.size() && is_digit(br[bi]); ++bi) bn = bn * 10 + (br[bi] - '0');
        if (an != bn) return an < bn;
        if (ai != bi) return ai < bi;
        return ar[i] < br[i];
    }
    return ar.size() < br.size();
}

// A string as go-yaml writes it: plain, 'single-quoted', "double-quoted" or, unless it is a
// map key, a literal block whose lines are indented by `block_indent`.
inline std::string yaml_string(std::string_view s, yaml_dialect dialect = yaml_dialect::v3,
                               bool map_key = false, int block_indent = 0) {
    using namespace yaml_detail;
    const int best = dialect == yaml_dialect::v3 ? 4 : 2;
    const auto a = analyze(s, dialect);
    if (s.find('\n') != std::string_view::npos) {
        if (a.block_allowed && !map_key) return literal_block(s, block_indent, best);
        return double_quoted(s);
    }
    if (resolves_to_non_string(s)) return double_quoted(s);
    if (a.plain_allowed) return std::string(s);
    if (a.single_quoted_allowed) return single_quoted(s);
    return double_quoted(s);
}

namespace yaml_detail {

template <class Json>
class writer {
public:
    explicit writer(yaml_dialect dialect)
        : dialect_(dialect), best_(dialect == yaml_dialect::v3 ? 4 : 2) {}

    std::string document(const Json& value) {
        if (is_block(value)) {
            node_block(value, 0, false);
        } else {
            end_line(scalar(value, best_));
        }
        return std::move(out_);
    }

private:
    static bool is_block(const Json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

    // Writes a scalar and ends its line (a literal block may end with its own line break).
    void end_line(const std::string& text) {
        out_ += text;
        if (text.empty() || text.back() != '\n') out_ += '\n';
    }

    // The indentation of a block nested in a mapping at `indent`.
    int child_indent(int indent) const {
        return dialect_ == yaml_dialect::v3 ? best_ * ((indent + best_) / best_) : indent + best_;
    }

    std::string scalar(const Json& v, int block_indent) const {
        if (v.is_null()) return "null";
        if (v.is_boolean()) return v.template get<bool>() ? "true" : "false";
        if (v.is_number_unsigned()) return std::to_string(v.template get<std::uint64_t>());
        if (v.is_number_integer()) return std::to_string(v.template get<std::int64_t>());
        if (v.is_number_float()) return go_float(v.template get<double>());
        if (v.is_object()) return "{}";
        if (v.is_array()) return "[]";
        return yaml_string(v.template get_ref<const std::string&>(), dialect_, false, block_indent);
    }

    void node_block(const Json& v, int indent, bool inline_first) {
        if (v.is_object())
            mapping(v, indent, inline_first);
        else
            sequence(v, indent, inline_first);
    }

    void mapping(const Json& object, int indent, bool inline_first) {
        std::vector<std::string_view> keys;
        for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
        std::stable_sort(keys.begin(), keys.end(), [&](std::string_view a, std::string_view b) {
            return yaml_key_less(a, b, dialect_);
        });
        bool first = true;
        for (const auto key : keys) {
            if (!(first && inline_first)) out_.append(static_cast<std::size_t>(indent), ' ');
            first = false;
            out_ += yaml_string(key, dialect_, true);
            out_ += ':';
            const Json& value = object.at(std::string(key));
            if (value.is_object() && !value.empty()) {
                out_ += '\n';
                mapping(value, child_indent(indent), false);
            } else if (value.is_array() && !value.empty()) {
                out_ += '\n';
                sequence(value, dialect_ == yaml_dialect::v3 ? child_indent(indent) : indent,
                         false);
            } else {
                out_ += ' ';
                end_line(scalar(value, child_indent(indent)));
            }
        }
    }

    void sequence(const Json& array, int indent, bool inline_first) {
        bool first = true;
        for (const auto& item : array) {
            if (!(first && inline_first)) out_.append(static_cast<std::size_t>(indent), ' ');
            first = false;
            out_ += "- ";
            if (is_block(item)) {
                node_block(item, indent + 2, true);
            } else {
                end_line(scalar(item, indent + 2));
            }
        }
    }

    yaml_dialect dialect_;
    int best_;
    std::string out_;
};

}  // namespace yaml_detail

// The YAML document for a JSON value, ending with a newline.
template <class Json>
std::string to_yaml(const Json& value, yaml_dialect dialect = yaml_dialect::v3) {
    return yaml_detail::writer<Json>(dialect).document(value);
}

}  // namespace eg::ctl
