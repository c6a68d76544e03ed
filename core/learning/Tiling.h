#pragma once
// How prediction covers a volume with tiles of the network's valid size. Tiles step
// by a multiple of the network's total downsampling factor, so each output voxel gets
// the value a single pass over the whole (mirror-padded) volume would give; the input
// beyond the volume's border is mirrored, so every voxel is predicted, rims included.
#include "core/learning/UNetConfig.h"

#include <cstdint>
#include <vector>

namespace cisterna {

struct TilePlan {
    UNetGeometry tile; // input and output size of every tile
    Index3 step;       // output voxels each tile contributes per axis
    Index3 counts;     // tiles per axis
    std::int64_t tileCount() const { return counts.z * counts.y * counts.x; }
    // Output box (inside the volume) of tile (iz, iy, ix), and where its input starts
    // (may be negative or beyond the volume: mirrored).
    Box3 outputBox(const Index3& tile, const Shape3& volume) const;
    Index3 inputOrigin(const Index3& tile) const;
};

// requestedInput: tile input size wanted (0 on an axis: just large enough to cover the
// volume in one tile). Each axis is rounded down to a valid size (up when nothing
// smaller works), and never made larger than needed to cover the volume.
TilePlan planTiles(const UNetConfig& config, const Shape3& volume, const Shape3& requestedInput);

// The tile input prediction (and validation during training) uses unless told
// otherwise: larger than the training patch where that is cheap, its feature maps
// within what the training patch needed or 2 GiB, whichever is more.
Shape3 defaultPredictionTile(const UNetConfig& network, const Shape3& trainingInput,
                             const Shape3& volume);

// numpy's "reflect" padding extended periodically, so any index maps into [0, n).
std::int64_t mirrorIndex(std::int64_t i, std::int64_t n);

} // namespace cisterna
