#include "core/graphcut/DynamicGraphCut.h"

#include "core/graphcut/DenseGraphBuilder.h"
#include "core/graphcut/MaxFlow.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

namespace cisterna {
// The whole-volume graph of one connectivity, behind a virtual interface so that
// the session does not depend on the connectivity's template parameter.
struct DynamicGraphCut::Solver {
    virtual ~Solver() = default;
    virtual void build(const Volume& image, const Volume& strokes, const Energy& energy,
                       const Progress& progress) = 0;
    virtual std::int64_t update(const Volume& image, const Volume& oldStrokes,
                                const Energy& oldEnergy, const Volume& newStrokes,
                                const Energy& newEnergy) = 0;
    virtual void flow(const Progress& progress) = 0;
    virtual std::int64_t writeLabels(Volume& labels) const = 0;
    virtual graphcut::Flow energyFromFlow(const Volume& image, const Volume& strokes,
                                          const Energy& energy) const = 0;
};

namespace {

template <int K> class DenseSolver final : public DynamicGraphCut::Solver {
public:
    explicit DenseSolver(const Shape3& shape) : g_(graphcut::DenseTopology(shape)) {}

    void build(const Volume& image, const Volume& strokes, const Energy& energy,
               const Progress& progress) override {
        graphcut::buildDenseGraph(g_, image, strokes, energy, progress, 0.05, 0.2);
    }
    std::int64_t update(const Volume& image, const Volume& oldStrokes, const Energy& oldEnergy,
                        const Volume& newStrokes, const Energy& newEnergy) override {
        // Not cancellable: a half-applied update would leave links that match
        // neither set of strokes.
        const std::int64_t changed = graphcut::updateDenseTerminals(
            g_, image, oldStrokes, oldEnergy, newStrokes, newEnergy, Progress(), 0, 1, &seeds_,
            std::size_t(g_.voxelCount() / 16));
        restrict_ = complete_ && std::int64_t(seeds_.size()) == changed;
        return changed;
    }
    // Every augmenting path of a re-cut starts or ends at a changed link, because
    // the previous flow was maximum; so boost's search trees start from the changed
    // voxels only, instead of growing over the whole volume. A breadth-first search
    // from the source then marks the cut and checks that no augmenting path is
    // left; if one is (it never was in our tests), a full search finishes the flow.
    void flow(const Progress& progress) override {
        const bool restricted = restrict_;
        restrict_ = false;
        complete_ = false;
        if (restricted) {
            struct Unrestrict {
                graphcut::GridGraph<graphcut::DenseTopology, K>& g;
                ~Unrestrict() { g.restrictTerminalEdges(nullptr); }
            } unrestrict{g_};
            g_.restrictTerminalEdges(&seeds_);
            graphcut::runMaxFlow(g_, progress, 0.2, 0.9);
        }
        if (!restricted || !graphcut::markSourceSide(g_)) {
            g_.clearSearchState();
            graphcut::runMaxFlow(g_, progress, restricted ? 0.9 : 0.2, 0.95);
        }
        complete_ = true;
    }
    std::int64_t writeLabels(Volume& labels) const override {
        auto* out = static_cast<std::uint8_t*>(labels.data());
        std::int64_t objects = 0;
        for (graphcut::VertexId v = 0; v < g_.voxelCount(); ++v) {
            out[v] = g_.onSourceSide(v) ? 1 : 0;
            objects += out[v];
        }
        return objects;
    }
    graphcut::Flow energyFromFlow(const Volume& image, const Volume& strokes,
                                  const Energy& energy) const override {
        return dispatchDataType(image.dataType(), [&](auto tag) {
            using T = decltype(tag);
            const T* img = static_cast<const T*>(image.data());
            const std::uint8_t* str = static_cast<const std::uint8_t*>(strokes.data());
            const graphcut::TerminalCapacities terminal(energy, image.dataType());
            return graphcut::cutEnergyFromFlow(
                g_, [&](graphcut::VertexId v) { return terminal(img[v], str[v], v); });
        });
    }

private:
    graphcut::GridGraph<graphcut::DenseTopology, K> g_;
    std::vector<graphcut::VertexId> seeds_; // voxels whose links the last update changed
    bool restrict_ = false;                 // the next flow may start from seeds_ only
    bool complete_ = false;                 // the last flow ran to its end
};

} // namespace

DynamicGraphCut::DynamicGraphCut(const Volume& image, const GraphCutParams& params,
                                 bool refitRegionalModel)
    : image_(image.contiguous()), params_(params), refit_(refitRegionalModel) {
    if (image_.isNull() || image_.shape().isEmpty())
        throw InvalidArgument("the graph cut needs a non-empty image");
}

DynamicGraphCut::~DynamicGraphCut() = default;

bool DynamicGraphCut::hasResult() const {
    return result_ != nullptr;
}

const GraphCutResult& DynamicGraphCut::result() const {
    if (!result_)
        throw InvalidArgument("no graph cut has been made yet");
    return *result_;
}

const Energy* DynamicGraphCut::energy() const {
    return energy_.get();
}

const GraphCutResult& DynamicGraphCut::cut(const Volume& strokeInput, const Progress& progress) {
    const Stopwatch start;
    checkStrokes(image_, strokeInput);
    progress.report(0.0, "fitting the energy to the strokes");
    Stopwatch t;
    // Sigma belongs to the image: estimated once, then fixed for the session.
    EnergyParams energyParams = params_.energy;
    if (energy_)
        energyParams.axisSigma = energy_->axisSigma();
    auto energy = std::make_unique<Energy>(
        refit_ || !energy_ ? Energy::fit(image_, strokeInput, energyParams) : *energy_);
    const double fitSeconds = t.seconds();
    Volume strokes = strokeInput.clone();

    GraphCutStats stats;
    t.restart();
    if (!solver_) {
        std::unique_ptr<Solver> solver = graphcut::withConnectivity(
            energy->connectivity(), [&](auto k) -> std::unique_ptr<Solver> {
                return std::make_unique<DenseSolver<decltype(k)::value>>(image_.shape());
            });
        solver->build(image_, strokes, *energy, progress); // may throw Cancelled: no solver
        solver_ = std::move(solver);
    } else {
        if (energy->connectivity() != energy_->connectivity())
            throw InvalidArgument("the connectivity cannot change during a re-cut session");
        stats.changedLinks = solver_->update(image_, strokes_, *energy_, strokes, *energy);
        stats.reused = true;
    }
    // From here on the residual graph encodes the new strokes, cancelled or not.
    energy_ = std::move(energy);
    strokes_ = std::move(strokes);
    stats.buildSeconds = t.seconds();

    t.restart();
    solver_->flow(progress);
    stats.flowSeconds = t.seconds();
    progress.report(0.95, "writing the labels");

    auto result = std::make_unique<GraphCutResult>();
    result->labels =
        Volume::allocate(DataType::UInt8, image_.shape(), VolumeRole::Label, "graph-cut labels");
    if (image_.hasVoxelSize())
        result->labels.setVoxelSize(image_.voxelSize());
    result->labels.setOrigin(image_.origin());
    stats.objectVoxels = solver_->writeLabels(result->labels);
    stats.energyQuanta = solver_->energyFromFlow(image_, strokes_, *energy_);
    stats.energy = double(stats.energyQuanta) * energy_->unit();
    stats.sigma = energy_->sigma();
    stats.unit = energy_->unit();
    stats.connectivity = energy_->connectivity();
    stats.voxels = image_.voxelCount();
    stats.graphVoxels = image_.voxelCount();
    stats.solverBytes = exactSolverBytes(image_.voxelCount(), energy_->connectivity());
    stats.fitSeconds = fitSeconds;
    stats.totalSeconds = start.seconds();
    result->stats = stats;
    result_ = std::move(result);
    progress.report(1.0, "graph cut done");
    return *result_;
}

} // namespace cisterna
