#include "ui/model/ProjectFile.h"

#include "ui/model/FileIoLock.h"

#include "core/io/hdf5/Hdf5Handle.h"
#include "core/util/AtomicWrite.h"
#include "core/util/Error.h"
#include "core/volume/Geometry.h"
#include "core/volume/ZeroPages.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace cisterna::ui {

namespace {

using hdf5::check;
using hdf5::checked;
using hdf5::fileAccessList;
using hdf5::Handle;
using nlohmann::json;

constexpr const char* kFormat = "cisterna-project";
constexpr int kVersion = 1;
constexpr hsize_t kMaxMetadataBytes = 64u << 20;

json vec3(const Vec3d& v) {
    return json::array({v.z, v.y, v.x});
}

json shape3(const Shape3& s) {
    return json::array({s.z, s.y, s.x});
}

std::string str(const QString& s) {
    return s.toStdString();
}

json toJson(const ProjectData& d) {
    json j;
    j["format"] = kFormat;
    j["version"] = kVersion;
    json image;
    image["name"] = str(d.image.name);
    image["path"] = str(d.image.path);
    image["relativePath"] = str(d.image.relativePath);
    image["phantom"] = str(d.image.phantom);
    image["shape"] = shape3(d.image.shape);
    image["dataType"] = toString(d.image.dataType);
    image["voxelSize"] = d.image.voxelSize ? vec3(*d.image.voxelSize) : json(nullptr);
    if (d.image.region) {
        const Box3& r = *d.image.region;
        image["region"] = {{"begin", {r.begin.z, r.begin.y, r.begin.x}}, {"size", shape3(r.size)}};
    }
    j["image"] = image;
    json organelles = json::array();
    for (const auto& o : d.organelles) {
        json jo;
        jo["name"] = str(o.name);
        jo["colour"] = str(o.colour.name(QColor::HexRgb));
        jo["visible"] = o.visible;
        jo["opacity"] = o.opacity;
        jo["threshold"] = o.threshold;
        json layers = json::array();
        for (int l = 0; l < kLayerCount; ++l)
            if (!o.layers[std::size_t(l)].isNull())
                layers.push_back(layerName(Layer(l)));
        jo["layers"] = layers;
        json models = json::array();
        for (const QString& m : o.modelPaths)
            models.push_back(str(m));
        jo["models"] = models;
        jo["predictionSource"] = str(o.predictionSource);
        jo["graphCutChoice"] = str(o.graphCutChoice);
        organelles.push_back(jo);
    }
    j["organelles"] = organelles;
    j["activeOrganelle"] = d.activeOrganelle;
    json view;
    view["cursor"] = json::array({d.cursor.z, d.cursor.y, d.cursor.x});
    view["windowLevel"] = d.windowLevel;
    view["windowWidth"] = d.windowWidth;
    json views = json::array();
    for (const auto& v : d.views)
        views.push_back(
            {{"zoom", v.zoom}, {"centreColumn", v.centreColumn}, {"centreRow", v.centreRow}});
    view["views"] = views;
    j["view"] = view;
    j["tool"] = {
        {"tool", str(d.tool)}, {"target", str(d.paintTarget)}, {"brushRadius", d.brushRadius}};
    j["autosaveOf"] = str(d.autosaveOf);
    j["savedAt"] = str(d.savedAt);
    return j;
}

[[noreturn]] void bad(const std::string& where, const std::string& problem) {
    throw FormatError(where, "damaged project record: " + problem);
}

const json& need(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key))
        bad(where, std::string("'") + key + "' is missing");
    return j.at(key);
}

double number(const json& j, const char* key, const std::string& where) {
    const json& v = need(j, key, where);
    if (!v.is_number())
        bad(where, std::string("'") + key + "' is not a number");
    return v.get<double>();
}

QString text(const json& j, const char* key, const std::string& where) {
    const json& v = need(j, key, where);
    if (!v.is_string())
        bad(where, std::string("'") + key + "' is not text");
    return QString::fromStdString(v.get<std::string>());
}

std::array<double, 3> triple(const json& v, const char* what, const std::string& where) {
    if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() ||
        !v[2].is_number())
        bad(where, std::string(what) + " is not three numbers");
    return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
}

// Voxel counts and indices: whole numbers a 64-bit integer holds exactly (a cast of
// 1e300 to an integer is undefined behaviour, which a damaged file must not reach).
bool wholeIndex(double v) {
    return v >= -9.0e15 && v <= 9.0e15 && v == std::floor(v);
}

