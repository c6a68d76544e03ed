#pragma once
// Brushes and their size, what they paint (strokes or the labels themselves), and the
// graph-cut button, the live classifier preview's switch and status. Shortcuts: N navigate, B
// object, G background, E eraser, [ and ] brush size, L labels/strokes.
#include "ui/model/ToolState.h"

#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QDoubleSpinBox;
class QPushButton;

namespace cisterna::ui {

class ClassifierPreview;

class ToolPanel : public QWidget {
    Q_OBJECT
public:
    explicit ToolPanel(ToolState* tools, QWidget* parent = nullptr);
    QPushButton* graphCutButton() const { return cut_; }
    // Shows the preview's switch and status line, bound to it.
    void setPreview(ClassifierPreview* preview);
    QCheckBox* previewCheckBox() const { return previewBox_; }
    QLabel* previewStatus() const { return previewStatus_; }

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
    QCheckBox* previewBox_;
    QLabel* previewStatus_;
};

} // namespace cisterna::ui
