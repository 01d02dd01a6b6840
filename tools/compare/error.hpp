// The two ways anonmap-compare refuses to go on.  Both end the program with
// exit code 2 and one line on stderr; neither is ever a crash.
#pragma once

#include <stdexcept>
#include <string>

namespace anonmap::compare {

// Something is wrong with one input file (or directory): names it.
class InputError : public std::runtime_error {
public:
    InputError(std::string file, const std::string& what)
        : std::runtime_error(what), file_(std::move(file)) {}
    const std::string& file() const noexcept { return file_; }

private:
    std::string file_;
};

// Something is wrong with the command line (an option's value, a --base that
// matches no column, a counter that no file has).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace anonmap::compare
