#pragma once
// Timings of the automatic graph cut as the app runs it, shared by bench_graphcut
// and bench_graphcut_quality: the first (coarse) result, the full result and what
// it spent, a re-cut after one more stroke, and how fast Cancel takes effect.
#include "core/graphcut/AutoGraphCut.h"
#include "core/volume/Volume.h"

#include <vector>

namespace cisterna::bench {

// Presses Cancel at each of `times` seconds after the start of an automatic cut and
// prints how long the cut took to stop, and in which stage.
void printCancelLatency(const Volume& image, const Volume& strokes,
                        const std::vector<double>& times, const AutoGraphCutParams& params = {});

// Strokes simulated from `truth` on `planes` evenly spaced z planes; then one more
// object stroke on an unstroked plane. Prints the first and full results' times
// of the cut, of the quick re-cut with the first cut's energy frozen (what the app
// shows first after one more stroke) and of the full re-cut, and cancel latencies.
void printInteractiveTimings(const Volume& image, const Volume& truth, int planes,
                             const std::vector<double>& cancelTimes = {0.5, 2, 5});

} // namespace cisterna::bench
