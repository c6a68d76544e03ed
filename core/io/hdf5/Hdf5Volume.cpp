#include "core/io/hdf5/Hdf5Volume.h"

#include "core/io/hdf5/Hdf5Datasets.h"
#include "core/io/hdf5/Hdf5Handle.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace cisterna::hdf5 {
namespace {

Handle openFile(const fs::path& file, unsigned flags, const std::string& where) {
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw FormatError(where, "no such file");
    if (fs::is_directory(file, ec))
        throw FormatError(where, "is a folder, not an HDF5 file");
    const htri_t isHdf5 = H5Fis_hdf5(file.c_str());
    if (isHdf5 == 0)
        throw FormatError(where, "is not an HDF5 file (it lacks the HDF5 signature)");
    if (isHdf5 < 0)
        fail(where, "could not be opened");
    Handle fapl = fileAccessList(where);
    return checked(H5Fopen(file.c_str(), flags, fapl.get()), H5Fclose, where,
                   "could not be opened as HDF5");
}

struct OpenDataset {
    Handle file;
    Handle dataset;
    DatasetHeader header;
    DatasetGeometry geometry;
};

OpenDataset openDataset(const VolumePath& path) {
    const std::string where = path.display();
    OpenDataset open;
    open.file = openFile(path.file, H5F_ACC_RDONLY, where);
    const std::string name = chooseDataset(open.file.get(), where, path.inner);
    // A cache of a few dozen chunks, so that a region cutting through chunks does
    // not decompress the same chunk once per row of the selection.
    Handle dapl =
        checked(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, where, "could not set up dataset access");
    H5Pset_chunk_cache(dapl.get(), 12421, 64u << 20, 0.75);
    open.dataset = checked(H5Dopen2(open.file.get(), name.c_str(), dapl.get()), H5Dclose, where,
                           "could not open the dataset '" + name + "'");
    open.header = describeDataset(open.dataset.get(), name, where);
    open.geometry = readGeometry(open.dataset.get(), open.header.rank);
    return open;
}

void requireReadable(const DatasetHeader& header, const std::string& where) {
    if (!header.dataType)
        throw FormatError(where, "the dataset '" + header.name +
                                     "' has the unsupported data type " + header.storedType +
                                     " (Cisterna reads uint8, uint16 and float32; int8, int16 "
                                     "and float64 are converted to float32)");
    if (!header.missingFilters.empty())
        throw FormatError(where, "the dataset '" + header.name + "' is compressed with " +
                                     header.missingFilters.front() +
                                     ", which this HDF5 library cannot decode (save it with "
                                     "gzip compression, or install the HDF5 filter plugin)");
}

// Selects `box` of a 2D or 3D dataspace (a 2D one only has z = 0).
void selectBox(hid_t space, int rank, const Box3& box, const std::string& where) {
    const hsize_t start3[3] = {static_cast<hsize_t>(box.begin.z), static_cast<hsize_t>(box.begin.y),
                               static_cast<hsize_t>(box.begin.x)};
    const hsize_t count3[3] = {static_cast<hsize_t>(box.size.z), static_cast<hsize_t>(box.size.y),
                               static_cast<hsize_t>(box.size.x)};
    const int skip = 3 - rank;
    check(
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start3 + skip, nullptr, count3 + skip, nullptr),
        where, "could not select the region " + toString(box));
}

} // namespace

VolumeInfo readInfo(const VolumePath& path) {
    silenceErrorPrinting();
    const std::string where = path.display();
    OpenDataset open = openDataset(path);
    requireReadable(open.header, where);
    VolumeInfo info;
    info.format = "hdf5";
    info.dataType = *open.header.dataType;
    info.shape = open.header.shape;
    info.voxelSize = open.geometry.voxelSize;
    info.hasVoxelSize = open.geometry.hasVoxelSize;
    info.origin = open.geometry.origin;
    info.chunkShape = open.header.chunkShape;
    info.compression = open.header.compression;
    info.details.push_back("dataset: " + open.header.name);
    if (open.header.storedType != toString(info.dataType))
        info.details.push_back("stored as " + open.header.storedType + ", read as " +
                               toString(info.dataType));
    for (const auto& note : open.geometry.notes)
        info.details.push_back(note);
    const auto all = listDatasets(open.file.get(), where);
    if (all.size() > 1)
        info.details.push_back("the file holds " + std::to_string(all.size()) + " datasets");
    return info;
}

