#pragma once
// The document's undo history, kept within a byte budget. Steps are QUndoCommands
// (their text, undo() and redo()); those that hold voxels say how many bytes they hold
// (UndoStep). When the history outgrows its budget the oldest steps are dropped and
// `trimmed` says so in one sentence for the status bar, as ITK-SNAP's UndoDataManager
// keeps its deltas under a total size. QUndoStack cannot drop its oldest commands,
// hence this class. No widget code: the Edit menu's actions follow `changed`.
#include <QObject>
#include <QString>
#include <QUndoCommand>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

namespace cisterna::ui {

// A step that holds voxel data.
class UndoStep : public QUndoCommand {
public:
    using QUndoCommand::QUndoCommand;
    virtual std::uint64_t bytes() const = 0;
};

// The bytes a command holds: its own if it is an UndoStep, plus its children's.
std::uint64_t undoBytesOf(const QUndoCommand& command);

// The budget when none is set: an eighth of the memory the budget allows
// (MemoryBudget, CISTERNA_MEMORY_LIMIT) counting what undo already holds, between
// 64 MiB and 2 GiB.
std::uint64_t defaultUndoBudget(std::uint64_t heldBytes);

class UndoHistory : public QObject {
    Q_OBJECT
public:
    explicit UndoHistory(QObject* parent = nullptr);
    ~UndoHistory() override;

    // Takes ownership and calls redo() (QUndoStack's contract); steps that could be
    // redone are dropped. Inside a macro the step joins the macro instead. Null (a
    // brush stroke that changed nothing) is ignored.
    void push(QUndoCommand* command);
    // Steps pushed between these two undo and redo as one.
    void beginMacro(const QString& text);
    void endMacro();

    bool canUndo() const { return index_ > 0 && !macro_; }
    bool canRedo() const { return index_ < count() && !macro_; }
    QString undoText() const;
    QString redoText() const;
    void undo();
    void redo();
    void clear();

    int count() const { return int(steps_.size()); }
    int index() const { return index_; } // steps before it are done
    const QUndoCommand* command(int i) const { return steps_.at(std::size_t(i)).get(); }
    std::uint64_t bytes() const { return bytes_; }

    // Null: defaultUndoBudget(), re-evaluated at each push.
    void setByteBudget(std::optional<std::uint64_t> bytes) { budget_ = bytes; }
    std::uint64_t byteBudget() const;

signals:
    void indexChanged(int index);
    void changed(); // index, texts or steps changed
    // Oldest steps were dropped to stay within the budget: one sentence.
    void trimmed(const QString& note);

private:
    void append(std::unique_ptr<QUndoCommand> step); // done already
    void trimToBudget(const QString& pushedText);
    std::deque<std::unique_ptr<QUndoCommand>> steps_;
    std::unique_ptr<QUndoCommand> macro_;
    int macroDepth_ = 0;
    int index_ = 0;
    std::uint64_t bytes_ = 0;
    std::optional<std::uint64_t> budget_;
};

} // namespace cisterna::ui
