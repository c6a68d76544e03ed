#pragma once
// Where a Zarr array or N5 dataset is written: the folder built in a temporary
// sibling and swapped in, the groups above it and the metadata around it. Writing a
// whole volume and writing block by block share it, so that both produce the same
// files.
#include "core/io/VolumeFormat.h"
#include "core/io/zarr/N5Dataset.h"
#include "core/io/zarr/ZarrArray.h"

#include <filesystem>
#include <string>

namespace cisterna::zarr {

struct ContainerWrite {
    std::filesystem::path target; // swapped in whole on commit
    bool ome = false;             // an OME-Zarr image group with the array at "0"
    std::string name;             // the image's name in OME metadata
    ArrayWriteSpec spec;          // codec, chunk shape and separator
};

// Checks the options, creates the container and the groups above an inner array,
// and refuses to replace anything but an array or an image there.
ContainerWrite planContainerWrite(const VolumePath& path, const WriteOptions& options,
                                  const Shape3& shape);

// Writes the image group's metadata into `dir` (the temporary folder of
// plan.target) and returns the folder the array goes to, with plan.spec.attributes
// set for it.
std::filesystem::path writeContainerGroups(const std::filesystem::path& dir, ContainerWrite& plan,
                                           const chunked::Spatial& spatial);

} // namespace cisterna::zarr

namespace cisterna::n5 {

struct ContainerWrite {
    std::filesystem::path target; // the dataset folder, swapped in whole on commit
    bool root = false;            // the dataset is the container itself
    chunked::CodecSpec codec;
    Shape3 block;
};

// Checks the options, creates the container and the groups above an inner dataset,
// and refuses to replace anything but a dataset there.
ContainerWrite planContainerWrite(const VolumePath& path, const WriteOptions& options,
                                  const Shape3& shape);

// The dataset's attributes.json, marked as a container when it is the root.
chunked::Json containerAttributes(const ContainerWrite& plan, DataType type, const Shape3& shape,
                                  const chunked::Spatial& spatial);

} // namespace cisterna::n5