Volume readVolume(const VolumePath& path, const ReadOptions& options) {
    silenceErrorPrinting();
    const std::string where = path.display();
    OpenDataset open = openDataset(path);
    const DatasetHeader& header = open.header;
    requireReadable(header, where);
    const Box3 region = resolveRegion(path, header.shape, options);
    // Checks the memory budget before any voxel is read: a header declaring
    // 10^15 voxels fails here, in one sentence.
    Volume volume = Volume::allocate(*header.dataType, region.size, VolumeRole::Image,
                                     "HDF5 dataset '" + header.name + "'");
    // HDF5 decodes whole chunks, each into a buffer of its own, whatever the region.
    if (header.chunkShape && !region.size.isEmpty())
        requireMemory(
            checkedByteCount(*header.chunkShape, bytesPerVoxel(*header.dataType), "HDF5 chunk"),
            "one chunk of the HDF5 dataset '" + header.name + "'");
    if (!region.size.isEmpty()) {
        Handle fileSpace = checked(H5Dget_space(open.dataset.get()), H5Sclose, where,
                                   "could not read the shape of '" + header.name + "'");
        selectBox(fileSpace.get(), header.rank, region, where);
        const hsize_t count3[3] = {static_cast<hsize_t>(region.size.z),
                                   static_cast<hsize_t>(region.size.y),
                                   static_cast<hsize_t>(region.size.x)};
        Handle memorySpace =
            checked(H5Screate_simple(header.rank, count3 + (3 - header.rank), nullptr), H5Sclose,
                    where, "could not describe the memory buffer");
        check(H5Dread(open.dataset.get(), header.memoryType, memorySpace.get(), fileSpace.get(),
                      H5P_DEFAULT, volume.data()),
              where, "could not read the dataset '" + header.name + "'");
    }
    if (open.geometry.hasVoxelSize)
        volume.setVoxelSize(open.geometry.voxelSize);
    const Vec3d& size = open.geometry.voxelSize;
    const Vec3d& origin = open.geometry.origin;
    volume.setOrigin({origin.z + region.begin.z * size.z, origin.y + region.begin.y * size.y,
                      origin.x + region.begin.x * size.x});
    return volume;
}

namespace {

struct Compression {
    bool deflate = true;
    int level = 4;
};

Compression parseCompression(const WriteOptions& options, const std::string& where) {
    Compression c;
    const std::string& name = options.compression;
    if (name == "raw" || name == "none") {
        c.deflate = false;
    } else if (name == "default" || name == "gzip" || name == "zlib" || name == "deflate") {
        if (options.compressionLevel > 9)
            throw FormatError(where, "gzip compression levels go from 0 to 9, not " +
                                         std::to_string(options.compressionLevel));
        if (options.compressionLevel >= 0)
            c.level = options.compressionLevel;
    } else {
        throw FormatError(where, "HDF5 volumes are written with gzip (the default) or raw "
                                 "compression, not '" +
                                     name + "'");
    }
    return c;
}

hid_t fileTypeOf(DataType type) {
    switch (type) {
    case DataType::UInt8:
        return H5T_STD_U8LE;
    case DataType::UInt16:
        return H5T_STD_U16LE;
    case DataType::Float32:
    default:
        return H5T_IEEE_F32LE;
    }
}

hid_t memoryTypeOf(DataType type) {
    switch (type) {
    case DataType::UInt8:
        return H5T_NATIVE_UINT8;
    case DataType::UInt16:
        return H5T_NATIVE_UINT16;
    case DataType::Float32:
    default:
        return H5T_NATIVE_FLOAT;
    }
}

Shape3 chooseChunkShape(const Shape3& shape, const WriteOptions& options,
                        const std::string& where) {
    Shape3 chunk = options.chunkShape.value_or(Shape3{64, 64, 64});
    if (chunk.isEmpty())
        throw FormatError(where, "the chunk shape " + toString(chunk) + " must be positive");
    // HDF5 refuses chunks larger than a fixed-size dataset.
    chunk = {std::min(chunk.z, shape.z), std::min(chunk.y, shape.y), std::min(chunk.x, shape.x)};
    return chunk;
}

Handle datasetCreationList(const Shape3& shape, DataType type, const WriteOptions& options,
                           const std::string& where) {
    const Compression compression = parseCompression(options, where);
    Handle dcpl =
        checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, where, "could not set up the dataset");
    if (shape.isEmpty())
        return dcpl; // an empty dataset cannot be chunked; contiguous costs nothing
    const Shape3 chunk = chooseChunkShape(shape, options, where);
    if (checkedByteCount(chunk, bytesPerVoxel(type), "chunk") >= (std::uint64_t(1) << 32))
        throw FormatError(where, "HDF5 chunks must stay below 4 GiB; " + toString(chunk) +
                                     " is too large");
    const hsize_t dims[3] = {static_cast<hsize_t>(chunk.z), static_cast<hsize_t>(chunk.y),
                             static_cast<hsize_t>(chunk.x)};
    check(H5Pset_chunk(dcpl.get(), 3, dims), where, "could not set the chunk shape");
    if (compression.deflate) {
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
            throw FormatError(where, "this HDF5 library has no gzip compression; write with "
                                     "compression raw");
        check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(compression.level)), where,
              "could not set gzip compression");
    }
    return dcpl;
}

