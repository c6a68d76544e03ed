#pragma once
// Runs a learning job in the worker process, cisterna-cli (core/worker/
// WorkerProtocol.h), from a job's thread: its events become the job's progress, loss
// and F1 curves, the job's Cancel becomes the worker's "cancel", and a worker that
// dies (crash, out of memory, killed) becomes a job error that says so with the
// worker's last words. The app's document is never touched from here: what the
// worker writes comes back as files that the job's finish function installs.
#include "ui/model/JobManager.h"

#include <QString>

#include <string>
#include <vector>

namespace cisterna::ui {

// The worker executable: $CISTERNA_WORKER when set, else cisterna-cli next to the
// running executable (the build's bin/ and an installed bin/ alike).
QString workerExecutable();

struct WorkerOutcome {
    std::string message;              // the worker's result line ("trained 300 iterations...")
    std::vector<std::string> outputs; // the files it wrote
    std::string warnings;             // its warnings, one sentence each
};

// How long a worker asked to stop may take before it is made to: the cancel command
// first (training writes its checkpoint), then SIGTERM, then SIGKILL.
struct WorkerStopTimes {
    int terminateAfterMs = 5000;
    int killAfterMs = 20000;
};

// Runs the worker with `arguments` (a subcommand and its options; --progress json is
// added) and returns what it reported when it succeeded. Throws Cancelled when the job
// was cancelled and the worker stopped, and Error when the worker failed or died.
WorkerOutcome runWorker(JobContext& context, const std::vector<std::string>& arguments,
                        const WorkerStopTimes& stopTimes = {});

} // namespace cisterna::ui
