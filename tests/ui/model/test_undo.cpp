// Undo within a byte budget: whole-layer edits kept as deltas, the oldest steps
// dropped with a note, and layers that are copy-on-write so that a handle a job took
// is a snapshot the brush never changes (the rule of JobManager.h). Document models
// only, no window.
#include "ModelTestSupport.h"

#include "ui/model/BrushStroke.h"
#include "ui/model/DocumentModel.h"
#include "ui/model/JobManager.h"
#include "ui/model/LabelEdits.h"
#include "ui/model/UndoHistory.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

const Shape3 kShape{16, 64, 64};

Volume ball(double radius, std::uint8_t label = 1) {
    Volume v = Volume::allocate(DataType::UInt8, kShape, VolumeRole::Label);
    auto view = v.view<std::uint8_t>();
    for (std::int64_t z = 0; z < kShape.z; ++z)
        for (std::int64_t y = 0; y < kShape.y; ++y)
            for (std::int64_t x = 0; x < kShape.x; ++x) {
                const double dz = (z - 8) * 4.0, dy = y - 32.0, dx = x - 32.0;
                if (dz * dz + dy * dy + dx * dx <= radius * radius)
                    view(z, y, x) = label;
            }
    return v;
}

bool same(const Volume& a, const Volume& b) {
    return !a.isNull() && !b.isNull() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), a.byteCount()) == 0;
}

struct Fixture {
    DocumentModel doc;
    int index = -1, uid = 0;
    Fixture() {
        Volume image = Volume::allocate(DataType::UInt8, kShape);
        image.setVoxelSize({30, 6, 6});
        doc.setImage(image, "empty");
        index = doc.addOrganelle("mito");
        uid = doc.organelle(index).uid;
    }
    void replaceTruth(const Volume& labels, const QString& text = "cut") {
        doc.undoHistory()->push(new ReplaceLayerCommand(&doc, uid, Layer::Truth, labels, text));
    }
    const Volume& truth() const { return doc.layer(index, Layer::Truth); }
    // One object brush stroke along y at column x of plane z = 8, as a slice view
    // paints it, letting events run between its points.
    void paint(std::int64_t x) {
        const SliceGeometry g{ViewAxis::XY, kShape, {30, 6, 6}};
        BrushStroke stroke(&doc, index, Layer::Strokes, 1, g, 8, 6.0);
        for (std::int64_t y = 10; y < 50; y += 2) {
            stroke.addPoint(x, y);
            QCoreApplication::processEvents();
        }
        doc.undoHistory()->push(stroke.finish("paint").release());
    }
};

} // namespace

TEST_CASE("whole-layer edits undo and redo exactly, holding only a delta", "[ui][undo]") {
    Fixture f;
    const Volume a = ball(10), b = ball(14), c = ball(6, 2);
    f.replaceTruth(a);
    f.replaceTruth(b);
    f.replaceTruth(c);
    UndoHistory* undo = f.doc.undoHistory();
    REQUIRE(undo->count() == 3);
    // Three label volumes' worth of changes in far less than one volume.
    CHECK(undo->bytes() < std::uint64_t(kShape.voxelCount()) / 4);

    undo->undo();
    REQUIRE(same(f.truth(), b));
    undo->undo();
    REQUIRE(same(f.truth(), a));
    undo->undo();
    REQUIRE(f.truth().isNull()); // the layer did not exist before the first cut
    undo->redo();
    REQUIRE(same(f.truth(), a));
    undo->redo();
    undo->redo();
    REQUIRE(same(f.truth(), c));
    REQUIRE_FALSE(undo->canRedo());
}

