#include "ui/widgets/JobDialogs.h"

#include "ui/model/WorkerDevices.h"

#include "core/io/VolumeFileFilters.h"
#include "core/util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace cisterna::ui {

namespace {

QFormLayout* formWithButtons(QDialog* dialog) {
    auto* form = new QFormLayout(dialog);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    form->addRow(buttons);
    return form;
}

// Inserts a row above the OK/Cancel buttons.
void addRow(QFormLayout* form, const QString& label, QWidget* field) {
    form->insertRow(form->rowCount() - 1, label, field);
}

// A combo of model files: the organelle's own, newest first, and "Other file...".
QComboBox* modelCombo(const Organelle& o, QWidget* parent) {
    auto* combo = new QComboBox(parent);
    for (int i = int(o.modelPaths.size()) - 1; i >= 0; --i)
        combo->addItem(QFileInfo(o.modelPaths[i]).fileName(), o.modelPaths[i]);
    combo->addItem("Other model file...", QString());
    QObject::connect(combo, &QComboBox::activated, parent, [combo, parent](int index) {
        if (!combo->itemData(index).toString().isEmpty())
            return;
        const QString path = QFileDialog::getOpenFileName(
            parent, "Model file", {}, "Cisterna models (*.cmodel);;All files (*)");
        if (path.isEmpty())
            return;
        combo->insertItem(0, QFileInfo(path).fileName(), path);
        combo->setCurrentIndex(0);
    });
    return combo;
}

} // namespace

TrainDialog::TrainDialog(const DocumentModel& document, int organelle, bool fineTune,
                         const std::optional<Box3>& region, QWidget* parent)
    : QDialog(parent) {
    const Organelle& o = document.organelle(organelle);
    setWindowTitle((fineTune ? "Fine-tune a model for " : "Train a model for ") + o.name);
    auto* form = formWithButtons(this);
    const TrainSettings defaults;
    if (fineTune) {
        base_ = modelCombo(o, this);
        addRow(form, "Base model", base_);
        freeze_ = new QCheckBox("Keep the encoder's weights", this);
        addRow(form, "", freeze_);
    }
    iterations_ = new QSpinBox(this);
    iterations_->setRange(1, 1000000);
    iterations_->setValue(int(defaults.iterations));
    addRow(form, "Iterations", iterations_);
    rate_ = new QDoubleSpinBox(this);
    rate_->setDecimals(6);
    rate_->setRange(1e-6, 1);
    rate_->setSingleStep(1e-4);
    rate_->setValue(defaults.learningRate);
    addRow(form, "Learning rate", rate_);
    features_ = new QSpinBox(this);
    features_->setRange(2, 128);
    features_->setValue(defaults.baseFeatures);
    levels_ = new QSpinBox(this);
    levels_->setRange(1, 4);
    levels_->setValue(defaults.levels);
    // The patch decides the speed of an iteration (and the memory): small patches
    // train in seconds on a CPU, the automatic one is the largest that fits.
    features_->setObjectName("features");
    levels_->setObjectName("levels");
    patch_ = new QSpinBox(this);
    patch_->setObjectName("patch");
    patch_->setRange(0, 1024);
    patch_->setSuffix(" vx");
    patch_->setSpecialValueText("automatic");
    patch_->setValue(int(defaults.patchSize));
    patchSizes_ = new QLabel(this);
    patchSizes_->setObjectName("patchSizes");
    patchSizes_->setWordWrap(true);
    if (!fineTune) { // a fine-tuned model keeps its architecture
        addRow(form, "Base features", features_);
        addRow(form, "Levels", levels_);
        addRow(form, "Training patch", patch_);
        addRow(form, "", patchSizes_);
    } else {
        features_->hide();
        levels_->hide();
        patch_->hide();
        patchSizes_->hide();
    }
    // Where the job will run and why, as the worker (maybe a CUDA build) reports it.
    auto* device = new QLabel(this);
    device->setObjectName("device");
    device->setWordWrap(true);
    device->setText(learningAvailable() ? describeWorkerDevices(workerDevices(3000))
                                        : "this Cisterna was built without LibTorch");
    addRow(form, "Runs on", device);
    validate_ = new QCheckBox("Hold out a slab for the validation F1", this);
    validate_->setChecked(true);
    addRow(form, "", validate_);
    auto* source = new QLabel(
        region ? QString::fromStdString("Learns from the organelle's labels in the graph cut's "
                                        "region, " +
                                        toString(*region) + " (shown in the views).")
               : QString("Learns from the organelle's labels (graph cut + corrections)."),
        this);
    source->setObjectName("labelSource");
    source->setWordWrap(true);
    addRow(form, "", source);
    if (!fineTune) { // settings() needs every field, so this comes last
        const auto showSizes = [this, &document] {
            patchSizes_->setText(describeTrainingPatch(settings(), document));
        };
        for (QSpinBox* box : {features_, levels_, patch_})
            connect(box, qOverload<int>(&QSpinBox::valueChanged), this, showSizes);
        showSizes();
    }
}

