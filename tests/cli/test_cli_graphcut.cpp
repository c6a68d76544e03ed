// cisterna-cli strokes and graphcut, run as a user would: simulate strokes from a
// phantom's truth, cut, and check the written labels.
#include "CliRunner.h"
#include "TestPaths.h"

#include "VolumeTestSupport.h"
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/Strokes.h"
#include "core/io/VolumeIO.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace cisterna;
using namespace cisterna::test;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::int64_t strokeViolations(const Volume& strokes, const Volume& labels) {
    const auto* s = static_cast<const std::uint8_t*>(strokes.data());
    const auto* l = static_cast<const std::uint8_t*>(labels.data());
    std::int64_t bad = 0;
    for (std::int64_t i = 0; i < strokes.voxelCount(); ++i)
        bad += (s[i] == kStrokeObject && l[i] != 1) || (s[i] == kStrokeBackground && l[i] != 0);
    return bad;
}

} // namespace

TEST_CASE("cli: strokes and graphcut segment the phantom's mitochondria", "[cli][graphcut]") {
    ScratchDir dir("cli-graphcut");
    const std::string image = dir.file("phantom.tif"), truth = dir.file("phantom_labels.tif");
    REQUIRE(runCli("phantom --out " + image + " --size 128").exitCode == 0);

    const std::string list = dir.file("strokes.json");
    const CliResult strokes =
        runCli("strokes --from-truth " + truth +
               " --organelle mito --planes z:16,y:64,x:64 --seed 3 --out " + list);
    INFO(strokes.err);
    REQUIRE(strokes.exitCode == 0);
    REQUIRE(contains(strokes.out, "on 3 planes: z:16 y:64 x:64"));
    const Volume phantomImage = readVolume(image);
    const Volume strokeVolume = loadStrokeVolume(list, phantomImage.shape());

    const std::string exact = dir.file("cut.tif");
    const CliResult cut =
        runCli("graphcut --quiet --image " + image + " --strokes " + list + " --out " + exact);
    INFO(cut.err);
    REQUIRE(cut.exitCode == 0);
    REQUIRE(contains(cut.out, "energy "));
    REQUIRE(contains(cut.out, "exact full-resolution cut"));
    const Volume labels = readVolume(exact);
    REQUIRE(labels.shape() == phantomImage.shape());
    REQUIRE(strokeViolations(strokeVolume, labels) == 0);
    EvaluationOptions o;
    o.countObjects = false;
    const Volume mito = organelleMask(readVolume(truth), PhantomOrganelle::Mitochondrion);
    const double f1 = evaluateSegmentation(labels, mito, o).voxels.f1();
    INFO("F1 " << f1);
    REQUIRE(f1 >= 0.85);

    // The same strokes as a label volume, banded.
    const std::string rasterized = dir.file("strokes.tif");
    REQUIRE(runCli("strokes --from-truth " + truth +
                   " --organelle mito --planes z:16,y:64,x:64 --seed 3 --out " + rasterized)
                .exitCode == 0);
    const std::string banded = dir.file("banded.tif");
    const CliResult bandedCut = runCli("graphcut --quiet --banded --connectivity 18 --image " +
                                       image + " --strokes " + rasterized + " --out " + banded);
    INFO(bandedCut.err);
    REQUIRE(bandedCut.exitCode == 0);
    REQUIRE(contains(bandedCut.out, "banded: coarse factor 2"));
    REQUIRE(contains(bandedCut.out, "18-connectivity"));
    REQUIRE(strokeViolations(readVolume(rasterized), readVolume(banded)) == 0);
}