// Writes the voxels; a cropped (non-contiguous) volume goes through a buffer one
// slab of chunks deep, so it is never copied whole.
void writeVoxels(hid_t dataset, const Volume& volume, const WriteOptions& options,
                 const std::string& where) {
    const Shape3& shape = volume.shape();
    if (shape.isEmpty())
        return;
    const hid_t memoryType = memoryTypeOf(volume.dataType());
    if (volume.isContiguous()) {
        check(H5Dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, volume.data()), where,
              "could not write the voxels");
        return;
    }
    const std::int64_t depth = chooseChunkShape(shape, options, where).z;
    const std::size_t bpv = bytesPerVoxel(volume.dataType());
    const Shape3 slabShape{depth, shape.y, shape.x};
    const std::uint64_t slabBytes = checkedByteCount(slabShape, bpv, "write buffer");
    requireMemory(slabBytes, "buffer for writing " + where);
    std::vector<unsigned char> slab(static_cast<std::size_t>(slabBytes));
    Handle fileSpace = checked(H5Dget_space(dataset), H5Sclose, where, "could not read the shape");
    const auto* base = static_cast<const unsigned char*>(volume.data());
    const Strides3& strides = volume.strides();
    const std::size_t rowBytes = static_cast<std::size_t>(shape.x) * bpv;
    for (std::int64_t z0 = 0; z0 < shape.z; z0 += depth) {
        const std::int64_t d = std::min(depth, shape.z - z0);
        unsigned char* out = slab.data();
        for (std::int64_t z = z0; z < z0 + d; ++z)
            for (std::int64_t y = 0; y < shape.y; ++y, out += rowBytes) {
                const unsigned char* row =
                    base + (z * strides.z + y * strides.y) * static_cast<std::int64_t>(bpv);
                if (strides.x == 1)
                    std::memcpy(out, row, rowBytes);
                else
                    for (std::int64_t x = 0; x < shape.x; ++x)
                        std::memcpy(out + x * bpv, row + x * strides.x * bpv, bpv);
            }
        const Box3 box{{z0, 0, 0}, {d, shape.y, shape.x}};
        selectBox(fileSpace.get(), 3, box, where);
        const hsize_t count[3] = {static_cast<hsize_t>(d), static_cast<hsize_t>(shape.y),
                                  static_cast<hsize_t>(shape.x)};
        Handle memorySpace = checked(H5Screate_simple(3, count, nullptr), H5Sclose, where,
                                     "could not describe the write buffer");
        check(H5Dwrite(dataset, memoryType, memorySpace.get(), fileSpace.get(), H5P_DEFAULT,
                       slab.data()),
              where, "could not write the voxels");
    }
}

// Opens the file being written: a fresh one, or a copy of the existing target so
// that its other datasets survive.
Handle openTarget(const VolumePath& path, const fs::path& temp, const std::string& where) {
    std::error_code ec;
    if (!fs::exists(path.file, ec)) {
        Handle fapl = fileAccessList(where);
        return checked(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose,
                       where, "could not create the file");
    }
    if (fs::is_directory(path.file, ec))
        throw FormatError(where, "is a folder, not an HDF5 file");
    if (H5Fis_hdf5(path.file.c_str()) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        throw FormatError(where, "exists and is not an HDF5 file; remove it or choose another "
                                 "name (Cisterna adds datasets to existing HDF5 files)");
    }
    fs::copy_file(path.file, temp, fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw FormatError(where,
                          "could not copy the existing file to add a dataset: " + ec.message());
    return openFile(temp, H5F_ACC_RDWR, where);
}

void removeExistingDataset(hid_t file, const std::string& name, const std::string& where) {
    if (!linkExists(file, name))
        return;
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
        info.type != H5O_TYPE_DATASET)
        throw FormatError(where, "'" + name +
                                     "' is a group in this file; Cisterna replaces "
                                     "datasets but never whole groups");
    H5Eclear2(H5E_DEFAULT);
    // The old dataset's space stays in the file (HDF5 does not reclaim it without
    // h5repack); the data is replaced all the same.
    check(H5Ldelete(file, name.c_str(), H5P_DEFAULT), where,
          "could not replace the existing dataset '" + name + "'");
}

} // namespace

