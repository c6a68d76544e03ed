#include "ui/model/GraphCutJob.h"

#include "ui/model/LabelEdits.h"

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
