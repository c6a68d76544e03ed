// Brushes: synthesised mouse strokes land in the right voxels on every view, with the
// radius measured in nm; undo/redo through the sparse command stack.
#include "UiTestSupport.h"

#include "ui/model/BrushStroke.h"
#include "ui/model/LabelEdits.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/SliceView.h"

#include <QApplication>
#include <QTest>
#include <catch2/catch.hpp>

#include <set>

using namespace cisterna;
using namespace cisterna::ui;
using namespace cisterna::test;

namespace {

using VoxelSet = std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>>;

// Every voxel of a layer with this value.
VoxelSet voxelsWithValue(const Volume& layer, std::uint8_t value) {
    VoxelSet s;
    if (layer.isNull())
        return s;
    const auto v = layer.view<std::uint8_t>();
    const Shape3 shape = layer.shape();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                if (v(z, y, x) == value)
                    s.insert({z, y, x});
    return s;
}

// What a stroke through the given voxel centres should paint, computed independently
// of the brush code: all voxels within radiusNm (physically) of any voxel the path
// passes, on that plane.
VoxelSet expectedDisc(const SliceGeometry& g, std::int64_t slice,
                      const std::vector<std::pair<std::int64_t, std::int64_t>>& centres,
                      double radiusNm) {
    VoxelSet s;
    for (const auto& [c0, r0] : centres)
        for (std::int64_t r = 0; r < g.rows(); ++r)
            for (std::int64_t c = 0; c < g.columns(); ++c) {
                const double dc = double(c - c0) * g.columnSpacing();
                const double dr = double(r - r0) * g.rowSpacing();
                if (dc * dc + dr * dr <= radiusNm * radiusNm + 1e-6) {
                    const Index3 v = g.voxelAt(slice, c, r);
                    s.insert({v.z, v.y, v.x});
                }
            }
    return s;
}

struct PaintFixture {
    MainWindow window;
    PaintFixture() {
        scriptPrompts(window);
        window.resize(1300, 900);
        window.show();
        Volume image = rampVolume({12, 40, 48});
        image.setVoxelSize({20, 5, 5}); // z voxels 4x thicker
        window.document()->setImage(image, "ramp");
        window.document()->addOrganelle("mito");
        window.activateWindow();
        QTest::qWaitForWindowActive(&window); // shortcuts need an active window
        QApplication::processEvents();
    }
    const Volume& layer(Layer l) { return window.document()->layer(0, l); }
};

} // namespace

TEST_CASE("the brush footprint is round in nm on anisotropic voxels", "[ui][paint]") {
    SliceGeometry g;
    g.shape = {10, 10, 10};
    g.voxelSize = {20, 5, 5};
    g.axis = ViewAxis::XZ; // columns 5 nm, rows 20 nm
    const auto fp = brushFootprint(g, 10.0);
    // Columns reach 2 voxels (10 nm), rows none (20 nm > 10 nm).
    std::set<std::pair<int, int>> got(fp.begin(), fp.end());
    REQUIRE(got == std::set<std::pair<int, int>>{{-2, 0}, {-1, 0}, {0, 0}, {1, 0}, {2, 0}});
    REQUIRE(brushFootprint(g, 0).size() == 1);
}

