#include "ui/widgets/OrganellePanel.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cisterna::ui {

namespace {
enum Column { Visible, Colour, Name, Opacity, Threshold, ColumnCount };

QSlider* percentSlider(QWidget* parent) {
    auto* s = new QSlider(Qt::Horizontal, parent);
    s->setRange(0, 100);
    s->setMinimumWidth(60);
    return s;
}
} // namespace

OrganellePanel::OrganellePanel(DocumentModel* model, QWidget* parent)
    : QWidget(parent), model_(model) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setHorizontalHeaderLabels({"", "", "Organelle", "Opacity", "Threshold"});
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(Name, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(Visible, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(Colour, QHeaderView::ResizeToContents);
    table_->setColumnWidth(Opacity, 70);
    table_->setColumnWidth(Threshold, 70);
    table_->setToolTip("Double-click a name to rename, a colour to change it. Threshold: "
                       "the probability above which the prediction counts.");
    layout->addWidget(table_);
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton("Add", this);
    remove_ = new QPushButton("Remove", this);
    buttons->addWidget(add);
    buttons->addWidget(remove_);
    buttons->addStretch();
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, [this] { addOrganelle(); });
    connect(remove_, &QPushButton::clicked, this, [this] {
        const int row = table_->currentRow();
        if (row >= 0)
            model_->removeOrganelle(row);
    });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (updating_)
            return;
        const int row = item->row();
        if (item->column() == Name && !item->text().trimmed().isEmpty())
            model_->setOrganelleName(row, item->text().trimmed());
        else if (item->column() == Visible)
            model_->setOrganelleVisible(row, item->checkState() == Qt::Checked);
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == Colour)
            chooseColour(row);
    });
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (!updating_ && row >= 0)
            model_->setActiveOrganelle(row);
    });
    connect(model_, &DocumentModel::organellesChanged, this, &OrganellePanel::rebuild);
    connect(model_, &DocumentModel::activeOrganelleChanged, this, [this] {
        const QSignalBlocker block(table_);
        updating_ = true;
        if (model_->activeOrganelle() >= 0)
            table_->selectRow(model_->activeOrganelle());
        updating_ = false;
    });
    rebuild();
}

int OrganellePanel::addOrganelle(const QString& name) {
    QString chosen = name;
    for (int n = model_->organelleCount() + 1; chosen.isEmpty(); ++n) {
        const QString candidate = QString("organelle %1").arg(n);
        bool taken = false;
        for (int i = 0; i < model_->organelleCount(); ++i)
            taken = taken || model_->organelle(i).name == candidate;
        if (!taken)
            chosen = candidate;
    }
    const int index = model_->addOrganelle(chosen);
    model_->setActiveOrganelle(index);
    return index;
}

void OrganellePanel::chooseColour(int row) {
    if (row < 0 || row >= model_->organelleCount())
        return;
    const QColor c = QColorDialog::getColor(model_->organelle(row).colour, this,
                                            "Colour of " + model_->organelle(row).name);
    if (c.isValid())
        model_->setOrganelleColour(row, c);
}

void OrganellePanel::rebuild() {
    updating_ = true;
    const int count = model_->organelleCount();
    if (table_->rowCount() != count) {
        // Sliders live in the cells; they are made once per row, so a drag in progress
        // is never destroyed by an update it caused itself.
        table_->setRowCount(count);
        for (int row = 0; row < count; ++row) {
            auto* visible = new QTableWidgetItem;
            visible->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
            table_->setItem(row, Visible, visible);
            auto* colour = new QTableWidgetItem("    ");
            colour->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            table_->setItem(row, Colour, colour);
            auto* name = new QTableWidgetItem;
            name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsSelectable);
            table_->setItem(row, Name, name);
            auto* opacity = percentSlider(table_);
            auto* threshold = percentSlider(table_);
            connect(opacity, &QSlider::valueChanged, this, [this, row](int v) {
                if (!updating_)
                    model_->setOrganelleOpacity(row, v / 100.0);
            });
            connect(threshold, &QSlider::valueChanged, this, [this, row](int v) {
                if (!updating_)
                    model_->setOrganelleThreshold(row, v / 100.0);
            });
            table_->setCellWidget(row, Opacity, opacity);
            table_->setCellWidget(row, Threshold, threshold);
        }
    }
    for (int row = 0; row < count; ++row)
        refreshRow(row);
    if (model_->activeOrganelle() >= 0)
        table_->selectRow(model_->activeOrganelle());
    remove_->setEnabled(count > 0);
    updating_ = false;
}

void OrganellePanel::refreshRow(int row) {
    const Organelle& o = model_->organelle(row);
    table_->item(row, Visible)->setCheckState(o.visible ? Qt::Checked : Qt::Unchecked);
    table_->item(row, Colour)->setBackground(o.colour);
    table_->item(row, Name)->setText(o.name);
    QString tip = o.name;
    if (!o.modelPaths.isEmpty())
        tip += "\nmodels: " + o.modelPaths.join(", ");
    if (!o.predictionSource.isEmpty())
        tip += "\nprediction from " + o.predictionSource;
    table_->item(row, Name)->setToolTip(tip);
    static_cast<QSlider*>(table_->cellWidget(row, Opacity))->setValue(int(o.opacity * 100 + 0.5));
    static_cast<QSlider*>(table_->cellWidget(row, Threshold))
        ->setValue(int(o.threshold * 100 + 0.5));
}

} // namespace cisterna::ui
