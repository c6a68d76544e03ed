#include "ui/widgets/ToolPanel.h"

#include "ui/model/ClassifierPreview.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace cisterna::ui {

ToolPanel::ToolPanel(ToolState* tools, QWidget* parent) : QWidget(parent), tools_(tools) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* grid = new QGridLayout;
    group_ = new QButtonGroup(this);
    const struct {
        Tool tool;
        const char* label;
        const char* tip;
    } buttons[] = {
        {Tool::Navigate, "Navigate", "Move the crosshair (N)"},
        {Tool::ObjectBrush, "Object", "Paint object strokes (B)"},
        {Tool::BackgroundBrush, "Background", "Paint background strokes (G)"},
        {Tool::Eraser, "Eraser", "Erase (E)"},
    };
    int i = 0;
    for (const auto& b : buttons) {
        auto* button = new QToolButton(this);
        button->setText(b.label);
        button->setToolTip(b.tip);
        button->setCheckable(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        group_->addButton(button, int(b.tool));
        grid->addWidget(button, i / 2, i % 2);
        ++i;
    }
    layout->addLayout(grid);
    auto* form = new QFormLayout;
    voxels_ = new QDoubleSpinBox(this);
    voxels_->setRange(0, 200);
    voxels_->setDecimals(1);
    voxels_->setSuffix(" vx");
    voxels_->setToolTip("Brush radius in voxels of the finest axis ([ and ] change it)");
    nm_ = new QDoubleSpinBox(this);
    nm_->setRange(0, 1e6);
    nm_->setDecimals(1);
    nm_->setSuffix(" nm");
    nm_->setToolTip("Brush radius in nanometres");
    form->addRow("Radius", voxels_);
    form->addRow("", nm_);
    target_ = new QComboBox(this);
    target_->addItem("Strokes (graph-cut input)");
    target_->addItem("Labels (correct the result)");
    target_->setToolTip("What the brushes paint (L toggles)");
    form->addRow("Paint", target_);
    layout->addLayout(form);
    cut_ = new QPushButton("Graph cut", this);
    cut_->setToolTip("Segment the selected organelle from its strokes (Ctrl+G)");
    layout->addWidget(cut_);
    previewBox_ = new QCheckBox("Live classifier preview", this);
    previewBox_->setToolTip("Show the voxel classifier's P(object) for the active organelle "
                            "while you paint, retrained after each stroke");
    previewStatus_ = new QLabel(this);
    previewStatus_->setWordWrap(true);
    previewStatus_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    previewBox_->hide();
    previewStatus_->hide();
    layout->addWidget(previewBox_);
    layout->addWidget(previewStatus_);
    layout->addStretch();

    connect(group_, &QButtonGroup::idClicked, this, [this](int id) { tools_->setTool(Tool(id)); });
    connect(voxels_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { tools_->setRadiusVoxels(v); });
    connect(nm_, &QDoubleSpinBox::valueChanged, this, [this](double v) { tools_->setRadiusNm(v); });
    connect(target_, &QComboBox::currentIndexChanged, this, [this](int index) {
        tools_->setTarget(index == 0 ? PaintTarget::Strokes : PaintTarget::Labels);
    });
    connect(cut_, &QPushButton::clicked, this, &ToolPanel::graphCutRequested);
    connect(tools_, &ToolState::changed, this, &ToolPanel::refresh);
    refresh();
}

void ToolPanel::setPreview(ClassifierPreview* preview) {
    previewBox_->setVisible(preview != nullptr);
    previewStatus_->setVisible(preview != nullptr);
    if (!preview)
        return;
    previewBox_->setChecked(preview->isEnabled());
    previewStatus_->setText(preview->statusText());
    connect(previewBox_, &QCheckBox::toggled, preview, &ClassifierPreview::setEnabled);
    connect(preview, &ClassifierPreview::enabledChanged, previewBox_, &QCheckBox::setChecked);
    connect(preview, &ClassifierPreview::statusChanged, previewStatus_,
            [this, preview] { previewStatus_->setText(preview->statusText()); });
}

void ToolPanel::refresh() {
    const QSignalBlocker a(voxels_), b(nm_), c(target_), d(group_);
    if (auto* button = group_->button(int(tools_->tool())))
        button->setChecked(true);
    voxels_->setValue(tools_->radiusVoxels());
    nm_->setValue(tools_->radiusNm());
    target_->setCurrentIndex(tools_->target() == PaintTarget::Strokes ? 0 : 1);
}

} // namespace cisterna::ui
