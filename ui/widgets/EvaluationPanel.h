#pragma once
// The evaluation results: one row per evaluation with precision, recall, F1 and IoU
// (voxels) and the object F1.
#include "ui/model/EvaluationJob.h"

#include <QWidget>

class QTableWidget;
class QPushButton;

namespace cisterna::ui {

class EvaluationPanel : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationPanel(QWidget* parent = nullptr);
    void addRow(const EvaluationRow& row);
    QTableWidget* table() const { return table_; }

signals:
    void evaluateRequested();

private:
    QTableWidget* table_;
};

} // namespace cisterna::ui
