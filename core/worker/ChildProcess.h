#pragma once
// A child process with pipes on its stdin, stdout and stderr, for the learning
// worker (WorkerProtocol.h). POSIX only, no Qt: the app's jobs, the CLI and the tests
// use it alike. The parent reads the child's stdout line by line and keeps the last
// lines of its stderr, so that when the child dies its last words can be shown.
#include <sys/types.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace cisterna {

// How a child ended.
struct ChildExit {
    bool signalled = false; // killed by a signal (then `code` is the signal number)
    int code = 0;           // exit status, or the signal
    bool succeeded() const { return !signalled && code == 0; }
    // "exit status 3", "killed by signal 9 (Killed)".
    std::string describe() const;
};

class ChildProcess {
public:
    // Starts argv[0] (a path, or a name looked up in PATH) with the given arguments
    // and this process's environment. Throws Error when it cannot be started.
    explicit ChildProcess(const std::vector<std::string>& argv);
    // A child still running is killed (SIGKILL) and reaped: no zombie, no orphan.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // Writes to the child's stdin; false when the child closed it (or died). Never
    // raises SIGPIPE in this process.
    bool write(const std::string& text);
    void closeStdin();

    // Waits up to timeoutMs for output and passes every complete stdout line (without
    // its newline) to onLine; stderr goes to the tail. Returns false once both streams
    // reached end of file (the child exited or closed them): then call wait().
    bool pump(int timeoutMs, const std::function<void(const std::string&)>& onLine);

    void signal(int signalNumber);
    // Blocks until the child has ended (reaps it once; later calls return the same).
    ChildExit wait();
    // Waits up to timeoutMs; false when it still runs.
    bool waitFor(int timeoutMs, ChildExit& exit);

    // The last lines the child wrote to stderr (at most 40 lines), oldest first.
    std::string stderrTail() const;
    // The last non-empty line of stderr, or "".
    std::string lastStderrLine() const;

private:
    void readInto(int& fd, std::string& buffer, bool isStdout,
                  const std::function<void(const std::string&)>& onLine);
    void keepStderrLine(std::string line);

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    std::string outBuffer_, errBuffer_;
    std::deque<std::string> errTail_;
    bool reaped_ = false;
    ChildExit exit_;
};

} // namespace cisterna