TrainSettings TrainDialog::settings() const {
    TrainSettings s;
    s.iterations = iterations_->value();
    s.learningRate = rate_->value();
    s.baseFeatures = features_->value();
    s.levels = levels_->value();
    s.patchSize = patch_->value();
    s.validate = validate_->isChecked();
    if (base_)
        s.baseModel = base_->currentData().toString();
    if (freeze_)
        s.freezeEncoder = freeze_->isChecked();
    return s;
}

PredictDialog::PredictDialog(const DocumentModel& document, int organelle,
                             const std::optional<Box3>& cutRegion, QWidget* parent)
    : QDialog(parent), shape_(document.shape()), cursor_(document.cursor()), cutRegion_(cutRegion) {
    const Organelle& o = document.organelle(organelle);
    setWindowTitle("Predict " + o.name);
    auto* form = formWithButtons(this);
    model_ = modelCombo(o, this);
    addRow(form, "Model", model_);
    region_ = new QComboBox(this);
    region_->setObjectName("region");
    region_->addItem("Whole volume");
    region_->addItem("128^3 around the crosshair");
    region_->addItem("Box (z0:z1,y0:y1,x0:x1)");
    if (cutRegion_)
        region_->addItem(
            QString::fromStdString("The graph cut's region, " + toString(*cutRegion_)));
    addRow(form, "Region", region_);
    box_ = new QLineEdit(this);
    box_->setPlaceholderText("e.g. 0:64,:,100:300");
    addRow(form, "Box", box_);
}

PredictSettings PredictDialog::settings() const {
    PredictSettings s;
    s.modelPath = model_->currentData().toString();
    if (region_->currentIndex() == 1) {
        const auto around = [](std::int64_t c, std::int64_t n) {
            const std::int64_t size = std::min<std::int64_t>(128, n);
            const std::int64_t begin = std::clamp<std::int64_t>(c - size / 2, 0, n - size);
            return std::make_pair(begin, size);
        };
        const auto [z0, zs] = around(cursor_.z, shape_.z);
        const auto [y0, ys] = around(cursor_.y, shape_.y);
        const auto [x0, xs] = around(cursor_.x, shape_.x);
        s.region = Box3{{z0, y0, x0}, {zs, ys, xs}};
    } else if (region_->currentIndex() == 2) {
        s.region = parseBox(box_->text().toStdString(), shape_);
    } else if (region_->currentIndex() == 3) {
        s.region = cutRegion_;
    }
    return s;
}

PostProcessDialog::PostProcessDialog(const DocumentModel&, QWidget* parent) : QDialog(parent) {
    setWindowTitle("Post-process the predictions");
    auto* form = formWithButtons(this);
    ownThresholds_ = new QCheckBox("Each organelle's own threshold", this);
    ownThresholds_->setChecked(true);
    addRow(form, "", ownThresholds_);
    threshold_ = new QDoubleSpinBox(this);
    threshold_->setRange(0, 1);
    threshold_->setSingleStep(0.05);
    threshold_->setValue(0.5);
    threshold_->setEnabled(false);
    addRow(form, "Threshold", threshold_);
    connect(ownThresholds_, &QCheckBox::toggled, threshold_,
            [this](bool own) { threshold_->setEnabled(!own); });
    minSize_ = new QSpinBox(this);
    minSize_->setRange(0, 100000000);
    minSize_->setValue(50);
    minSize_->setSuffix(" voxels");
    addRow(form, "Remove objects smaller than", minSize_);
    onePerVoxel_ = new QCheckBox("At most one organelle per voxel (the most probable)", this);
    onePerVoxel_->setChecked(true);
    addRow(form, "", onePerVoxel_);
}

PostProcessSettings PostProcessDialog::settings() const {
    PostProcessSettings s;
    if (!ownThresholds_->isChecked())
        s.threshold = threshold_->value();
    s.minComponentVoxels = minSize_->value();
    s.onePerVoxel = onePerVoxel_->isChecked();
    return s;
}

