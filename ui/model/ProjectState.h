#pragma once
// Between the open document and its project file: what a save captures, and how a
// loaded project is put back into the document.
#include "ui/model/DocumentModel.h"
#include "ui/model/ProjectFile.h"
#include "ui/model/ToolState.h"

namespace cisterna::ui {

// The volumes are shared handles, not copies: write the result before editing on.
ProjectData captureProject(const DocumentModel& document, const ToolState& tools,
                           const QString& projectPath);

// Where the project's image is now: its absolute path, else the same relative path
// beside the project (both moved together). Empty when neither exists (the user is
// asked) and for the phantom.
QString locateProjectImage(const ProjectData& data, const QString& projectPath);

// Parses "phantom:SIZE:SEED" (SIZE^3 voxels); false when `spec` is something else.
bool parsePhantomSpec(const QString& spec, std::int64_t& size, std::uint64_t& seed);
QString phantomSpec(std::int64_t size, std::uint64_t seed);

// Installs the loaded project: the image (already read), organelles and layers,
// view and tool settings. Throws InvalidArgument when the image does not have the
// shape the project was made on.
void applyProject(ProjectData data, Volume image, const QString& imagePath, DocumentModel& document,
                  ToolState& tools);

} // namespace cisterna::ui