TEST_CASE("cli: graphcut and strokes report bad input", "[cli][graphcut]") {
    ScratchDir dir("cli-graphcut-errors");
    const std::string image = dir.file("p.tif"), truth = dir.file("p_labels.tif");
    REQUIRE(runCli("phantom --out " + image + " --size 32").exitCode == 0);
    for (const char* sub : {"graphcut", "strokes"}) {
        const CliResult help = runCli(std::string(sub) + " --help");
        REQUIRE(help.exitCode == 0);
        REQUIRE(contains(help.out, "Usage"));
    }

    // Background strokes only: a plane through no mitochondrion of the 32^3 phantom
    // would give none, so draw object strokes of a class that has no voxels.
    const std::string onlyBackground = dir.file("bg.json");
    const CliResult bg = runCli("strokes --from-truth " + truth +
                                " --organelle pore --count 2 --axis y --out " + onlyBackground);
    REQUIRE(bg.exitCode == 0);
    REQUIRE(contains(bg.err, "no object strokes"));
    const CliResult oneClass = runCli("graphcut --quiet --image " + image + " --strokes " +
                                      onlyBackground + " --out " + dir.file("x.tif"));
    REQUIRE(oneClass.exitCode == 1);
    REQUIRE(contains(oneClass.err, "only background strokes"));

    const CliResult outside =
        runCli("strokes --from-truth " + truth + " --planes z:40 --out " + dir.file("o.json"));
    REQUIRE(outside.exitCode == 1);
    REQUIRE(contains(outside.err, "outside the volume"));
    const CliResult noPlanes =
        runCli("strokes --from-truth " + truth + " --out " + dir.file("n.json"));
    REQUIRE(noPlanes.exitCode == 1);
    REQUIRE(contains(noPlanes.err, "--planes"));

    const CliResult notStrokes = runCli("graphcut --quiet --image " + image + " --strokes " +
                                        image + " --out " + dir.file("y.tif"));
    REQUIRE(notStrokes.exitCode == 1);
    REQUIRE(contains(notStrokes.err, "is not 0 (none), 1 (object) or 2 (background)"));
    const CliResult badConnectivity =
        runCli("graphcut --image " + image + " --strokes " + onlyBackground + " --out " +
               dir.file("z.tif") + " --connectivity 7");
    REQUIRE(badConnectivity.exitCode != 0);
    REQUIRE(badConnectivity.exitCode != 1);
    REQUIRE(contains(badConnectivity.err, "connectivity"));
    const CliResult both = runCli("graphcut --banded --exact --image " + image + " --strokes " +
                                  onlyBackground + " --out " + dir.file("w.tif"));
    REQUIRE(both.exitCode == 1);
    REQUIRE(contains(both.err, "exclude each other"));
}

TEST_CASE("cli: graphcut chooses its energy from the strokes and refines a prediction",
          "[cli][graphcut]") {
    ScratchDir dir("cli-graphcut-auto");
    const std::string image = dir.file("phantom.tif"), truth = dir.file("phantom_labels.tif");
    REQUIRE(runCli("phantom --out " + image + " --size 128").exitCode == 0);
    const std::string list = dir.file("strokes.json");
    REQUIRE(runCli("strokes --from-truth " + truth +
                   " --organelle mito --planes z:16,y:64,x:64 --seed 3 --out " + list)
                .exitCode == 0);
    const Volume mito = organelleMask(readVolume(truth), PhantomOrganelle::Mitochondrion);
    EvaluationOptions o;
    o.countObjects = false;

    // The learned term, its weight chosen by cross-validation.
    const std::string cut = dir.file("cut.tif"), probability = dir.file("p.tif");
    const CliResult automatic =
        runCli("graphcut --quiet --image " + image + " --strokes " + list + " --out " + cut +
               " --regional-model learned" + " --save-probability " + probability);
    INFO(automatic.out << automatic.err);
    REQUIRE(automatic.exitCode == 0);
    REQUIRE(contains(automatic.out, "energy: learned term"));
    REQUIRE(contains(automatic.out, "cross-validation on the strokes"));
    REQUIRE(contains(automatic.out, "candidate learned"));
    REQUIRE(contains(automatic.out, "out-of-bag accuracy"));
    REQUIRE(evaluateSegmentation(readVolume(cut), mito, o).voxels.f1() > 0.7);
    const Volume p = readVolume(probability);
    REQUIRE(p.shape() == mito.shape());

    // Refine: the classifier's map as a prior, weight fixed, no choice.
    const std::string refined = dir.file("refined.tif");
    const CliResult refine =
        runCli("graphcut --quiet --no-auto --regional-weight 0.3 --image " + image + " --strokes " +
               list + " --prior " + probability + " --out " + refined);
    INFO(refine.out << refine.err);
    REQUIRE(refine.exitCode == 0);
    REQUIRE(contains(refine.out, "energy: prediction prior, regional weight 0.3"));
    REQUIRE(evaluateSegmentation(readVolume(refined), mito, o).voxels.f1() > 0.7);

    const CliResult wrongShape =
        runCli("graphcut --quiet --image " + image + " --strokes " + list + " --prior " +
               dir.file("small.tif") + " --out " + dir.file("x.tif"));
    REQUIRE(wrongShape.exitCode == 1);
    REQUIRE(runCli("phantom --out " + dir.file("small.tif") + " --size 32").exitCode == 0);
    const CliResult mismatch =
        runCli("graphcut --quiet --image " + image + " --strokes " + list + " --prior " +
               dir.file("small.tif") + " --out " + dir.file("x.tif"));
    REQUIRE(mismatch.exitCode == 1);
    REQUIRE(contains(mismatch.err, "is not the image's"));
}

