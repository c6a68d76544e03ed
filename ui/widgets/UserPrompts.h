#pragma once
// Every question the main window asks the user, in one place: the app answers them
// with dialogs, tests with a scripted object (no modal dialog ever blocks a test).
#include "ui/model/AppModel.h"
#include "ui/model/Autosave.h"

#include "core/volume/Geometry.h"

#include <QString>

#include <optional>

class QWidget;

namespace cisterna::ui {

enum class UnsavedChoice { Save, Discard, Cancel };

class UserPrompts {
public:
    virtual ~UserPrompts() = default;
    // Jobs are running and the window is closing: stop them and close?
    virtual bool confirmCloseWithJobs(QWidget* parent, int runningJobs);
    // The document has unsaved changes and is about to go away.
    virtual UnsavedChoice unsavedChanges(QWidget* parent, const QString& documentName);
    // A previous session crashed and left this autosave: restore it?
    virtual bool offerRecovery(QWidget* parent, const LeftoverAutosave& autosave);
    // The project's image is not where it was: where is it now? Empty: give up.
    virtual QString locateMovedImage(QWidget* parent, const QString& oldPath);
    // The volume does not fit in memory (`why`, with the numbers): which part of it to
    // open (`suggested` fits)? None: open nothing.
    virtual std::optional<Box3> chooseRegion(QWidget* parent, const QString& path,
                                             const QString& why, const Shape3& shape,
                                             const Box3& suggested);
    // Asked before chooseRegion: browse the whole volume lazily, open a part, or nothing.
    virtual AppModel::LargeVolumeAction chooseLargeVolume(QWidget* parent, const QString& path,
                                                          const QString& why);
    // A path to save the project to (empty: cancelled).
    virtual QString projectSavePath(QWidget* parent, const QString& suggestion);
    virtual void showError(QWidget* parent, const QString& title, const QString& text);
    // Whether to open the (non-blocking) voxel-size dialog for files without one.
    virtual bool askForMissingVoxelSize() { return true; }
};

} // namespace cisterna::ui