ProjectData fromJson(const json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormat)
        throw FormatError(where, "is an HDF5 file but not a Cisterna project");
    const double version = number(j, "version", where);
    if (version > kVersion)
        throw FormatError(where, "was saved by a newer Cisterna (project version " +
                                     std::to_string(int(version)) + "); update Cisterna");
    ProjectData d;
    const json& image = need(j, "image", where);
    d.image.name = text(image, "name", where);
    d.image.path = text(image, "path", where);
    d.image.relativePath = text(image, "relativePath", where);
    d.image.phantom = text(image, "phantom", where);
    const auto s = triple(need(image, "shape", where), "the image shape", where);
    if (!wholeIndex(s[0]) || !wholeIndex(s[1]) || !wholeIndex(s[2]))
        bad(where, "the image shape is not three whole numbers");
    d.image.shape = {std::int64_t(s[0]), std::int64_t(s[1]), std::int64_t(s[2])};
    if (d.image.shape.z < 0 || d.image.shape.y < 0 || d.image.shape.x < 0)
        bad(where, "the image shape is negative");
    const auto type = parseDataType(text(image, "dataType", where).toStdString());
    if (!type)
        bad(where, "unknown image data type");
    d.image.dataType = *type;
    const json& vs = need(image, "voxelSize", where);
    if (!vs.is_null()) {
        const auto v = triple(vs, "the voxel size", where);
        if (!(v[0] > 0 && v[1] > 0 && v[2] > 0))
            bad(where, "the voxel size is not positive");
        d.image.voxelSize = Vec3d{v[0], v[1], v[2]};
    }
    // Absent in projects of a whole file (and in those saved before parts existed).
    if (image.contains("region") && !image["region"].is_null()) {
        const json& r = image["region"];
        const auto b = triple(need(r, "begin", where), "the region's corner", where);
        const auto z = triple(need(r, "size", where), "the region's size", where);
        for (int a = 0; a < 3; ++a)
            if (!wholeIndex(b[std::size_t(a)]) || !wholeIndex(z[std::size_t(a)]))
                bad(where, "the image region is not whole numbers");
        Box3 box;
        box.begin = {std::int64_t(b[0]), std::int64_t(b[1]), std::int64_t(b[2])};
        box.size = {std::int64_t(z[0]), std::int64_t(z[1]), std::int64_t(z[2])};
        if (box.begin.z < 0 || box.begin.y < 0 || box.begin.x < 0 || !(box.size == d.image.shape))
            bad(where, "the image region is negative or not the image's shape");
        d.image.region = box;
    }
    const json& organelles = need(j, "organelles", where);
    if (!organelles.is_array())
        bad(where, "'organelles' is not a list");
    for (const json& jo : organelles) {
        ProjectOrganelle o;
        o.name = text(jo, "name", where);
        o.colour = QColor(text(jo, "colour", where));
        if (!o.colour.isValid())
            bad(where, "the colour of " + o.name.toStdString() + " is not a colour");
        const json& visible = need(jo, "visible", where);
        o.visible = visible.is_boolean() ? visible.get<bool>() : true;
        o.opacity = std::clamp(number(jo, "opacity", where), 0.0, 1.0);
        o.threshold = std::clamp(number(jo, "threshold", where), 0.0, 1.0);
        for (const json& m : need(jo, "models", where))
            if (m.is_string())
                o.modelPaths.push_back(QString::fromStdString(m.get<std::string>()));
        o.predictionSource = text(jo, "predictionSource", where);
        if (jo.contains("graphCutChoice"))
            o.graphCutChoice = text(jo, "graphCutChoice", where);
        d.organelles.push_back(std::move(o));
    }
    d.activeOrganelle = int(number(j, "activeOrganelle", where));
    if (d.activeOrganelle >= int(d.organelles.size()) || d.activeOrganelle < -1)
        d.activeOrganelle = d.organelles.empty() ? -1 : 0;
    const json& view = need(j, "view", where);
    const auto c = triple(need(view, "cursor", where), "the cursor", where);
    d.cursor = {std::int64_t(c[0]), std::int64_t(c[1]), std::int64_t(c[2])};
    d.windowLevel = number(view, "windowLevel", where);
    d.windowWidth = number(view, "windowWidth", where);
    const json& views = need(view, "views", where);
    for (std::size_t i = 0; i < 3 && views.is_array() && i < views.size(); ++i) {
        d.views[i].zoom = std::clamp(number(views[i], "zoom", where), 0.05, 200.0);
        d.views[i].centreColumn = number(views[i], "centreColumn", where);
        d.views[i].centreRow = number(views[i], "centreRow", where);
    }
    const json& tool = need(j, "tool", where);
    d.tool = text(tool, "tool", where);
    d.paintTarget = text(tool, "target", where);
    d.brushRadius = std::clamp(number(tool, "brushRadius", where), 0.0, 200.0);
    d.autosaveOf = text(j, "autosaveOf", where);
    d.savedAt = text(j, "savedAt", where);
    return d;
}

