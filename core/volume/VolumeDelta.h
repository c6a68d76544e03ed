#pragma once
// The difference between two uint8 volumes of one shape, stored compactly so that an
// undo step of a whole-layer edit (a graph cut, a prediction) costs what changed, not
// two volumes. Changed voxels are kept as spans of offsets with the values before and
// after, each run-length coded where that is smaller (label layers change in long
// runs of one value; probability maps do not, and are then stored raw).
#include "core/volume/Volume.h"

#include <cstdint>
#include <vector>

namespace cisterna {

class VolumeDelta {
public:
    VolumeDelta() = default;

    // A null `before` or `after` stands for a volume of zeros (a layer not yet
    // written); applyBefore/applyAfter report which side was null.
    static VolumeDelta between(const Volume& before, const Volume& after);

    // Writes the values of one side into `target`, a contiguous uint8 volume of the
    // delta's shape that holds the other side. Voxels the delta does not cover are
    // left as they are.
    void applyBefore(Volume& target) const;
    void applyAfter(Volume& target) const;

    bool beforeWasNull() const { return beforeNull_; }
    bool afterIsNull() const { return afterNull_; }
    const Shape3& shape() const { return shape_; }
    std::int64_t changedVoxels() const { return changed_; }
    // What the delta holds in memory.
    std::uint64_t bytes() const;

    // Values along the concatenated spans, as runs (value, count) or raw.
    struct PackedValues {
        std::vector<std::uint8_t> values;  // one per run, or one per voxel when raw
        std::vector<std::uint32_t> counts; // empty when raw
        std::uint64_t bytes() const {
            return values.capacity() + counts.capacity() * sizeof(std::uint32_t);
        }
    };

private:
    struct Span {
        std::int64_t offset = 0, length = 0;
    };
    void apply(const PackedValues& values, Volume& target) const;

    Shape3 shape_;
    bool beforeNull_ = false, afterNull_ = false;
    std::int64_t changed_ = 0;
    std::vector<Span> spans_;
    PackedValues before_, after_;
};

} // namespace cisterna
