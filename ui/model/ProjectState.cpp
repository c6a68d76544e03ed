#include "ui/model/ProjectState.h"

#include "core/util/Error.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <optional>

#include <sys/stat.h>

namespace cisterna::ui {

QString phantomSpec(std::int64_t size, std::uint64_t seed) {
    return QString("phantom:%1:%2").arg(size).arg(seed);
}

bool parsePhantomSpec(const QString& spec, std::int64_t& size, std::uint64_t& seed) {
    static const QRegularExpression pattern("^phantom:(\\d{1,5}):(\\d{1,19})$");
    const auto match = pattern.match(spec);
    if (!match.hasMatch())
        return false;
    size = match.captured(1).toLongLong();
    seed = match.captured(2).toULongLong();
    return size > 0;
}

ProjectData captureProject(const DocumentModel& document, const ToolState& tools,
                           const QString& projectPath) {
    ProjectData d;
    const QString source = document.imageSource();
    d.image.name = document.name();
    if (source.startsWith("phantom:")) {
        d.image.phantom = source;
    } else if (!source.isEmpty()) {
        d.image.path = QFileInfo(source).absoluteFilePath();
        if (!projectPath.isEmpty())
            d.image.relativePath =
                QFileInfo(projectPath).absoluteDir().relativeFilePath(d.image.path);
    }
    d.image.shape = document.shape();
    d.image.dataType = document.image().dataType();
    if (document.hasVoxelSize())
        d.image.voxelSize = document.voxelSize();
    d.image.region = document.imageRegion();
    for (int i = 0; i < document.organelleCount(); ++i) {
        const Organelle& o = document.organelle(i);
        ProjectOrganelle p;
        p.name = o.name;
        p.colour = o.colour;
        p.visible = o.visible;
        p.opacity = o.opacity;
        p.threshold = o.threshold;
        p.layers = o.layers;
        p.modelPaths = o.modelPaths;
        p.predictionSource = o.predictionSource;
        p.graphCutChoice = o.graphCutChoice;
        d.organelles.push_back(std::move(p));
    }
    d.activeOrganelle = document.activeOrganelle();
    d.cursor = document.cursor();
    d.windowLevel = document.windowLevel();
    d.windowWidth = document.windowWidth();
    for (int v = 0; v < 3; ++v)
        d.views[std::size_t(v)] = document.viewSettings(v);
    d.tool = toolName(tools.tool());
    d.paintTarget = tools.target() == PaintTarget::Strokes ? "strokes" : "labels";
    d.brushRadius = tools.radiusVoxels();
    d.savedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return d;
}

QString locateProjectImage(const ProjectData& data, const QString& projectPath) {
    if (!data.image.phantom.isEmpty())
        return {};
    if (!data.image.path.isEmpty() && QFileInfo::exists(data.image.path))
        return data.image.path;
    if (!data.image.relativePath.isEmpty() && !projectPath.isEmpty()) {
        const QString beside =
            QFileInfo(projectPath).absoluteDir().absoluteFilePath(data.image.relativePath);
        if (QFileInfo::exists(beside))
            return QFileInfo(beside).absoluteFilePath();
    }
    return {};
}

void applyProject(ProjectData data, Volume image, const QString& imagePath, DocumentModel& document,
                  ToolState& tools) {
    if (image.shape() != data.image.shape)
        throw InvalidArgument("the image " + imagePath.toStdString() + " has shape " +
                              toString(image.shape()) + " but the project was made on one of " +
                              toString(data.image.shape));
    if (data.image.voxelSize)
        image.setVoxelSize(*data.image.voxelSize);
    const QString source = data.image.phantom.isEmpty() ? imagePath : data.image.phantom;
    document.setImage(
        image, data.image.name.isEmpty() ? QFileInfo(source).fileName() : data.image.name, source);
    document.setImageRegion(data.image.region);
    for (auto& o : data.organelles) {
        const int index = document.addOrganelle(o.name, o.colour);
        document.setOrganelleVisible(index, o.visible);
        document.setOrganelleOpacity(index, o.opacity);
        document.setOrganelleThreshold(index, o.threshold);
        document.setOrganelleModels(index, o.modelPaths);
        document.setPredictionSource(index, o.predictionSource);
        document.setGraphCutChoice(index, o.graphCutChoice);
        for (int l = 0; l < kLayerCount; ++l)
            if (!o.layers[std::size_t(l)].isNull())
                document.setLayer(index, Layer(l), o.layers[std::size_t(l)]);
    }
    document.setActiveOrganelle(data.activeOrganelle);
    for (int v = 0; v < 3; ++v)
        document.viewSettings(v) = data.views[std::size_t(v)];
    document.setWindow(data.windowLevel, data.windowWidth);
    document.setCursor(data.cursor);
    for (Tool t : {Tool::Navigate, Tool::ObjectBrush, Tool::BackgroundBrush, Tool::Eraser})
        if (data.tool == toolName(t))
            tools.setTool(t);
    tools.setTarget(data.paintTarget == "labels" ? PaintTarget::Labels : PaintTarget::Strokes);
    tools.setRadiusVoxels(data.brushRadius);
    // Loading is not an edit: the undo history starts here.
    document.undoHistory()->clear();
    document.setModified(false);
}

namespace {

// The file's inode, size and modification time, or nothing when it cannot be read.
// Saves replace the file (a new inode), so a file written by anyone else since
// differs even within the clock's granularity.
std::optional<FileIdentity> fileIdentity(const QString& path) {
    struct stat s {};
    if (::stat(QFile::encodeName(path).constData(), &s) != 0)
        return std::nullopt;
    return FileIdentity{std::uint64_t(s.st_dev), std::uint64_t(s.st_ino), std::uint64_t(s.st_size),
                        std::int64_t(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec};
}

} // namespace

void SavedLayers::record(const QString& path, const DocumentModel& document) {
    byUid_.clear();
    path_.clear();
    const auto identity = fileIdentity(path);
    if (!identity)
        return;
    path_ = QFileInfo(path).absoluteFilePath();
    file_ = *identity;
    for (int i = 0; i < document.organelleCount(); ++i) {
        Stored stored;
        stored.index = i;
        for (int l = 0; l < kLayerCount; ++l)
            stored.revisions[std::size_t(l)] = document.layerRevision(i, Layer(l));
        byUid_[document.organelle(i).uid] = stored;
    }
}

void SavedLayers::markUnchanged(const QString& path, const DocumentModel& document,
                                ProjectData& data) const {
    if (path_.isEmpty() || QFileInfo(path).absoluteFilePath() != path_)
        return;
    const auto identity = fileIdentity(path);
    if (!identity || !(*identity == file_))
        return; // replaced or touched since: nothing is taken from it
    for (int i = 0; i < document.organelleCount() && i < int(data.organelles.size()); ++i) {
        const auto found = byUid_.find(document.organelle(i).uid);
        if (found == byUid_.end())
            continue;
        for (int l = 0; l < kLayerCount; ++l)
            if (found->second.revisions[std::size_t(l)] == document.layerRevision(i, Layer(l)))
                data.organelles[std::size_t(i)].keepFrom[std::size_t(l)] = found->second.index;
    }
}

} // namespace cisterna::ui