DatasetWriter::DatasetWriter(const VolumePath& path, DataType type, const Shape3& shape,
                             const WriteOptions& options, std::size_t chunkCacheBytes)
    : where_(path.display()), type_(type), options_(options),
      // Settings are checked before any file is touched.
      dcpl_((silenceErrorPrinting(), datasetCreationList(shape, type, options, where_))),
      atomic_(path.file) {
    const std::string name = path.inner.empty() ? kDefaultDatasetName : path.inner;
    file_ = openTarget(path, atomic_.tempPath(), where_);
    removeExistingDataset(file_.get(), name, where_);
    Handle lcpl =
        checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, where_, "could not set up the dataset");
    check(H5Pset_create_intermediate_group(lcpl.get(), 1), where_, "could not set up the dataset");
    Handle dapl =
        checked(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, where_, "could not set up the dataset");
    if (chunkCacheBytes > 0)
        check(H5Pset_chunk_cache(dapl.get(), 12421, chunkCacheBytes, 1.0), where_,
              "could not set up the chunk cache");
    const hsize_t dims[3] = {static_cast<hsize_t>(shape.z), static_cast<hsize_t>(shape.y),
                             static_cast<hsize_t>(shape.x)};
    Handle space = checked(H5Screate_simple(3, dims, nullptr), H5Sclose, where_,
                           "could not describe the dataset");
    // float16 is no predefined HDF5 type: IEEE binary16 is a float32 layout with
    // 5 exponent and 10 mantissa bits, which h5py and others read as float16. HDF5
    // converts the float32 voxels on write.
    Handle halfType;
    if (options.float16 && type == DataType::Float32) {
        halfType = checked(H5Tcopy(H5T_IEEE_F32LE), H5Tclose, where_, "could not set up float16");
        check(H5Tset_fields(halfType.get(), 15, 10, 5, 0, 10), where_, "could not set up float16");
        check(H5Tset_size(halfType.get(), 2), where_, "could not set up float16");
        check(H5Tset_ebias(halfType.get(), 15), where_, "could not set up float16");
    }
    const hid_t fileType = halfType.valid() ? halfType.get() : fileTypeOf(type);
    dataset_ = checked(H5Dcreate2(file_.get(), name.c_str(), fileType, space.get(), lcpl.get(),
                                  dcpl_.get(), dapl.get()),
                       H5Dclose, where_, "could not create the dataset '" + name + "'");
}

void DatasetWriter::writeAll(const Volume& volume) {
    writeVoxels(dataset_.get(), volume, options_, where_);
}

void DatasetWriter::writeBox(const Box3& box, const Volume& block) {
    if (box.size.isEmpty())
        return;
    silenceErrorPrinting(); // blocks may come from another thread than the constructor's
    const Volume voxels = block.contiguous(); // the memory dataspace below is packed
    Handle fileSpace =
        checked(H5Dget_space(dataset_.get()), H5Sclose, where_, "could not read the shape");
    selectBox(fileSpace.get(), 3, box, where_);
    const hsize_t count[3] = {static_cast<hsize_t>(box.size.z), static_cast<hsize_t>(box.size.y),
                              static_cast<hsize_t>(box.size.x)};
    Handle memorySpace = checked(H5Screate_simple(3, count, nullptr), H5Sclose, where_,
                                 "could not describe the block");
    check(H5Dwrite(dataset_.get(), memoryTypeOf(type_), memorySpace.get(), fileSpace.get(),
                   H5P_DEFAULT, voxels.data()),
          where_, "could not write the block " + toString(box));
}

void DatasetWriter::writeGeometry(bool hasVoxelSize, const Vec3d& voxelSize, const Vec3d& origin) {
    if (hasVoxelSize) {
        const Vec3d& s = voxelSize;
        writeNumbers(dataset_.get(), "resolution", {s.z, s.y, s.x}, where_);
        writeNumbers(dataset_.get(), "element_size_um", {s.z / 1000, s.y / 1000, s.x / 1000},
                     where_);
    }
    writeNumbers(dataset_.get(), "offset", {origin.z, origin.y, origin.x}, where_);
}

void DatasetWriter::commit() {
    if (!dataset_.close() || !file_.close())
        fail(where_, "could not finish writing the file (disk full?)");
    atomic_.commit();
}

void writeVolume(const VolumePath& path, const Volume& volume, const WriteOptions& options) {
    DatasetWriter writer(path, volume.dataType(), volume.shape(), options);
    writer.writeAll(volume);
    writer.writeGeometry(volume.hasVoxelSize(), volume.voxelSize(), volume.origin());
    writer.commit();
}

} // namespace cisterna::hdf5
