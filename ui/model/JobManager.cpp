#include "ui/model/JobManager.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

Progress JobContext::progress() const {
    return progressRange(0, 1);
}

Progress JobContext::progressRange(double from, double to) const {
    auto channel = channel_;
    return Progress(
        [channel, from, to](double fraction, const std::string& message) {
            std::lock_guard<std::mutex> lock(channel->mutex);
            channel->fraction = from + (to - from) * std::clamp(fraction, 0.0, 1.0);
            if (!message.empty())
                channel->message = message;
        },
        channel_->cancel);
}

void JobContext::report(double fraction, const std::string& message) const {
    progress().report(fraction, message);
}

void JobContext::setProgress(double fraction, const std::string& message) const {
    std::lock_guard<std::mutex> lock(channel_->mutex);
    channel_->fraction = std::clamp(fraction, 0.0, 1.0);
    if (!message.empty())
        channel_->message = message;
}

void JobContext::showInterim(std::function<void()> update) const {
    std::lock_guard<std::mutex> lock(channel_->mutex);
    channel_->interim = std::move(update);
}

void JobContext::throwIfCancelled() const {
    if (isCancelled())
        throw Cancelled();
}

void JobContext::addCurvePoints(double iteration, double loss, double f1, double etaSeconds) {
    std::lock_guard<std::mutex> lock(channel_->mutex);
    if (std::isfinite(loss))
        channel_->newLoss.emplace_back(iteration, loss);
    if (std::isfinite(f1))
        channel_->newF1.emplace_back(iteration, f1);
    channel_->etaSeconds = etaSeconds;
}

JobManager::JobManager(QObject* parent) : QObject(parent) {
    poll_.setInterval(100);
    connect(&poll_, &QTimer::timeout, this, [this] {
        for (Job* job : jobs_)
            if (job->isRunning())
                job->poll();
    });
}

JobManager::~JobManager() {
    abandonAll();
}

Job* JobManager::start(const QString& title, JobKind kind, JobWork work) {
    const int id = nextId_++;
    auto* job = new Job(id, title, kind, this);
    jobs_.push_back(job);
    auto channel = job->channel();
    QPointer<JobManager> self(this);
    threads_[id] = std::thread([self, id, channel, work = std::move(work)] {
        JobContext context(channel);
        JobFinish finish;
        Job::State state = Job::State::Succeeded;
        QString error;
        try {
            finish = work(context);
        } catch (const Cancelled&) {
            state = Job::State::Cancelled;
        } catch (const std::exception& e) {
            state = Job::State::Failed;
            error = QString::fromStdString(e.what());
        } catch (...) {
            state = Job::State::Failed;
            error = "unknown error";
        }
        // A job cancelled just after its last progress report still counts as
        // cancelled: the user asked for its result to be dropped.
        if (state == Job::State::Succeeded && channel->cancel->isCancelled())
            state = Job::State::Cancelled;
        // Queued to the manager's thread; dropped if the manager is gone by then.
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, id, state, error, finish = std::move(finish)]() mutable {
                    if (self)
                        self->complete(id, state, error, std::move(finish));
                },
                Qt::QueuedConnection);
    });
    poll_.start();
    emit jobStarted(job);
    return job;
}

void JobManager::complete(int id, Job::State state, const QString& error, JobFinish finish) {
    auto t = threads_.find(id);
    if (t != threads_.end()) {
        if (t->second.joinable())
            t->second.join();
        threads_.erase(t);
    }
    Job* job = nullptr;
    for (Job* j : jobs_)
        if (j->id() == id)
            job = j;
    if (!job)
        return;
    QString failure = error;
    if (state == Job::State::Succeeded && finish) {
        try {
            finish();
        } catch (const std::exception& e) {
            state = Job::State::Failed;
            failure = QString::fromStdString(e.what());
        }
    }
    job->finish(state, failure);
    if (runningCount() == 0)
        poll_.stop();
    emit jobFinished(job);
}

int JobManager::runningCount() const {
    int n = 0;
    for (const Job* job : jobs_)
        n += job->isRunning();
    return n;
}

void JobManager::cancelAll() {
    for (Job* job : jobs_)
        job->cancel();
}

void JobManager::abandonAll() {
    cancelAll();
    for (auto& [id, thread] : threads_)
        if (thread.joinable())
            thread.join();
    threads_.clear();
    for (Job* job : jobs_)
        if (job->isRunning())
            job->finish(Job::State::Cancelled, {});
}

void JobManager::removeFinished() {
    for (int i = int(jobs_.size()) - 1; i >= 0; --i)
        if (!jobs_[i]->isRunning()) {
            jobs_[i]->deleteLater();
            jobs_.removeAt(i);
        }
}

} // namespace cisterna::ui
