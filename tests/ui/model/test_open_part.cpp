// A volume larger than memory: opening it says so with the numbers before any work and
// changes nothing, or opens the part the user chose, which a saved project opens again.
#include "ModelTestSupport.h"

#include "TestPaths.h"
#include "VolumeTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/volume/MemoryBudget.h"

#include <QSignalSpy>
#include <catch2/catch.hpp>

#include <cstring>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

// Pretends the machine has `bytes` of memory while it lives.
struct MemoryLimit {
    explicit MemoryLimit(std::uint64_t bytes) { setMemoryLimitOverride(bytes); }
    ~MemoryLimit() { setMemoryLimitOverride(std::nullopt); }
};

bool sameVoxels(const Volume& a, const Volume& b) {
    if (a.shape() != b.shape())
        return false;
    const Volume ca = a.contiguous(), cb = b.contiguous();
    return std::memcmp(ca.data(), cb.data(), ca.byteCount()) == 0;
}

} // namespace

TEST_CASE("a volume larger than memory opens in part, or not at all", "[ui][app][memory]") {
    test::ScratchDir dir("ui-open-part");
    const Shape3 shape{16, 96, 128};
    Volume whole = test::patternVolume(DataType::UInt8, shape);
    whole.setVoxelSize({30, 6, 6});
    const QString file = QString::fromStdString(dir.file("big.nrrd"));
    writeVolume(file.toStdString(), whole);
    AppModel app(QString::fromStdString(dir.file("autosave")));
    // The image with its strokes and truth needs 3 bytes per voxel, 576 KiB: give 256 KiB.
    const MemoryLimit limit(std::uint64_t(256) << 10);

    SECTION("without a choice nothing opens, and the reason has the numbers") {
        QSignalSpy errors(&app, &AppModel::errorOccurred);
        QSignalSpy finished(&app, &AppModel::loadFinished);
        app.openFile(file);
        REQUIRE(finished.count() == 1); // at once: no job was started
        CHECK_FALSE(finished.first().first().toBool());
        REQUIRE(errors.count() == 1);
        const QString why = errors.first().first().toString();
        INFO(why.toStdString());
        CHECK(why.contains("576.0 KiB"));
        CHECK(why.contains("256.0 KiB"));
        CHECK_FALSE(app.document().hasImage());
    }

    SECTION("the chosen part opens, and its project opens the same part") {
        Box3 offered;
        QString reason;
        app.chooseRegion = [&](const QString&, const QString& why, const Shape3& s,
                               const Box3& suggested) -> std::optional<Box3> {
            CHECK(s == shape);
            reason = why;
            offered = suggested;
            return suggested;
        };
        REQUIRE(test::openAndWait(app, [&] { app.openFile(file); }));
        CHECK(reason.contains("available"));
        CHECK(std::uint64_t(offered.size.voxelCount()) * 3 <= (std::uint64_t(128) << 10));
        REQUIRE(app.document().imageRegion() == std::optional<Box3>(offered));
        CHECK(sameVoxels(app.document().image(), whole.crop(offered)));

        const QString project = QString::fromStdString(dir.file("part.cisterna"));
        app.saveProject(project);
        AppModel again(QString::fromStdString(dir.file("autosave2")));
        REQUIRE(test::openAndWait(again, [&] { again.openFile(project); }));
        CHECK(again.document().imageRegion() == std::optional<Box3>(offered));
        CHECK(sameVoxels(again.document().image(), whole.crop(offered)));
        again.shutdown();

        // A part outside the volume is refused with the reason; the open one stays.
        app.chooseRegion = [&](const QString&, const QString&, const Shape3&,
                               const Box3&) -> std::optional<Box3> {
            return Box3{{0, 0, 0}, {17, 1, 1}};
        };
        QSignalSpy errors(&app, &AppModel::errorOccurred);
        app.openFile(file);
        REQUIRE(errors.count() == 1);
        CHECK(errors.first().first().toString().contains("is not inside"));
        CHECK(app.document().imageRegion() == std::optional<Box3>(offered));
    }
    app.shutdown();
}
