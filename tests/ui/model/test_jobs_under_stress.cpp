// Jobs under stress, without a window: every kind of job while the brush paints,
// cancelled at random moments, two on one organelle, and the app closed while one
// runs. No crash, no torn layer, and a cancelled job leaves the layers as they were.
#include "ModelTestSupport.h"

#include "ui/model/BrushStroke.h"

#include "TestPaths.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

bool sameLayer(const Volume& a, const Volume& b) {
    if (a.isNull() || b.isNull())
        return a.isNull() == b.isNull();
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.byteCount()) == 0;
}

enum class Kind { GraphCut, Train, Predict, PostProcess, Evaluate };

// A network small enough to train a few iterations in seconds on a CPU.
TrainSettings tinyTraining(std::int64_t iterations) {
    TrainSettings train;
    train.iterations = iterations;
    train.baseFeatures = 4;
    train.levels = 1;
    train.patchSize = 20;
    train.validate = false;
    return train;
}

} // namespace

TEST_CASE("jobs of every kind survive painting, random cancels and a second job on the "
          "same organelle",
          "[ui][jobs][stress]") {
    test::ScratchDir dir("ui-stress");
    AppModel app(QString::fromStdString(dir.file("autosave")));
    REQUIRE(test::openStrokedDemo(app, 32, 5));
    DocumentModel& doc = app.document();
    const int uid = doc.organelle(0).uid;

    // What the other kinds need: labels, a model, a prediction.
    REQUIRE(test::waitForEnd(app.startGraphCut(0)) == Job::State::Succeeded);
    const bool learning = learningAvailable();
    const TrainSettings train = tinyTraining(4);
    if (learning) {
        REQUIRE(test::waitForEnd(app.startTraining(train, 0)) == Job::State::Succeeded);
        REQUIRE(test::waitForEnd(app.startPrediction({}, 0)) == Job::State::Succeeded);
    }

    // A second graph cut of the same organelle is refused while one runs.
    Job* first = app.startGraphCut(0);
    CHECK_THROWS_AS(app.startGraphCut(0), InvalidArgument);
    first->cancel();
    test::waitForEnd(first);

    std::mt19937 random(3);
    const SliceGeometry g{ViewAxis::XY, doc.shape(), doc.voxelSize()};
    std::vector<Kind> kinds{Kind::GraphCut, Kind::Evaluate};
    if (learning)
        kinds.insert(kinds.end(), {Kind::Train, Kind::Predict, Kind::PostProcess});
    int cancelled = 0, succeeded = 0;
    for (int round = 0; round < 2; ++round)
        for (const Kind kind : kinds) {
            const int index = doc.indexOfUid(uid);
            const Volume truth = doc.layer(index, Layer::Truth).clone();
            const Volume prediction = doc.layer(index, Layer::Prediction).clone();
            const Volume segmentation = doc.layer(index, Layer::Segmentation).isNull()
                                            ? Volume()
                                            : doc.layer(index, Layer::Segmentation).clone();
            const int models = int(doc.organelle(index).modelPaths.size());
            Job* job = nullptr;
            switch (kind) {
            case Kind::GraphCut:
                job = app.startGraphCut(index);
                break;
            case Kind::Train:
                job = app.startTraining(train, index);
                break;
            case Kind::Predict:
                job = app.startPrediction({}, index);
                break;
            case Kind::PostProcess:
                job = app.startPostProcess({});
                break;
            case Kind::Evaluate:
                job = app.startEvaluation({}, [](const EvaluationRow&) {});
                break;
            }
            // The brush paints on while the job runs (over the same voxels in each round:
            // only the first stroke of a round changes them), then the user cancels at a
            // random moment (sometimes after the job has ended).
            BrushStroke stroke(&doc, index, Layer::Strokes, round == 0 ? 1 : 2, g, 4 + round,
                               doc.voxelSize().x * 1.5);
            for (int k = 0; k < 12; ++k) {
                stroke.addPoint(2 + k, 3 + 2 * round);
                QCoreApplication::processEvents();
            }
            doc.undoHistory()->push(stroke.finish("paint").release());
            test::processEventsFor(std::uniform_int_distribution<int>(0, 150)(random));
            job->cancel();
            const Job::State state = test::waitForEnd(job);
            INFO("kind " << int(kind) << " round " << round << ": " << job->error().toStdString());
            REQUIRE((state == Job::State::Cancelled || state == Job::State::Succeeded));
            if (state == Job::State::Cancelled) {
                ++cancelled;
                // Nothing of a cancelled job lands: every layer it could write is as it was.
                CHECK(sameLayer(doc.layer(index, Layer::Truth), truth));
                CHECK(sameLayer(doc.layer(index, Layer::Prediction), prediction));
                CHECK(sameLayer(doc.layer(index, Layer::Segmentation), segmentation));
                CHECK(int(doc.organelle(index).modelPaths.size()) == models);
            } else {
                ++succeeded;
            }
            // The paint is there, whatever the job did.
            CHECK(doc.layer(index, Layer::Strokes).valueAt({4 + round, 3 + 2 * round, 8}) ==
                  (round == 0 ? 1 : 2));
        }
    CHECK(cancelled > 0);
    // Undo of everything still works after all this.
    while (doc.undoHistory()->canUndo())
        doc.undoHistory()->undo();
    CHECK(doc.layer(0, Layer::Truth).isNull());
}

TEST_CASE("the app model closes while a job runs without waiting for it to finish",
          "[ui][jobs][stress]") {
    test::ScratchDir dir("ui-stress-close");
    QElapsedTimer clock;
    {
        AppModel app(QString::fromStdString(dir.file("autosave")));
        REQUIRE(test::openStrokedDemo(app, 32, 5));
        // A long training where the engine has one (minutes), else a graph cut.
        const TrainSettings train = tinyTraining(100000);
        Job* job = nullptr;
        if (learningAvailable()) {
            REQUIRE(test::waitForEnd(app.startGraphCut(0)) == Job::State::Succeeded);
            job = app.startTraining(train, 0);
        } else {
            job = app.startGraphCut(0);
        }
        test::processEventsFor(200);
        REQUIRE(job->isRunning());
        clock.start();
        app.shutdown(); // as the window's close: running jobs are dropped
    }
    CHECK(clock.elapsed() < 5000); // cancelled, not waited for to the end
}
