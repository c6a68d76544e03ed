#pragma once
// The jobs panel: one row per job with its progress bar, message, elapsed time, ETA
// and a cancel button, and the loss/F1 chart of the latest training job.
#include "ui/model/JobManager.h"

#include <QWidget>

#include <map>

class QVBoxLayout;

namespace cisterna::ui {

class LossChart;

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(JobManager* jobs, QWidget* parent = nullptr);
    LossChart* chart() const { return chart_; }
    // The row widget of a job (tests press its cancel button).
    QWidget* rowOf(const Job* job) const;

private:
    void addRow(Job* job);
    void clearFinished();
    JobManager* jobs_;
    QVBoxLayout* rows_;
    LossChart* chart_;
    std::map<const Job*, QWidget*> rowWidgets_;
};

} // namespace cisterna::ui
