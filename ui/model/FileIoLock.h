#pragma once
// Debian's HDF5 is built without thread safety, and the app touches HDF5 from jobs
// (reading volumes, evaluating against files) and from the UI thread (saving
// projects). Every file access of the app takes this lock, so no two threads are
// ever inside HDF5 at once.
#include <mutex>

namespace cisterna::ui {

std::mutex& fileIoMutex();

} // namespace cisterna::ui