// Which organelle layers the record says are stored (validated names).
std::vector<Layer> storedLayers(const json& jo, const std::string& where) {
    std::vector<Layer> layers;
    const json& names = need(jo, "layers", where);
    if (!names.is_array())
        bad(where, "'layers' is not a list");
    for (const json& n : names) {
        if (!n.is_string())
            bad(where, "a layer name is not text");
        try {
            layers.push_back(parseLayer(n.get<std::string>()));
        } catch (const InvalidArgument& e) {
            bad(where, e.what());
        }
    }
    return layers;
}

void writeMetadata(hid_t file, const std::string& bytes, const std::string& where) {
    const hsize_t dims[1] = {hsize_t(bytes.size())};
    Handle space = checked(H5Screate_simple(1, dims, nullptr), H5Sclose, where,
                           "could not describe the project record");
    Handle set = checked(H5Dcreate2(file, "metadata", H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         H5Dclose, where, "could not create the project record");
    check(H5Dwrite(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), where,
          "could not write the project record");
}

// Chunks of 64^3: a stroke touches few of them, and gzip level 1 shrinks a
// partly painted one at memory speed.
constexpr std::int64_t kLayerChunk = 64;

Shape3 layerChunkShape(const Shape3& s) {
    return {std::min(kLayerChunk, s.z), std::min(kLayerChunk, s.y), std::min(kLayerChunk, s.x)};
}

// Selects `box` in a dataspace of rank 3.
void selectLayerBox(hid_t space, const Box3& box, const std::string& where) {
    const hsize_t start[3] = {hsize_t(box.begin.z), hsize_t(box.begin.y), hsize_t(box.begin.x)};
    const hsize_t count[3] = {hsize_t(box.size.z), hsize_t(box.size.y), hsize_t(box.size.x)};
    check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr), where,
          "could not select a part of a layer");
}

// Whether the voxels of a contiguous uint8 volume inside `box` are all zero.
bool boxIsZero(const Volume& v, const Box3& box, const UntouchedPages& untouched) {
    const auto* base = static_cast<const std::uint8_t*>(v.data());
    const Shape3 s = v.shape();
    for (std::int64_t z = box.begin.z; z < box.begin.z + box.size.z; ++z)
        for (std::int64_t y = box.begin.y; y < box.begin.y + box.size.y; ++y)
            if (!allZeroBytes(base + (z * s.y + y) * s.x + box.begin.x, std::size_t(box.size.x),
                              untouched))
                return false;
    return true;
}

// Writes only the chunks that hold something: the dataset's fill value is 0 and
// HDF5 allocates a chunk when it is first written, so an empty chunk costs no bytes
// in the file and no time to read back. A layer with strokes on a few planes of a
// 1024^3 image is a few hundred kilobytes however large the image is.
void writeLayer(hid_t group, const char* name, const Volume& layer, const std::string& where) {
    const Volume v = layer.contiguous();
    const Shape3 s = v.shape();
    const hsize_t dims[3] = {hsize_t(s.z), hsize_t(s.y), hsize_t(s.x)};
    Handle space =
        checked(H5Screate_simple(3, dims, nullptr), H5Sclose, where, "could not describe a layer");
    Handle dcpl =
        checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, where, "could not set up a layer");
    const Shape3 chunkShape = layerChunkShape(s);
    if (!s.isEmpty()) {
        const hsize_t chunk[3] = {hsize_t(chunkShape.z), hsize_t(chunkShape.y),
                                  hsize_t(chunkShape.x)};
        check(H5Pset_chunk(dcpl.get(), 3, chunk), where, "could not chunk a layer");
        const std::uint8_t zero = 0;
        check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_UINT8, &zero), where,
              "could not set a layer's fill value");
        check(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_INCR), where,
              "could not set how a layer is allocated");
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
            check(H5Pset_deflate(dcpl.get(), 1), where, "could not compress a layer");
    }
    Handle set = checked(
        H5Dcreate2(group, name, H5T_STD_U8LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        H5Dclose, where, std::string("could not create the layer ") + name);
    if (s.isEmpty())
        return;
    Handle memory =
        checked(H5Screate_simple(3, dims, nullptr), H5Sclose, where, "could not describe a layer");
    // The layer's untouched pages are zero and not read (ZeroPages.h).
    const UntouchedPages untouched(v.data(), std::size_t(v.byteCount()));
    for (const Box3& box : blocksOf(s, chunkShape)) {
        if (boxIsZero(v, box, untouched))
            continue;
        selectLayerBox(space.get(), box, where);
        selectLayerBox(memory.get(), box, where);
        check(
            H5Dwrite(set.get(), H5T_NATIVE_UINT8, memory.get(), space.get(), H5P_DEFAULT, v.data()),
            where, std::string("could not write the layer ") + name);
    }
}

