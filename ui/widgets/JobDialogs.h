#pragma once
// The dialogs that set up a job: training / fine-tuning, prediction, post-processing,
// evaluation, export, graph-cut settings and the voxel size. Each returns plain
// settings; the main window starts the job.
#include "ui/model/DocumentModel.h"
#include "ui/model/EvaluationJob.h"
#include "ui/model/GraphCutJob.h"
#include "ui/model/LabelExport.h"
#include "ui/model/LearningJobs.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cisterna::ui {

class TrainDialog : public QDialog {
    Q_OBJECT
public:
    // fineTune: pick a base model (the organelle's models or a file). `region`: the box
    // the labels are learnt from (AppModel::trainingRegion), none: the whole volume.
    TrainDialog(const DocumentModel& document, int organelle, bool fineTune,
                const std::optional<Box3>& region, QWidget* parent);
    TrainSettings settings() const;

private:
    QSpinBox* iterations_;
    QSpinBox* features_;
    QSpinBox* levels_;
    QSpinBox* patch_;
    QLabel* patchSizes_;
    QDoubleSpinBox* rate_;
    QCheckBox* validate_;
    QComboBox* base_ = nullptr;
    QCheckBox* freeze_ = nullptr;
};

class PredictDialog : public QDialog {
    Q_OBJECT
public:
    // `cutRegion`: the box the organelle's graph cut covers, offered as a region.
    PredictDialog(const DocumentModel& document, int organelle,
                  const std::optional<Box3>& cutRegion, QWidget* parent);
    PredictSettings settings() const; // throws InvalidArgument for a bad region
private:
    QComboBox* model_;
    QComboBox* region_;
    QLineEdit* box_;
    Shape3 shape_;
    Index3 cursor_;
    std::optional<Box3> cutRegion_;
};

class PostProcessDialog : public QDialog {
    Q_OBJECT
public:
    PostProcessDialog(const DocumentModel& document, QWidget* parent);
    PostProcessSettings settings() const;

private:
    QCheckBox* ownThresholds_;
    QDoubleSpinBox* threshold_;
    QSpinBox* minSize_;
    QCheckBox* onePerVoxel_;
};

class EvaluateDialog : public QDialog {
    Q_OBJECT
public:
    EvaluateDialog(const DocumentModel& document, QWidget* parent);
    EvaluationRequest request() const;

private:
    QComboBox* organelle_;
    QComboBox* layer_;
    QComboBox* truth_;
    QSpinBox* label_;
    QDoubleSpinBox* band_;
};

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // surfaces: one organelle's surface instead of label volumes.
    ExportDialog(const DocumentModel& document, bool surfaces, QWidget* parent);
    int organelle() const; // -1: all organelles as one multi-label volume
    ExportSource source() const;

private:
    QComboBox* organelle_;
    QComboBox* source_;
};

class GraphCutDialog : public QDialog {
    Q_OBJECT
public:
    GraphCutDialog(const GraphCutSettings& current, QWidget* parent);
    GraphCutSettings settings() const;

private:
    QCheckBox* automatic_;
    QComboBox* model_;
    QDoubleSpinBox* lambda_;
    QDoubleSpinBox* regional_;
    QComboBox* connectivity_;
    QCheckBox* refit_;
    QCheckBox* refine_;
    QComboBox* region_;
    QDoubleSpinBox* margin_;
};

class VoxelSizeDialog : public QDialog {
    Q_OBJECT
public:
    VoxelSizeDialog(const Vec3d& current, bool known, QWidget* parent);
    Vec3d voxelSize() const;

private:
    QDoubleSpinBox* z_;
    QDoubleSpinBox* y_;
    QDoubleSpinBox* x_;
};

} // namespace cisterna::ui
