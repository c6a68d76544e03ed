#include "ui/model/WorkerRun.h"

#include "core/util/Error.h"
#include "core/worker/ChildProcess.h"
#include "core/worker/WorkerProtocol.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <chrono>
#include <cmath>
#include <csignal>
#include <limits>
#include <optional>

namespace cisterna::ui {

QString workerExecutable() {
    const QByteArray chosen = qgetenv("CISTERNA_WORKER");
    if (!chosen.isEmpty())
        return QString::fromLocal8Bit(chosen);
    if (QCoreApplication::instance())
        return QDir(QCoreApplication::applicationDirPath()).filePath("cisterna-cli");
    return "cisterna-cli";
}

WorkerOutcome runWorker(JobContext& context, const std::vector<std::string>& arguments,
                        const WorkerStopTimes& stopTimes) {
    const QString program = workerExecutable();
    if (program.contains('/') && !QFileInfo(program).isExecutable())
        throw InvalidArgument("The learning worker " + program.toStdString() +
                              " is missing: reinstall Cisterna, or point CISTERNA_WORKER at "
                              "cisterna-cli.");
    std::vector<std::string> argv{program.toStdString()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back("--progress");
    argv.push_back("json");
    ChildProcess worker(argv);

    WorkerOutcome outcome;
    std::optional<WorkerEvent> failure;
    std::string lastWarning;
    double lastFraction = 0;
    bool succeeded = false;
    const auto onLine = [&](const std::string& line) {
        const std::optional<WorkerEvent> event = decodeWorkerEvent(line);
        if (!event)
            return; // not ours (cannot happen in worker mode); ignore rather than fail
        switch (event->kind) {
        case WorkerEvent::Kind::Progress:
            lastFraction = event->fraction;
            context.setProgress(event->fraction, event->message);
            break;
        case WorkerEvent::Kind::Training: {
            const double nan = std::numeric_limits<double>::quiet_NaN();
            context.addCurvePoints(double(event->iteration), event->loss,
                                   event->f1 ? *event->f1 : nan, event->etaSeconds);
            lastFraction = event->fraction;
            context.setProgress(event->fraction, event->message);
            break;
        }
        case WorkerEvent::Kind::Warning:
            outcome.warnings += event->message + " ";
            lastWarning = event->message;
            break;
        case WorkerEvent::Kind::Result:
            succeeded = true;
            outcome.message = event->message;
            outcome.outputs = event->outputs;
            break;
        case WorkerEvent::Kind::Error:
            failure = event;
            break;
        }
    };

    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> cancelledAt;
    bool terminated = false, killed = false;
    const auto sinceCancel = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - *cancelledAt)
            .count();
    };
    // Until both of its streams end: the worker exited (or closed them, and is waited
    // for below).
    // Cancel: the command first, then SIGTERM, then SIGKILL, however long it takes.
    const auto honourCancel = [&] {
        if (context.isCancelled() && !cancelledAt) {
            cancelledAt = Clock::now();
            worker.write(std::string(kWorkerCancelCommand) + "\n");
        }
        if (cancelledAt && !terminated && sinceCancel() > stopTimes.terminateAfterMs) {
            terminated = true;
            worker.signal(SIGTERM);
        }
        if (cancelledAt && !killed && sinceCancel() > stopTimes.killAfterMs) {
            killed = true;
            worker.signal(SIGKILL);
        }
    };
    while (worker.pump(50, onLine))
        honourCancel();
    // A worker that closed its streams but still runs is waited for with Cancel
    // still working.
    ChildExit exit;
    while (!worker.waitFor(50, exit))
        honourCancel();
    worker.closeStdin();

    if (exit.succeeded() && succeeded)
        return outcome;
    if (context.isCancelled() && (exit.code == kWorkerStopped || killed || terminated)) {
        // What the worker said on its way out ("stopped at iteration 210; checkpoint
        // ...") stays on the job for the user.
        if (!lastWarning.empty())
            context.setProgress(lastFraction, lastWarning);
        throw Cancelled();
    }
    if (failure && !failure->cancelled && !exit.signalled)
        throw Error(failure->message); // the worker's own sentence: bad input and the like
    // It died: say how, with what it said last.
    std::string said = failure ? failure->message : worker.lastStderrLine();
    std::string text = "The worker process stopped unexpectedly (" + exit.describe() + ")";
    if (exit.signalled && exit.code == SIGKILL)
        text += "; it may have run out of memory";
    text += said.empty() ? "." : ". Its last words: " + said;
    throw Error(text);
}

} // namespace cisterna::ui