// Copies the layer `from` of the project file being replaced into `group` as it is
// stored (H5Ocopy moves the compressed chunks without decoding them). False, with
// nothing left behind, when it is missing, of another shape or type, or cannot be
// copied: the caller writes the layer then.
bool copyLayer(hid_t oldFile, const std::string& from, hid_t group, const char* name,
               const Shape3& shape) {
    bool same = false;
    if (H5Lexists(oldFile, from.c_str(), H5P_DEFAULT) > 0) {
        const hid_t set = H5Dopen2(oldFile, from.c_str(), H5P_DEFAULT);
        if (set >= 0) {
            const hid_t space = H5Dget_space(set), type = H5Dget_type(set);
            hsize_t dims[3] = {0, 0, 0};
            same = space >= 0 && type >= 0 && H5Sget_simple_extent_ndims(space) == 3 &&
                   H5Sget_simple_extent_dims(space, dims, nullptr) == 3 &&
                   dims[0] == hsize_t(shape.z) && dims[1] == hsize_t(shape.y) &&
                   dims[2] == hsize_t(shape.x) && H5Tequal(type, H5T_STD_U8LE) > 0;
            if (type >= 0)
                H5Tclose(type);
            if (space >= 0)
                H5Sclose(space);
            H5Dclose(set);
        }
    }
    if (same && H5Ocopy(oldFile, from.c_str(), group, name, H5P_DEFAULT, H5P_DEFAULT) >= 0)
        return true;
    H5Eclear2(H5E_DEFAULT);
    if (H5Lexists(group, name, H5P_DEFAULT) > 0)
        H5Ldelete(group, name, H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return false;
}

// Whether chunks never written read as zero (the fill value is 0 or undefined,
// which HDF5 reads as zeros).
bool hasZeroFill(hid_t dcpl) {
    H5D_fill_value_t status;
    if (H5Pfill_value_defined(dcpl, &status) < 0)
        return false;
    if (status == H5D_FILL_VALUE_UNDEFINED || status == H5D_FILL_VALUE_DEFAULT)
        return true;
    std::uint8_t fill = 1;
    return H5Pget_fill_value(dcpl, H5T_NATIVE_UINT8, &fill) >= 0 && fill == 0;
}

Volume readLayer(hid_t file, const std::string& name, const Shape3& shape,
                 const std::string& where) {
    if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        throw FormatError(where, "the layer " + name + " listed in the record is missing");
    }
    Handle set = checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, where,
                         "could not open the layer " + name);
    Handle type = checked(H5Dget_type(set.get()), H5Tclose, where, "could not read a layer type");
    if (H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 1)
        throw FormatError(where, "the layer " + name + " is not uint8");
    Handle space =
        checked(H5Dget_space(set.get()), H5Sclose, where, "could not read a layer's shape");
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 3 ||
        H5Sget_simple_extent_dims(space.get(), dims, nullptr) != 3)
        throw FormatError(where, "the layer " + name + " is not three-dimensional");
    const Shape3 stored{std::int64_t(dims[0]), std::int64_t(dims[1]), std::int64_t(dims[2])};
    if (stored != shape)
        throw FormatError(where, "the layer " + name + " has shape " + toString(stored) +
                                     " but the image has shape " + toString(shape));
    Volume v = Volume::allocate(DataType::UInt8, shape, VolumeRole::Label, "layer " + name);
    if (shape.isEmpty())
        return v;
    Handle dcpl = checked(H5Dget_create_plist(set.get()), H5Pclose, where,
                          "could not read how the layer " + name + " is stored");
    hsize_t chunk[3] = {0, 0, 0};
    // Chunk by chunk only with chunks of at most 64 MiB (a file may declare one chunk
    // the size of the layer; its buffer would then double the memory).
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED || H5Pget_chunk(dcpl.get(), 3, chunk) != 3 ||
        chunk[0] * chunk[1] * chunk[2] > (hsize_t(64) << 20) || !hasZeroFill(dcpl.get())) {
        H5Eclear2(H5E_DEFAULT);
        check(H5Dread(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), where,
              "could not read the layer " + name);
        // Decoding wrote every voxel: the empty parts go back to the kernel, so the
        // layer costs memory only where it holds something, as before it was saved.
        releaseZeroPages(v);
        return v;
    }
    // Chunk by chunk: a chunk never written reads as the fill value, zero, so it is
    // skipped, and one that decodes to zeros (older files wrote every chunk) is not
    // copied, so the layer's empty pages are never touched (ZeroPages.h).
    const Shape3 chunkShape{std::int64_t(chunk[0]), std::int64_t(chunk[1]), std::int64_t(chunk[2])};
    std::vector<std::uint8_t> buffer(std::size_t(chunkShape.voxelCount()));
    auto* base = static_cast<std::uint8_t*>(v.data());
    for (const Box3& box : blocksOf(shape, chunkShape)) {
        const hsize_t offset[3] = {hsize_t(box.begin.z), hsize_t(box.begin.y),
                                   hsize_t(box.begin.x)};
        hsize_t stored = 0;
        if (H5Dget_chunk_storage_size(set.get(), offset, &stored) >= 0 && stored == 0)
            continue;
        H5Eclear2(H5E_DEFAULT);
        const hsize_t count[3] = {hsize_t(box.size.z), hsize_t(box.size.y), hsize_t(box.size.x)};
        Handle memory = checked(H5Screate_simple(3, count, nullptr), H5Sclose, where,
                                "could not describe a part of a layer");
        selectLayerBox(space.get(), box, where);
        check(H5Dread(set.get(), H5T_NATIVE_UINT8, memory.get(), space.get(), H5P_DEFAULT,
                      buffer.data()),
              where, "could not read the layer " + name);
        // Only rows that hold something are copied: writing zeros would make the
        // layer's pages resident (a chunk's rows lie on 64 planes, in thousands of pages).
        const std::uint8_t* row = buffer.data();
        for (std::int64_t z = 0; z < box.size.z; ++z)
            for (std::int64_t y = 0; y < box.size.y; ++y, row += box.size.x)
                if (!allZeroBytes(row, std::size_t(box.size.x)))
                    std::copy(row, row + box.size.x,
                              base + ((box.begin.z + z) * shape.y + box.begin.y + y) * shape.x +
                                  box.begin.x);
    }
    return v;
}

