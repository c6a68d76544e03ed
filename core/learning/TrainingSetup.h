#pragma once
// Choices that follow from the volume a network is trained on, made once here for
// the app's Train dialog and the CLI's `train --factors auto --validation-region auto`:
// how an anisotropic or thin stack is downsampled and convolved, which slab is held
// out for the validation F1, which patch a requested edge length becomes.
#include "core/learning/UNetConfig.h"
#include "core/volume/Volume.h"

#include <optional>

namespace cisterna {

// `network` (features, levels, upsampling... as given) with its downsampling and
// kernels fitted to the volume: thick z sections (z at least 1.5 times y and x) are
// downsampled in y and x only, so that all axes end up similar; an axis thinner than
// the network's smallest input (10 SBEM sections against 21) is convolved plane by
// plane (kernel 1 along it, as ASEM's (1, 3, 3) for thin stacks) rather than refused.
// `levels` is the number of downsampling levels (at least 1).
UNetConfig networkForVolume(UNetConfig network, int levels, const Vec3d& voxelSize,
                            const Shape3& shape);

// A slab at one end of one axis for validation, a quarter of that axis deep (at least
// one network input), leaving a network input to train on. Of the six, the one holding
// the most labelled voxels while some stay outside to train on: a slab without any
// gives an F1 of 0 or none, which says nothing about the network. Nullopt when none
// fits or none qualifies (then training runs without validation).
std::optional<Box3> validationSlabWithMostLabels(const UNetConfig& network, const Volume& labels);

// A cubic patch edge per axis rounded up to an input the network takes, or down where
// the volume is too small for that. Throws InvalidArgument when no input fits.
Shape3 trainingPatchShape(const UNetConfig& network, std::int64_t patchEdge, const Shape3& shape);

} // namespace cisterna
