#include "ui/model/GraphCutJob.h"

#include "ui/model/LabelEdits.h"

#include "core/graphcut/AutoGraphCut.h"
#include "core/graphcut/CutRegion.h"
#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/GraphCut.h"
#include "core/util/Error.h"
#include "core/volume/ZeroPages.h"

#include <QPointer>

#include <sstream>

namespace cisterna::ui {

namespace {

bool sameEnergy(const EnergyParams& a, const EnergyParams& b) {
    return a.lambda == b.lambda && a.sigma == b.sigma && a.connectivity == b.connectivity &&
           a.regionalWeight == b.regionalWeight && a.regionalModel == b.regionalModel &&
           a.histogramBins == b.histogramBins && a.mixtureComponents == b.mixtureComponents &&
           a.polarity == b.polarity && a.logOddsBias == b.logOddsBias;
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

std::optional<Box3> graphCutRegion(const GraphCutSettings& settings, const Volume& strokes) {
    if (strokes.isNull() || settings.region == CutRegionMode::Whole ||
        (settings.region == CutRegionMode::Automatic &&
         strokes.voxelCount() <= kWholeCutVoxelLimit))
        return std::nullopt;
    Box3 box;
    try {
        box = strokeRegion(strokes, settings.regionMargin);
    } catch (const InvalidArgument&) {
        return std::nullopt; // nothing stroked yet: the cut says what is missing
    }
    if (box.size == strokes.shape())
        return std::nullopt;
    return box;
}

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

std::shared_ptr<DynamicGraphCut> GraphCutSessions::takeAutomatic(int uid, const Volume& image,
                                                                 const GraphCutSettings& settings) {
    std::shared_ptr<DynamicGraphCut> session;
    auto it = entries_.find(uid);
    if (it != entries_.end() && it->second.automatic && it->second.image == image.data() &&
        it->second.voxelSize == image.voxelSize() &&
        sameEnergy(it->second.energy, settings.energy) && it->second.chosen == settings.automatic)
        session = std::move(it->second.session);
    entries_.erase(uid);
    entries_[uid].busy = true;
    return session;
}

void GraphCutSessions::keepAutomatic(int uid, std::shared_ptr<DynamicGraphCut> session,
                                     const Volume& image, const GraphCutSettings& settings) {
    Entry& entry = entries_[uid];
    entry.session = std::move(session);
    entry.automatic = true;
    entry.chosen = settings.automatic;
    entry.image = image.data();
    entry.voxelSize = image.voxelSize();
    entry.energy = settings.energy;
}

void GraphCutSessions::setBusy(int uid, bool busy) {
    auto it = entries_.find(uid);
    if (it != entries_.end())
        it->second.busy = busy;
}

void GraphCutSessions::clear() {
    // Sessions in use stay alive in their jobs (shared pointers).
    entries_.clear();
}

namespace {

// The automatic cut (and the learned term or Refine set by hand). With `sessions`, a
// session kept from this organelle's last automatic cut with the same settings first
// re-cuts with that cut's energy frozen (its P(object) and weights) and the new
// strokes as hard constraints: the result is on screen in a second or two, and the
// full automatic cut, which retrains the classifier on every stroke, refines it in
// place. The full cut keeps its own session for the next time.
// With a region, only its box is cut and the truth outside it is kept; such cuts keep
// no re-cut session (the box changes with the strokes).
Job* startAutomaticGraphCut(JobManager& jobs, DocumentModel& document, int organelle,
                            const GraphCutSettings& settings, GraphCutSessions* sessions,
                            std::shared_ptr<const FeatureStack> features,
                            std::optional<Box3> region) {
    const Organelle& o = document.organelle(organelle);
    const int uid = o.uid;
    AutoGraphCutParams params;
    params.cut.energy = settings.energy;
    params.features = std::move(features);
    params.tune.enabled = settings.automatic;
    params.fixedModel = !settings.automatic;
    params.fixedWeight = !settings.automatic;
    if (settings.refineWithPrediction)
        params.prior = o.layer(Layer::Prediction); // a snapshot (JobManager.h), like the strokes
    const Volume image = document.image();
    const Volume strokes = o.layer(Layer::Strokes);
    QPointer<DocumentModel> doc(&document);
    const QString name = o.name;
    const bool refine = settings.refineWithPrediction;
    // The quick re-cut's session leaves the table for the job: it is dropped when the
    // job ends (the full cut's session replaces it), so two graphs never outlive a cut.
    // A region cut takes the organelle's session too (marking it busy), and drops it:
    // its result changes the truth the session was cut for.
    std::shared_ptr<DynamicGraphCut> quick;
    if (sessions && !refine) {
        quick = sessions->takeAutomatic(uid, image, settings);
        if (region)
            quick.reset();
        else
            params.keepSession = true;
    }
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
        (refine ? "Refine cut: " : "Graph cut: ") + name, JobKind::GraphCut,
        [doc, uid, image, strokes, params, name, refine, shown, quick, sessions, settings,
         region](JobContext& context) mutable -> JobFinish {
            // A result shown in the truth layer while the job runs (see Shown).
            auto showFirst = [&context, doc, uid, shown](const Volume& labels) {
                context.showInterim([doc, uid, shown, labels] {
                    const int index = doc ? doc->indexOfUid(uid) : -1;
                    if (index < 0 || shown->done)
                        return;
                    shown->preview = true;
                    doc->setLayer(index, Layer::Truth, labels);
                });
            };
            bool quickShown = false;
            double quickSeconds = 0;
            if (quick) {
                // The frozen re-cut; the coarse first result is not needed after it.
                context.report(0, "re-cutting with the last cut's energy");
                // Cancellable like the rest of the job (the bar stays at 0 meanwhile).
                const GraphCutResult& q = quick->cut(strokes, context.progressRange(0, 0));
                quickSeconds = q.stats.totalSeconds;
                showFirst(q.labels.clone());
                quick.reset(); // its graph is freed before the full cut builds one
                quickShown = true;
            }
            context.report(0, "choosing the energy from the strokes");
            params.preview = [&showFirst, quickShown](const Volume& labels) {
                if (!quickShown)
                    showFirst(labels);
            };
            AutoGraphCutResult result =
                region ? autoGraphCutInRegion(image, strokes, params, *region, shown->before,
                                              context.progress())
                       : autoGraphCut(image, strokes, params, context.progress());
            std::string text = summary(result.cut.stats) + "; " + result.choice.summary();
            if (region)
                text = "region " + toString(*region) + ": " + text;
            if (quickShown) {
                std::ostringstream q;
                q.precision(1);
                q << std::fixed << "; first shown by a re-cut with the last cut's energy in "
                  << quickSeconds << " s";
                text += q.str();
            }
            if (!result.cut.warning.empty())
                text += ". " + result.cut.warning;
            context.setProgress(1, text);
            Volume labels = std::move(result.cut.labels);
            releaseZeroPages(labels); // the background costs no memory (ZeroPages.h)
            const QString choice = QString::fromStdString(result.choice.summary());
            std::shared_ptr<DynamicGraphCut> session = std::move(result.session);
            return [doc, uid, labels, name, choice, refine, shown, session, sessions, image,
                    settings] {
                if (!doc || doc->indexOfUid(uid) < 0)
                    return;
                if (sessions && session && doc->image().data() == image.data())
                    sessions->keepAutomatic(uid, session, image, settings);
                if (shown->preview)
                    doc->setLayer(doc->indexOfUid(uid), Layer::Truth, shown->before);
                shown->preview = false;
                shown->done = true;
                doc->setGraphCutChoice(doc->indexOfUid(uid), choice);
                doc->undoHistory()->push(
                    new ReplaceLayerCommand(doc, uid, Layer::Truth, labels,
                                            (refine ? "Refine cut of " : "Graph cut of ") + name));
            };
        });
    // Cancelled or failed after the first result was shown: the layer as it was.
    QObject::connect(job, &Job::finished, job, [doc, uid, shown, sessions] {
        if (sessions)
            sessions->setBusy(uid, false);
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
                   const GraphCutSettings& settings, GraphCutSessions* sessions,
                   std::shared_ptr<const FeatureStack> features) {
    const Organelle& o = document.organelle(organelle);
    if (o.layer(Layer::Strokes).isNull())
        throw InvalidArgument("Paint object and background strokes for " + o.name.toStdString() +
                              " before cutting.");
    const int uid = o.uid;
    if (sessions && sessions->isBusy(uid))
        throw InvalidArgument("A graph cut of " + o.name.toStdString() +
                              " is already running; wait for it or cancel it.");
    Volume image = document.image();
    // A snapshot (JobManager.h): the user may keep painting while the cut runs.
    const Volume strokes = o.layer(Layer::Strokes);
    GraphCutParams params;
    params.energy = settings.energy;
    if (settings.refineWithPrediction && o.layer(Layer::Prediction).isNull())
        throw InvalidArgument("Refine needs a prediction of " + o.name.toStdString() +
                              ": predict it first.");
    // The automatic cut, the learned term and Refine fit a new energy to every set of
    // strokes, so they start from scratch; the grey-value cut set by hand re-cuts
    // from the previous flow.
    // A cut of a region goes the same way, with or without the automatic choice.
    const std::optional<Box3> region = graphCutRegion(settings, strokes);
    if (settings.automatic || settings.refineWithPrediction ||
        settings.energy.regionalModel == RegionalModel::Learned || region) {
        return startAutomaticGraphCut(jobs, document, organelle, settings, sessions,
                                      std::move(features), region);
    }

    std::shared_ptr<DynamicGraphCut> session;
    if (sessions && !cutsBanded(image.voxelCount(), params)) {
        auto& entry = sessions->entries_[uid];
        if (!entry.session || entry.automatic || entry.image != image.data() ||
            entry.voxelSize != image.voxelSize() || !sameEnergy(entry.energy, params.energy) ||
            entry.refit != settings.refitRegionalModel) {
            entry.session =
                std::make_shared<DynamicGraphCut>(image, params, settings.refitRegionalModel);
            entry.image = image.data();
            entry.voxelSize = image.voxelSize();
            entry.energy = params.energy;
            entry.refit = settings.refitRegionalModel;
            entry.automatic = false;
        }
        entry.busy = true;
        session = entry.session;
    }

    QPointer<DocumentModel> doc(&document);
    const QString name = o.name;
    Job* job = jobs.start(
        "Graph cut: " + name, JobKind::GraphCut,
        [doc, uid, image, strokes, params, name, session](JobContext& context) -> JobFinish {
            context.report(0, "fitting the energy to the strokes");
            GraphCutResult result = session ? session->cut(strokes, context.progress())
                                            : graphCut(image, strokes, params, context.progress());
            context.setProgress(1, summary(result.stats));
            Volume labels = std::move(result.labels);
            return [doc, uid, labels, name] {
                if (!doc || doc->indexOfUid(uid) < 0)
                    return;
                doc->undoHistory()->push(new ReplaceLayerCommand(doc, uid, Layer::Truth, labels,
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
