#include "core/learning/TilePredictor.h"

#include <torch/utils.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cisterna {
namespace {

std::int64_t axisOf(const Shape3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}
std::int64_t axisOf(const Index3& v, int a) {
    return a == 0 ? v.z : a == 1 ? v.y : v.x;
}

} // namespace

void predictTiles(UNet& net, const ComputeDevice& device, const TilePlan& plan,
                  const Shape3& volume, const TensorSource& source, const TensorSink& sink,
                  const Progress& progress, const TileFilter& include) {
    torch::NoGradGuard noGrad;
    std::vector<Index3> tiles;
    Index3 tile;
    for (tile.z = 0; tile.z < plan.counts.z; ++tile.z)
        for (tile.y = 0; tile.y < plan.counts.y; ++tile.y)
            for (tile.x = 0; tile.x < plan.counts.x; ++tile.x)
                if (!include || include(tile))
                    tiles.push_back(tile);
    const std::int64_t total = std::int64_t(tiles.size());
    std::int64_t done = 0;
    for (const Index3& t : tiles) {
        progress.report(double(done) / double(std::max<std::int64_t>(1, total)),
                        "tile " + std::to_string(done + 1) + " of " + std::to_string(total));
        ++done;
        const Box3 out = plan.outputBox(t, volume);
        const Index3 origin = plan.inputOrigin(t);
        // Which volume voxel feeds each input position (mirrored outside).
        std::vector<torch::Tensor> index(3);
        Index3 lo, hi;
        for (int a = 0; a < 3; ++a) {
            const std::int64_t n = axisOf(plan.tile.input, a);
            std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
            for (std::int64_t i = 0; i < n; ++i)
                idx[static_cast<std::size_t>(i)] =
                    mirrorIndex(axisOf(origin, a) + i, axisOf(volume, a));
            const auto [mn, mx] = std::minmax_element(idx.begin(), idx.end());
            const std::int64_t first = *mn, last = *mx;
            (a == 0 ? lo.z : a == 1 ? lo.y : lo.x) = first;
            (a == 0 ? hi.z : a == 1 ? hi.y : hi.x) = last + 1;
            for (auto& v : idx)
                v -= first;
            index[static_cast<std::size_t>(a)] = torch::tensor(idx, torch::kLong);
        }
        const Box3 readBox{lo, {hi.z - lo.z, hi.y - lo.y, hi.x - lo.x}};
        torch::Tensor input = source(readBox);
        // Inside the volume the read box is the window itself; across the border
        // the mirrored positions are gathered.
        for (int a = 0; a < 3; ++a) {
            const bool inside = axisOf(origin, a) >= 0 &&
                                axisOf(origin, a) + axisOf(plan.tile.input, a) <= axisOf(volume, a);
            if (!inside)
                input = input.index_select(a, index[static_cast<std::size_t>(a)]);
        }
        input = input.unsqueeze(0).unsqueeze(0).to(device.device);
        torch::Tensor logits;
        {
            AutocastScope autocast(device);
            logits = net->forward(input);
        }
        const torch::Tensor softmax = torch::softmax(logits.to(torch::kFloat), 1)[0];
        sink(out, softmax.narrow(1, 0, out.size.z)
                      .narrow(2, 0, out.size.y)
                      .narrow(3, 0, out.size.x)
                      .to(torch::kCPU)
                      .contiguous());
    }
    progress.report(1.0, "prediction done");
}

} // namespace cisterna