TEST_CASE("synthesised mouse strokes in the slice views land in the right voxels", "[ui][paint]") {
    PaintFixture f;
    ToolState* tools = f.window.tools();
    DocumentModel* doc = f.window.document();

    SECTION("an object stroke in the XY view") {
        tools->setTool(Tool::ObjectBrush);
        tools->setRadiusVoxels(2); // finest axis 5 nm: 10 nm
        REQUIRE(tools->radiusNm() == Approx(10));
        doc->setCursor({7, 20, 24});
        SliceView* xy = f.window.sliceView(0);
        // A horizontal drag from column 10 to column 20 along row 15.
        std::vector<QPointF> path;
        for (int c = 10; c <= 20; c += 3)
            path.push_back(xy->positionOfVoxel(c, 15));
        path.push_back(xy->positionOfVoxel(20, 15));
        dragStroke(xy, path);
        std::vector<std::pair<std::int64_t, std::int64_t>> centres;
        for (int c = 10; c <= 20; ++c)
            centres.push_back({c, 15});
        const VoxelSet expected = expectedDisc(xy->geometry(), 7, centres, 10.0);
        REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 1) == expected);
        REQUIRE(doc->undoHistory()->count() == 1);
    }

    SECTION("a background stroke in the XZ view and the eraser in the YZ view") {
        doc->setCursor({6, 30, 24});
        SliceView* xz = f.window.sliceView(1);
        tools->setTool(Tool::BackgroundBrush);
        tools->setRadiusVoxels(1); // 5 nm: one column either side, no rows (20 nm)
        dragStroke(xz, {xz->positionOfVoxel(5, 3), xz->positionOfVoxel(9, 3)});
        std::vector<std::pair<std::int64_t, std::int64_t>> centres;
        for (int c = 5; c <= 9; ++c)
            centres.push_back({c, 3});
        const VoxelSet painted = expectedDisc(xz->geometry(), 30, centres, 5.0);
        REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 2) == painted);
        for (const auto& [z, y, x] : painted)
            REQUIRE(y == 30); // on the XZ plane at y = 30, z = 3 only
        REQUIRE(painted.count({3, 30, 4}) == 1);
        REQUIRE(painted.count({3, 30, 10}) == 1);
        REQUIRE(painted.count({4, 30, 5}) == 0);

        // The YZ view through x = 7 crosses that stroke at (z 3, y 30).
        doc->setCursor({3, 30, 7});
        SliceView* yz = f.window.sliceView(2);
        tools->setTool(Tool::Eraser);
        tools->setRadiusVoxels(0);
        dragStroke(yz, {yz->positionOfVoxel(30, 3)}); // column = y, row = z
        VoxelSet left = painted;
        left.erase({3, 30, 7});
        REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 2) == left);
    }

    SECTION("painting labels corrects the graph-cut result") {
        tools->setTarget(PaintTarget::Labels);
        tools->setTool(Tool::ObjectBrush);
        tools->setRadiusVoxels(0);
        doc->setCursor({2, 0, 0});
        SliceView* xy = f.window.sliceView(0);
        dragStroke(xy, {xy->positionOfVoxel(3, 4), xy->positionOfVoxel(6, 4)});
        REQUIRE(voxelsWithValue(f.layer(Layer::Truth), 1) ==
                VoxelSet{{2, 4, 3}, {2, 4, 4}, {2, 4, 5}, {2, 4, 6}});
        REQUIRE(f.layer(Layer::Strokes).isNull()); // strokes untouched
        tools->setTool(Tool::BackgroundBrush);     // on labels: removes
        dragStroke(xy, {xy->positionOfVoxel(4, 4)});
        REQUIRE(voxelsWithValue(f.layer(Layer::Truth), 1) ==
                VoxelSet{{2, 4, 3}, {2, 4, 5}, {2, 4, 6}});
    }

    SECTION("the keyboard picks tools and brush sizes") {
        QTest::keyClick(f.window.sliceView(0), Qt::Key_B);
        REQUIRE(tools->tool() == Tool::ObjectBrush);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_G);
        REQUIRE(tools->tool() == Tool::BackgroundBrush);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_E);
        REQUIRE(tools->tool() == Tool::Eraser);
        const double before = tools->radiusVoxels();
        QTest::keyClick(f.window.sliceView(0), Qt::Key_BracketRight);
        REQUIRE(tools->radiusVoxels() > before);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_BracketLeft);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_BracketLeft);
        REQUIRE(tools->radiusVoxels() < before);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_L);
        REQUIRE(tools->target() == PaintTarget::Labels);
        QTest::keyClick(f.window.sliceView(0), Qt::Key_N);
        REQUIRE(tools->tool() == Tool::Navigate);
    }
}

TEST_CASE("undo and redo replay strokes from a sparse command stack", "[ui][paint]") {
    PaintFixture f;
    ToolState* tools = f.window.tools();
    DocumentModel* doc = f.window.document();
    UndoHistory* undo = doc->undoHistory();
    SliceView* xy = f.window.sliceView(0);
    doc->setCursor({5, 0, 0});
    tools->setTool(Tool::ObjectBrush);
    tools->setRadiusVoxels(1);
    dragStroke(xy, {xy->positionOfVoxel(5, 5), xy->positionOfVoxel(12, 5)});
    const VoxelSet first = voxelsWithValue(f.layer(Layer::Strokes), 1);
    tools->setTool(Tool::BackgroundBrush);
    dragStroke(xy, {xy->positionOfVoxel(8, 3), xy->positionOfVoxel(8, 9)}); // crosses it
    const VoxelSet objectAfter = voxelsWithValue(f.layer(Layer::Strokes), 1);
    const VoxelSet backgroundAfter = voxelsWithValue(f.layer(Layer::Strokes), 2);
    REQUIRE(objectAfter.size() < first.size()); // painted over
    REQUIRE(undo->count() == 2);

    // Each command holds only the voxels it changed.
    const auto* second = dynamic_cast<const SparseEditCommand*>(undo->command(1));
    REQUIRE(second != nullptr);
    REQUIRE(second->changes().offsets.size() == backgroundAfter.size());

    undo->undo();
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 1) == first);
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 2).empty());
    undo->undo();
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 1).empty());
    undo->redo();
    undo->redo();
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 1) == objectAfter);
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 2) == backgroundAfter);
    // Ctrl+Z goes through the Edit menu's action.
    QTest::keySequence(&f.window, QKeySequence::Undo);
    REQUIRE(voxelsWithValue(f.layer(Layer::Strokes), 2).empty());
    // A stroke that changes nothing leaves no command.
    tools->setTool(Tool::Eraser);
    dragStroke(xy, {xy->positionOfVoxel(30, 30)});
    REQUIRE(undo->count() == 2);
    REQUIRE(undo->index() == 1);
}

TEST_CASE("the overlay shows strokes in colour where they were painted", "[ui][paint]") {
    PaintFixture f;
    f.window.tools()->setTool(Tool::ObjectBrush);
    f.window.tools()->setRadiusVoxels(3);
    SliceView* xy = f.window.sliceView(0);
    f.window.document()->setCursor({5, 0, 0});
    const QPointF at = xy->positionOfVoxel(20, 20);
    REQUIRE(colouredPixels(xy->grab().toImage(), QRect(at.toPoint() - QPoint(4, 4), QSize(9, 9))) ==
            0);
    dragStroke(xy, {at});
    QApplication::processEvents();
    const QImage after = xy->grab().toImage();
    REQUIRE(colouredPixels(after, QRect(at.toPoint() - QPoint(4, 4), QSize(9, 9))) > 40);
    // The organelle's colour (orange) dominates there.
    const QColor c(after.pixel(at.toPoint()));
    REQUIRE(c.red() > c.blue() + 60);
}
