#include "daemon/http/http_request_parser.hpp"

#include "daemon/http/http_text.hpp"

#include <algorithm>
#include <limits>

namespace eg::server {

namespace {

using http_text::printable;
using http_text::same_text;
using http_text::trimmed;

constexpr std::size_t max_empty_lines_before_request = 8;
constexpr std::size_t max_chunk_size_line = 1024;

// The comma-separated elements of every header named `name`, trimmed, empty ones dropped.
std::vector<std::string> list_values(const std::vector<http_header>& headers,
                                     std::string_view name) {
    std::vector<std::string> values;
    http_text::for_each_list_element(
        headers, name, [&](std::string_view element) { values.emplace_back(element); });
    return values;
}

std::string lowered(std::string text) {
    for (char& c : text) c = http_text::lower(c);
    return text;
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
        } else if (http_text::is_token_char(c)) {
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
    if (colon == std::string::npos || !http_text::is_token(name)) {
        fail(400, "malformed header field \"" + printable(line_) + "\"");
        return;
    }
    const std::string_view value = trimmed(std::string_view(line_).substr(colon + 1));
    if (!http_text::is_field_value(value)) {
        fail(400, "invalid character in header field " + std::string(name));
        return;
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
        const auto parsed = http_text::parse_decimal_length(lengths[i]);
        if (!parsed.valid) {
            fail(400, "invalid Content-Length \"" + printable(lengths[i]) + "\"");
            return false;
        }
        if (i > 0 && (parsed.value != length || parsed.overflow != overflow)) {
            fail(400, "different Content-Length values");
            return false;
        }
        length = parsed.value;
        overflow = parsed.overflow;
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
    const auto parsed = http_text::parse_chunk_size(line_);
    if (parsed.too_large) {
        fail(413, too_large_message());
        return;
    }
    if (!parsed.valid) {
        const auto size_text =
            http_text::trimmed(std::string_view(line_).substr(0, line_.find(';')));
        fail(400,
             size_text.empty()
                 ? std::string("malformed chunked body: a chunk without its size")
                 : "malformed chunked body: invalid chunk size \"" + printable(size_text) + "\"");
        return;
    }
    const std::uint64_t size = parsed.value;
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
