#pragma once
// The project file (.cisterna): one HDF5 file holding everything needed to reopen a
// session: a JSON record (dataset "metadata": image reference, voxel size,
// organelles, model files, prediction sources, view settings) and the organelles'
// layers as compressed uint8 datasets "organelles/<n>/<layer>". The image itself is
// referenced, not copied: by absolute path and by path relative to the project, so
// a project moved together with its image still finds it.
//
// Saves are atomic (temporary file + rename): a crash or a full disk mid-save leaves
// the previous project file as it was.
#include "ui/model/DocumentModel.h"

#include "core/util/Progress.h"

#include <QString>

#include <array>
#include <optional>
#include <vector>

namespace cisterna::ui {

struct ProjectImage {
    QString name;         // shown in the title bar
    QString path;         // absolute path of the image file; empty for the phantom
    QString relativePath; // the same relative to the project's folder
    QString phantom;      // "phantom:SIZE:SEED" for the demo data
    Shape3 shape;
    DataType dataType = DataType::UInt8;
    std::optional<Vec3d> voxelSize; // set when the file had one or the user gave one
    std::optional<Box3> region;     // the part of the file opened; none: all of it
};

struct ProjectOrganelle {
    QString name;
    QColor colour;
    bool visible = true;
    double opacity = 0.5, threshold = 0.5;
    std::array<Volume, kLayerCount> layers; // null where the organelle has none
    // Saving over a project file: the organelle of that file whose same layer this one
    // is unchanged from, copied as it is stored instead of compressed again; -1 (or a
    // layer the file lacks, or of another shape): written from `layers`.
    std::array<int, kLayerCount> keepFrom{-1, -1, -1, -1};
    QStringList modelPaths;
    QString predictionSource;
    QString graphCutChoice; // absent in projects saved before it existed
};

struct ProjectData {
    ProjectImage image;
    std::vector<ProjectOrganelle> organelles;
    int activeOrganelle = -1;
    Index3 cursor;
    double windowLevel = 127.5, windowWidth = 255;
    std::array<ViewSettings, 3> views;
    QString tool = "navigate";
    QString paintTarget = "strokes";
    double brushRadius = 2; // voxels of the finest axis
    QString autosaveOf;     // autosaves: the project they belong to (may be empty)
    QString savedAt;        // UTC, ISO 8601
};

struct ProjectWriteStats {
    int layersWritten = 0; // compressed from memory
    int layersCopied = 0;  // unchanged, copied from the file replaced (keepFrom)
};

// Atomic. Throws FormatError naming the file when it cannot be written.
ProjectWriteStats writeProject(const QString& path, const ProjectData& data);
// Reads the JSON record and, unless metadataOnly, the layers. Throws FormatError
// naming the file and the problem (not a project, damaged, layers of the wrong shape).
ProjectData readProject(const QString& path, bool metadataOnly = false,
                        const Progress& progress = {});

} // namespace cisterna::ui
