#pragma once
// Runs the real cisterna-cli binary, as a user or a cluster script would.
#include <string>

namespace cisterna::test {

struct CliResult {
    int exitCode = -1;
    std::string out, err;
};

// args are passed through /bin/sh: quote paths with spaces.
CliResult runCli(const std::string& args);

} // namespace cisterna::test
