#pragma once
// The live training curves of one job: loss per iteration (left axis) and the
// validation F1 (right axis, 0..1), drawn with Qt Charts.
#include <QPointer>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace cisterna::ui {

class Job;

class LossChart : public QWidget {
    Q_OBJECT
public:
    explicit LossChart(QWidget* parent = nullptr);
    void showJob(Job* job); // null clears
    Job* job() const { return job_; }
    int lossPointCount() const;
    int f1PointCount() const;

private:
    void refresh();
    QPointer<Job> job_;
    QChartView* view_;
    QChart* chart_;
    QLineSeries* loss_;
    QLineSeries* f1_;
    QValueAxis* x_;
    QValueAxis* yLoss_;
    QValueAxis* yF1_;
};

} // namespace cisterna::ui