TEST_CASE("cli: graphcut cuts a region and keeps labels outside it", "[cli][graphcut]") {
    ScratchDir dir("cli-graphcut-region");
    const std::string image = dir.file("phantom.tif"), truth = dir.file("phantom_labels.tif");
    REQUIRE(runCli("phantom --out " + image + " --size 48").exitCode == 0);
    const std::string strokes = dir.file("strokes.tif");
    REQUIRE(runCli("strokes --from-truth " + truth + " --organelle golgi --planes z:24 --out " +
                   strokes)
                .exitCode == 0);
    // Labels to keep: every voxel object, so that kept voxels are told from cut ones.
    Volume ones = readVolume(truth).clone();
    std::memset(ones.data(), 1, std::size_t(ones.byteCount()));
    const std::string keep = dir.file("keep.tif");
    writeVolume(keep, ones);

    const std::string out = dir.file("region.tif");
    const CliResult cut = runCli("graphcut --quiet --image " + image + " --strokes " + strokes +
                                 " --region 20:28,:,: --keep " + keep + " --out " + out);
    INFO(cut.err);
    REQUIRE(cut.exitCode == 0);
    REQUIRE(contains(cut.out, "region z 20:28, y 0:48, x 0:48"));
    const Volume labels = readVolume(out);
    REQUIRE(labels.shape() == ones.shape());
    const auto l = labels.view<std::uint8_t>();
    std::int64_t keptOutside = 0, objectInside = 0;
    for (std::int64_t z = 0; z < 48; ++z)
        for (std::int64_t y = 0; y < 48; ++y)
            for (std::int64_t x = 0; x < 48; ++x)
                (z >= 20 && z < 28 ? objectInside : keptOutside) += l(z, y, x);
    CHECK(keptOutside == 40 * 48 * 48);
    CHECK(objectInside > 0);
    CHECK(objectInside < 8 * 48 * 48 / 2);

    // The strokes' box: a margin of 2 voxels around the one stroked plane.
    const CliResult around = runCli("graphcut --quiet --image " + image + " --strokes " + strokes +
                                    " --region strokes --margin 2 --out " + out);
    INFO(around.err);
    REQUIRE(around.exitCode == 0);
    CHECK(contains(around.out, "region z 22:27, "));

    const CliResult noRegion = runCli("graphcut --quiet --image " + image + " --strokes " +
                                      strokes + " --keep " + keep + " --out " + out);
    CHECK(noRegion.exitCode != 0);
    CHECK(contains(noRegion.err, "--keep needs --region"));
}

