#include "ui/model/GraphCutJob.h"

#include "ui/model/LabelEdits.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/GraphCut.h"
#include "core/util/Error.h"

#include <QPointer>

#include <sstream>

namespace cisterna::ui {

namespace {

bool sameEnergy(const EnergyParams& a, const EnergyParams& b) {
    return a.lambda == b.lambda && a.sigma == b.sigma && a.connectivity == b.connectivity &&
           a.regionalWeight == b.regionalWeight && a.regionalModel == b.regionalModel &&
           a.histogramBins == b.histogramBins && a.mixtureComponents == b.mixtureComponents;
}

std::string summary(const GraphCutStats& stats) {
    std::ostringstream s;
    s << stats.objectVoxels << " object voxels in " << std::fixed;
    s.precision(1);
    s << stats.totalSeconds << " s";
    if (stats.reused)
        s << " (re-cut: " << stats.changedLinks << " links changed)";
    if (stats.banded)
        s << " (banded)";
    return s.str();
}

} // namespace

GraphCutSessions::GraphCutSessions() = default;
GraphCutSessions::~GraphCutSessions() = default;

bool GraphCutSessions::isBusy(int uid) const {
    auto it = entries_.find(uid);
    return it != entries_.end() && it->second.busy;
}

bool GraphCutSessions::hasSession(int uid) const {
    auto it = entries_.find(uid);
    return it != entries_.end() && it->second.session != nullptr;
}

void GraphCutSessions::clear() {
    // Sessions in use stay alive in their jobs (shared pointers).
    entries_.clear();
}

namespace {

Job* startAutomaticGraphCut(JobManager& jobs, DocumentModel& document, int organelle,
                            const GraphCutSettings& settings) {
    const Organelle& o = document.organelle(organelle);
    const int uid = o.uid;
    AutoGraphCutParams params;
    params.cut.energy = settings.energy;
    params.tune.enabled = settings.automatic;
    params.fixedModel = !settings.automatic;
    params.fixedWeight = !settings.automatic;
    if (settings.refineWithPrediction)
        params.prior = o.layer(Layer::Prediction).clone(); // a snapshot, like the strokes
    const Volume image = document.image();
    const Volume strokes = o.layer(Layer::Strokes).clone();
    QPointer<DocumentModel> doc(&document);
    const QString name = o.name;
    const bool refine = settings.refineWithPrediction;
    // The first, coarse result is shown in the truth layer while the full cut runs,
    // outside the undo stack; the layer as it was comes back if the job does not
    // succeed, and is the "before" of the undoable result when it does.
    struct Shown {
        bool preview = false;
        bool done = false; // the job ended: a first result still queued is dropped
        Volume before;
    };
    auto shown = std::make_shared<Shown>();
    shown->before = o.layer(Layer::Truth);
    Job* job = jobs.start(
        (refine ? "Refine cut: " : "Graph cut: ") + name, "graphcut",
        [doc, uid, image, strokes, params, name, refine,
         shown](JobContext& context) mutable -> JobFinish {
            context.report(0, "choosing the energy from the strokes");
            params.preview = [&context, doc, uid, shown](const Volume& labels) {
                context.showInterim([doc, uid, shown, labels] {
                    const int index = doc ? doc->indexOfUid(uid) : -1;
                    if (index < 0 || shown->done)
                        return;
                    shown->preview = true;
                    doc->setLayer(index, Layer::Truth, labels);
                });
            };
            AutoGraphCutResult result = autoGraphCut(image, strokes, params, context.progress());
            std::string text = summary(result.cut.stats) + "; " + result.choice.summary();
            if (!result.cut.warning.empty())
                text += ". " + result.cut.warning;
            context.setProgress(1, text);
            Volume labels = std::move(result.cut.labels);
            const QString choice = QString::fromStdString(result.choice.summary());
            return [doc, uid, labels, name, choice, refine, shown] {
                if (!doc || doc->indexOfUid(uid) < 0)
                    return;
                if (shown->preview)
                    doc->setLayer(doc->indexOfUid(uid), Layer::Truth, shown->before);
                shown->preview = false;
                shown->done = true;
                doc->setGraphCutChoice(doc->indexOfUid(uid), choice);
                doc->undoStack()->push(
                    new ReplaceLayerCommand(doc, uid, Layer::Truth, labels,
                                            (refine ? "Refine cut of " : "Graph cut of ") + name));
            };
        });
    // Cancelled or failed after the first result was shown: the layer as it was.
    QObject::connect(job, &Job::finished, job, [doc, uid, shown] {
        shown->done = true;
        if (!shown->preview || !doc || doc->indexOfUid(uid) < 0)
            return;
        doc->setLayer(doc->indexOfUid(uid), Layer::Truth, shown->before);
        shown->preview = false;
    });
    return job;
}

} // namespace

Job* startGraphCut(JobManager& jobs, DocumentModel& document, int organelle,
                   const GraphCutSettings& settings, GraphCutSessions* sessions) {
    const Organelle& o = document.organelle(organelle);
    if (o.layer(Layer::Strokes).isNull())
        throw InvalidArgument("Paint object and background strokes for " + o.name.toStdString() +
                              " before cutting.");
    const int uid = o.uid;
    if (sessions && sessions->isBusy(uid))
        throw InvalidArgument("A graph cut of " + o.name.toStdString() +
                              " is already running; wait for it or cancel it.");
    Volume image = document.image();
    // A snapshot: the user may keep painting while the cut runs.
    Volume strokes = o.layer(Layer::Strokes).clone();
    GraphCutParams params;
    params.energy = settings.energy;
    if (settings.refineWithPrediction && o.layer(Layer::Prediction).isNull())
        throw InvalidArgument("Refine needs a prediction of " + o.name.toStdString() +
                              ": predict it first.");
    // The automatic cut, the learned term and Refine fit a new energy to every set of
    // strokes, so they start from scratch; the grey-value cut set by hand re-cuts
    // from the previous flow.
    if (settings.automatic || settings.refineWithPrediction ||
        settings.energy.regionalModel == RegionalModel::Learned) {
        if (sessions)
            sessions->entries_.erase(uid); // the next hand-set re-cut starts afresh
        return startAutomaticGraphCut(jobs, document, organelle, settings);
    }

    std::shared_ptr<DynamicGraphCut> session;
    if (sessions && image.voxelCount() <= params.exactVoxelLimit) {
        auto& entry = sessions->entries_[uid];
        if (!entry.session || entry.image != image.data() || entry.voxelSize != image.voxelSize() ||
            !sameEnergy(entry.energy, params.energy) ||
            entry.refit != settings.refitRegionalModel) {
            entry.session =
                std::make_shared<DynamicGraphCut>(image, params, settings.refitRegionalModel);
            entry.image = image.data();
            entry.voxelSize = image.voxelSize();
            entry.energy = params.energy;
            entry.refit = settings.refitRegionalModel;
        }
        entry.busy = true;
        session = entry.session;
    }

    QPointer<DocumentModel> doc(&document);
    const QString name = o.name;
    Job* job = jobs.start(
        "Graph cut: " + name, "graphcut",
        [doc, uid, image, strokes, params, name, session](JobContext& context) -> JobFinish {
            context.report(0, "fitting the energy to the strokes");
            GraphCutResult result = session ? session->cut(strokes, context.progress())
                                            : graphCut(image, strokes, params, context.progress());
            context.setProgress(1, summary(result.stats));
            Volume labels = std::move(result.labels);
            return [doc, uid, labels, name] {
                if (!doc || doc->indexOfUid(uid) < 0)
                    return;
                doc->undoStack()->push(new ReplaceLayerCommand(doc, uid, Layer::Truth, labels,
                                                               "Graph cut of " + name));
            };
        });
    if (sessions && session) {
        // The session is free again however the job ends (a cancelled re-cut goes on
        // from the flow pushed so far next time).
        QObject::connect(job, &Job::finished, job, [sessions, uid, session] {
            auto it = sessions->entries_.find(uid);
            if (it != sessions->entries_.end() && it->second.session == session)
                it->second.busy = false;
        });
    }
    return job;
}

} // namespace cisterna::ui
