#include "core/io/hdf5/Hdf5Datasets.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <cmath>
#include <set>

namespace cisterna::hdf5 {
namespace {

herr_t collectHardLink(hid_t, const char* name, const H5L_info_t* info, void* data) {
    if (info && info->type == H5L_TYPE_HARD)
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

// Walks the groups one level at a time rather than with H5Ovisit: H5Ovisit
// failing on a damaged file leaks HDF5's internal visit list, after which the
// library cannot shut down cleanly.
void collectDatasets(hid_t file, const std::string& group, int depth, std::set<haddr_t>& seen,
                     std::vector<std::string>& datasets, const std::string& path) {
    std::vector<std::string> links;
    hsize_t index = 0;
    check(H5Literate_by_name(file, group.empty() ? "/" : group.c_str(), H5_INDEX_NAME,
                             H5_ITER_NATIVE, &index, collectHardLink, &links, H5P_DEFAULT),
          path, "could not list the datasets");
    for (const auto& link : links) {
        const std::string name = group.empty() ? link : group + "/" + link;
        H5O_info_t info;
        if (H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            fail(path, "could not inspect '" + name + "'");
        if (info.type == H5O_TYPE_DATASET)
            datasets.push_back(name);
        else if (info.type == H5O_TYPE_GROUP && depth < 64 && seen.insert(info.addr).second)
            collectDatasets(file, name, depth + 1, seen, datasets, path); // seen: no cycles
    }
}

std::string joinNames(const std::vector<std::string>& names) {
    // Long files would make a message nobody reads; the first dozen say enough.
    const std::size_t shown = std::min<std::size_t>(names.size(), 12);
    std::string text;
    for (std::size_t i = 0; i < shown; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > shown)
        text += " and " + std::to_string(names.size() - shown) + " more";
    return text;
}

int datasetRank(hid_t file, const std::string& name) {
    Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid())
        return -1;
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    return space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
}

std::string integerTypeName(hid_t type) {
    const bool isSigned = H5Tget_sign(type) == H5T_SGN_2;
    return std::string(isSigned ? "int" : "uint") + std::to_string(H5Tget_size(type) * 8);
}

std::string filterName(H5Z_filter_t filter, const char* reportedName) {
    switch (filter) {
    case H5Z_FILTER_DEFLATE:
        return "gzip";
    case H5Z_FILTER_SZIP:
        return "szip";
    case H5Z_FILTER_SHUFFLE:
        return "shuffle";
    case H5Z_FILTER_FLETCHER32:
        return "fletcher32";
    case H5Z_FILTER_NBIT:
        return "nbit";
    case H5Z_FILTER_SCALEOFFSET:
        return "scaleoffset";
    case 32001:
        return "blosc";
    case 32000:
        return "lzf";
    case 32004:
        return "lz4";
    case 32015:
        return "zstd";
    default:
        break;
    }
    if (reportedName && *reportedName)
        return reportedName;
    return "filter " + std::to_string(filter);
}

} // namespace

std::vector<std::string> listDatasets(hid_t file, const std::string& path) {
    std::vector<std::string> names;
    std::set<haddr_t> seen;
    collectDatasets(file, "", 0, seen, names, path);
    naturalSort(names);
    return names;
}

bool linkExists(hid_t file, const std::string& name) {
    std::string prefix;
    for (const auto& part : split(name, '/')) {
        if (part.empty())
            continue;
        prefix += (prefix.empty() ? "" : "/") + part;
        const htri_t exists = H5Lexists(file, prefix.c_str(), H5P_DEFAULT);
        if (exists <= 0) {
            H5Eclear2(H5E_DEFAULT);
            return false;
        }
    }
    return !prefix.empty();
}

std::string chooseDataset(hid_t file, const std::string& path, const std::string& inner) {
    const auto all = listDatasets(file, path);
    if (!inner.empty()) {
        if (!linkExists(file, inner) || H5Oexists_by_name(file, inner.c_str(), H5P_DEFAULT) <= 0) {
            H5Eclear2(H5E_DEFAULT);
            throw FormatError(path, "has no dataset '" + inner + "'" +
                                        (all.empty() ? std::string(" (it holds no datasets)")
                                                     : " (it holds: " + joinNames(all) + ")"));
        }
        H5O_info_t info;
        if (H5Oget_info_by_name2(file, inner.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            fail(path, "could not inspect '" + inner + "'");
        if (info.type != H5O_TYPE_DATASET)
            throw FormatError(
                path, "'" + inner + "' is a group, not a dataset" +
                          (all.empty() ? std::string() : " (datasets: " + joinNames(all) + ")"));
        return inner;
    }
    std::vector<std::string> volumes;
    for (const auto& name : all) {
        const int rank = datasetRank(file, name);
        if (rank == 2 || rank == 3)
            volumes.push_back(name);
    }
    H5Eclear2(H5E_DEFAULT);
    if (volumes.size() == 1)
        return volumes.front();
    if (volumes.empty())
        throw FormatError(
            path, all.empty() ? std::string("holds no datasets")
                              : "holds no 2D or 3D dataset (it holds: " + joinNames(all) + ")");
    throw FormatError(path, "holds several datasets (" + joinNames(volumes) +
                                "); name one, as in " + path + ":/" + volumes.front());
}

DatasetHeader describeDataset(hid_t dataset, const std::string& name, const std::string& path) {
    DatasetHeader header;
    header.name = name;
    const std::string where = "dataset '" + name + "'";

    Handle space =
        checked(H5Dget_space(dataset), H5Sclose, path, "could not read the shape of " + where);
    header.rank = H5Sget_simple_extent_ndims(space.get());
    if (header.rank < 0)
        fail(path, "could not read the shape of " + where);
    if (header.rank < 2 || header.rank > 3)
        throw FormatError(path, where + " is " + std::to_string(header.rank) +
                                    "-dimensional; Cisterna reads 2D (y, x) and 3D (z, y, x) "
                                    "datasets");
    hsize_t dims[3] = {1, 1, 1};
    H5Sget_simple_extent_dims(space.get(), dims + (3 - header.rank), nullptr);
    for (hsize_t d : dims)
        if (d > static_cast<hsize_t>(INT64_MAX))
            throw FormatError(path, where + " declares an impossible extent");
    header.shape = {static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1]),
                    static_cast<std::int64_t>(dims[2])};

    Handle type =
        checked(H5Dget_type(dataset), H5Tclose, path, "could not read the type of " + where);
    const H5T_class_t typeClass = H5Tget_class(type.get());
    const std::size_t size = H5Tget_size(type.get());
    if (typeClass == H5T_INTEGER) {
        header.storedType = integerTypeName(type.get());
        const bool isSigned = H5Tget_sign(type.get()) == H5T_SGN_2;
        if (!isSigned && size == 1) {
            header.dataType = DataType::UInt8;
            header.memoryType = H5T_NATIVE_UINT8;
        } else if (!isSigned && size == 2) {
            header.dataType = DataType::UInt16;
            header.memoryType = H5T_NATIVE_UINT16;
        } else if (isSigned && size <= 2) {
            // Every int8/int16 value is exact in float32, so HDF5 converts on read.
            header.dataType = DataType::Float32;
            header.memoryType = H5T_NATIVE_FLOAT;
        }
    } else if (typeClass == H5T_FLOAT) {
        header.storedType = "float" + std::to_string(size * 8);
        if (size == 2 || size == 4 || size == 8) {
            // float64 images (intensities, probabilities) lose only precision;
            // float16 maps widen exactly (HDF5 converts them).
            header.dataType = DataType::Float32;
            header.memoryType = H5T_NATIVE_FLOAT;
        }
    } else {
        static const char* const names[] = {"time",   "string",          "bitfield",
                                            "opaque", "compound",        "reference",
                                            "enum",   "variable-length", "array"};
        const int index = static_cast<int>(typeClass) - static_cast<int>(H5T_TIME);
        header.storedType = index >= 0 && index < 9 ? names[index] : "unknown";
    }

    Handle plist = checked(H5Dget_create_plist(dataset), H5Pclose, path,
                           "could not read the storage settings of " + where);
    if (H5Pget_layout(plist.get()) == H5D_CHUNKED) {
        hsize_t chunk[3] = {1, 1, 1};
        if (H5Pget_chunk(plist.get(), header.rank, chunk + (3 - header.rank)) == header.rank)
            header.chunkShape =
                Shape3{static_cast<std::int64_t>(chunk[0]), static_cast<std::int64_t>(chunk[1]),
                       static_cast<std::int64_t>(chunk[2])};
    }
    const int filters = H5Pget_nfilters(plist.get());
    for (int i = 0; i < filters; ++i) {
        unsigned flags = 0;
        std::size_t valueCount = 0;
        char reported[128] = {0};
        unsigned config = 0;
        const H5Z_filter_t filter =
            H5Pget_filter2(plist.get(), static_cast<unsigned>(i), &flags, &valueCount, nullptr,
                           sizeof reported, reported, &config);
        if (filter < 0)
            continue;
        const std::string filterText = filterName(filter, reported);
        if (filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_FLETCHER32)
            header.compression += (header.compression.empty() ? "" : "+") + filterText;
        if (H5Zfilter_avail(filter) <= 0)
            header.missingFilters.push_back(filterText);
    }
    H5Eclear2(H5E_DEFAULT);
    if (header.compression.empty())
        header.compression = "raw";
    return header;
}

std::optional<std::vector<double>> readNumbers(hid_t object, const char* attribute) {
    if (H5Aexists(object, attribute) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return std::nullopt;
    }
    Handle attr(H5Aopen(object, attribute, H5P_DEFAULT), H5Aclose);
    if (!attr.valid())
        return std::nullopt;
    Handle type(H5Aget_type(attr.get()), H5Tclose);
    Handle space(H5Aget_space(attr.get()), H5Sclose);
    if (!type.valid() || !space.valid())
        return std::nullopt;
    const H5T_class_t typeClass = H5Tget_class(type.get());
    if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT)
        return std::nullopt;
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 1 || count > 16)
        return std::nullopt;
    std::vector<double> values(static_cast<std::size_t>(count));
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, values.data()) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return std::nullopt;
    }
    return values;
}

