// Background jobs: the job manager, a graph cut on the phantom that changes the
// overlay, training that can be cancelled, and closing with jobs running.
#include "TestPaths.h"
#include "UiTestSupport.h"

#include "ui/model/DocumentModel.h"
#include "ui/model/EvaluationJob.h"
#include "ui/model/FileIoLock.h"
#include "ui/model/JobManager.h"
#include "ui/model/LearningJobs.h"
#include "ui/render/SceneUpdater.h"
#include "ui/widgets/JobDialogs.h"
#include "ui/widgets/JobsPanel.h"
#include "ui/widgets/LossChart.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"

#include "core/io/VolumeIO.h"
#include "core/util/Error.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

TEST_CASE("the job manager reports progress, an ETA and honours cancel", "[ui][jobs]") {
    JobManager jobs;
    std::atomic<bool> release{false};
    bool finished = false;
    Job* job = jobs.start("count", JobKind::Other, [&](JobContext& context) -> JobFinish {
        for (int i = 1; i <= 100; ++i) {
            context.report(i / 200.0, "step " + std::to_string(i));
            std::this_thread::sleep_for(std::chrono::milliseconds(8));
        }
        while (!release)
            context.report(0.5, "waiting");
        return [&] { finished = true; };
    });
    REQUIRE(job->isRunning());
    REQUIRE(jobs.runningCount() == 1);
    // Step 100 and "waiting" both report half way: wait for the latter.
    REQUIRE(waitFor([&] { return job->message() == "waiting"; }, 10000));
    REQUIRE(job->fraction() == Approx(0.5));
    REQUIRE(job->etaSeconds() > 0);
    REQUIRE(job->etaSeconds() < 60);
    job->cancel();
    REQUIRE(waitForJob(job, 10000) == Job::State::Cancelled);
    REQUIRE_FALSE(finished); // a cancelled job's result is dropped
    REQUIRE(jobs.runningCount() == 0);

    Job* failing = jobs.start("fail", JobKind::Other, [](JobContext&) -> JobFinish {
        throw InvalidArgument("no strokes");
    });
    REQUIRE(waitForJob(failing) == Job::State::Failed);
    REQUIRE(failing->error() == "no strokes");

    Job* ok = jobs.start("ok", JobKind::Other,
                         [&](JobContext&) -> JobFinish { return [&] { finished = true; }; });
    REQUIRE(waitForJob(ok) == Job::State::Succeeded);
    REQUIRE(finished);
    REQUIRE(ok->fraction() == 1);
}

