#include "daemon/traffic/http_response_parser.hpp"

#include "daemon/http/http_text.hpp"

#include <algorithm>

namespace eg::server {

namespace {

using http_text::printable;
using http_text::same_text;

std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

std::string_view http_response_head::header(std::string_view name) const {
    for (const auto& field : headers)
        if (same_text(field.name, name)) return field.value;
    return {};
}

bool http_response_head::has(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const http_field_view& field) { return same_text(field.name, name); });
}

std::string_view to_string(http_response_error error) {
    switch (error) {
        case http_response_error::none:
            return "none";
        case http_response_error::malformed:
            return "malformed";
        case http_response_error::head_too_large:
            return "head too large";
        case http_response_error::too_many_headers:
            return "too many headers";
        case http_response_error::chunk_line_too_long:
            return "chunk size line too long";
        case http_response_error::body_too_large:
            return "body too large";
        case http_response_error::truncated:
            return "truncated";
    }
    return "unknown";
}

http_response_parser::http_response_parser(http_response_limits limits) : limits_(limits) {
    start();
}

void http_response_parser::start(bool to_head_request) {
    to_head_request_ = to_head_request;
    state_ = progress::head;
    step_ = step::status_line;
    head_text_.clear();
    fields_.clear();
    reason_at_ = reason_size_ = 0;
    line_.clear();
    line_limit_ = limits_.max_head_bytes;
    remaining_ = 0;
    body_bytes_ = 0;
    head_ = http_response_head{};
    error_ = http_response_error::none;
    error_message_.clear();
}

void http_response_parser::fail(http_response_error error, std::string message) {
    state_ = progress::failed;
    step_ = step::done;
    error_ = error;
    error_message_ = std::move(message);
}

void http_response_parser::complete() {
    state_ = progress::complete;
    step_ = step::done;
}

http_response_parser::fed http_response_parser::feed(std::string_view input) {
    fed result;
    while (result.used < input.size() && (state_ == progress::head || state_ == progress::body)) {
        const auto rest = input.substr(result.used);
        if (step_ == step::length || step_ == step::chunk_data || step_ == step::until_close) {
            result.body = body_bytes(rest);
            result.used += result.body.size();
            return result;
        }
        const bool in_head = state_ == progress::head;
        result.used += line_bytes(rest);
        if (in_head && state_ != progress::head) return result;
    }
    return result;
}

void http_response_parser::end_of_input() {
    if (state_ != progress::head && state_ != progress::body) return;
    if (step_ == step::until_close) {
        complete();
        return;
    }
    const bool nothing = state_ == progress::head && line_.empty() && step_ == step::status_line;
    fail(http_response_error::truncated,
         nothing ? "the upstream closed the connection before sending a response"
                 : "the upstream closed the connection before the end of its response");
}

