#include "daemon/http/http_request_parser.hpp"

#include <algorithm>
#include <limits>

namespace eg::server {

namespace {

constexpr std::size_t max_empty_lines_before_request = 8;
constexpr std::size_t max_chunk_size_line = 1024;
constexpr std::size_t max_chunk_size_digits = 15;  // 2^60 bytes: far beyond any limit

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_text(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 tchar: the characters of a method or a header field name.
bool is_token_char(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The comma-separated elements of every header named `name`, trimmed, empty ones dropped.
std::vector<std::string> list_values(const std::vector<http_header>& headers,
                                     std::string_view name) {
    std::vector<std::string> values;
    for (const auto& header : headers) {
        if (!same_text(header.name, name)) continue;
        std::string_view rest = header.value;
        while (true) {
            const auto comma = rest.find(',');
            const auto element = trimmed(rest.substr(0, comma));
            if (!element.empty()) values.emplace_back(element);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return values;
}

std::string lowered(std::string text) {
    for (char& c : text) c = lower(c);
    return text;
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 40)) out += c >= 0x20 && c < 0x7f ? c : '?';
    return out;
}

}  // namespace

const std::string* http_request::header(std::string_view name) const {
    for (const auto& h : headers)
        if (same_text(h.name, name)) return &h.value;
    return nullptr;
}

http_request_parser::http_request_parser(http_limits limits) : limits_(std::move(limits)) {}

void http_request_parser::reset() {
    state_ = progress::head;
    step_ = step::method;
    started_ = false;
    saw_cr_ = false;
    head_bytes_ = 0;
    empty_lines_ = 0;
    version_.clear();
    line_.clear();
    remaining_ = 0;
    request_ = http_request{};
    error_ = http_error{};
}

std::size_t http_request_parser::feed(std::string_view input) {
    std::size_t used = 0;
    while (used < input.size() && (state_ == progress::head || state_ == progress::body)) {
        if (step_ == step::body_length || step_ == step::chunk_data) {
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size() - used));
            request_.body.append(input.data() + used, n);
            used += n;
            remaining_ -= n;
            if (remaining_ == 0) {
                if (step_ == step::body_length)
                    complete();
                else
                    step_ = step::chunk_data_end;
            }
            continue;
        }
        used += head_byte(input[used]);
    }
    return used;
}

void http_request_parser::fail(int status, std::string message) {
    state_ = progress::failed;
    step_ = step::done;
    error_ = {status, std::move(message)};
}

void http_request_parser::complete() {
    state_ = progress::complete;
    step_ = step::done;
}

std::string http_request_parser::too_large_message() const {
    if (limits_.max_body_bytes == 0) return "the request body is too large";
    std::string message =
        "the request body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes";
    if (!limits_.body_limit_name.empty()) message += " (" + limits_.body_limit_name + ")";
    return message;
}

bool http_request_parser::count_head_byte() {
    if (++head_bytes_ <= limits_.max_head_bytes) return true;
    fail(431, "the request line and headers are larger than " +
                  std::to_string(limits_.max_head_bytes) + " bytes");
    return false;
}

std::size_t http_request_parser::head_byte(char c) {
    const bool in_chunk_framing = step_ == step::chunk_size_line || step_ == step::chunk_data_end;
    if (!in_chunk_framing && !count_head_byte()) return 1;
    if (saw_cr_) {
        saw_cr_ = false;
        if (c != '\n') {
            fail(400, "malformed request: a CR not followed by LF");
            return 1;
        }
    } else if (c == '\r' && step_ != step::target) {
        saw_cr_ = true;
        return 1;
    }
    const bool line_end = c == '\n';
    switch (step_) {
        case step::method:
        case step::target:
        case step::version:
            request_line_byte(c, line_end);
            break;
        case step::header_line:
        case step::trailer_line:
        case step::chunk_size_line:
            field_line_byte(c, line_end);
            break;
        case step::chunk_data_end:
            if (line_end)
                step_ = step::chunk_size_line;
            else
                fail(400, "malformed chunked body: chunk data not followed by CRLF");
            break;
        default:
            break;
    }
    return 1;
}

void http_request_parser::request_line_byte(char c, bool line_end) {
    const std::string malformed_line =
        "malformed request line: this server speaks HTTP/1.1 (METHOD /target HTTP/1.1)";
    if (step_ == step::method) {
        if (line_end && request_.method.empty()) {
            if (++empty_lines_ > max_empty_lines_before_request) fail(400, malformed_line);
        } else if (is_token_char(c)) {
            started_ = true;
            request_.method += c;
        } else if (c == ' ' && !request_.method.empty()) {
            step_ = step::target;
        } else {
            started_ = true;
            fail(400, malformed_line);
        }
    } else if (step_ == step::target) {
        if (c == ' ' && !request_.target.empty()) {
            step_ = step::version;
        } else if (c > 0x20 && c < 0x7f) {
            request_.target += c;
            if (request_.target.size() > limits_.max_target_bytes)
                fail(414, "the request target is longer than " +
                              std::to_string(limits_.max_target_bytes) + " bytes");
        } else {
            fail(400, malformed_line);
        }
    } else if (line_end) {
        end_of_request_line();
    } else {
        version_ += c;
        constexpr std::string_view shape = "HTTP/d.d";
        const std::size_t i = version_.size() - 1;
        const bool fits =
            i < shape.size() && (shape[i] == 'd' ? c >= '0' && c <= '9' : c == shape[i]);
        if (!fits) fail(400, malformed_line);
    }
}

void http_request_parser::field_line_byte(char c, bool line_end) {
    if (line_end) {
        if (step_ == step::chunk_size_line)
            end_of_chunk_size_line();
        else
            end_of_header_line();
        line_.clear();
        return;
    }
    line_ += c;
    if (step_ == step::chunk_size_line && line_.size() > max_chunk_size_line)
        fail(400, "malformed chunked body: a chunk size line longer than " +
                      std::to_string(max_chunk_size_line) + " bytes");
}

void http_request_parser::end_of_request_line() {
    if (version_.size() != 8) {
        fail(400, "malformed request line: this server speaks HTTP/1.1 (METHOD /target HTTP/1.1)");
        return;
    }
    if (version_[5] != '1') {
        fail(505, printable(version_) + " is not supported: this server speaks HTTP/1.1");
        return;
    }
    request_.minor_version = version_[7] - '0';
    step_ = step::header_line;
}

void http_request_parser::end_of_header_line() {
    const bool trailer = step_ == step::trailer_line;
    if (line_.empty()) {
        if (trailer)
            complete();
        else
            end_of_head();
        return;
    }
    if (line_.front() == ' ' || line_.front() == '\t') {
        fail(400, "malformed header: obsolete line folding is not accepted");
        return;
    }
    const auto colon = line_.find(':');
    const std::string_view name = std::string_view(line_).substr(0, colon);
    if (colon == std::string::npos || !is_token(name)) {
        fail(400, "malformed header field \"" + printable(line_) + "\"");
        return;
    }
    const std::string_view value = trimmed(std::string_view(line_).substr(colon + 1));
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
            fail(400, "invalid character in header field " + std::string(name));
            return;
        }
    }
    if (trailer) return;  // trailers are read and dropped
    if (request_.headers.size() >= limits_.max_header_count) {
        fail(431, "more than " + std::to_string(limits_.max_header_count) + " header fields");
        return;
    }
    request_.headers.push_back({std::string(name), std::string(value)});
}

