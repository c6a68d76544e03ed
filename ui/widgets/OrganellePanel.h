#pragma once
// The organelle list: add, remove, rename (double-click the name), colour
// (double-click the swatch), show/hide, overlay opacity and prediction threshold.
// The selected row is the organelle the brushes and jobs work on.
#include "ui/model/DocumentModel.h"

#include <QWidget>

class QTableWidget;
class QPushButton;

namespace cisterna::ui {

class OrganellePanel : public QWidget {
    Q_OBJECT
public:
    explicit OrganellePanel(DocumentModel* model, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }
    // Adds an organelle named `name` (the next free "organelle N" when empty).
    int addOrganelle(const QString& name = {});

private:
    void rebuild();
    void refreshRow(int row);
    void chooseColour(int row);
    DocumentModel* model_;
    QTableWidget* table_;
    QPushButton* remove_;
    bool updating_ = false;
};

} // namespace cisterna::ui
