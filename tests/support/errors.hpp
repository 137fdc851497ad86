#pragma once
// Expecting a hone::Error: the code the APIs document and, where the text is part of
// what a test pins, the exact message.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace hone::test_support {

// Runs `f`, which must throw hone::Error with `code` and, unless `message` is empty,
// exactly `message`. Returns the error for checks of its kind, location or hint;
// nullopt (after a test failure) when `f` threw none.
inline std::optional<Error> expect_error(const std::function<void()>& f, const std::string& code,
                                         const std::string& message = "") {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.message();
        if (!message.empty()) {
            EXPECT_EQ(e.message(), message);
        }
        return e;
    }
    ADD_FAILURE() << "no error; expected " << code;
    return std::nullopt;
}

// As above, and the error is of `kind` (which the CLI and the server map to an exit
// code and a status).
inline std::optional<Error> expect_error(const std::function<void()>& f, ErrorKind kind, const std::string& code,
                                         const std::string& message = "") {
    auto error = expect_error(f, code, message);
    if (error) {
        EXPECT_EQ(to_string(error->kind()), to_string(kind)) << error->message();
    }
    return error;
}

// The hone::Error `f` throws, for tests that check several of its parts; a
// test failure (and an internal error standing in) when it throws none.
template <class F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected a hone::Error";
    return Error(ErrorKind::internal, "none", "no error");
}

}  // namespace hone::test_support
