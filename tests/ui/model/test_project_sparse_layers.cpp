// Project files store label layers sparsely: only the chunks that hold something are
// written, files from before (every chunk written) read back the same, and reading
// leaves the empty parts of a layer unallocated in memory.
#include "ui/model/ProjectFile.h"

#include "TestPaths.h"

#include "core/volume/ZeroPages.h"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <cstring>

using namespace cisterna;
using namespace cisterna::ui;

namespace {

// Chunks allocated in the file for one layer dataset.
hsize_t storedChunks(const std::string& file, const std::string& dataset) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    REQUIRE(d >= 0);
    const hid_t space = H5Dget_space(d);
    hsize_t chunks = 0;
    const herr_t status = H5Dget_num_chunks(d, space, &chunks);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    REQUIRE(status >= 0);
    return chunks;
}

// Rewrites a layer the way files were written before sparse layers: every voxel
// written in one call, so every chunk is allocated, zeros included.
void writeEveryChunk(const std::string& file, const std::string& dataset, const Volume& v) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    REQUIRE(d >= 0);
    REQUIRE(H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    H5Dclose(d);
    H5Fclose(f);
}

// A project of one organelle with these strokes and truth (either may be null).
ProjectData projectWith(const Volume& strokes, const Volume& truth) {
    ProjectData data;
    data.image.name = "sparse";
    data.image.path = "/nonexistent/sparse.h5";
    data.image.shape = strokes.shape();
    ProjectOrganelle organelle;
    organelle.name = "mito";
    organelle.layers[std::size_t(Layer::Strokes)] = strokes;
    organelle.layers[std::size_t(Layer::Truth)] = truth;
    data.organelles.push_back(organelle);
    return data;
}

} // namespace

TEST_CASE("project layers store and read back only the chunks that hold something",
          "[ui][project][sparse]") {
    const test::ScratchDir dir("project-sparse");
    // Not a multiple of the 64^3 chunks along any axis: edge chunks are partial.
    const Shape3 shape{70, 130, 150};
    Volume strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "strokes");
    auto s = strokes.view<std::uint8_t>();
    s(0, 0, 0) = 1;      // first chunk
    s(69, 129, 149) = 2; // the last, partial chunk
    s(64, 63, 64) = 1;   // a chunk on the far side of a boundary in z
    s(64, 64, 64) = 2;   // and its neighbour in y
    Volume truth = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "truth");
    const ProjectData data = projectWith(strokes, truth); // the truth present, all zero
    const QString path = QString::fromStdString(dir.file("sparse.cisterna"));

    writeProject(path, data);
    CHECK(storedChunks(path.toStdString(), "organelles/0/strokes") == 4);
    CHECK(storedChunks(path.toStdString(), "organelles/0/truth") == 0);

    const auto sameAsSaved = [&](const ProjectData& back) {
        REQUIRE(back.organelles.size() == 1);
        const Volume& a = back.organelles[0].layers[std::size_t(Layer::Strokes)];
        const Volume& t = back.organelles[0].layers[std::size_t(Layer::Truth)];
        REQUIRE(a.shape() == shape);
        REQUIRE(t.shape() == shape);
        CHECK(std::memcmp(a.data(), strokes.data(), strokes.byteCount()) == 0);
        CHECK(std::memcmp(t.data(), truth.data(), truth.byteCount()) == 0);
    };
    ProjectData back = readProject(path);
    sameAsSaved(back);

    // A file from before, with every chunk written, reads back identically.
    writeEveryChunk(path.toStdString(), "organelles/0/strokes", strokes);
    writeEveryChunk(path.toStdString(), "organelles/0/truth", truth);
    REQUIRE(storedChunks(path.toStdString(), "organelles/0/strokes") == 2 * 3 * 3);
    sameAsSaved(readProject(path));
}

TEST_CASE("reading a large sparse layer leaves its empty pages unallocated",
          "[ui][project][sparse]") {
    const test::ScratchDir dir("project-sparse-memory");
    // 40 MiB: above glibc's largest mmap threshold (32 MiB), so calloc always maps fresh
    // zero pages rather than clearing reused heap memory.
    const Shape3 shape{128, 512, 640};
    Volume strokes = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "strokes");
    for (std::int64_t x = 0; x < shape.x; ++x)
        strokes.view<std::uint8_t>()(60, 100, x) = 1;
    const ProjectData data = projectWith(strokes, Volume());
    const QString path = QString::fromStdString(dir.file("sparse.cisterna"));
    writeProject(path, data);
    const ProjectData back = readProject(path);
    const Volume& read = back.organelles[0].layers[std::size_t(Layer::Strokes)];
    // One row of strokes: a page or two, nowhere near the layer's 40 MiB (counted
    // before comparing, which maps every page).
    CHECK(residentBytes(read) <= 64 * 1024);
    REQUIRE(std::memcmp(read.data(), strokes.data(), strokes.byteCount()) == 0);
}
