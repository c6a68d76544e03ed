#pragma once
// Between the open document and its project file: what a save captures, and how a
// loaded project is put back into the document.
#include "ui/model/DocumentModel.h"
#include "ui/model/ProjectFile.h"
#include "ui/model/ToolState.h"

#include <array>
#include <cstdint>
#include <map>

namespace cisterna::ui {

// The volumes are shared handles, not copies: write the result before editing on.
ProjectData captureProject(const DocumentModel& document, const ToolState& tools,
                           const QString& projectPath);

// A file as it is on disk: a replaced file has another inode, an edited one another
// size or time.
struct FileIdentity {
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t modifiedNs = 0;
    bool operator==(const FileIdentity& o) const {
        return device == o.device && inode == o.inode && size == o.size &&
               modifiedNs == o.modifiedNs;
    }
};

// Which layers a project file on disk holds as the document has them: recorded when
// the app saves or opens the file, so that the next save over it copies those layers
// as they are stored instead of compressing them again (a stroke added to a project
// with a 1 GiB prediction rewrites the strokes only). The file's inode, size and time
// tell whether it is still the file recorded; anything else is written in full.
class SavedLayers {
public:
    // `path` now holds the document's layers, organelle i of the file being the
    // document's organelle i.
    void record(const QString& path, const DocumentModel& document);
    // Sets data.organelles[i].keepFrom (data captured from `document`) for the layers
    // that `path` holds unchanged.
    void markUnchanged(const QString& path, const DocumentModel& document, ProjectData& data) const;

private:
    struct Stored {
        int index = -1; // in the file
        std::array<std::uint64_t, kLayerCount> revisions{};
    };
    QString path_;
    FileIdentity file_;
    std::map<int, Stored> byUid_;
};

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
