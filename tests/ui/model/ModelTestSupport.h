#pragma once
// Helpers of the ui/model tests: the event loop of a QCoreApplication run until
// something happens, the demo opened and stroked through AppModel.
#include "ui/model/AppModel.h"
#include "ui/model/LabelEdits.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>

#include <functional>

namespace cisterna::test {

// Runs the event loop until `condition` holds or `ms` pass; returns the condition.
inline bool waitUntil(const std::function<bool()>& condition, int ms = 60000) {
    QElapsedTimer clock;
    clock.start();
    while (!condition() && clock.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return condition();
}

inline void processEventsFor(int ms) {
    waitUntil([] { return false; }, ms);
}

// Waits for a job to end and returns its final state.
inline ui::Job::State waitForEnd(ui::Job* job, int ms = 120000) {
    waitUntil([job] { return !job->isRunning(); }, ms);
    return job->state();
}

// Starts an open (`open` calls app.openDemo, openFile...) and waits for its outcome.
inline bool openAndWait(ui::AppModel& app, const std::function<void()>& open) {
    QSignalSpy finished(&app, &ui::AppModel::loadFinished);
    open();
    return waitUntil([&] { return finished.count() > 0; }) && finished.first().first().toBool();
}

// Object strokes on the middle plane's mitochondria (label 1 of the phantom's
// reference labels), background strokes elsewhere on it.
inline Volume strokesFromReference(const Volume& reference) {
    Volume strokes = Volume::allocate(DataType::UInt8, reference.shape(), VolumeRole::Label);
    const auto t = reference.view<std::uint8_t>();
    auto s = strokes.view<std::uint8_t>();
    const std::int64_t z = reference.shape().z / 2;
    for (std::int64_t y = 1; y + 1 < reference.shape().y; y += 2)
        for (std::int64_t x = 1; x + 1 < reference.shape().x; x += 3)
            s(z, y, x) = t(z, y, x) == 1 ? 1 : (t(z, y, x) == 0 && (x + y) % 5 == 0 ? 2 : 0);
    return strokes;
}

// The demo phantom opened in `app`, with strokes for its first organelle (mito) as an
// undoable edit.
inline bool openStrokedDemo(ui::AppModel& app, int size, std::uint64_t seed) {
    if (!openAndWait(app, [&] { app.openDemo(size, seed); }))
        return false;
    ui::DocumentModel& doc = app.document();
    doc.undoHistory()->push(
        new ui::ReplaceLayerCommand(&doc, doc.organelle(0).uid, ui::Layer::Strokes,
                                    strokesFromReference(doc.referenceLabels()), "strokes"));
    return true;
}

} // namespace cisterna::test