EvaluateDialog::EvaluateDialog(const DocumentModel& document, QWidget* parent) : QDialog(parent) {
    setWindowTitle("Evaluate against a ground truth");
    auto* form = formWithButtons(this);
    organelle_ = new QComboBox(this);
    for (int i = 0; i < document.organelleCount(); ++i)
        organelle_->addItem(document.organelle(i).name, i);
    organelle_->setCurrentIndex(std::max(0, document.activeOrganelle()));
    addRow(form, "Organelle", organelle_);
    layer_ = new QComboBox(this);
    layer_->addItem("Labels (graph cut + corrections)", int(Layer::Truth));
    layer_->addItem("Prediction (at its threshold)", int(Layer::Prediction));
    layer_->addItem("Segmentation (post-processed)", int(Layer::Segmentation));
    addRow(form, "Evaluate", layer_);
    truth_ = new QComboBox(this);
    if (!document.referenceLabels().isNull())
        truth_->addItem("The demo phantom's exact labels", QString());
    truth_->addItem("A ground-truth file...", QString("?"));
    connect(truth_, &QComboBox::activated, this, [this](int index) {
        if (truth_->itemData(index).toString() != "?")
            return;
        const QString path = QFileDialog::getOpenFileName(
            this, "Ground truth", {},
            QString::fromStdString(volumeNameFilter(FileAccess::Read)) + ";;All files (*)");
        if (path.isEmpty())
            return;
        truth_->insertItem(0, QFileInfo(path).fileName(), path);
        truth_->setCurrentIndex(0);
    });
    addRow(form, "Against", truth_);
    label_ = new QSpinBox(this);
    label_->setRange(0, 65535);
    label_->setSpecialValueText("any non-zero value");
    // The phantom's labels number the organelles in this order: 1 mito, 2 golgi...
    label_->setValue(std::max(0, document.activeOrganelle()) + 1);
    if (document.referenceLabels().isNull())
        label_->setValue(0);
    addRow(form, "Label in the truth", label_);
    band_ = new QDoubleSpinBox(this);
    band_->setRange(0, 50);
    band_->setSuffix(" voxels");
    addRow(form, "Ignore boundary band", band_);
}

EvaluationRequest EvaluateDialog::request() const {
    EvaluationRequest r;
    r.organelle = organelle_->currentData().toInt();
    r.layer = Layer(layer_->currentData().toInt());
    const QString path = truth_->currentData().toString();
    if (path == "?")
        throw InvalidArgument("choose a ground-truth file");
    r.truthPath = path;
    if (label_->value() > 0)
        r.truthLabel = label_->value();
    r.exclusionBand = band_->value();
    return r;
}

ExportDialog::ExportDialog(const DocumentModel& document, bool surfaces, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(surfaces ? "Export a surface" : "Export labels");
    auto* form = formWithButtons(this);
    organelle_ = new QComboBox(this);
    if (!surfaces)
        organelle_->addItem("All organelles (one multi-label volume)", -1);
    for (int i = 0; i < document.organelleCount(); ++i)
        organelle_->addItem(document.organelle(i).name, i);
    addRow(form, "Organelle", organelle_);
    source_ = new QComboBox(this);
    source_->addItem("Best available (segmentation, prediction, labels)", int(ExportSource::Best));
    source_->addItem("Labels (graph cut + corrections)", int(ExportSource::Truth));
    source_->addItem("Prediction (at its threshold)", int(ExportSource::Prediction));
    source_->addItem("Segmentation (post-processed)", int(ExportSource::Segmentation));
    addRow(form, "From", source_);
}

int ExportDialog::organelle() const {
    return organelle_->currentData().toInt();
}

ExportSource ExportDialog::source() const {
    return ExportSource(source_->currentData().toInt());
}

