#include "ui/widgets/LossChart.h"

#include "ui/model/Job.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace cisterna::ui {

LossChart::LossChart(QWidget* parent) : QWidget(parent) {
    chart_ = new QChart;
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(2, 2, 2, 2));
    chart_->setTitle("Training");
    loss_ = new QLineSeries(chart_);
    loss_->setName("loss");
    f1_ = new QLineSeries(chart_);
    f1_->setName("validation F1");
    f1_->setPointsVisible(true);
    chart_->addSeries(loss_);
    chart_->addSeries(f1_);
    x_ = new QValueAxis(chart_);
    x_->setTitleText("iteration");
    x_->setLabelFormat("%d");
    yLoss_ = new QValueAxis(chart_);
    yLoss_->setTitleText("loss");
    yF1_ = new QValueAxis(chart_);
    yF1_->setTitleText("F1");
    yF1_->setRange(0, 1);
    chart_->addAxis(x_, Qt::AlignBottom);
    chart_->addAxis(yLoss_, Qt::AlignLeft);
    chart_->addAxis(yF1_, Qt::AlignRight);
    loss_->attachAxis(x_);
    loss_->attachAxis(yLoss_);
    f1_->attachAxis(x_);
    f1_->attachAxis(yF1_);
    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumHeight(170);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    refresh();
}

void LossChart::showJob(Job* job) {
    if (job_ == job)
        return;
    if (job_)
        disconnect(job_, nullptr, this, nullptr);
    job_ = job;
    if (job_)
        connect(job_, &Job::updated, this, &LossChart::refresh);
    refresh();
}

int LossChart::lossPointCount() const {
    return loss_->count();
}

int LossChart::f1PointCount() const {
    return f1_->count();
}

void LossChart::refresh() {
    QVector<QPointF> loss, f1;
    if (job_) {
        loss = job_->lossSeries();
        f1 = job_->f1Series();
        chart_->setTitle(job_->title());
    } else {
        chart_->setTitle("Training (no training job yet)");
    }
    loss_->replace(QList<QPointF>(loss.begin(), loss.end()));
    f1_->replace(QList<QPointF>(f1.begin(), f1.end()));
    double maxX = 10, maxLoss = 0.1;
    for (const QPointF& p : loss) {
        maxX = std::max(maxX, p.x());
        maxLoss = std::max(maxLoss, p.y());
    }
    for (const QPointF& p : f1)
        maxX = std::max(maxX, p.x());
    x_->setRange(0, maxX);
    yLoss_->setRange(0, maxLoss * 1.05);
}

} // namespace cisterna::ui
