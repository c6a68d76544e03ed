// Project files (ui/model/ProjectFile.h readProject), in two modes:
//   - an input starting with 'J' is the project's JSON record (after the 'J'): the
//     harness puts it in place of the record of a valid project (one organelle with a
//     strokes layer of 4 x 6 x 8), past HDF5's own checks;
//   - any other input is the whole .cisterna file (HDF5).
#include "FuzzSupport.h"

#include "core/io/hdf5/Hdf5Handle.h"
#include "ui/model/ProjectFile.h"

namespace fs = std::filesystem;

namespace cisterna::fuzz {
namespace {

using hdf5::checked;
using hdf5::Handle;

ui::ProjectData smallProject() {
    ui::ProjectData d;
    d.image.name = "cells";
    d.image.path = "/data/cells.tif";
    d.image.relativePath = "cells.tif";
    d.image.shape = {4, 6, 8};
    d.image.voxelSize = Vec3d{30, 4, 4};
    ui::ProjectOrganelle o;
    o.name = "mito";
    o.colour = QColor(200, 40, 40);
    o.modelPaths = {"mito.cmodel"};
    Volume strokes = Volume::allocate(DataType::UInt8, d.image.shape);
    static_cast<std::uint8_t*>(strokes.data())[5] = 1;
    o.layers[std::size_t(ui::Layer::Strokes)] = strokes;
    d.organelles.push_back(o);
    d.activeOrganelle = 0;
    d.cursor = {2, 3, 4};
    d.savedAt = "2026-01-01T00:00:00Z";
    return d;
}

const fs::path& templateProject() {
    static const fs::path file = [] {
        const fs::path f = scratchRoot() / "template.cisterna";
        ui::writeProject(QString::fromStdString(f.string()), smallProject());
        return f;
    }();
    return file;
}

std::string recordOf(const fs::path& project) {
    const std::string where = project.string();
    Handle file =
        checked(H5Fopen(where.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, where, "open");
    Handle set = checked(H5Dopen2(file.get(), "metadata", H5P_DEFAULT), H5Dclose, where, "record");
    Handle space = checked(H5Dget_space(set.get()), H5Sclose, where, "record size");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    std::string bytes(std::size_t(n), '\0');
    hdf5::check(H5Dread(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                where, "read record");
    return bytes;
}

void replaceRecord(const fs::path& project, const std::string& record) {
    const std::string where = project.string();
    Handle file =
        checked(H5Fopen(where.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, where, "open");
    hdf5::check(H5Ldelete(file.get(), "metadata", H5P_DEFAULT), where, "delete record");
    const hsize_t dims[1] = {hsize_t(record.size())};
    Handle space = checked(H5Screate_simple(1, dims, nullptr), H5Sclose, where, "space");
    Handle set = checked(H5Dcreate2(file.get(), "metadata", H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         H5Dclose, where, "create record");
    if (!record.empty())
        hdf5::check(
            H5Dwrite(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, record.data()),
            where, "write record");
}

} // namespace

void writeSeeds(const fs::path& dir) {
    writeSeed(dir, "small-project", readFile(templateProject()));
    writeSeed(dir, "small-record", "J" + recordOf(templateProject()));
}

void fuzzOne(const std::string& input) {
    const fs::path file = caseDir() / "input.cisterna";
    if (!input.empty() && input[0] == 'J') {
        fs::copy_file(templateProject(), file);
        replaceRecord(file, input.substr(1));
    } else {
        writeFile(file, input);
    }
    keepBuiltFile(file);
    const ui::ProjectData data = ui::readProject(QString::fromStdString(file.string()));
    for (const auto& organelle : data.organelles)
        for (const Volume& layer : organelle.layers)
            if (!layer.isNull() && layer.shape() != data.image.shape)
                finding("a layer of shape " + toString(layer.shape()) + " in an image of " +
                        toString(data.image.shape));
}

} // namespace cisterna::fuzz
