#include "ui/widgets/EvaluationPanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace cisterna::ui {

namespace {
QString score(double v) {
    return std::isnan(v) ? QString("n/a") : QString::number(v, 'f', 3);
}
} // namespace

EvaluationPanel::EvaluationPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    table_ = new QTableWidget(0, 8, this);
    table_->setHorizontalHeaderLabels(
        {"Organelle", "Layer", "Truth", "Precision", "Recall", "F1", "IoU", "Object F1"});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(table_);
    auto* buttons = new QHBoxLayout;
    auto* evaluate = new QPushButton("Evaluate...", this);
    auto* clear = new QPushButton("Clear", this);
    buttons->addWidget(evaluate);
    buttons->addWidget(clear);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(evaluate, &QPushButton::clicked, this, &EvaluationPanel::evaluateRequested);
    connect(clear, &QPushButton::clicked, this, [this] { table_->setRowCount(0); });
}

void EvaluationPanel::addRow(const EvaluationRow& r) {
    const int row = table_->rowCount();
    table_->insertRow(row);
    const VoxelScores& v = r.evaluation.voxels;
    const QString objects = r.evaluation.objects ? score(r.evaluation.objects->f1()) : "n/a";
    const QStringList cells = {
        r.organelle,       r.layer,       r.truth,        score(v.precision()),
        score(v.recall()), score(v.f1()), score(v.iou()), objects};
    for (int c = 0; c < cells.size(); ++c)
        table_->setItem(row, c, new QTableWidgetItem(cells[c]));
}

} // namespace cisterna::ui