std::string layerPath(std::size_t organelle, Layer layer) {
    return "organelles/" + std::to_string(organelle) + "/" + layerName(layer);
}

} // namespace

ProjectWriteStats writeProject(const QString& path, const ProjectData& data) {
    const std::string where = path.toStdString();
    for (const auto& o : data.organelles)
        for (const auto& l : o.layers)
            if (!l.isNull() && (l.shape() != data.image.shape || l.dataType() != DataType::UInt8))
                throw InvalidArgument("a layer of " + o.name.toStdString() +
                                      " does not match the image");
    const std::string record = toJson(data).dump(1);
    std::lock_guard<std::mutex> lock(fileIoMutex());
    hdf5::silenceErrorPrinting();
    ProjectWriteStats stats;
    // The file being replaced, when layers are unchanged since it was written.
    Handle oldFile;
    const bool keepsLayers =
        std::any_of(data.organelles.begin(), data.organelles.end(), [](const ProjectOrganelle& o) {
            return std::any_of(o.keepFrom.begin(), o.keepFrom.end(), [](int i) { return i >= 0; });
        });
    std::error_code exists;
    if (keepsLayers && std::filesystem::exists(where, exists)) {
        Handle readAccess = fileAccessList(where);
        const hid_t opened = H5Fopen(where.c_str(), H5F_ACC_RDONLY, readAccess.get());
        if (opened >= 0)
            oldFile = Handle(opened, H5Fclose);
        H5Eclear2(H5E_DEFAULT);
    }
    AtomicFile target{std::filesystem::path(where)};
    {
        Handle fapl = fileAccessList(where);
        Handle file =
            checked(H5Fcreate(target.tempPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                    H5Fclose, where, "could not be created");
        writeMetadata(file.get(), record, where);
        Handle root =
            checked(H5Gcreate2(file.get(), "organelles", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    H5Gclose, where, "could not create the organelles group");
        for (std::size_t i = 0; i < data.organelles.size(); ++i) {
            Handle group = checked(H5Gcreate2(root.get(), std::to_string(i).c_str(), H5P_DEFAULT,
                                              H5P_DEFAULT, H5P_DEFAULT),
                                   H5Gclose, where, "could not create an organelle group");
            for (int l = 0; l < kLayerCount; ++l) {
                const Volume& layer = data.organelles[i].layers[std::size_t(l)];
                if (layer.isNull())
                    continue;
                const int from = data.organelles[i].keepFrom[std::size_t(l)];
                if (oldFile.valid() && from >= 0 &&
                    copyLayer(oldFile.get(), layerPath(std::size_t(from), Layer(l)), group.get(),
                              layerName(Layer(l)), data.image.shape)) {
                    ++stats.layersCopied;
                } else {
                    writeLayer(group.get(), layerName(Layer(l)), layer, where);
                    ++stats.layersWritten;
                }
            }
        }
        root.reset();
        if (!file.close())
            hdf5::fail(where, "could not be written completely");
    }
    oldFile.reset(); // closed before the new file takes its name
    target.commit();
    return stats;
}

ProjectData readProject(const QString& path, bool metadataOnly, const Progress& progress) {
    const std::string where = path.toStdString();
    std::error_code ec;
    if (!std::filesystem::exists(where, ec))
        throw FormatError(where, "no such file");
    std::lock_guard<std::mutex> lock(fileIoMutex());
    hdf5::silenceErrorPrinting();
    const htri_t isHdf5 = H5Fis_hdf5(where.c_str());
    if (isHdf5 <= 0) {
        H5Eclear2(H5E_DEFAULT);
        throw FormatError(where, "is not a Cisterna project (not an HDF5 file)");
    }
    Handle fapl = fileAccessList(where);
    Handle file = checked(H5Fopen(where.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, where,
                          "could not be opened");
    if (H5Lexists(file.get(), "metadata", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        throw FormatError(where, "is an HDF5 file but not a Cisterna project (no project record)");
    }
    std::string bytes;
    {
        Handle set = checked(H5Dopen2(file.get(), "metadata", H5P_DEFAULT), H5Dclose, where,
                             "could not open the project record");
        // The record is stored as bytes (uint8). Any other stored type would make HDF5
        // convert it through a buffer sized by that type, which a damaged file sets
        // to gigabytes.
        Handle type = checked(H5Dget_type(set.get()), H5Tclose, where,
                              "could not read the project record's type");
        if (H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 1)
            throw FormatError(where, "the project record is not stored as bytes");
        Handle space = checked(H5Dget_space(set.get()), H5Sclose, where,
                               "could not read the project record's size");
        hsize_t n = 0;
        if (H5Sget_simple_extent_ndims(space.get()) != 1 ||
            H5Sget_simple_extent_dims(space.get(), &n, nullptr) != 1 || n > kMaxMetadataBytes)
            throw FormatError(where, "the project record has an impossible size");
        bytes.resize(std::size_t(n));
        if (n > 0)
            check(H5Dread(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                  where, "could not read the project record");
    }
    json j;
    try {
        j = json::parse(bytes);
    } catch (const json::exception& e) {
        throw FormatError(where,
                          std::string("the project record is not valid JSON (") + e.what() + ")");
    }
    ProjectData data = fromJson(j, where);
    if (metadataOnly)
        return data;
    const json& organelles = j["organelles"];
    std::size_t total = 0, done = 0;
    std::vector<std::vector<Layer>> layers;
    for (const json& jo : organelles) {
        layers.push_back(storedLayers(jo, where));
        total += layers.back().size();
    }
    for (std::size_t i = 0; i < data.organelles.size(); ++i)
        for (Layer l : layers[i]) {
            progress.report(total ? double(done) / double(total) : 1.0,
                            "reading " + data.organelles[i].name.toStdString() + " " +
                                layerName(l));
            Volume& layer = data.organelles[i].layers[std::size_t(l)];
            layer = readLayer(file.get(), layerPath(i, l), data.image.shape, where);
            ++done;
        }
    return data;
}

} // namespace cisterna::ui