TEST_CASE("a graph-cut job on the phantom completes and the overlay changes", "[ui][jobs]") {
    MainWindow window;
    scriptPrompts(window);
    window.resize(1300, 900);
    window.show();
    openDemo(window, 48);
    DocumentModel* doc = window.document();
    REQUIRE(doc->organelleCount() == 5);
    strokeOrganelle(window, 0, 1); // mito
    REQUIRE_FALSE(doc->layer(0, Layer::Strokes).isNull());
    QApplication::processEvents();
    SliceView* xy = window.sliceView(0);
    const QImage before = xy->grab().toImage();

    Job* cut = window.startGraphCut();
    REQUIRE(cut->kind() == JobKind::GraphCut);
    REQUIRE(window.jobsPanel()->rowOf(cut) != nullptr);
    REQUIRE(waitForJob(cut) == Job::State::Succeeded);
    const Volume& labels = doc->layer(0, Layer::Truth);
    REQUIRE_FALSE(labels.isNull());
    // The cut follows the phantom's mitochondria: far better than chance.
    const auto l = labels.view<std::uint8_t>();
    const auto t = doc->referenceLabels().view<std::uint8_t>();
    std::int64_t tp = 0, fp = 0, fn = 0;
    const Shape3 s = labels.shape();
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                const bool p = l(z, y, x) != 0, g = t(z, y, x) == 1;
                tp += p && g;
                fp += p && !g;
                fn += !p && g;
            }
    INFO("graph cut tp " << tp << " fp " << fp << " fn " << fn);
    REQUIRE(tp > 0);
    REQUIRE(double(tp) / double(tp + (fp + fn) / 2) > 0.3);
    // The slice view now shows the labels in colour.
    QApplication::processEvents();
    const QImage after = xy->grab().toImage();
    REQUIRE(colouredPixels(after) > colouredPixels(before) + 50);
    // The 3D scene gets the organelle's surface.
    window.sceneUpdater()->flush();
    REQUIRE(waitFor([&] { return window.sceneUpdater()->pendingCount() == 0; }));
    REQUIRE(window.scene()->hasSurface(SceneUpdater::truthKey(doc->organelle(0).uid)));
    // The cut is one undoable step.
    doc->undoHistory()->undo();
    REQUIRE(doc->layer(0, Layer::Truth).isNull());
    doc->undoHistory()->redo();
    REQUIRE_FALSE(doc->layer(0, Layer::Truth).isNull());

    // The automatic cut says which energy it chose, and the organelle keeps it.
    INFO(cut->message().toStdString());
    REQUIRE(cut->message().contains("regional weight"));
    REQUIRE_FALSE(doc->organelle(0).graphCutChoice.isEmpty());

    // An energy set by hand: more strokes, cut again, and the re-cut session is reused.
    window.graphCutSettings().automatic = false;
    Job* manual = window.startGraphCut();
    REQUIRE(waitForJob(manual) == Job::State::Succeeded);
    REQUIRE(window.graphCutSessions().hasSession(doc->organelle(0).uid));
    window.tools()->setTool(Tool::BackgroundBrush);
    dragStroke(xy, {xy->positionOfVoxel(1, 1), xy->positionOfVoxel(1, 6)});
    Job* recut = window.startGraphCut();
    REQUIRE(waitForJob(recut) == Job::State::Succeeded);
    REQUIRE(recut->message().contains("re-cut"));
    // The re-cut keeps the first cut's grey-value model but still obeys every stroke,
    // the new background stroke included.
    const Volume strokesNow = doc->layer(0, Layer::Strokes);
    const Volume truthNow = doc->layer(0, Layer::Truth);
    const auto sv = strokesNow.view<std::uint8_t>();
    const auto tv = truthNow.view<std::uint8_t>();
    std::int64_t stroked = 0, obeyed = 0;
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x)
                if (sv(z, y, x) != 0) {
                    ++stroked;
                    obeyed += (sv(z, y, x) == 1) == (tv(z, y, x) != 0);
                }
    REQUIRE(stroked > 0);
    REQUIRE(obeyed == stroked);
}

TEST_CASE("an automatic graph cut shows a first result, and cancel puts the layer back",
          "[ui][jobs]") {
    MainWindow window;
    scriptPrompts(window);
    openDemo(window, 64);
    DocumentModel* doc = window.document();
    strokeOrganelle(window, 0, 1); // mito
    REQUIRE(doc->layer(0, Layer::Truth).isNull());
    const int edits = doc->undoHistory()->count(); // the strokes
    // The first, coarse result lands in the truth layer while the job still runs.
    Job* cut = window.startGraphCut();
    REQUIRE(
        waitFor([&] { return !doc->layer(0, Layer::Truth).isNull() || !cut->isRunning(); }, 20000));
    const bool firstWhileRunning = cut->isRunning();
    cut->cancel();
    const Job::State state = waitForJob(cut, 20000);
    if (firstWhileRunning) {
        // Cancelled after the first result was shown: the layer is as it was, and
        // nothing was added to the undo stack.
        REQUIRE(state == Job::State::Cancelled);
        REQUIRE(doc->layer(0, Layer::Truth).isNull());
        REQUIRE(doc->undoHistory()->count() == edits);
    } else {
        WARN("the cut finished before its first result could be checked");
    }
    // Run to the end: the final result replaces the first one as one undoable step.
    Job* full = window.startGraphCut();
    REQUIRE(waitForJob(full, 60000) == Job::State::Succeeded);
    REQUIRE_FALSE(doc->layer(0, Layer::Truth).isNull());
    REQUIRE(doc->undoHistory()->count() == edits + 1);
    // One more stroke and cut again: the last cut's session re-cuts with its energy
    // frozen first, then the full automatic cut replaces that result.
    REQUIRE(window.graphCutSessions().hasSession(doc->organelle(0).uid));
    SliceView* xy = window.sliceView(0);
    window.tools()->setTool(Tool::BackgroundBrush);
    dragStroke(xy, {xy->positionOfVoxel(2, 2), xy->positionOfVoxel(2, 9)});
    REQUIRE(doc->undoHistory()->count() == edits + 2);
    Job* again = window.startGraphCut();
    REQUIRE(waitForJob(again, 60000) == Job::State::Succeeded);
    INFO(again->message().toStdString());
    REQUIRE(again->message().contains("re-cut with the last cut's energy"));
    REQUIRE(doc->undoHistory()->count() == edits + 3);
    doc->undoHistory()->undo();
    doc->undoHistory()->undo();
    doc->undoHistory()->undo();
    REQUIRE(doc->layer(0, Layer::Truth).isNull());
}

