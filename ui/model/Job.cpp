#include "ui/model/Job.h"

#include <cmath>

namespace cisterna::ui {

Job::Job(int id, const QString& title, JobKind kind, QObject* parent)
    : QObject(parent), id_(id), title_(title), kind_(kind) {
    clock_.start();
}

double Job::elapsedSeconds() const {
    return isRunning() ? clock_.elapsed() / 1000.0 : finishedAfter_;
}

double Job::etaSeconds() const {
    if (!isRunning())
        return 0;
    if (engineEta_ >= 0)
        return engineEta_;
    // Linear extrapolation, once there is enough progress to extrapolate from.
    if (fraction_ < 0.02 || clock_.elapsed() < 500)
        return -1;
    return elapsedSeconds() * (1 - fraction_) / fraction_;
}

void Job::cancel() {
    if (isRunning())
        channel_->cancel->cancel();
}

void Job::poll() {
    if (!isRunning())
        return;
    std::function<void()> interim;
    {
        std::lock_guard<std::mutex> lock(channel_->mutex);
        interim.swap(channel_->interim);
        fraction_ = channel_->fraction;
        message_ = QString::fromStdString(channel_->message);
        engineEta_ = channel_->etaSeconds;
        for (const QPointF& p : channel_->newLoss)
            loss_.push_back(p);
        for (const QPointF& p : channel_->newF1)
            f1_.push_back(p);
        channel_->newLoss.clear();
        channel_->newF1.clear();
    }
    if (interim)
        interim();
    // Always: the ETA and the elapsed time move even without news from the worker.
    emit updated();
}

void Job::finish(State state, const QString& error) {
    poll();
    finishedAfter_ = clock_.elapsed() / 1000.0;
    state_ = state;
    error_ = error;
    if (state == State::Succeeded)
        fraction_ = 1;
    emit updated();
    emit finished();
}

const char* jobStateName(Job::State state) {
    switch (state) {
    case Job::State::Running:
        return "running";
    case Job::State::Succeeded:
        return "done";
    case Job::State::Failed:
        return "failed";
    case Job::State::Cancelled:
        return "cancelled";
    }
    return "?";
}

QString formatDuration(double seconds) {
    if (seconds < 0)
        return "?";
    const auto s = std::int64_t(std::llround(seconds));
    if (s < 60)
        return QString("%1 s").arg(s);
    if (s < 3600)
        return QString("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace cisterna::ui
