#pragma once
// Contrast: the grey-value histogram with the display window drawn over it. Drag the
// window's edges to change its width, its middle to move the level; or type level
// and width; Auto fits the window to the 0.5-99.5 % range of the values.
#include "ui/model/DocumentModel.h"
#include "ui/model/Histogram.h"

#include <QWidget>

#include <optional>

class QDoubleSpinBox;

namespace cisterna::ui {

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(DocumentModel* model, QWidget* parent = nullptr);
    void setHistogram(Histogram histogram);
    const Histogram& histogram() const { return histogram_; }
    double valueAt(double x) const;
    double xOf(double value) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    enum class Drag { None, Low, High, Move };
    DocumentModel* model_;
    Histogram histogram_;
    Drag drag_ = Drag::None;
    double grabOffset_ = 0;
};

class WindowLevelPanel : public QWidget {
    Q_OBJECT
public:
    explicit WindowLevelPanel(DocumentModel* model, QWidget* parent = nullptr);
    HistogramPlot* plot() const { return plot_; }
    void autoWindow();

private:
    void refresh();
    DocumentModel* model_;
    HistogramPlot* plot_;
    QDoubleSpinBox* level_;
    QDoubleSpinBox* width_;
};

} // namespace cisterna::ui
