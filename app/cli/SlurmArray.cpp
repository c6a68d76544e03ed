#include "SlurmArray.h"

#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/worker/ChildProcess.h"

#include <sys/stat.h>

#include <sstream>

namespace cisterna::cli {
namespace {

// POSIX shell single quotes: everything literal, a ' itself closed and escaped.
std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

} // namespace

std::string slurmArrayScript(const SlurmArrayJob& job) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Written by cisterna-cli: one task per share of the volume. Submitting it again\n"
      << "# re-runs only what is not done (each task skips its finished blocks).\n"
      << "#SBATCH --job-name=" << job.name << "\n"
      << "#SBATCH --array=0-" << job.tasks - 1 << "\n";
    if (!job.logPattern.empty())
        s << "#SBATCH --output=" << job.logPattern << "\n";
    for (const std::string& option : job.sbatchOptions)
        s << "#SBATCH " << option << "\n";
    s << "exec";
    for (const std::string& arg : job.command)
        s << " " << (arg == "$SLURM_ARRAY_TASK_ID" ? "\"$SLURM_ARRAY_TASK_ID\"" : shellQuote(arg));
    s << "\n";
    return s.str();
}

std::string submitSlurmArray(const SlurmArrayJob& job, const std::string& scriptPath, bool wait) {
    writeFileAtomically(scriptPath, slurmArrayScript(job));
    ::chmod(scriptPath.c_str(), 0755);
    std::vector<std::string> argv{"sbatch", "--parsable"};
    if (wait)
        argv.push_back("--wait");
    argv.push_back(scriptPath);
    std::string out;
    ChildExit exit;
    std::string said;
    try {
        ChildProcess sbatch(argv);
        sbatch.closeStdin();
        while (sbatch.pump(1000, [&](const std::string& line) {
            if (out.empty())
                out = line;
        })) {
        }
        exit = sbatch.wait();
        said = sbatch.lastStderrLine();
    } catch (const Error& e) {
        throw Error(std::string("cannot run sbatch (is Slurm installed here?): ") + e.what());
    }
    if (!exit.succeeded()) {
        if (exit.code == 127 && !exit.signalled)
            throw Error("sbatch was not found: run this on a Slurm login node, or submit " +
                        scriptPath + " there");
        throw Error("sbatch failed (" + exit.describe() + ")" + (said.empty() ? "" : ": " + said) +
                    (out.empty() ? "" : " (job " + out.substr(0, out.find(';')) + ")"));
    }
    return out.substr(0, out.find(';')); // "<id>" or "<id>;<cluster>"
}

} // namespace cisterna::cli
