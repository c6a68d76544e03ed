#include "WorkerMode.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

namespace cisterna::cli {
namespace {

std::mutex channelMutex;
int protocolFd = -1;

void readCommands(std::shared_ptr<CancelToken> token) {
    std::string pending;
    char chunk[256];
    for (;;) {
        const ssize_t n = ::read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // the app is gone (or closed our stdin): stop as if cancelled
            token->cancel();
            return;
        }
        pending.append(chunk, std::size_t(n));
        for (std::size_t end; (end = pending.find('\n')) != std::string::npos;) {
            std::string line = pending.substr(0, end);
            pending.erase(0, end + 1);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (line == kWorkerCancelCommand)
                token->cancel();
        }
        if (pending.size() > 4096) // not a command of ours: drop it, never grow
            pending.clear();
    }
}

} // namespace

void addProgressOption(CLI::App& subcommand, std::string& mode) {
    subcommand
        .add_option("--progress", mode,
                    "text, or json: one JSON event per line on stdout for the app's worker "
                    "protocol; 'cancel' on stdin (or its end) stops the job")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
}

std::shared_ptr<CancelToken> commandCancelToken() {
    static const auto token = std::make_shared<CancelToken>();
    return token;
}

void startWorkerMode() {
    std::lock_guard lock(channelMutex);
    if (protocolFd >= 0)
        return;
    std::cout.flush();
    std::fflush(stdout);
    protocolFd = ::dup(1);
    ::dup2(2, 1); // std::cout, printf and libraries now write to stderr
    // An app that went away must not kill us mid-checkpoint: a failed write is
    // ignored and the end of stdin cancels the job.
    std::signal(SIGPIPE, SIG_IGN);
    std::thread(readCommands, commandCancelToken()).detach();
}

void emitWorkerEvent(const WorkerEvent& event) {
    const std::string line = encodeWorkerEvent(event) + "\n";
    std::lock_guard lock(channelMutex);
    if (protocolFd < 0)
        return;
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(protocolFd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // the app is gone; the stdin reader cancels the job
        done += std::size_t(n);
    }
}

void emitWorkerWarning(const std::string& message) {
    WorkerEvent event;
    event.kind = WorkerEvent::Kind::Warning;
    event.message = message;
    emitWorkerEvent(event);
}

void emitWorkerResult(const std::string& message, const std::vector<std::string>& outputs) {
    WorkerEvent event;
    event.kind = WorkerEvent::Kind::Result;
    event.fraction = 1;
    event.message = message;
    event.outputs = outputs;
    emitWorkerEvent(event);
}

} // namespace cisterna::cli
