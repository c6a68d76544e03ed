#pragma once
// Coarse-to-fine banded graph cut (Lombaert, Sun, Grady and Xu, ICCV 2005) for
// volumes too large for an exact cut: cut a 2x/4x/8x downsampled volume exactly,
// then cut at full resolution only in a band of 8^3 blocks around the coarse
// boundary, with every voxel outside the band fixed to its coarse label.
// The coarse graph is not built from a resampled image but from the full-resolution
// energy itself, restricted to labellings constant on f^3 blocks, so the coarse cut
// optimises the same energy. Strokes stay hard constraints: blocks whose coarse
// label contradicts a stroke join the band. So do "contested" regions, whose
// smoothed regional term strongly favours the other label: near-ties of the energy
// that the coarse cut can decide differently from the fine one (without them a
// whole object can be lost). On a weakly separating energy the band grows with them. Memory: the
// larger of the coarse graph and the band graph (about 47 bytes per graph voxel at 6-connectivity)
// plus the image, strokes and labels; each is checked with requireMemory before allocation. The
// reported energy is that of the whole returned labelling.
#include "core/graphcut/GraphCut.h"

namespace cisterna {

GraphCutResult bandedGraphCut(const Volume& image, const Volume& strokes, const Energy& energy,
                              const GraphCutParams& params, const Progress& progress = {});

// The coarse factor an automatic banded cut of this shape uses.
int autoCoarseFactor(const Shape3& shape, const GraphCutParams& params);

} // namespace cisterna
