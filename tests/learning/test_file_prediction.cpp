// File-based prediction and training data (full build only: needs core/io).
#include "LearningTestSupport.h"

#include "core/io/VolumeIO.h"
#include "core/learning/io/FilePrediction.h"
#include "core/learning/io/TrainingFiles.h"
#include "core/util/Error.h"
#include "core/volume/VolumeOps.h"

#include <catch2/catch.hpp>

#include <set>

using namespace cisterna;

namespace {

// Collects blocks in memory, checking that each voxel arrives once.
class MemoryBlockWriter final : public BlockWriter {
public:
    MemoryBlockWriter(const Shape3& shape, DataType type)
        : volume(Volume::allocate(type, shape)),
          hits(static_cast<std::size_t>(shape.voxelCount())) {}

    void writeBlock(const Box3& box, const Volume& block) override {
        REQUIRE(box.fitsIn(volume.shape()));
        REQUIRE(block.shape() == box.size);
        REQUIRE(!committed);
        dispatchDataType(volume.dataType(), [&](auto tag) {
            using T = decltype(tag);
            auto dst = volume.view<T>();
            const auto src = block.view<T>();
            for (std::int64_t z = 0; z < box.size.z; ++z)
                for (std::int64_t y = 0; y < box.size.y; ++y)
                    for (std::int64_t x = 0; x < box.size.x; ++x) {
                        const Index3 at{box.begin.z + z, box.begin.y + y, box.begin.x + x};
                        dst(at) = src(z, y, x);
                        ++hits[static_cast<std::size_t>(
                            (at.z * volume.shape().y + at.y) * volume.shape().x + at.x)];
                    }
        });
    }
    void commit() override { committed = true; }

    Volume volume;
    std::vector<int> hits;
    bool committed = false;
};

} // namespace

TEST_CASE("file prediction reads blocks and writes each output voxel once",
          "[learning][predict][file]") {
    test::Scratch dir("file-predict");
    Volume image = test::noiseVolume({19, 45, 38}, 21);
    image.setVoxelSize({30, 8, 8});
    const std::string input = dir.file("image.zarr");
    writeVolume(input, image);
    const Model model = Model::create(test::tinyMetadata(test::tinyNetwork(), {36, 36, 36}), 4);
    PredictOptions options;
    options.outputType = DataType::Float32;
    options.tileInput = {24, 24, 24};

    MemoryBlockWriter writer(image.shape(), DataType::Float32);
    predictFileTo(model, input, {&writer}, options);
    CHECK(writer.committed);
    CHECK(std::set<int>(writer.hits.begin(), writer.hits.end()) == std::set<int>{1});
    const Volume reference = predictVolume(model, image, options)[0];
    CHECK(test::maxAbsDifference(writer.volume, reference) == 0.0);

    MemoryBlockWriter one(image.shape(), DataType::Float32), two(image.shape(), DataType::Float32);
    CHECK_THROWS_AS(predictFileTo(model, input, {&one, &two}, options), InvalidArgument);
}

TEST_CASE("file prediction to a whole-file format goes through memory",
          "[learning][predict][file]") {
    test::Scratch dir("file-predict-tif");
    const Volume image = test::noiseVolume({9, 30, 31}, 5);
    writeVolume(dir.file("image.tif"), image);
    const Model model = Model::create(test::tinyMetadata(test::tinyNetwork(), {36, 36, 36}), 4);
    PredictOptions options;
    predictFile(model, dir.file("image.tif"), {dir.file("prob.tif")}, options);
    const Volume written = readVolume(dir.file("prob.tif"));
    CHECK(sameVoxels(written, predictVolume(model, image, options)[0]));
    CHECK_THROWS_AS(predictFile(model, dir.file("missing.tif"), {dir.file("p.tif")}, options),
                    FormatError);
}

TEST_CASE("training data is read from files, cropped, with a validation region",
          "[learning][train][file]") {
    test::Scratch dir("training-files");
    const Volume image = test::noiseVolume({20, 30, 40}, 2);
    Volume labels = Volume::allocate(DataType::UInt8, image.shape(), VolumeRole::Label);
    labels.view<std::uint8_t>()(5, 6, 7) = 1;
    writeVolume(dir.file("image.tif"), image);
    writeVolume(dir.file("labels.tif"), labels);
    TrainingFiles files;
    files.image = dir.file("image.tif");
    files.labels = dir.file("labels.tif");
    files.crop = "2:18,0:30,10:40";
    files.validationRegion = "0:4,:,:";
    const TrainingData d = loadTrainingData(files);
    CHECK(d.image.shape() == Shape3{16, 30, 30});
    CHECK(sameVoxels(d.image, image.crop({{2, 0, 10}, {16, 30, 30}}).clone()));
    CHECK(d.labels.valueAt({3, 6, 0}) == 0); // x 7 is outside the crop
    REQUIRE(d.validationRegion);
    CHECK(d.validationRegion->size == Shape3{4, 30, 30});
    CHECK(d.description.find("crop 2:18,0:30,10:40") != std::string::npos);

    files.validationImage = files.image;
    CHECK_THROWS_AS(loadTrainingData(files), InvalidArgument);
    files.labels.clear();
    CHECK_THROWS_AS(loadTrainingData(files), InvalidArgument);
}