TEST_CASE("post-processing cuts each organelle at its own threshold", "[ui][jobs][learning]") {
    // Two organelles predicted on a row of voxels; mito's threshold is low, ER's high.
    DocumentModel doc;
    doc.setImage(Volume::allocate(DataType::UInt8, {1, 1, 5}), "row");
    const int mito = doc.addOrganelle("mito");
    const int er = doc.addOrganelle("er");
    auto prediction = [](std::vector<int> percent) {
        Volume p = Volume::allocate(DataType::UInt8, {1, 1, 5});
        for (std::int64_t x = 0; x < 5; ++x)
            p.view<std::uint8_t>()(0, 0, x) = std::uint8_t(percent[std::size_t(x)] * 255 / 100);
        return p;
    };
    doc.setLayer(mito, Layer::Prediction, prediction({90, 60, 20, 70, 0}));
    doc.setLayer(er, Layer::Prediction, prediction({60, 90, 70, 70, 0}));
    doc.setOrganelleThreshold(mito, 0.1);
    doc.setOrganelleThreshold(er, 0.8);
    JobManager jobs;
    auto row = [&](int organelle) {
        std::vector<int> out;
        for (std::int64_t x = 0; x < 5; ++x)
            out.push_back(doc.layer(organelle, Layer::Segmentation).view<std::uint8_t>()(0, 0, x));
        return out;
    };
    PostProcessSettings settings; // one organelle per voxel, each at its own threshold
    REQUIRE(waitForJob(startPostProcess(jobs, doc, settings)) == Job::State::Succeeded);
    CHECK(row(mito) == std::vector<int>{1, 0, 1, 1, 0}); // ER wins voxel 1 only
    CHECK(row(er) == std::vector<int>{0, 1, 0, 0, 0});
    settings.onePerVoxel = false;
    REQUIRE(waitForJob(startPostProcess(jobs, doc, settings)) == Job::State::Succeeded);
    CHECK(row(mito) == std::vector<int>{1, 1, 1, 1, 0});
    CHECK(row(er) == std::vector<int>{0, 1, 0, 0, 0});
    // One threshold for all, when the dialog sets it.
    settings.threshold = 0.5;
    REQUIRE(waitForJob(startPostProcess(jobs, doc, settings)) == Job::State::Succeeded);
    CHECK(row(er) == std::vector<int>{1, 1, 1, 1, 0});
}