void writeNumbers(hid_t object, const char* attribute, const std::vector<double>& values,
                  const std::string& path) {
    if (H5Aexists(object, attribute) > 0)
        check(H5Adelete(object, attribute), path,
              std::string("could not replace the attribute ") + attribute);
    const hsize_t count = values.size();
    Handle space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, path,
                           "could not describe an attribute");
    Handle attr = checked(
        H5Acreate2(object, attribute, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose, path, std::string("could not create the attribute ") + attribute);
    check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, values.data()), path,
          std::string("could not write the attribute ") + attribute);
}

namespace {

// Three values (z, y, x) for a 3D dataset; two (y, x) or three for a 2D one, whose
// z spacing then copies x; one value for all axes.
std::optional<Vec3d> toVec3(const std::vector<double>& v, int rank) {
    if (v.size() == 3)
        return Vec3d{v[0], v[1], v[2]};
    if (v.size() == 2 && rank == 2)
        return Vec3d{v[1], v[0], v[1]};
    if (v.size() == 1)
        return Vec3d{v[0], v[0], v[0]};
    return std::nullopt;
}

bool isPositive(const Vec3d& v) {
    return std::isfinite(v.z) && std::isfinite(v.y) && std::isfinite(v.x) && v.z > 0 && v.y > 0 &&
           v.x > 0;
}

} // namespace

