#pragma once
// Brushes and their size, what they paint (strokes or the labels themselves), and the
// graph-cut button. Shortcuts: N navigate, B object, G background, E eraser,
// [ and ] brush size, L labels/strokes.
#include "ui/model/ToolState.h"

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QDoubleSpinBox;
class QPushButton;

namespace cisterna::ui {

class ToolPanel : public QWidget {
    Q_OBJECT
public:
    explicit ToolPanel(ToolState* tools, QWidget* parent = nullptr);
    QPushButton* graphCutButton() const { return cut_; }

signals:
    void graphCutRequested();

private:
    void refresh();
    ToolState* tools_;
    QButtonGroup* group_;
    QDoubleSpinBox* voxels_;
    QDoubleSpinBox* nm_;
    QComboBox* target_;
    QPushButton* cut_;
};

} // namespace cisterna::ui
