#include "ui/model/WorkerDevices.h"

#include "ui/model/WorkerRun.h"

#include "core/util/Error.h"
#include "core/worker/ChildProcess.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <csignal>
#include <future>
#include <mutex>

namespace cisterna::ui {
namespace {

WorkerDevices askNow() {
    WorkerDevices answer;
    try {
        ChildProcess worker({workerExecutable().toStdString(), "devices", "--json"});
        worker.closeStdin();
        std::string json;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (worker.pump(100, [&](const std::string& line) { json += line; }))
            if (std::chrono::steady_clock::now() > until) {
                worker.signal(SIGKILL);
                answer.error = "the worker did not answer within 20 s";
                return answer;
            }
        const ChildExit exit = worker.wait();
        if (!exit.succeeded()) {
            answer.error = QString::fromStdString("the worker could not say (" + exit.describe() +
                                                  "): " + worker.lastStderrLine());
            return answer;
        }
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
        answer.device = o.value("device").toString();
        answer.reason = o.value("reason").toString();
        answer.known = !answer.device.isEmpty();
        if (!answer.known)
            answer.error = "the worker's answer could not be read";
    } catch (const std::exception& e) {
        answer.error = QString::fromUtf8(e.what());
    }
    return answer;
}

std::mutex askMutex;
std::shared_future<WorkerDevices>& pending() {
    static std::shared_future<WorkerDevices> future;
    return future;
}

} // namespace

void askWorkerDevices() {
    std::lock_guard lock(askMutex);
    if (!pending().valid())
        pending() = std::async(std::launch::async, askNow).share();
}

WorkerDevices workerDevices(int waitMs) {
    askWorkerDevices();
    std::shared_future<WorkerDevices> future;
    {
        std::lock_guard lock(askMutex);
        future = pending();
    }
    if (future.wait_for(std::chrono::milliseconds(waitMs)) != std::future_status::ready) {
        WorkerDevices notYet;
        notYet.error = "still asking the worker";
        return notYet;
    }
    return future.get();
}

QString describeWorkerDevices(const WorkerDevices& d) {
    if (!d.known)
        return "unknown: " + d.error;
    return d.device + ": " + d.reason;
}

} // namespace cisterna::ui
