#include "AutoCutTimings.h"

#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/util/PeakMemory.h"
#include "core/volume/MemoryBudget.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace cisterna::bench {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// One automatic cut with a session kept; prints its times and returns it.
AutoGraphCutResult timedCut(const char* what, const Volume& image, const Volume& strokes) {
    AutoGraphCutParams params;
    params.keepSession = true;
    const auto start = Clock::now();
    double first = -1;
    params.preview = [&](const Volume&) { first = since(start); };
    AutoGraphCutResult r = autoGraphCut(image, strokes, params);
    const GraphCutStats& s = r.cut.stats;
    std::printf("  %s: first (coarse) result %.2f s, full result %.2f s (features %.2f, "
                "automatic choice %.2f, classifier %.2f, build %.2f, flow %.2f); peak RSS %s\n",
                what, first, s.totalSeconds, r.choice.featureSeconds, r.choice.tuneSeconds,
                r.choice.classifierSeconds, s.buildSeconds, s.flowSeconds,
                humanBytesOf(peakResidentBytes()).c_str());
    std::printf("    %s\n", r.choice.summary().c_str());
    std::fflush(stdout);
    return r;
}

} // namespace

void printCancelLatency(const Volume& image, const Volume& strokes,
                        const std::vector<double>& times, const AutoGraphCutParams& params) {
    for (double at : times) {
        auto token = std::make_shared<CancelToken>();
        std::string stage;
        std::mutex mutex;
        const Progress progress(
            [&](double, const std::string& message) {
                std::lock_guard<std::mutex> lock(mutex);
                stage = message;
            },
            token);
        const auto start = Clock::now();
        Clock::time_point pressed{}, stopped{};
        bool cancelled = false;
        std::thread worker([&] {
            try {
                autoGraphCut(image, strokes, params, progress);
            } catch (const Cancelled&) {
                cancelled = true;
            }
            stopped = Clock::now();
        });
        while (since(start) < at && stopped == Clock::time_point{})
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        pressed = Clock::now();
        token->cancel();
        worker.join();
        std::lock_guard<std::mutex> lock(mutex);
        if (cancelled)
            std::printf("  cancel at %.1f s (%s): stopped after %.3f s\n", at, stage.c_str(),
                        std::chrono::duration<double>(stopped - pressed).count());
        else
            std::printf("  cancel at %.1f s: the cut had finished\n", at);
        std::fflush(stdout);
    }
}

void printInteractiveTimings(const Volume& image, const Volume& truth, int planes,
                             const std::vector<double>& cancelTimes) {
    StrokeSimulation sim;
    sim.planes = evenlySpacedPlanes(truth.shape(), 0, planes);
    const Volume strokes = rasterizeStrokes(simulateStrokes(truth, sim));
    std::printf("  %s, strokes on %d z planes\n", toString(image.shape()).c_str(), planes);
    const AutoGraphCutResult first = timedCut("cut", image, strokes);

    // One more object stroke, on the plane halfway between the first two.
    StrokeSimulation more = sim;
    const std::int64_t slice =
        planes >= 2 ? (sim.planes[0].slice + sim.planes[1].slice) / 2 : truth.shape().z / 2;
    more.planes = {StrokePlane{0, slice}};
    StrokeList extra = simulateStrokes(truth, more);
    Volume strokes2 = strokes.clone();
    for (const Stroke& s : extra.strokes)
        if (s.label == kStrokeObject) {
            StrokeList one{extra.shape, {s}};
            const Volume painted = rasterizeStrokes(one);
            const auto* p = static_cast<const std::uint8_t*>(painted.data());
            auto* q = static_cast<std::uint8_t*>(strokes2.data());
            for (std::int64_t i = 0; i < painted.voxelCount(); ++i)
                if (p[i])
                    q[i] = p[i];
            break;
        }
    if (first.session) {
        const auto start = Clock::now();
        const GraphCutResult& quick = first.session->cut(strokes2);
        std::printf("  one more stroke, re-cut with the first cut's energy frozen (shown "
                    "first in the app): %.2f s (links %.2f, flow %.2f; %lld links changed)\n",
                    since(start), quick.stats.buildSeconds, quick.stats.flowSeconds,
                    static_cast<long long>(quick.stats.changedLinks));
    }
    timedCut("one more stroke, full automatic re-cut", image, strokes2);
    if (!cancelTimes.empty())
        printCancelLatency(image, strokes, cancelTimes);
}

} // namespace cisterna::bench