TEST_CASE("cli: graphcut cuts a region of a volume larger than memory", "[cli][graphcut][memory]") {
    ScratchDir dir("cli-graphcut-big");
    // 6 MiB of dark discs on a lighter background, run with a 4 MiB budget: the whole
    // image cannot be read, a region of it can.
    const Shape3 shape{24, 512, 512};
    Volume image =
        noisyImage(shape, 11, 4, [](std::int64_t, std::int64_t y, std::int64_t x, int n) {
            const double dy = double(y % 32) - 16, dx = double(x % 32) - 16;
            return (dy * dy + dx * dx < 64 ? 80 : 170) + n - 8;
        });
    image.setVoxelSize({30, 6, 6});
    const std::string imagePath = dir.file("image.zarr");
    writeVolume(imagePath, image);
    StrokeList list;
    list.shape = shape;
    Stroke object; // across the disc centred on (y, x) = (272, 272), on plane 12
    object.axis = 0;
    object.slice = 12;
    object.radius = 1;
    object.points = {{{272, 267}}, {{272, 277}}};
    Stroke background = object; // between that disc and the next
    background.label = kStrokeBackground;
    background.points = {{{258, 260}}, {{258, 285}}};
    list.strokes = {object, background};
    const std::string strokesPath = dir.file("strokes.json");
    writeStrokes(strokesPath, list);
    Volume ones = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label);
    std::memset(ones.data(), 1, std::size_t(ones.byteCount()));
    const std::string keepPath = dir.file("keep.zarr");
    writeVolume(keepPath, ones);
    ones = Volume();

    // The same cut in memory, from the library: the region's cut, pasted into ones.
    AutoGraphCutParams params;
    params.tune.enabled = false;
    params.fixedWeight = params.fixedModel = params.fixedBias = true;
    params.cut.energy.regionalModel = RegionalModel::Histogram;
    params.cut.energy.regionalWeight = 0.1;
    const Volume strokes = rasterizeStrokes(list);
    const Box3 box = growRegion(strokeBounds(list), shape, image.voxelSize(), 12);
    // Stroked: z 12, y 257..273, x 259..286; 12 pixels are 3 sections.
    CHECK(box.begin == Index3{9, 245, 247});
    CHECK(box.size == Shape3{7, 41, 52});
    const Volume expected = autoGraphCutInRegion(image, strokes, params, box).cut.labels;
    image = Volume();

    // 4 MiB free, whatever the process already holds (MemoryBudget.h).
    ::setenv("CISTERNA_MEMORY_AVAILABLE", "4M", 1);
    const std::string options = " --quiet --no-auto --regional-model histogram --regional-weight "
                                "0.1 --image " +
                                imagePath + " --strokes " + strokesPath;
    const CliResult whole = runCli("graphcut" + options + " --out " + dir.file("whole.zarr"));
    const CliResult part = runCli("graphcut" + options + " --region strokes --margin 12 --keep " +
                                  keepPath + " --out " + dir.file("part.zarr"));
    const CliResult tiff = runCli("graphcut" + options + " --region strokes --margin 12 --out " +
                                  dir.file("part.tif"));
    ::unsetenv("CISTERNA_MEMORY_AVAILABLE");
    // CISTERNA_MEMORY_LIMIT is the process's total: a program that holds more than 4 MiB
    // already (its libraries) has nothing left for the same cut.
    ::setenv("CISTERNA_MEMORY_LIMIT", "4M", 1);
    const CliResult total = runCli("graphcut" + options + " --region strokes --margin 12 --out " +
                                   dir.file("total.zarr"));
    ::unsetenv("CISTERNA_MEMORY_LIMIT");
    INFO(total.err);
    CHECK(total.exitCode != 0);
    CHECK(contains(total.err, "available"));

    INFO(whole.err);
    CHECK(whole.exitCode != 0);
    CHECK(contains(whole.err, "--region"));
    INFO(part.err);
    REQUIRE(part.exitCode == 0);
    CHECK(contains(part.out, "region z 9:16, y 245:286, x 247:299"));
    const Volume cut = readVolume(dir.file("part.zarr"));
    REQUIRE(cut.shape() == shape);
    REQUIRE(cut.dataType() == DataType::UInt8);
    // Inside the region the library's cut, outside it the kept labels.
    requireSameVoxels(cut.crop(box), expected.crop(box));
    std::int64_t keptOutside = 0, objectInside = 0;
    const auto c = cut.view<std::uint8_t>();
    for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
            for (std::int64_t x = 0; x < shape.x; ++x)
                (box.size.contains({z - box.begin.z, y - box.begin.y, x - box.begin.x})
                     ? objectInside
                     : keptOutside) += c(z, y, x);
    CHECK(keptOutside == shape.voxelCount() - box.size.voxelCount());
    CHECK(objectInside > 0);
    CHECK(objectInside < box.size.voxelCount() / 2);
    // A whole-volume output format that cannot be written by blocks must fit in memory:
    // refused in one sentence, and nothing is written.
    CHECK(tiff.exitCode != 0);
    CHECK(contains(tiff.err, "available"));
    CHECK_FALSE(std::filesystem::exists(dir.file("part.tif")));
}