void http_request_parser::end_of_head() {
    bool close = false;
    bool keep_alive = false;
    for (const auto& token : list_values(request_.headers, "Connection")) {
        close |= same_text(token, "close");
        keep_alive |= same_text(token, "keep-alive");
    }
    request_.keep_alive = !close && (request_.minor_version >= 1 || keep_alive);

    const bool has_length = request_.header("Content-Length") != nullptr;
    if (request_.header("Transfer-Encoding") != nullptr) {
        if (has_length) {
            fail(400, "a request with both Content-Length and Transfer-Encoding");
            return;
        }
        if (!chunked_framing()) return;
    } else if (has_length) {
        if (!length_framing()) return;
    } else {
        const auto& m = request_.method;
        if (m == "POST" || m == "PUT" || m == "PATCH") {
            fail(411, m + " needs Content-Length or Transfer-Encoding: chunked");
            return;
        }
        complete();
        return;
    }
    state_ = progress::body;
    const std::string* expect = request_.header("Expect");
    request_.expects_continue = expect != nullptr && request_.minor_version >= 1 &&
                                lowered(std::string(trimmed(*expect))) == "100-continue";
}

bool http_request_parser::chunked_framing() {
    const auto codings = list_values(request_.headers, "Transfer-Encoding");
    for (const auto& coding : codings)
        if (!same_text(coding, "chunked")) {
            fail(501,
                 "transfer coding \"" + printable(coding) + "\" is not supported (only chunked)");
            return false;
        }
    if (codings.size() != 1) {
        fail(400, "malformed Transfer-Encoding: chunked expected once");
        return false;
    }
    step_ = step::chunk_size_line;
    return true;
}

bool http_request_parser::length_framing() {
    const auto lengths = list_values(request_.headers, "Content-Length");
    std::uint64_t length = 0;
    bool overflow = false;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
        const auto& text = lengths[i];
        if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            fail(400, "invalid Content-Length \"" + printable(text) + "\"");
            return false;
        }
        std::uint64_t value = 0;
        bool too_big = false;
        for (char c : text) {
            const auto digit = static_cast<std::uint64_t>(c - '0');
            if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                too_big = true;
            else
                value = value * 10 + digit;
        }
        if (i > 0 && (value != length || too_big != overflow)) {
            fail(400, "different Content-Length values");
            return false;
        }
        length = value;
        overflow = too_big;
    }
    if (lengths.empty()) {
        fail(400, "invalid Content-Length \"\"");
        return false;
    }
    if (overflow || (limits_.max_body_bytes > 0 && length > limits_.max_body_bytes)) {
        fail(413, too_large_message());
        return false;
    }
    if (length == 0) {
        complete();
        return false;
    }
    remaining_ = length;
    step_ = step::body_length;
    return true;
}

void http_request_parser::end_of_chunk_size_line() {
    std::string_view size_text = std::string_view(line_).substr(0, line_.find(';'));
    size_text = trimmed(size_text);
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (char c : size_text) {
        int value = -1;
        if (c >= '0' && c <= '9') value = c - '0';
        if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
        if (value < 0) {
            fail(400,
                 "malformed chunked body: invalid chunk size \"" + printable(size_text) + "\"");
            return;
        }
        if (size != 0 || value != 0) ++digits;
        if (digits > max_chunk_size_digits) {
            fail(413, too_large_message());
            return;
        }
        size = size * 16 + static_cast<std::uint64_t>(value);
    }
    if (size_text.empty()) {
        fail(400, "malformed chunked body: a chunk without its size");
        return;
    }
    if (size == 0) {
        step_ = step::trailer_line;
        return;
    }
    if (limits_.max_body_bytes > 0 &&
        size > limits_.max_body_bytes -
                   std::min<std::uint64_t>(request_.body.size(), limits_.max_body_bytes)) {
        fail(413, too_large_message());
        return;
    }
    remaining_ = size;
    step_ = step::chunk_data;
}

}  // namespace eg::server