DatasetGeometry readGeometry(hid_t dataset, int rank) {
    DatasetGeometry geometry;
    struct Source {
        const char* attribute;
        double toNm;
    };
    for (const Source& source : {Source{"resolution", 1.0}, Source{"element_size_um", 1000.0}}) {
        const auto values = readNumbers(dataset, source.attribute);
        if (!values)
            continue;
        auto size = toVec3(*values, rank);
        if (size) {
            size = Vec3d{size->z * source.toNm, size->y * source.toNm, size->x * source.toNm};
            if (isPositive(*size)) {
                geometry.voxelSize = *size;
                geometry.hasVoxelSize = true;
                geometry.notes.push_back(std::string("voxel size from the attribute ") +
                                         source.attribute);
                break;
            }
        }
        geometry.notes.push_back(std::string("ignored the attribute ") + source.attribute +
                                 " (not one to three positive numbers)");
    }
    if (const auto values = readNumbers(dataset, "offset")) {
        auto origin = toVec3(*values, rank);
        if (origin && values->size() == 2)
            origin->z = 0; // a plane's (y, x) offset says nothing about z
        if (origin && std::isfinite(origin->z) && std::isfinite(origin->y) &&
            std::isfinite(origin->x))
            geometry.origin = *origin;
        else
            geometry.notes.push_back("ignored the attribute offset (not three numbers)");
    }
    return geometry;
}

} // namespace cisterna::hdf5
