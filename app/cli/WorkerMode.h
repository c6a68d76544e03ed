#pragma once
// `--progress json`: cisterna-cli as the app's learning worker (core/worker/
// WorkerProtocol.h). Once started, the process's stdout carries only protocol events
// (everything else printed, by us or by a library, goes to stderr), and a "cancel"
// line on stdin or its end of file cancels the job's token, as Ctrl+C does.
#include "core/util/Progress.h"
#include "core/worker/WorkerProtocol.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cisterna::cli {

// Adds `--progress text|json` to a subcommand.
void addProgressOption(CLI::App& subcommand, std::string& mode);

// Switches this process into worker mode (idempotent).
void startWorkerMode();
// Writes one event on the protocol channel; nothing outside worker mode.
void emitWorkerEvent(const WorkerEvent& event);
// A warning event with this sentence.
void emitWorkerWarning(const std::string& message);
// The result event: what was done, and the files written.
void emitWorkerResult(const std::string& message, const std::vector<std::string>& outputs);

// The token a command's job runs with: Ctrl+C, SIGTERM (InterruptCancel) and, in
// worker mode, the app's "cancel" all cancel it.
std::shared_ptr<CancelToken> commandCancelToken();

} // namespace cisterna::cli
