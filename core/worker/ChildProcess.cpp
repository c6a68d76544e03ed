#include "core/worker/ChildProcess.h"

#include "core/util/Error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace cisterna {
namespace {

constexpr std::size_t kTailLines = 40;

void closeFd(int& fd) {
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

ChildExit decode(int status) {
    ChildExit e;
    if (WIFSIGNALED(status)) {
        e.signalled = true;
        e.code = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
        e.code = WEXITSTATUS(status);
    }
    return e;
}

} // namespace

std::string ChildExit::describe() const {
    if (!signalled)
        return "exit status " + std::to_string(code);
    const char* name = ::strsignal(code);
    return "killed by signal " + std::to_string(code) +
           (name ? std::string(" (") + name + ")" : "");
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
    if (argv.empty())
        throw InvalidArgument("no program to start");
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0)
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]), ::close(in[1]);
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the target, so only these three reach the child.
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    // The child starts with default signal handling, whatever the parent ignores.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(in[0]), ::close(out[1]), ::close(err[1]);
    in_ = in[1], out_ = out[0], err_ = err[0];
    if (rc != 0) {
        closeFd(in_), closeFd(out_), closeFd(err_);
        pid_ = -1;
        throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
}

ChildProcess::~ChildProcess() {
    closeFd(in_), closeFd(out_), closeFd(err_);
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

bool ChildProcess::write(const std::string& text) {
    if (in_ < 0)
        return false;
    // A child that closed its stdin would raise SIGPIPE, which ends a process by
    // default: block it on this thread and take a pending one back before unblocking.
    sigset_t pipe, previous;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous);
    bool ok = true;
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(in_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = false;
            break;
        }
        done += std::size_t(n);
    }
    if (!ok && errno == EPIPE) {
        const timespec zero{0, 0};
        while (::sigtimedwait(&pipe, nullptr, &zero) > 0) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return ok;
}

void ChildProcess::closeStdin() {
    closeFd(in_);
}

void ChildProcess::keepStderrLine(std::string line) {
    errTail_.push_back(std::move(line));
    while (errTail_.size() > kTailLines)
        errTail_.pop_front();
}

void ChildProcess::readInto(int& fd, std::string& buffer, bool isStdout,
                            const std::function<void(const std::string&)>& onLine) {
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { // end of file: what is left is the last line
        closeFd(fd);
        if (!buffer.empty()) {
            if (isStdout && onLine)
                onLine(buffer);
            else if (!isStdout)
                keepStderrLine(buffer);
            buffer.clear();
        }
        return;
    }
    buffer.append(chunk, std::size_t(n));
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
        std::string line = buffer.substr(start, end - start);
        if (isStdout) {
            if (onLine)
                onLine(line);
        } else {
            keepStderrLine(std::move(line));
        }
    }
    buffer.erase(0, start);
    // A child that never ends a line must not grow this without bound.
    if (!isStdout && buffer.size() > 64 * 1024) {
        keepStderrLine(buffer.substr(0, 4096) + "...");
        buffer.clear();
    }
}

bool ChildProcess::pump(int timeoutMs, const std::function<void(const std::string&)>& onLine) {
    if (out_ < 0 && err_ < 0)
        return false;
    pollfd fds[2];
    nfds_t count = 0;
    if (out_ >= 0)
        fds[count++] = {out_, POLLIN, 0};
    if (err_ >= 0)
        fds[count++] = {err_, POLLIN, 0};
    const int ready = ::poll(fds, count, timeoutMs);
    if (ready < 0 && errno != EINTR)
        throw Error(std::string("cannot wait for the worker's output: ") + std::strerror(errno));
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (fds[i].fd == out_)
            readInto(out_, outBuffer_, true, onLine);
        else
            readInto(err_, errBuffer_, false, onLine);
    }
    return out_ >= 0 || err_ >= 0;
}

void ChildProcess::signal(int signalNumber) {
    if (pid_ > 0 && !reaped_)
        ::kill(pid_, signalNumber);
}

ChildExit ChildProcess::wait() {
    if (reaped_ || pid_ <= 0)
        return exit_;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
        if (errno != EINTR) {
            reaped_ = true;
            exit_ = {true, SIGKILL}; // already reaped elsewhere: nothing better to say
            return exit_;
        }
    }
    reaped_ = true;
    exit_ = decode(status);
    return exit_;
}

bool ChildProcess::waitFor(int timeoutMs, ChildExit& exit) {
    if (reaped_ || pid_ <= 0) {
        exit = exit_;
        return true;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            exit_ = decode(status);
            exit = exit_;
            return true;
        }
        if (r < 0 && errno != EINTR) {
            exit = wait();
            return true;
        }
        if (std::chrono::steady_clock::now() >= until)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string ChildProcess::stderrTail() const {
    std::string all;
    for (const std::string& line : errTail_)
        all += line + "\n";
    if (!errBuffer_.empty())
        all += errBuffer_ + "\n";
    return all;
}

std::string ChildProcess::lastStderrLine() const {
    if (errBuffer_.find_first_not_of(" \t\r") != std::string::npos)
        return errBuffer_;
    for (auto it = errTail_.rbegin(); it != errTail_.rend(); ++it)
        if (it->find_first_not_of(" \t\r") != std::string::npos)
            return *it;
    return {};
}

} // namespace cisterna
