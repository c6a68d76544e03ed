#pragma once
// Error types shared by every part of Cisterna. Each carries one sentence that a
// biologist can act on; callers print what() as is.
#include <stdexcept>
#include <string>

namespace cisterna {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A file that cannot be read or written as asked: names the file and the problem.
class FormatError : public Error {
public:
    FormatError(const std::string& path, const std::string& problem)
        : Error(path + ": " + problem), path_(path), problem_(problem) {}
    const std::string& path() const { return path_; }
    const std::string& problem() const { return problem_; }

private:
    std::string path_;
    std::string problem_;
};

// Something would not fit in memory; raised before allocating, not after.
class MemoryBudgetError : public Error {
public:
    using Error::Error;
};

// Arguments that do not fit together (shapes, types, options).
class InvalidArgument : public Error {
public:
    using Error::Error;
};

// A long job stopped because the user asked it to.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled by the user") {}
};

} // namespace cisterna