TEST_CASE("an evaluation job compares the layer as it was when it started", "[ui][jobs]") {
    // The job reads its ground truth from a file under the app's file lock; the test
    // holds the lock, paints the evaluated layer as the brush does, then lets the job
    // go on: it must score the layer as it was (JobManager.h's rule), not the paint.
    ScratchDir dir("ui-evaluate");
    DocumentModel doc;
    doc.setImage(Volume::allocate(DataType::UInt8, {2, 4, 4}), "small");
    const int mito = doc.addOrganelle("mito");
    Volume truth = Volume::allocate(DataType::UInt8, {2, 4, 4}, VolumeRole::Label);
    for (std::int64_t x = 0; x < 4; ++x)
        truth.view<std::uint8_t>()(0, 0, x) = 1;
    writeVolume(dir.file("truth.h5"), truth);
    doc.setLayer(mito, Layer::Truth, truth.clone()); // a perfect segmentation
    JobManager jobs;
    EvaluationRequest request;
    request.organelle = mito;
    request.truthPath = QString::fromStdString(dir.file("truth.h5"));
    std::optional<EvaluationRow> result;
    Job* job = nullptr;
    {
        const std::lock_guard<std::mutex> lock(fileIoMutex());
        job = startEvaluation(jobs, doc, request, [&](const EvaluationRow& r) { result = r; });
        // In place, through the one door the brush and undo use (copy-on-write).
        Volume& layer = doc.ensureLayer(mito, Layer::Truth);
        for (std::int64_t y = 0; y < 4; ++y)
            for (std::int64_t x = 0; x < 4; ++x)
                layer.view<std::uint8_t>()(1, y, x) = 1; // painted while the job waits
    }
    REQUIRE(waitForJob(job) == Job::State::Succeeded);
    REQUIRE(result);
    CHECK(result->evaluation.voxels.f1() == Approx(1.0));
}

TEST_CASE("jobs refuse to start without their input, with a sentence for the user", "[ui][jobs]") {
    MainWindow window;
    scriptPrompts(window);
    window.document()->setImage(rampVolume({8, 16, 16}), "ramp");
    REQUIRE_THROWS_WITH(window.startGraphCut(), Catch::Contains("Add an organelle"));
    window.document()->addOrganelle("mito");
    REQUIRE_THROWS_WITH(window.startGraphCut(), Catch::Contains("Paint object and background"));
    // Strokes of one class only: the engine's message ends up in the job.
    window.document()->ensureLayer(0, Layer::Strokes).view<std::uint8_t>()(1, 1, 1) = 1;
    Job* cut = window.startGraphCut();
    REQUIRE(waitForJob(cut) == Job::State::Failed);
    REQUIRE_FALSE(cut->error().isEmpty());
    if (learningAvailable())
        REQUIRE_THROWS_WITH(window.startTraining({}), Catch::Contains("graph cut"));
}

TEST_CASE("a training job shows its loss live and can be cancelled", "[ui][jobs][learning]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: nothing to train");
        return;
    }
    MainWindow window;
    scriptPrompts(window);
    window.resize(1300, 900);
    window.show();
    openDemo(window, 48);
    DocumentModel* doc = window.document();
    // Labels to learn from: the phantom's mitochondria as the organelle's labels.
    Volume labels = Volume::allocate(DataType::UInt8, doc->shape(), VolumeRole::Label);
    const auto t = doc->referenceLabels().view<std::uint8_t>();
    auto l = labels.view<std::uint8_t>();
    const Shape3 s = doc->shape();
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x)
                l(z, y, x) = t(z, y, x) == 1;
    doc->setLayer(0, Layer::Truth, labels);

    TrainSettings settings;
    settings.iterations = 100000; // far more than the test waits for
    settings.baseFeatures = 4;
    settings.levels = 1;
    settings.validate = false;
    Job* train = window.startTraining(settings);
    REQUIRE(train->kind() == JobKind::Train);
    REQUIRE(window.jobsPanel()->chart()->job() == train);
    // The loss curve grows while it runs.
    const bool learning = waitFor([&] { return train->lossSeries().size() >= 3; }, 60000);
    INFO(jobStateName(train->state())
         << ": " << train->message().toStdString() << " " << train->error().toStdString());
    REQUIRE(learning);
    REQUIRE(waitFor([&] { return window.jobsPanel()->chart()->lossPointCount() >= 3; }, 5000));
    REQUIRE(train->message().contains("iteration"));
    // Cancel from the jobs panel, as a user would.
    auto* cancel = window.jobsPanel()->rowOf(train)->findChild<QPushButton*>("cancel");
    REQUIRE(cancel != nullptr);
    QTest::mouseClick(cancel, Qt::LeftButton);
    REQUIRE(waitForJob(train, 30000) == Job::State::Cancelled);
    REQUIRE(doc->organelle(0).modelPaths.isEmpty()); // nothing saved
    REQUIRE_FALSE(cancel->isEnabled());
}

