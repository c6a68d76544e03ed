#pragma once
// Where a volume lives. Container formats hold several arrays, so a path has two
// parts: the file or folder on disk, and the array inside it.
//   cells.h5:/em/raw        HDF5 file cells.h5, dataset /em/raw
//   cells.h5/em/raw         the same (the part after the file is the dataset)
//   crop.zarr/volumes/raw   Zarr folder crop.zarr, array volumes/raw
//   stack.tif, slices/      single files and folders of 2D slices have no inner part
#include <filesystem>
#include <string>

namespace cisterna {

struct VolumePath {
    std::filesystem::path file; // file or folder on disk
    std::string inner;          // array inside a container; empty for the default/root
    std::string original;       // as the user wrote it, for messages

    std::string display() const { return original.empty() ? file.string() : original; }
    // Lower-case extension of `file` including compound ones (".ome.zarr", ".nii.gz").
    std::string extension() const;
};

// Splits at the first path component whose extension is a container extension
// (.h5 .hdf5 .hdf .he5 .zarr .n5), or at "file.ext:/inner".
VolumePath parseVolumePath(const std::string& text);

// Lower-case extension including the compound ones we know of.
std::string volumeExtension(const std::filesystem::path& file);

} // namespace cisterna
