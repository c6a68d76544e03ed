#include "ui/widgets/JobsPanel.h"

#include "ui/widgets/LossChart.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace cisterna::ui {

namespace {

class JobRow : public QFrame {
public:
    JobRow(Job* job, QWidget* parent) : QFrame(parent), job_(job) {
        setFrameShape(QFrame::StyledPanel);
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(4, 3, 4, 3);
        layout->setSpacing(2);
        auto* top = new QHBoxLayout;
        title_ = new QLabel(job->title(), this);
        title_->setStyleSheet("font-weight: bold");
        cancel_ = new QPushButton("Cancel", this);
        cancel_->setObjectName("cancel");
        cancel_->setToolTip("Stop this job; its result is dropped");
        top->addWidget(title_, 1);
        top->addWidget(cancel_);
        layout->addLayout(top);
        bar_ = new QProgressBar(this);
        bar_->setRange(0, 1000);
        bar_->setTextVisible(true);
        layout->addWidget(bar_);
        status_ = new QLabel(this);
        status_->setWordWrap(true);
        status_->setStyleSheet("color: #888");
        layout->addWidget(status_);
        connect(cancel_, &QPushButton::clicked, job, &Job::cancel);
        connect(job, &Job::updated, this, [this] { refresh(); });
        refresh();
    }

    void refresh() {
        const Job* j = job_;
        bar_->setValue(int(j->fraction() * 1000));
        bar_->setFormat(QString("%1 %").arg(j->fraction() * 100, 0, 'f', 1));
        QString text;
        if (j->isRunning()) {
            text = QString("%1 · %2 elapsed · ")
                       .arg(j->message())
                       .arg(formatDuration(j->elapsedSeconds()));
            text += j->etaSeconds() >= 0 ? "about " + formatDuration(j->etaSeconds()) + " left"
                                         : QString("estimating time left");
        } else {
            text = QString("%1 after %2")
                       .arg(jobStateName(j->state()))
                       .arg(formatDuration(j->elapsedSeconds()));
            if (!j->error().isEmpty())
                text += ": " + j->error();
            else if (!j->message().isEmpty())
                text += ": " + j->message();
            cancel_->setEnabled(false);
            if (j->state() == Job::State::Failed)
                status_->setStyleSheet("color: #d33");
        }
        status_->setText(text);
    }

private:
    Job* job_;
    QLabel* title_;
    QLabel* status_;
    QProgressBar* bar_;
    QPushButton* cancel_;
};

} // namespace

JobsPanel::JobsPanel(JobManager* jobs, QWidget* parent) : QWidget(parent), jobs_(jobs) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* inner = new QWidget(scroll);
    rows_ = new QVBoxLayout(inner);
    rows_->setContentsMargins(0, 0, 0, 0);
    rows_->addStretch();
    scroll->setWidget(inner);
    scroll->setMinimumHeight(120);
    layout->addWidget(scroll, 1);
    auto* clear = new QPushButton("Clear finished", this);
    layout->addWidget(clear);
    chart_ = new LossChart(this);
    layout->addWidget(chart_, 1);
    connect(clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);
    connect(jobs_, &JobManager::jobStarted, this, &JobsPanel::addRow);
    for (Job* job : jobs_->jobs())
        addRow(job);
}

QWidget* JobsPanel::rowOf(const Job* job) const {
    auto it = rowWidgets_.find(job);
    return it == rowWidgets_.end() ? nullptr : it->second;
}

void JobsPanel::addRow(Job* job) {
    auto* row = new JobRow(job, this);
    rows_->insertWidget(0, row); // newest on top
    rowWidgets_[job] = row;
    connect(job, &QObject::destroyed, this, [this, job] { rowWidgets_.erase(job); });
    if (job->kind() == JobKind::Train)
        chart_->showJob(job);
}

void JobsPanel::clearFinished() {
    for (Job* job : jobs_->jobs())
        if (!job->isRunning()) {
            if (QWidget* row = rowOf(job)) {
                rowWidgets_.erase(job);
                row->deleteLater();
            }
        }
    // The chart keeps showing the last training until a new one starts.
    jobs_->removeFinished();
}

} // namespace cisterna::ui
