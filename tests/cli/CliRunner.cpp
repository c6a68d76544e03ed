#include "CliRunner.h"

#include "core/util/AtomicWrite.h"

#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace cisterna::test {

CliResult runCli(const std::string& args) {
    static int counter = 0;
    const auto base =
        std::filesystem::temp_directory_path() /
        ("cisterna-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const std::string outFile = base.string() + ".out", errFile = base.string() + ".err";
    const std::string command =
        std::string("\"") + CISTERNA_CLI + "\" " + args + " >" + outFile + " 2>" + errFile;
    const int status = std::system(command.c_str());
    CliResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readWholeFile(outFile);
    r.err = readWholeFile(errFile);
    std::filesystem::remove(outFile);
    std::filesystem::remove(errFile);
    return r;
}

} // namespace cisterna::test