TEST_CASE("undo drops its oldest steps to stay within its budget, and says so", "[ui][undo]") {
    Fixture f;
    UndoHistory* undo = f.doc.undoHistory();
    QSignalSpy notes(undo, &UndoHistory::trimmed);
    const Volume states[] = {ball(10), ball(14), ball(15)};
    f.replaceTruth(states[0]);
    f.replaceTruth(states[1]);
    undo->setByteBudget(undo->bytes() + 64);
    f.replaceTruth(states[2], "third cut"); // a small step: the newest is kept
    REQUIRE(undo->bytes() <= undo->byteBudget());
    const int kept = undo->count();
    REQUIRE(kept >= 1);
    REQUIRE(kept < 3);
    REQUIRE(notes.count() == 1);
    const QString note = notes.first().first().toString();
    INFO(note.toStdString());
    CHECK(note.contains("oldest"));
    // Undo goes back exactly as far as the kept steps reach.
    while (undo->canUndo())
        undo->undo();
    CHECK(same(f.truth(), states[2 - kept]));

    // A step larger than the whole budget is done but cannot be undone.
    undo->setByteBudget(16);
    f.replaceTruth(ball(4), "huge cut");
    CHECK(same(f.truth(), ball(4)));
    CHECK(undo->count() == 0);
    REQUIRE(notes.count() == 2);
    CHECK(notes.last().first().toString().contains("\"huge cut\" cannot be undone"));
}

TEST_CASE("steps pushed in a macro undo as one", "[ui][undo]") {
    Fixture f;
    const int second = f.doc.addOrganelle("er");
    const int secondUid = f.doc.organelle(second).uid;
    UndoHistory* undo = f.doc.undoHistory();
    undo->beginMacro("Post-process");
    undo->push(new ReplaceLayerCommand(&f.doc, f.uid, Layer::Segmentation, ball(8), "a"));
    undo->push(new ReplaceLayerCommand(&f.doc, secondUid, Layer::Segmentation, ball(5), "b"));
    CHECK_FALSE(undo->canUndo()); // not while the macro is open
    undo->endMacro();
    REQUIRE(undo->count() == 1);
    CHECK(undo->undoText() == "Post-process");
    CHECK(same(f.doc.layer(second, Layer::Segmentation), ball(5)));
    undo->undo();
    CHECK(f.doc.layer(f.index, Layer::Segmentation).isNull());
    CHECK(f.doc.layer(second, Layer::Segmentation).isNull());
    undo->redo();
    CHECK(same(f.doc.layer(f.index, Layer::Segmentation), ball(8)));
}

TEST_CASE("a layer handle is a snapshot: the brush and undo copy the layer before writing",
          "[ui][undo]") {
    Fixture f;
    f.paint(10);
    const void* alone = f.doc.layer(f.index, Layer::Strokes).data();
    f.paint(12);
    // Nobody else holds the layer: painting writes in place, no copy.
    CHECK(f.doc.layer(f.index, Layer::Strokes).data() == alone);

    const Volume snapshot = f.doc.layer(f.index, Layer::Strokes); // what a job takes
    const Volume expected = snapshot.clone();
    f.paint(40);
    CHECK(same(snapshot, expected)); // the job's view did not change
    CHECK_FALSE(same(f.doc.layer(f.index, Layer::Strokes), expected));
    CHECK(f.doc.layer(f.index, Layer::Strokes).data() != snapshot.data());

    const Volume painted = f.doc.layer(f.index, Layer::Strokes);
    const Volume paintedCopy = painted.clone();
    f.doc.undoHistory()->undo();
    CHECK(same(painted, paintedCopy)); // undo copied too
    CHECK(same(f.doc.layer(f.index, Layer::Strokes), expected));
}

TEST_CASE("a job reads the layers as they were when it started while the brush paints on",
          "[ui][undo][jobs]") {
    Fixture f;
    auto painted = [](const Volume& v) {
        const auto* p = static_cast<const std::uint8_t*>(v.data());
        return std::count_if(p, p + v.voxelCount(), [](std::uint8_t x) { return x != 0; });
    };
    f.paint(10);
    const auto before = painted(f.doc.layer(f.index, Layer::Strokes));

    JobManager jobs;
    std::atomic<bool> go{false};
    std::atomic<std::int64_t> seen{-1};
    const Volume strokes = f.doc.layer(f.index, Layer::Strokes); // as every start function
    Job* job = jobs.start("count", JobKind::Other, [&, strokes](JobContext&) -> JobFinish {
        while (!go)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        seen = painted(strokes);
        return {};
    });
    f.paint(40); // while the job runs
    go = true;
    REQUIRE(test::waitForEnd(job, 20000) == Job::State::Succeeded);
    CHECK(seen == before);
    CHECK(painted(f.doc.layer(f.index, Layer::Strokes)) > before);
}
