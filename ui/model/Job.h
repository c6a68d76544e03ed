#pragma once
// A long operation running off the UI thread (graph cut, training, prediction,
// loading...) as the jobs panel sees it: progress, ETA, a cancel button and, for
// training, the loss and validation-F1 curves. The worker thread never touches this
// object: it writes into JobChannel, which the JobManager polls on the UI thread.
#include "core/util/Progress.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cisterna::ui {

// What a job does; the jobs panel shows the loss chart for training.
enum class JobKind { Open, GraphCut, Train, Predict, PostProcess, Evaluate, Other };

// What the worker reports; guarded by its mutex, read by the UI thread.
struct JobChannel {
    std::mutex mutex;
    double fraction = 0;
    std::string message;
    double etaSeconds = -1; // from the engine when it knows better (training)
    std::vector<QPointF> newLoss, newF1;
    // A result to show before the job ends (a coarse first cut), run on the UI thread
    // at the next poll; a newer one replaces one not yet shown.
    std::function<void()> interim;
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
};

class Job : public QObject {
    Q_OBJECT
public:
    enum class State { Running, Succeeded, Failed, Cancelled };

    Job(int id, const QString& title, JobKind kind, QObject* parent = nullptr);

    int id() const { return id_; }
    const QString& title() const { return title_; }
    JobKind kind() const { return kind_; }
    State state() const { return state_; }
    bool isRunning() const { return state_ == State::Running; }
    double fraction() const { return fraction_; }
    const QString& message() const { return message_; }
    const QString& error() const { return error_; }
    double elapsedSeconds() const;
    // Seconds left, or negative when not known yet.
    double etaSeconds() const;
    const QVector<QPointF>& lossSeries() const { return loss_; }
    const QVector<QPointF>& f1Series() const { return f1_; }

    void cancel(); // the worker stops at its next progress report

    std::shared_ptr<JobChannel> channel() const { return channel_; }
    // UI thread only (JobManager): pull what the worker reported.
    void poll();
    void finish(State state, const QString& error);

signals:
    void updated();
    void finished();

private:
    int id_;
    QString title_;
    JobKind kind_;
    State state_ = State::Running;
    double fraction_ = 0;
    double engineEta_ = -1;
    QString message_, error_;
    QElapsedTimer clock_;
    double finishedAfter_ = 0;
    QVector<QPointF> loss_, f1_;
    std::shared_ptr<JobChannel> channel_ = std::make_shared<JobChannel>();
};

const char* jobStateName(Job::State state);
QString formatDuration(double seconds); // "42 s", "3 min 5 s", "1 h 12 min"

} // namespace cisterna::ui