TEST_CASE("the Train dialog sets the training patch and shows the sizes it gives",
          "[ui][jobs][learning]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: nothing to train");
        return;
    }
    MainWindow window;
    scriptPrompts(window);
    openDemo(window, 48);
    TrainDialog dialog(*window.document(), 0, false, std::nullopt, &window);
    auto* features = dialog.findChild<QSpinBox*>("features");
    auto* levels = dialog.findChild<QSpinBox*>("levels");
    auto* patch = dialog.findChild<QSpinBox*>("patch");
    auto* sizes = dialog.findChild<QLabel*>("patchSizes");
    REQUIRE(features);
    REQUIRE(levels);
    REQUIRE(patch);
    REQUIRE(sizes);
    CHECK(dialog.settings().patchSize == 0);
    CHECK(sizes->text().startsWith("automatic"));
    // Where the job will run and why, as the worker answered (cisterna-cli devices).
    auto* device = dialog.findChild<QLabel*>("device");
    REQUIRE(device);
    INFO(device->text().toStdString());
    CHECK((device->text().startsWith("cpu: ") || device->text().startsWith("cuda:0: ")));
    CHECK(device->text().contains("LibTorch"));

    features->setValue(4);
    levels->setValue(1);
    patch->setValue(29); // one level of 3x3x3 valid convolutions needs an even n - 4
    CHECK(dialog.settings().patchSize == 29);
    CHECK(sizes->text().toStdString() ==
          "input 30 x 30 x 30 (z, y, x) -> output 14 x 14 x 14 (z, y, x)");
    levels->setValue(2); // a deeper network needs more context for the same patch
    CHECK(sizes->text().contains("input 44 x 44 x 44"));
    patch->setValue(200); // larger than the 48^3 image: the largest input that fits
    CHECK(sizes->text().contains("input 48 x 48 x 48"));

    TrainDialog fineTune(*window.document(), 0, true, std::nullopt, &window);
    CHECK(fineTune.findChild<QSpinBox*>("patch")->isHidden());
    CHECK(dialog.findChild<QLabel*>("labelSource")->text().contains("(graph cut + corrections)"));

    // With a graph cut of a region: the dialogs name it, and Predict offers it.
    const Box3 box{{4, 8, 8}, {20, 30, 30}};
    TrainDialog inRegion(*window.document(), 0, false, box, &window);
    CHECK(inRegion.findChild<QLabel*>("labelSource")
              ->text()
              .contains(QString::fromStdString(toString(box))));
    PredictDialog predict(*window.document(), 0, box, &window);
    auto* region = predict.findChild<QComboBox*>("region");
    REQUIRE(region);
    CHECK_FALSE(predict.settings().region.has_value()); // the whole volume first
    REQUIRE(region->count() == 4);
    region->setCurrentIndex(3);
    const std::optional<Box3> chosen = predict.settings().region;
    REQUIRE(chosen.has_value());
    CHECK(chosen->begin == box.begin);
    CHECK(chosen->size == box.size);
}

