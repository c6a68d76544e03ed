#pragma once
// Shared helpers of the widget tests: small volumes, waiting for jobs while the event
// loop runs, scripted answers to the window's questions, synthesised mouse strokes.
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/UserPrompts.h"

#include "core/volume/Volume.h"

#include <QPoint>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace cisterna::test {

// A volume whose voxel value encodes its position (z * 10 + x).
Volume rampVolume(const Shape3& shape);

// Runs the event loop until `condition` holds or `ms` pass; returns the condition.
bool waitFor(const std::function<bool()>& condition, int ms = 60000);
// Waits for a job to end and returns its final state.
ui::Job::State waitForJob(ui::Job* job, int ms = 60000);

// A demo phantom opened in the window (waits for it).
void openDemo(ui::MainWindow& window, int size, std::uint64_t seed = 1);

// Presses the left button at the first point, drags through the others and releases
// at the last, as a user painting would.
void dragStroke(QWidget* view, const std::vector<QPointF>& points,
                Qt::KeyboardModifiers modifiers = Qt::NoModifier);

// Strokes for one organelle of the demo phantom, painted with the mouse as a user
// would: on each of the three views, on the slice that shows most of the organelle
// (`label` in the phantom's reference labels), object strokes inside it and
// background strokes away from it. Leaves the cursor on those slices.
void strokeOrganelle(ui::MainWindow& window, int organelle, std::uint8_t label,
                     int strokesPerView = 8);

// Answers the window's questions from fields the test sets; records what was asked.
class ScriptedPrompts : public ui::UserPrompts {
public:
    bool closeWithJobs = false;
    ui::UnsavedChoice unsaved = ui::UnsavedChoice::Discard;
    bool recover = true;
    QString movedImage;
    QString savePath;
    int jobQuestions = 0, unsavedQuestions = 0, recoveryOffers = 0, locateQuestions = 0;
    QStringList errors;

    bool confirmCloseWithJobs(QWidget*, int) override {
        ++jobQuestions;
        return closeWithJobs;
    }
    ui::UnsavedChoice unsavedChanges(QWidget*, const QString&) override {
        ++unsavedQuestions;
        return unsaved;
    }
    bool offerRecovery(QWidget*, const ui::LeftoverAutosave&) override {
        ++recoveryOffers;
        return recover;
    }
    QString locateMovedImage(QWidget*, const QString&) override {
        ++locateQuestions;
        return movedImage;
    }
    QString projectSavePath(QWidget*, const QString&) override { return savePath; }
    void showError(QWidget*, const QString&, const QString& text) override { errors << text; }
    bool askForMissingVoxelSize() override { return false; }
};

// The prompts installed in a window, to set answers and read what was asked.
ScriptedPrompts* scriptPrompts(ui::MainWindow& window);

// Counts pixels of `image` inside `rect` that are clearly coloured (not grey).
int colouredPixels(const QImage& image, const QRect& rect = {});

std::string screenshotDir(); // <build>/screenshots, created

} // namespace cisterna::test
