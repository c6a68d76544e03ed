#pragma once
// Smoothed iso-surfaces of label and probability volumes for the 3D view and for
// export: flying edges, windowed-sinc smoothing, normals. Points are in nm (the
// volume's voxel size and origin), x y z as VTK expects.
//
// Extraction is split in two so that the UI thread never waits for VTK and workers
// never read a volume the user is painting: prepareSurfaceInput() copies (and, for
// large volumes, downsamples by block maximum) on the calling thread; the slow
// extractSurface() then works on that private copy on any thread.
#include "core/volume/Volume.h"

#include <vtkSmartPointer.h>

class vtkPolyData;

namespace cisterna::ui {

struct SurfaceInput {
    Volume volume;  // uint8, padded by one zero voxel on every side (closed surfaces)
    int factor = 1; // downsampling factor of the copy
    double isoValue = 0.5;
    bool isEmpty() const { return volume.isNull(); }
};

// `threshold`: voxels with value > threshold are inside. Volumes larger than
// maxVoxels are reduced by the smallest integer factor that fits. Returns an empty
// input when no voxel is inside.
SurfaceInput prepareSurfaceInput(const Volume& volume, double threshold,
                                 std::int64_t maxVoxels = std::int64_t(160) * 160 * 160);

// Thread-safe (each call builds its own pipeline). Null when the input is empty.
vtkSmartPointer<vtkPolyData> extractSurface(const SurfaceInput& input,
                                            int smoothingIterations = 20);

} // namespace cisterna::ui