std::string_view http_response_parser::body_bytes(std::string_view input) {
    if (step_ == step::until_close) {
        if (limits_.max_body_bytes > 0 && input.size() > limits_.max_body_bytes - body_bytes_) {
            fail(http_response_error::body_too_large, "the upstream response body is larger than " +
                                                          std::to_string(limits_.max_body_bytes) +
                                                          " bytes");
            return {};
        }
        body_bytes_ += input.size();
        return input;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    remaining_ -= n;
    body_bytes_ += n;
    if (remaining_ == 0) {
        if (step_ == step::length) {
            complete();
        } else {
            step_ = step::chunk_end;
            line_limit_ = 2;  // CRLF
        }
    }
    return input.substr(0, n);
}

std::size_t http_response_parser::line_bytes(std::string_view input) {
    const auto lf = input.find('\n');
    const auto piece = input.substr(0, lf);
    // The line with its LF must fit line_limit_; fail as soon as it cannot.
    if (line_.size() + piece.size() + 1 > line_limit_) {
        switch (step_) {
            case step::status_line:
            case step::header_line:
                fail(http_response_error::head_too_large,
                     "the upstream response's status line and headers are larger than " +
                         std::to_string(limits_.max_head_bytes) + " bytes");
                break;
            case step::trailer_line:
                fail(http_response_error::head_too_large,
                     "the upstream response's trailers are larger than " +
                         std::to_string(limits_.max_head_bytes) + " bytes");
                break;
            case step::chunk_size_line:
                fail(http_response_error::chunk_line_too_long,
                     "a chunk size line of the upstream response is longer than " +
                         std::to_string(limits_.max_chunk_line_bytes) + " bytes");
                break;
            default:
                fail(http_response_error::malformed,
                     "malformed chunked body: chunk data not followed by CRLF");
                break;
        }
        return piece.size() + (lf == std::string_view::npos ? 0 : 1);
    }
    if (lf == std::string_view::npos) {
        line_.append(piece);
        return piece.size();
    }
    if (line_.empty()) {
        end_of_line(piece);
    } else {
        line_.append(piece);
        const std::string line = std::move(line_);
        line_.clear();
        end_of_line(line);
    }
    return lf + 1;
}

void http_response_parser::end_of_line(std::string_view raw) {
    const auto line = without_cr(raw);
    if (line.find('\r') != std::string_view::npos) {
        fail(http_response_error::malformed,
             "malformed upstream response: a CR not followed by LF");
        return;
    }
    const std::size_t used = raw.size() + 1;
    switch (step_) {
        case step::status_line:
            line_limit_ -= used;
            status_line(line);
            break;
        case step::header_line:
            line_limit_ -= used;
            header_line(line);
            break;
        case step::chunk_size_line:
            chunk_size_line(line);
            break;
        case step::chunk_end:
            if (!line.empty()) {
                fail(http_response_error::malformed,
                     "malformed chunked body: chunk data not followed by CRLF");
                return;
            }
            step_ = step::chunk_size_line;
            line_limit_ = limits_.max_chunk_line_bytes;
            break;
        case step::trailer_line:
            line_limit_ -= used;
            if (line.empty()) {
                complete();
            } else {
                const auto colon = line.find(':');
                if (colon == std::string_view::npos ||
                    !http_text::is_token(line.substr(0, colon)) ||
                    !http_text::is_field_value(line.substr(colon + 1)))
                    fail(http_response_error::malformed,
                         "malformed trailer field \"" + printable(line) + "\"");
            }
            break;
        default:
            break;
    }
}

void http_response_parser::status_line(std::string_view line) {
    const auto malformed = [&] {
        fail(http_response_error::malformed,
             "malformed upstream status line \"" + printable(line) + "\"");
    };
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[7] < '0' || line[7] > '9' ||
        line[8] != ' ') {
        malformed();
        return;
    }
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9') {
            malformed();
            return;
        }
        status = status * 10 + (line[i] - '0');
    }
    if (status < 100 || (line.size() > 12 && line[12] != ' ')) {
        malformed();
        return;
    }
    const auto reason = line.size() > 12 ? line.substr(13) : std::string_view{};
    if (!http_text::is_field_value(reason)) {
        malformed();
        return;
    }
    head_.minor_version = line[7] - '0';
    head_.status = status;
    reason_at_ = head_text_.size();
    reason_size_ = reason.size();
    head_text_.append(reason);
    step_ = step::header_line;
}

void http_response_parser::header_line(std::string_view line) {
    if (line.empty()) {
        end_of_head();
        return;
    }
    if (line.front() == ' ' || line.front() == '\t') {
        fail(http_response_error::malformed,
             "malformed upstream header: obsolete line folding is not accepted");
        return;
    }
    const auto colon = line.find(':');
    const auto name = line.substr(0, colon);
    if (colon == std::string_view::npos || !http_text::is_token(name)) {
        fail(http_response_error::malformed,
             "malformed upstream header field \"" + printable(line) + "\"");
        return;
    }
    const auto value = http_text::trimmed(line.substr(colon + 1));
    if (!http_text::is_field_value(value)) {
        fail(http_response_error::malformed,
             "invalid character in upstream header field " + printable(name));
        return;
    }
    if (fields_.size() >= limits_.max_header_count) {
        fail(http_response_error::too_many_headers, "the upstream response has more than " +
                                                        std::to_string(limits_.max_header_count) +
                                                        " header fields");
        return;
    }
    const auto name_at = head_text_.size();
    head_text_.append(name);
    const auto value_at = head_text_.size();
    head_text_.append(value);
    fields_.push_back({name_at, name.size(), value_at, value.size()});
}

