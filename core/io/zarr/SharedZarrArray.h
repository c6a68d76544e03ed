#pragma once
// A Zarr array that several processes fill at once, each writing whole chunks of its
// own: the tasks of a cluster array predicting one volume. Whoever comes first
// creates it (built in a temporary sibling and renamed, so nobody sees half of its
// metadata); each chunk gets a marker file once it is written, so a task killed
// midway costs only the chunks in flight and a re-run skips the marked ones. The
// array records what it is being filled with (`identity`), and refuses to be filled
// by something else.
#include "core/volume/Volume.h"

#include <cstdint>
#include <memory>
#include <string>

namespace cisterna {

struct SharedArraySpec {
    DataType type = DataType::UInt8;
    Shape3 shape;
    Shape3 chunk;
    bool hasVoxelSize = false;
    Vec3d voxelSize{1, 1, 1};
    Vec3d origin{0, 0, 0};
    bool float16 = false;
    // What fills it ("model m.cmodel (1234 bytes, ...) on image i.zarr, tiles ..."):
    // a later opener with another identity gets a FormatError instead of mixing two
    // predictions in one array.
    std::string identity;
};

class SharedZarrArray {
public:
    // `path`: a .zarr or .ome.zarr path as writeVolume takes it (with an inner array
    // after ':' for containers). Throws FormatError when something else is there.
    SharedZarrArray(const std::string& path, const SharedArraySpec& spec);
    ~SharedZarrArray();
    SharedZarrArray(const SharedZarrArray&) = delete;
    SharedZarrArray& operator=(const SharedZarrArray&) = delete;

    Shape3 gridShape() const; // chunks per axis
    // The chunk's voxels, clipped to the array.
    Box3 chunkBox(const Index3& chunk) const;
    bool isDone(const Index3& chunk) const;
    // Writes chunk `chunk` (`voxels`: its clipped box's voxels) and then its marker.
    void writeChunk(const Index3& chunk, const Volume& voxels);
    std::int64_t doneCount() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace cisterna
