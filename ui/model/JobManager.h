#pragma once
// Runs jobs on their own threads and keeps the UI informed. A job's work function
// runs on the worker thread with copies of the volume handles it needs; it returns
// a "finish" function that the manager runs on the UI thread when the work
// succeeded, to install the result (so results land between events, never in the
// middle of a paint or a brush stroke).
//
// The one rule for what a job reads: it captures, on the UI thread when it starts,
// handles to the document's image and layers (DocumentModel::layer()), and reads only
// those. A handle is an immutable snapshot because the document's layers are
// copy-on-write: the brush, undo and every other in-place write go through
// DocumentModel::ensureLayer(), which copies a layer's voxels first whenever a job
// (or anything else) still holds them. So no start function copies a layer itself,
// and no job ever writes into a handle it was given.
#include "ui/model/Job.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <thread>

namespace cisterna::ui {

// The worker's side of a job.
class JobContext {
public:
    explicit JobContext(std::shared_ptr<JobChannel> channel) : channel_(std::move(channel)) {}
    // Progress for core's engines: reports into the job; throws Cancelled once the
    // user cancelled.
    Progress progress() const;
    // A progress that maps the engine's 0..1 into [from, to] of this job's bar.
    Progress progressRange(double from, double to) const;
    void report(double fraction, const std::string& message) const;
    // The same without the cancellation check, for callbacks that must not throw.
    void setProgress(double fraction, const std::string& message) const;
    std::shared_ptr<const CancelToken> cancelToken() const { return channel_->cancel; }
    bool isCancelled() const { return channel_->cancel->isCancelled(); }
    void throwIfCancelled() const;
    // Something to show on the UI thread before the job ends (see JobChannel::interim).
    void showInterim(std::function<void()> update) const;
    // Training curves; a NaN value is left out of its curve.
    void addCurvePoints(double iteration, double loss, double f1, double etaSeconds);

private:
    std::shared_ptr<JobChannel> channel_;
};

using JobFinish = std::function<void()>;
using JobWork = std::function<JobFinish(JobContext&)>;

class JobManager : public QObject {
    Q_OBJECT
public:
    explicit JobManager(QObject* parent = nullptr);
    ~JobManager() override; // cancels what still runs and waits for it

    Job* start(const QString& title, JobKind kind, JobWork work);

    QList<Job*> jobs() const { return jobs_; }
    int runningCount() const;
    void cancelAll();
    // Blocks (processing no events) until every worker thread has returned; their
    // results are dropped. For shutdown.
    void abandonAll();
    void removeFinished();

signals:
    void jobStarted(cisterna::ui::Job* job);
    void jobFinished(cisterna::ui::Job* job);

private:
    void complete(int id, Job::State state, const QString& error, JobFinish finish);
    QList<Job*> jobs_;
    std::map<int, std::thread> threads_;
    QTimer poll_;
    int nextId_ = 1;
};

} // namespace cisterna::ui
