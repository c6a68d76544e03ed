// The whole workflow on the demo phantom in a real window, saving screenshots of the
// main window along the way (build/screenshots/): strokes painted with the mouse, the
// graph-cut labels, a trained network's prediction, the 3D surfaces, the jobs panel
// with the loss plot. Tagged [gl]: it needs the 3D view, so it runs under Xvfb.
#include "UiTestSupport.h"

#include "ui/model/LearningJobs.h"
#include "ui/render/Scene3D.h"
#include "ui/render/SceneUpdater.h"
#include "ui/widgets/JobsPanel.h"
#include "ui/widgets/LossChart.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"
#include "ui/widgets/ThreeDView.h"

#include <QApplication>
#include <QTest>
#include <catch2/catch.hpp>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

namespace {

std::int64_t largestSlice(const Volume& labels, std::uint8_t label) {
    const auto t = labels.view<std::uint8_t>();
    const Shape3 s = labels.shape();
    std::int64_t best = 0, bestCount = -1;
    for (std::int64_t z = 0; z < s.z; ++z) {
        std::int64_t n = 0;
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x)
                n += t(z, y, x) == label;
        if (n > bestCount) {
            bestCount = n;
            best = z;
        }
    }
    return best;
}

void save(QWidget& w, const std::string& name) {
    QApplication::processEvents();
    const QImage shot = w.grab().toImage();
    REQUIRE(shot.save(QString::fromStdString(screenshotDir() + "/" + name)));
}

} // namespace

TEST_CASE("screenshots of the main window on the phantom", "[gl][screenshot]") {
    MainWindow window;
    scriptPrompts(window);
    window.resize(1600, 1000);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    openDemo(window, 96);
    DocumentModel* doc = window.document();
    const std::int64_t mitoZ = largestSlice(doc->referenceLabels(), 1);

    // 1. Strokes for the mitochondria and the nucleus, painted with the mouse.
    strokeOrganelle(window, 3, 4); // nucleus
    strokeOrganelle(window, 0, 1); // mito
    doc->setCursor({mitoZ, doc->cursor().y, doc->cursor().x});
    save(window, "main-window-strokes.png");

    // 2. Graph cuts: the labels appear in the views and as surfaces in 3D.
    Job* nucleus = window.startGraphCut(3);
    Job* mito = window.startGraphCut(0);
    REQUIRE(waitForJob(nucleus) == Job::State::Succeeded);
    REQUIRE(waitForJob(mito) == Job::State::Succeeded);
    window.sceneUpdater()->flush();
    REQUIRE(waitFor([&] { return window.sceneUpdater()->pendingCount() == 0; }));
    REQUIRE(window.scene()->hasSurface(SceneUpdater::truthKey(doc->organelle(0).uid)));
    window.threeDView()->resetCamera();
    save(window, "main-window-graph-cut.png");
    const QImage threeD = window.threeDView()->grabScene();
    REQUIRE(colouredPixels(threeD) > 500); // organelle surfaces, in colour
    threeD.save(QString::fromStdString(screenshotDir() + "/3d-view-phantom.png"));

    // 3. Train on the mitochondria's labels, predict, post-process: prediction
    //    overlays, the loss plot in the jobs panel.
    if (learningAvailable()) {
        // A small network on small patches: about half a minute on a CPU, enough for
        // an overlay that follows the mitochondria.
        TrainSettings train;
        train.iterations = 300;
        train.baseFeatures = 4;
        train.levels = 1;
        train.learningRate = 3e-3;
        train.patchSize = 32;
        Job* training = window.startTraining(train, 0);
        REQUIRE(waitForJob(training, 300000) == Job::State::Succeeded);
        REQUIRE(training->lossSeries().size() == 300);
        REQUIRE(window.jobsPanel()->chart()->lossPointCount() == 300);
        REQUIRE(doc->organelle(0).modelPaths.size() == 1);
        Job* predict = window.startPrediction({}, 0);
        REQUIRE(waitForJob(predict, 120000) == Job::State::Succeeded);
        REQUIRE_FALSE(doc->layer(0, Layer::Prediction).isNull());
        doc->setOrganelleThreshold(0, 0.5);
        window.sceneUpdater()->flush();
        REQUIRE(waitFor([&] { return window.sceneUpdater()->pendingCount() == 0; }));
    } else {
        WARN("built without LibTorch: no prediction in the screenshots");
    }
    doc->setCursor({mitoZ, doc->cursor().y, doc->cursor().x});
    save(window, "main-window-phantom.png");
    QImage small = window.grab().toImage().scaledToWidth(1280, Qt::SmoothTransformation);
    REQUIRE(small.save(QString::fromStdString(screenshotDir() + "/main-window.png")));
    // The README's picture is refreshed on request only, never as a side effect of an
    // ordinary test run: CISTERNA_UPDATE_README_SCREENSHOT=1.
    if (qEnvironmentVariableIsSet("CISTERNA_UPDATE_README_SCREENSHOT"))
        REQUIRE(
            small.save(QString(CISTERNA_SOURCE_DIR) + "/resources/screenshots/main-window.png"));
}