GraphCutDialog::GraphCutDialog(const GraphCutSettings& current, QWidget* parent) : QDialog(parent) {
    setWindowTitle("Graph-cut settings");
    auto* form = formWithButtons(this);
    automatic_ = new QCheckBox("Choose the data term and its weight from the strokes", this);
    automatic_->setChecked(current.automatic);
    automatic_->setToolTip("Cross-validation on the strokes picks the learned voxel classifier "
                           "or the grey-value histogram, and the regional weight; off: the "
                           "values below");
    addRow(form, "Automatic", automatic_);
    model_ = new QComboBox(this);
    model_->addItem("Grey-value histogram", int(RegionalModel::Histogram));
    model_->addItem("Learned voxel classifier", int(RegionalModel::Learned));
    model_->setCurrentIndex(current.energy.regionalModel == RegionalModel::Learned ? 1 : 0);
    addRow(form, "Data term", model_);
    lambda_ = new QDoubleSpinBox(this);
    lambda_->setRange(0, 1000);
    lambda_->setDecimals(3);
    lambda_->setValue(current.energy.lambda);
    lambda_->setToolTip("Weight of smooth boundaries: higher follows edges less closely");
    addRow(form, "Boundary weight (lambda)", lambda_);
    regional_ = new QDoubleSpinBox(this);
    regional_->setRange(0, 100);
    regional_->setDecimals(3);
    regional_->setValue(current.energy.regionalWeight);
    regional_->setToolTip(
        "Weight of the grey-value model learnt from the strokes (0: strokes only)");
    addRow(form, "Regional weight", regional_);
    connectivity_ = new QComboBox(this);
    for (int c : {6, 18, 26})
        connectivity_->addItem(QString::number(c), c);
    connectivity_->setCurrentIndex(current.energy.connectivity == 26   ? 2
                                   : current.energy.connectivity == 18 ? 1
                                                                       : 0);
    addRow(form, "Neighbours", connectivity_);
    refit_ = new QCheckBox("Re-fit the grey-value model on every re-cut", this);
    refit_->setChecked(current.refitRegionalModel);
    refit_->setToolTip("Off: re-cuts after new strokes reuse the first cut's model and take a "
                       "fraction of the time; on: every cut learns from all strokes (slower)");
    addRow(form, "Re-cuts", refit_);
    region_ = new QComboBox(this);
    region_->addItem(
        QString("Automatic: whole volume up to %1 M voxels").arg(kWholeCutVoxelLimit >> 20),
        int(CutRegionMode::Automatic));
    region_->addItem("Whole volume", int(CutRegionMode::Whole));
    region_->addItem("Strokes and a margin", int(CutRegionMode::Strokes));
    region_->setCurrentIndex(region_->findData(int(current.region)));
    region_->setToolTip("A cut of the strokes' box plus a margin changes only that box (drawn "
                        "in the views) and keeps the truth outside it: minutes and gigabytes "
                        "less on a large volume");
    addRow(form, "Region", region_);
    margin_ = new QDoubleSpinBox(this);
    margin_->setRange(0, 100000);
    margin_->setDecimals(0);
    margin_->setSuffix(" px");
    margin_->setValue(current.regionMargin);
    margin_->setToolTip("Around the strokes, in pixels of the smallest voxel side: the same "
                        "distance along thick sections");
    addRow(form, "Margin", margin_);
    refine_ = new QCheckBox("Refine: use the prediction as the data term", this);
    refine_->setChecked(current.refineWithPrediction);
    refine_->setToolTip("Correction strokes fix the network's mistakes; the corrected loose "
                        "labels can go straight to Fine-tune");
    addRow(form, "Prediction", refine_);
    const auto update = [this] {
        model_->setEnabled(!automatic_->isChecked() && !refine_->isChecked());
        regional_->setEnabled(!automatic_->isChecked());
        margin_->setEnabled(CutRegionMode(region_->currentData().toInt()) != CutRegionMode::Whole);
    };
    connect(automatic_, &QCheckBox::toggled, this, update);
    connect(refine_, &QCheckBox::toggled, this, update);
    connect(region_, qOverload<int>(&QComboBox::currentIndexChanged), this, update);
    update();
}

GraphCutSettings GraphCutDialog::settings() const {
    GraphCutSettings s;
    s.energy.lambda = lambda_->value();
    s.energy.regionalWeight = regional_->value();
    s.energy.connectivity = connectivity_->currentData().toInt();
    s.refitRegionalModel = refit_->isChecked();
    s.automatic = automatic_->isChecked();
    s.refineWithPrediction = refine_->isChecked();
    s.energy.regionalModel = RegionalModel(model_->currentData().toInt());
    s.region = CutRegionMode(region_->currentData().toInt());
    s.regionMargin = margin_->value();
    return s;
}

VoxelSizeDialog::VoxelSizeDialog(const Vec3d& current, bool known, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle("Voxel size");
    auto* form = formWithButtons(this);
    if (!known)
        addRow(form, "", new QLabel("The file gives no voxel size. Please enter it:", this));
    const auto box = [this](double value) {
        auto* b = new QDoubleSpinBox(this);
        b->setRange(0.001, 1e6);
        b->setDecimals(3);
        b->setSuffix(" nm");
        b->setValue(value);
        return b;
    };
    z_ = box(current.z);
    y_ = box(current.y);
    x_ = box(current.x);
    addRow(form, "z", z_);
    addRow(form, "y", y_);
    addRow(form, "x", x_);
}

Vec3d VoxelSizeDialog::voxelSize() const {
    return {z_->value(), y_->value(), x_->value()};
}

} // namespace cisterna::ui
