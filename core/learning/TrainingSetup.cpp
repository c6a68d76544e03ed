#include "core/learning/TrainingSetup.h"

#include "core/util/Error.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace cisterna {

UNetConfig networkForVolume(UNetConfig network, int levels, const Vec3d& voxelSize,
                            const Shape3& shape) {
    const bool anisotropic = voxelSize.z >= 1.5 * std::max(voxelSize.y, voxelSize.x);
    const Index3 factor = anisotropic ? Index3{1, 2, 2} : Index3{2, 2, 2};
    network.downFactors.assign(std::size_t(std::max(1, levels)), factor);
    network.kernelSizes.clear();
    const std::int64_t extent[3] = {shape.z, shape.y, shape.x};
    Index3 kernel{3, 3, 3};
    bool thin = false;
    for (int axis = 0; axis < 3; ++axis) {
        const std::int64_t smallest = nextValidInputSize(network, axis, 1);
        if (extent[axis] > 0 && (smallest < 0 || smallest > extent[axis])) {
            (axis == 0 ? kernel.z : axis == 1 ? kernel.y : kernel.x) = 1;
            thin = true;
        }
    }
    if (thin)
        network.kernelSizes.assign(std::size_t(network.levels() + 1), kernel);
    return network;
}

std::optional<Box3> validationSlabWithMostLabels(const UNetConfig& network, const Volume& labels) {
    // One pass over the labels counts them per plane of each axis.
    const Shape3 shape = labels.shape();
    const std::int64_t extent[3] = {shape.z, shape.y, shape.x};
    std::vector<std::int64_t> perPlane[3] = {std::vector<std::int64_t>(std::size_t(shape.z)),
                                             std::vector<std::int64_t>(std::size_t(shape.y)),
                                             std::vector<std::int64_t>(std::size_t(shape.x))};
    dispatchDataType(labels.dataType(), [&](auto tag) {
        const auto v = labels.view<decltype(tag)>();
        for (std::int64_t z = 0; z < shape.z; ++z)
            for (std::int64_t y = 0; y < shape.y; ++y)
                for (std::int64_t x = 0; x < shape.x; ++x)
                    if (v(z, y, x) != 0) {
                        ++perPlane[0][std::size_t(z)];
                        ++perPlane[1][std::size_t(y)];
                        ++perPlane[2][std::size_t(x)];
                    }
    });
    const std::int64_t total =
        std::accumulate(perPlane[0].begin(), perPlane[0].end(), std::int64_t(0));
    std::optional<Box3> best;
    std::int64_t bestCount = 0;
    for (int axis = 0; axis < 3; ++axis) {
        const std::int64_t minInput = nextValidInputSize(network, axis, 1);
        if (minInput < 0)
            return std::nullopt;
        const std::int64_t slab = std::max(minInput, extent[axis] / 4);
        if (extent[axis] - slab < minInput)
            continue;
        bool othersFit = true;
        for (int a = 0; a < 3; ++a)
            if (a != axis && extent[a] < nextValidInputSize(network, a, 1))
                othersFit = false;
        if (!othersFit)
            continue;
        for (const bool atEnd : {true, false}) {
            const std::int64_t begin = atEnd ? extent[axis] - slab : 0;
            const auto first = perPlane[axis].begin() + begin;
            const std::int64_t count = std::accumulate(first, first + slab, std::int64_t(0));
            if (count <= bestCount || count == total)
                continue;
            bestCount = count;
            Box3 box{{0, 0, 0}, shape};
            std::int64_t* begins[3] = {&box.begin.z, &box.begin.y, &box.begin.x};
            std::int64_t* sizes[3] = {&box.size.z, &box.size.y, &box.size.x};
            *begins[axis] = begin;
            *sizes[axis] = slab;
            best = box;
        }
    }
    return best;
}

Shape3 trainingPatchShape(const UNetConfig& network, std::int64_t patchEdge, const Shape3& shape) {
    const std::int64_t extent[3] = {shape.z, shape.y, shape.x};
    std::int64_t edge[3];
    for (int a = 0; a < 3; ++a) {
        edge[a] = nextValidInputSize(network, a, std::min(patchEdge, extent[a]));
        if (edge[a] < 0 || edge[a] > extent[a])
            edge[a] = previousValidInputSize(network, a, extent[a]);
        if (edge[a] < 0)
            throw InvalidArgument("a training patch of " + std::to_string(patchEdge) +
                                  " voxels does not fit this network and volume");
    }
    return {edge[0], edge[1], edge[2]};
}

} // namespace cisterna
