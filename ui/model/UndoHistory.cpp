#include "ui/model/UndoHistory.h"

#include "core/volume/MemoryBudget.h"

#include <algorithm>
#include <vector>

namespace cisterna::ui {
namespace {

// Steps pushed between beginMacro and endMacro: done in order, undone in reverse.
class MacroStep : public UndoStep {
public:
    explicit MacroStep(const QString& text) : UndoStep(text) {}
    void add(std::unique_ptr<QUndoCommand> step) { steps_.push_back(std::move(step)); }
    bool isEmpty() const { return steps_.empty(); }
    void undo() override {
        for (auto it = steps_.rbegin(); it != steps_.rend(); ++it)
            (*it)->undo();
    }
    void redo() override {
        for (auto& step : steps_)
            step->redo();
    }
    std::uint64_t bytes() const override {
        std::uint64_t total = 0;
        for (const auto& step : steps_)
            total += undoBytesOf(*step);
        return total;
    }

private:
    std::vector<std::unique_ptr<QUndoCommand>> steps_;
};

QString stepsText(int n) {
    return n == 1 ? QStringLiteral("step") : QStringLiteral("steps");
}

} // namespace

std::uint64_t undoBytesOf(const QUndoCommand& command) {
    std::uint64_t total = 0;
    if (const auto* step = dynamic_cast<const UndoStep*>(&command))
        total += step->bytes();
    for (int i = 0; i < command.childCount(); ++i)
        total += undoBytesOf(*command.child(i));
    return total;
}

std::uint64_t defaultUndoBudget(std::uint64_t heldBytes) {
    constexpr std::uint64_t MiB = 1024 * 1024;
    // The system's available memory no longer counts what undo holds; add it back so
    // that the budget does not shrink just because undo filled it.
    const std::uint64_t available = availableMemoryBytes();
    const std::uint64_t base =
        available > UINT64_MAX - heldBytes ? available : available + heldBytes;
    return std::clamp<std::uint64_t>(base / 8, 64 * MiB, 2048 * MiB);
}

UndoHistory::UndoHistory(QObject* parent) : QObject(parent) {}

UndoHistory::~UndoHistory() = default;

std::uint64_t UndoHistory::byteBudget() const {
    return budget_ ? *budget_ : defaultUndoBudget(bytes_);
}

QString UndoHistory::undoText() const {
    return canUndo() ? steps_[std::size_t(index_ - 1)]->text() : QString();
}

QString UndoHistory::redoText() const {
    return canRedo() ? steps_[std::size_t(index_)]->text() : QString();
}

void UndoHistory::push(QUndoCommand* command) {
    if (!command)
        return; // a stroke that changed nothing has no step
    std::unique_ptr<QUndoCommand> step(command);
    step->redo();
    if (macro_) {
        static_cast<MacroStep*>(macro_.get())->add(std::move(step));
        return;
    }
    append(std::move(step));
}

void UndoHistory::beginMacro(const QString& text) {
    if (macroDepth_++ == 0)
        macro_ = std::make_unique<MacroStep>(text);
}

void UndoHistory::endMacro() {
    if (macroDepth_ == 0 || --macroDepth_ > 0)
        return;
    std::unique_ptr<QUndoCommand> macro = std::move(macro_);
    if (static_cast<MacroStep*>(macro.get())->isEmpty())
        return;
    append(std::move(macro)); // its steps are done already
}

void UndoHistory::append(std::unique_ptr<QUndoCommand> step) {
    while (count() > index_) {
        bytes_ -= undoBytesOf(*steps_.back());
        steps_.pop_back();
    }
    bytes_ += undoBytesOf(*step);
    const QString text = step->text();
    steps_.push_back(std::move(step));
    index_ = count();
    trimToBudget(text);
    emit indexChanged(index_);
    emit changed();
}

void UndoHistory::trimToBudget(const QString& pushedText) {
    const std::uint64_t budget = byteBudget();
    if (bytes_ <= budget)
        return;
    const std::uint64_t newest = undoBytesOf(*steps_.back());
    int dropped = 0;
    while (!steps_.empty() && bytes_ > budget) {
        bytes_ -= undoBytesOf(*steps_.front());
        steps_.pop_front();
        --index_;
        ++dropped;
    }
    if (steps_.empty()) {
        emit trimmed(QString("\"%1\" cannot be undone: its undo data needs %2, more than the "
                             "%3 that undo may keep")
                         .arg(pushedText, QString::fromStdString(humanBytesOf(newest)),
                              QString::fromStdString(humanBytesOf(budget))));
        return;
    }
    emit trimmed(QString("Undo forgot the %1 oldest %2 to stay within %3")
                     .arg(dropped)
                     .arg(stepsText(dropped))
                     .arg(QString::fromStdString(humanBytesOf(budget))));
}

void UndoHistory::undo() {
    if (!canUndo())
        return;
    --index_;
    steps_[std::size_t(index_)]->undo();
    emit indexChanged(index_);
    emit changed();
}

void UndoHistory::redo() {
    if (!canRedo())
        return;
    steps_[std::size_t(index_)]->redo();
    ++index_;
    emit indexChanged(index_);
    emit changed();
}

void UndoHistory::clear() {
    macro_.reset();
    macroDepth_ = 0;
    if (steps_.empty())
        return;
    steps_.clear();
    index_ = 0;
    bytes_ = 0;
    emit indexChanged(index_);
    emit changed();
}

} // namespace cisterna::ui
