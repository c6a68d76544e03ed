#include "ui/widgets/WindowLevelPanel.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cisterna::ui {

HistogramPlot::HistogramPlot(DocumentModel* model, QWidget* parent)
    : QWidget(parent), model_(model) {
    setMinimumHeight(80);
    setMouseTracking(true);
    connect(model_, &DocumentModel::displayChanged, this, qOverload<>(&QWidget::update));
}

void HistogramPlot::setHistogram(Histogram histogram) {
    histogram_ = std::move(histogram);
    update();
}

double HistogramPlot::valueAt(double x) const {
    return histogram_.min + (x / std::max(1, width())) * (histogram_.max - histogram_.min);
}

double HistogramPlot::xOf(double value) const {
    const double span = histogram_.max - histogram_.min;
    return span > 0 ? (value - histogram_.min) / span * width() : 0;
}

void HistogramPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(24, 24, 28));
    if (histogram_.counts.empty())
        return;
    // Log counts: EM histograms are dominated by a few grey values.
    double top = 0;
    for (auto c : histogram_.counts)
        top = std::max(top, std::log1p(double(c)));
    const int n = int(histogram_.counts.size());
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(150, 150, 160));
    for (int i = 0; i < n; ++i) {
        const double h = top > 0 ? std::log1p(double(histogram_.counts[std::size_t(i)])) / top : 0;
        const double x0 = double(i) / n * width(), x1 = double(i + 1) / n * width();
        p.drawRect(QRectF(x0, height() * (1 - h), std::max(1.0, x1 - x0), height() * h));
    }
    const double low = model_->windowLevel() - model_->windowWidth() / 2;
    const double high = model_->windowLevel() + model_->windowWidth() / 2;
    const double xl = xOf(low), xh = xOf(high);
    p.setBrush(QColor(255, 200, 0, 50));
    p.drawRect(QRectF(xl, 0, xh - xl, height()));
    p.setPen(QPen(QColor(255, 200, 0), 2));
    p.drawLine(QPointF(xl, 0), QPointF(xl, height()));
    p.drawLine(QPointF(xh, 0), QPointF(xh, height()));
    // The transfer function: black at the low edge, white at the high edge.
    p.setPen(QPen(QColor(255, 255, 255, 160), 1));
    p.drawLine(QPointF(xl, height()), QPointF(xh, 0));
}

void HistogramPlot::mousePressEvent(QMouseEvent* e) {
    const double low = model_->windowLevel() - model_->windowWidth() / 2;
    const double high = model_->windowLevel() + model_->windowWidth() / 2;
    const double x = e->position().x();
    if (std::abs(x - xOf(low)) < 6)
        drag_ = Drag::Low;
    else if (std::abs(x - xOf(high)) < 6)
        drag_ = Drag::High;
    else {
        drag_ = Drag::Move;
        grabOffset_ = valueAt(x) - model_->windowLevel();
    }
}

void HistogramPlot::mouseMoveEvent(QMouseEvent* e) {
    const double x = e->position().x();
    const double low = model_->windowLevel() - model_->windowWidth() / 2;
    const double high = model_->windowLevel() + model_->windowWidth() / 2;
    if (drag_ == Drag::None) {
        setCursor(std::abs(x - xOf(low)) < 6 || std::abs(x - xOf(high)) < 6 ? Qt::SizeHorCursor
                                                                            : Qt::OpenHandCursor);
        return;
    }
    const double v = valueAt(x);
    if (drag_ == Drag::Low && v < high)
        model_->setWindow((v + high) / 2, high - v);
    else if (drag_ == Drag::High && v > low)
        model_->setWindow((low + v) / 2, v - low);
    else if (drag_ == Drag::Move)
        model_->setWindow(v - grabOffset_, model_->windowWidth());
}

void HistogramPlot::mouseReleaseEvent(QMouseEvent*) {
    drag_ = Drag::None;
}

WindowLevelPanel::WindowLevelPanel(DocumentModel* model, QWidget* parent)
    : QWidget(parent), model_(model) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    plot_ = new HistogramPlot(model_, this);
    layout->addWidget(plot_);
    auto* row = new QHBoxLayout;
    level_ = new QDoubleSpinBox(this);
    width_ = new QDoubleSpinBox(this);
    for (auto* box : {level_, width_}) {
        box->setRange(-1e9, 1e9);
        box->setDecimals(1);
    }
    width_->setMinimum(0.001);
    auto* autoButton = new QPushButton("Auto", this);
    autoButton->setToolTip("Fit the window to the 0.5-99.5 % range of the grey values");
    row->addWidget(new QLabel("Level", this));
    row->addWidget(level_);
    row->addWidget(new QLabel("Width", this));
    row->addWidget(width_);
    row->addWidget(autoButton);
    layout->addLayout(row);
    connect(level_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { model_->setWindow(v, model_->windowWidth()); });
    connect(width_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { model_->setWindow(model_->windowLevel(), v); });
    connect(autoButton, &QPushButton::clicked, this, &WindowLevelPanel::autoWindow);
    connect(model_, &DocumentModel::displayChanged, this, &WindowLevelPanel::refresh);
    connect(model_, &DocumentModel::imageChanged, this, [this] {
        plot_->setHistogram(computeHistogram(model_->greySample()));
        refresh();
    });
    refresh();
}

void WindowLevelPanel::refresh() {
    const QSignalBlocker a(level_), b(width_);
    level_->setValue(model_->windowLevel());
    width_->setValue(model_->windowWidth());
}

void WindowLevelPanel::autoWindow() {
    const Histogram& h = plot_->histogram();
    if (h.counts.empty() || h.sampled == 0)
        return;
    const std::int64_t lowCount = h.sampled / 200, highCount = h.sampled - h.sampled / 200;
    std::int64_t seen = 0;
    double low = h.min, high = h.max;
    bool lowSet = false;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        seen += h.counts[i];
        if (!lowSet && seen > lowCount) {
            low = h.min + double(i) * h.binWidth();
            lowSet = true;
        }
        if (seen >= highCount) {
            high = h.min + double(i + 1) * h.binWidth();
            break;
        }
    }
    model_->setWindow((low + high) / 2, std::max(1e-3, high - low));
}

} // namespace cisterna::ui
