#pragma once
// startup failure: why a member cannot start, as the one diagnostic type.

#include <eg/diagnostic.hpp>

#include <stdexcept>

namespace eg::server {

class startup_failure : public std::runtime_error {
public:
    explicit startup_failure(diag::diagnostic d)
        : std::runtime_error(d.message), diagnostic_(std::move(d)) {}
    const diag::diagnostic& diagnostic() const { return diagnostic_; }

private:
    diag::diagnostic diagnostic_;
};

}  // namespace eg::server