TEST_CASE("training holds out the end slab that holds the most labels", "[ui][jobs][learning]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: nothing to train");
        return;
    }
    TrainSettings settings;
    settings.baseFeatures = 4;
    settings.levels = 1;
    const Vec3d voxel{8, 8, 8};
    Volume labels = Volume::allocate(DataType::UInt8, {64, 80, 96}, VolumeRole::Label);
    auto l = labels.view<std::uint8_t>();
    // Nothing labelled: no slab tells anything.
    CHECK_FALSE(validationSlab(settings, labels, voxel).has_value());

    // Objects near x = 0 and a few in the middle: the slab at the start of x, a
    // quarter of x deep, holds most of them.
    for (std::int64_t z = 10; z < 50; ++z)
        for (std::int64_t y = 10; y < 70; ++y) {
            l(z, y, 3) = 1;
            l(z, y, 20) = 1;
            if (y < 20)
                l(z, y, 50) = 1;
        }
    auto slab = validationSlab(settings, labels, voxel);
    REQUIRE(slab);
    CHECK(slab->begin == Index3{0, 0, 0});
    CHECK(slab->size == Shape3{64, 80, 24});

    // All labels inside that slab: it would leave nothing to train on. The next best
    // is the start of z, 18 slices deep (the smallest network input, more than a
    // quarter of z): 8 of the objects' 40 slices, more than the 10 of 60 rows at
    // either end of y or the 2 slices at the end of z.
    for (std::int64_t z = 10; z < 50; ++z)
        for (std::int64_t y = 10; y < 20; ++y)
            l(z, y, 50) = 0;
    slab = validationSlab(settings, labels, voxel);
    REQUIRE(slab);
    CHECK(slab->begin == Index3{0, 0, 0});
    CHECK(slab->size == Shape3{18, 80, 96});

    // Labels in one corner only, inside every slab that covers it: each of those
    // would hold them all, the others none.
    for (std::int64_t z = 0; z < 64; ++z)
        for (std::int64_t y = 0; y < 80; ++y)
            for (std::int64_t x = 0; x < 96; ++x)
                l(z, y, x) = z < 5 && y < 5 && x < 5;
    CHECK_FALSE(validationSlab(settings, labels, voxel).has_value());
}

TEST_CASE("a stack thinner than the network's input trains plane by plane along it",
          "[ui][jobs][learning]") {
    if (!learningAvailable()) {
        WARN("built without LibTorch: nothing to train");
        return;
    }
    // Ten thick sections, like the SBEM validation stack: the default network's
    // smallest input is deeper than that along z.
    ScratchDir dir("ui-thin-train");
    DocumentModel doc;
    Volume image = Volume::allocate(DataType::UInt8, {10, 64, 64});
    Volume truth = Volume::allocate(DataType::UInt8, {10, 64, 64}, VolumeRole::Label);
    for (std::int64_t z = 0; z < 10; ++z)
        for (std::int64_t y = 0; y < 64; ++y)
            for (std::int64_t x = 0; x < 64; ++x) {
                const bool inside = (y - 32) * (y - 32) + (x - 32) * (x - 32) < 100;
                image.view<std::uint8_t>()(z, y, x) = inside ? 60 : 180;
                truth.view<std::uint8_t>()(z, y, x) = inside;
            }
    image.setVoxelSize({30, 6, 6});
    doc.setImage(image, "thin");
    const int mito = doc.addOrganelle("mito");
    doc.setLayer(mito, Layer::Truth, truth);
    TrainSettings settings;
    settings.baseFeatures = 4;
    settings.iterations = 2;
    settings.patchSize = 24;
    settings.validate = false;
    settings.modelPath = QString::fromStdString(dir.file("thin.cmodel"));
    const QString patch = describeTrainingPatch(settings, doc);
    INFO(patch.toStdString());
    CHECK(patch.startsWith("input 10 x"));
    JobManager jobs;
    Job* job = startTraining(jobs, doc, mito, settings);
    REQUIRE(waitForJob(job, 120000) == Job::State::Succeeded);
}

TEST_CASE("closing with running jobs asks first", "[ui][jobs]") {
    auto window = std::make_unique<MainWindow>();
    ScriptedPrompts* prompts = scriptPrompts(*window);
    window->show();
    window->document()->setImage(rampVolume({4, 8, 8}), "ramp");
    std::atomic<bool> stop{false};
    Job* job = window->jobs()->start("endless", JobKind::Other, [&](JobContext& c) -> JobFinish {
        while (!stop)
            c.report(0.1, "working");
        return {};
    });
    prompts->closeWithJobs = false;
    REQUIRE_FALSE(window->close());
    REQUIRE(prompts->jobQuestions == 1);
    REQUIRE(window->isVisible());
    REQUIRE(job->isRunning());
    prompts->closeWithJobs = true;
    REQUIRE(window->close());
    REQUIRE(prompts->jobQuestions == 2);
    REQUIRE(job->state() == Job::State::Cancelled);
    REQUIRE_FALSE(window->isVisible());
}
