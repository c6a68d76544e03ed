#pragma once
// Runs independent work items on all cores while the calling thread reports progress.
// Progress::report() throws Cancelled from the calling thread only, so cancellation
// never crosses a thread boundary: the workers are told to stop and are joined
// before the exception leaves.
#include "core/util/Progress.h"

#include <cstdint>
#include <functional>
#include <string>

namespace cisterna::phantom {

// Number of worker threads parallelFor uses for `items` items (at least 1).
unsigned workerCount(std::int64_t items);

// Calls work(item, worker) for every item in [0, items), worker in [0, workerCount).
// Reports fractions from `from` to `to` with `message` about ten times. Rethrows the
// first exception a worker threw, or Cancelled.
void parallelFor(std::int64_t items, const std::function<void(std::int64_t, unsigned)>& work,
                 const Progress& progress, double from, double to, const std::string& message);

} // namespace cisterna::phantom
