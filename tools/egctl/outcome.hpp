#pragma once
// A value or an error message: what egctl's steps return. The message is the text printed after
// "Error: ", so each step words its own failure the way upstream egctl does.

#include <optional>
#include <string>
#include <utility>

namespace eg::ctl {

template <class T>
class outcome {
public:
    outcome(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose

    static outcome failure(std::string message) {
        outcome result;
        result.error_ = std::move(message);
        return result;
    }

    explicit operator bool() const { return value_.has_value(); }
    const T& operator*() const { return *value_; }
    T& operator*() { return *value_; }
    const T* operator->() const { return &*value_; }
    T* operator->() { return &*value_; }
    const std::string& error() const { return error_; }

private:
    outcome() = default;
    std::optional<T> value_;
    std::string error_;
};

// The result of a command: what it printed to stdout and, when it failed, the error message.
// Output printed before a failure (e.g. the members purged before one that failed) stays.
struct command_result {
    std::string out;
    std::optional<std::string> error;
};

}  // namespace eg::ctl