void http_response_parser::end_of_head() {
    const std::string_view text = head_text_;
    head_.reason = text.substr(reason_at_, reason_size_);
    head_.headers.reserve(fields_.size());
    for (const auto& f : fields_)
        head_.headers.push_back(
            {text.substr(f.name_at, f.name_size), text.substr(f.value_at, f.value_size)});

    bool close = false;
    bool keep_alive = false;
    http_text::for_each_list_element(head_.headers, "Connection", [&](std::string_view token) {
        close |= same_text(token, "close");
        keep_alive |= same_text(token, "keep-alive");
    });
    head_.keep_alive = !close && (head_.minor_version >= 1 || keep_alive);

    if (!choose_framing()) return;
    if (head_.framing == http_body_framing::none ||
        (head_.framing == http_body_framing::length && head_.content_length == 0)) {
        complete();
        return;
    }
    state_ = progress::body;
    switch (head_.framing) {
        case http_body_framing::length:
            step_ = step::length;
            remaining_ = head_.content_length;
            break;
        case http_body_framing::chunked:
            step_ = step::chunk_size_line;
            line_limit_ = limits_.max_chunk_line_bytes;
            break;
        default:
            step_ = step::until_close;
            break;
    }
}

bool http_response_parser::choose_framing() {
    const int status = head_.status;
    if (status < 200) {
        head_.framing = http_body_framing::none;
        if (status == 101) head_.keep_alive = false;  // the connection now speaks another protocol
        return true;
    }
    if (to_head_request_ || status == 204 || status == 304) {
        head_.framing = http_body_framing::none;
        return true;
    }
    const bool has_length = head_.has("Content-Length");
    if (head_.has("Transfer-Encoding") && head_.minor_version >= 1) {
        std::size_t chunked = 0;
        bool last_chunked = false;
        http_text::for_each_list_element(head_.headers, "Transfer-Encoding",
                                         [&](std::string_view coding) {
                                             last_chunked = same_text(coding, "chunked");
                                             chunked += last_chunked ? 1 : 0;
                                         });
        if (chunked > 1 || (chunked == 1 && !last_chunked)) {
            fail(http_response_error::malformed,
                 "malformed upstream Transfer-Encoding: chunked must be the last coding, once");
            return false;
        }
        head_.framing = last_chunked ? http_body_framing::chunked : http_body_framing::until_close;
        // A response with both framings may be an attempt at smuggling: never reuse it.
        if (has_length || !last_chunked) head_.keep_alive = false;
        return true;
    }
    if (!has_length) {
        head_.framing = http_body_framing::until_close;
        head_.keep_alive = false;
        return true;
    }
    std::uint64_t length = 0;
    bool overflow = false;
    bool first = true;
    bool valid = true;
    bool same = true;
    http_text::for_each_list_element(head_.headers, "Content-Length", [&](std::string_view text) {
        const auto parsed = http_text::parse_decimal_length(text);
        valid &= parsed.valid;
        if (!first && (parsed.value != length || parsed.overflow != overflow)) same = false;
        length = parsed.value;
        overflow = parsed.overflow;
        first = false;
    });
    if (first || !valid || !same) {
        fail(http_response_error::malformed,
             first || !valid ? "invalid upstream Content-Length \"" +
                                   printable(head_.header("Content-Length")) + "\""
                             : std::string("different upstream Content-Length values"));
        return false;
    }
    if (overflow || (limits_.max_body_bytes > 0 && length > limits_.max_body_bytes)) {
        fail(http_response_error::body_too_large,
             "the upstream response's Content-Length " + printable(head_.header("Content-Length")) +
                 " is larger than " +
                 (overflow ? std::string("64 bits")
                           : std::to_string(limits_.max_body_bytes) + " bytes"));
        return false;
    }
    head_.framing = http_body_framing::length;
    head_.content_length = length;
    return true;
}

void http_response_parser::chunk_size_line(std::string_view line) {
    const auto parsed = http_text::parse_chunk_size(line);
    if (!parsed.valid && !parsed.too_large) {
        fail(
            http_response_error::malformed,
            "malformed upstream chunked body: invalid chunk size line \"" + printable(line) + "\"");
        return;
    }
    if (parsed.too_large) {
        fail(http_response_error::body_too_large,
             "an upstream chunk size has more than " +
                 std::to_string(http_text::max_chunk_size_digits) + " hex digits");
        return;
    }
    if (limits_.max_body_bytes > 0 && parsed.value > limits_.max_body_bytes - body_bytes_) {
        fail(http_response_error::body_too_large, "the upstream response body is larger than " +
                                                      std::to_string(limits_.max_body_bytes) +
                                                      " bytes");
        return;
    }
    if (parsed.value == 0) {
        step_ = step::trailer_line;
        line_limit_ = limits_.max_head_bytes;
        return;
    }
    remaining_ = parsed.value;
    step_ = step::chunk_data;
}

}  // namespace eg::server
