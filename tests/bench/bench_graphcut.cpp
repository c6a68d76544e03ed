// bench_graphcut: the whole-volume graph cut against two references.
//
//   bench_graphcut [--sizes 128,256,384] [--recut-size 256] [--sbem DIR]
//                  [--sbem-weights 0.02,0.1] [--exact 512] [--banded 1024]
//                  [--skip-references] [--interactive DIR | --skip-interactive]
//
// For each phantom size (6-connectivity, the same energy and the same strokes: 3
// orthogonal planes of simulated mitochondrion strokes), each solver runs in its own
// forked child so that peak resident memory is measured per solver:
//   ours       boost::boykov_kolmogorov_max_flow on the implicit GridGraph
//   adj-list   boost::boykov_kolmogorov_max_flow on a boost::adjacency_list
//   reference  Kolmogorov's maxflow 3.0 (libmaxflow-dev), when built with it
// and prints time (graph build + flow), the flow value (equal for all) and the
// growth of peak RSS per voxel. Then: the re-cut after one added stroke at
// --recut-size; F1 on the SBEM training data with simulated strokes on 3 sections;
// and on request a --exact N^3 exact cut and a --banded N^3 banded cut. Last, the
// interactive times of the automatic cut as the app runs it, on the SBEM validation
// stack (10.5 M voxels, strokes on 2 sections): first result, full result and the
// cost of the automatic choice, a re-cut after one more stroke, Cancel latency.
#include "AutoCutTimings.h"

#include "core/graphcut/DenseGraphBuilder.h"
#include "core/graphcut/DynamicGraphCut.h"
#include "core/graphcut/GraphCut.h"
#include "core/graphcut/MaxFlow.h"
#include "core/graphcut/StrokeSimulator.h"
#include "core/io/VolumeIO.h"
#include "core/metrics/Metrics.h"
#include "core/phantom/Phantom.h"
#include "core/plugin/PluginRegistry.h"
#include "core/volume/MemoryBudget.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#ifdef CISTERNA_HAVE_MAXFLOW
#define MAXFLOW_INCLUDE_TEMPLATE_IMPLEMENTATION
#include <maxflow/graph.cpp>
#include <maxflow/graph.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace cisterna;
using namespace cisterna::graphcut;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// kB figure of one line of /proc/self/status.
std::uint64_t statusKiB(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::stoull(line.substr(std::strlen(key)));
    return 0;
}

struct Measure {
    bool ok = false;
    double seconds = 0, buildSeconds = 0, flowSeconds = 0;
    double bytesPerVoxel = 0;
    std::int64_t flow = 0, objects = 0;
    char note[160] = {};
};

// Runs `work` in a forked child with a fresh peak-RSS counter and returns what it
// measured plus its peak RSS growth, so that solvers never share a high-water mark.
Measure inChild(std::int64_t voxels, const std::function<Measure()>& work) {
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Measure m;
        try {
            std::ofstream("/proc/self/clear_refs") << "5"; // reset VmHWM to the current RSS
            const std::uint64_t base = statusKiB("VmRSS:");
            m = work();
            m.bytesPerVoxel = double(statusKiB("VmHWM:") - base) * 1024.0 / double(voxels);
        } catch (const std::exception& e) {
            m.ok = false;
            std::snprintf(m.note, sizeof m.note, "%s", e.what());
        }
        const ssize_t written = write(fds[1], &m, sizeof m);
        _exit(written == ssize_t(sizeof m) ? 0 : 1);
    }
    close(fds[1]);
    Measure m;
    const ssize_t got = read(fds[0], &m, sizeof m);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != ssize_t(sizeof m)) {
        m = {};
        std::snprintf(m.note, sizeof m.note, "child died (signal %d)",
                      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    return m;
}

struct Problem {
    Volume image, truth, strokes;
    std::unique_ptr<Energy> energy;
};

GraphCutParams benchParams() {
    GraphCutParams p;
    p.energy.connectivity = 6;
    p.band = BandMode::Never;
    return p;
}

Problem phantomProblem(std::int64_t size) {
    Problem p;
    PhantomParams params;
    params.shape = {size, size, size};
    const Phantom phantom = generatePhantom(params);
    p.image = phantom.image;
    p.truth = organelleMask(phantom.labels, PhantomOrganelle::Mitochondrion);
    StrokeSimulation sim;
    sim.planes = orthogonalPlanes(p.truth.shape());
    p.strokes = rasterizeStrokes(simulateStrokes(p.truth, sim));
    p.energy = std::make_unique<Energy>(Energy::fit(p.image, p.strokes, benchParams().energy));
    return p;
}

// Calls f(index, z, y, x, pairCapacityToPlusNeighbour[3], terminal) for every voxel,
// with the exact capacities the grid graph gets.
template <class F> void forEachCapacity(const Problem& p, F&& f) {
    const Shape3 s = p.image.shape();
    const auto* img = static_cast<const std::uint8_t*>(p.image.data());
    const auto* str = static_cast<const std::uint8_t*>(p.strokes.data());
    const PairCapacities pair(*p.energy, DataType::UInt8);
    const TerminalCapacities terminal(*p.energy, DataType::UInt8);
    const std::int64_t step[3] = {1, s.x, s.x * s.y}; // +x, +y, +z: directions 0, 2, 4
    for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
            for (std::int64_t x = 0; x < s.x; ++x) {
                const std::int64_t i = (z * s.y + y) * s.x + x;
                const bool inside[3] = {x + 1 < s.x, y + 1 < s.y, z + 1 < s.z};
                Capacity caps[3] = {-1, -1, -1};
                for (int a = 0; a < 3; ++a)
                    if (inside[a])
                        caps[a] = pair(img[i], img[i + step[a]], std::uint32_t(2 * a));
                f(i, step, caps, terminal(img[i], str[i], i));
            }
}

Measure runOurs(const Problem& p) {
    Measure m;
    auto t = Clock::now();
    GridGraph<DenseTopology, 6> g{DenseTopology(p.image.shape())};
    buildDenseGraph(g, p.image.contiguous(), p.strokes.contiguous(), *p.energy, Progress(), 0, 1);
    m.buildSeconds = secondsSince(t);
    t = Clock::now();
    m.flow = runMaxFlow(g);
    m.flowSeconds = secondsSince(t);
    m.seconds = m.buildSeconds + m.flowSeconds;
    for (VertexId v = 0; v < g.voxelCount(); ++v)
        m.objects += g.onSourceSide(v);
    m.ok = true;
    return m;
}

Measure runAdjacencyList(const Problem& p) {
    using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
    using G = boost::adjacency_list<
        boost::vecS, boost::vecS, boost::directedS,
        boost::property<boost::vertex_index_t, long,
                        boost::property<boost::vertex_color_t, boost::default_color_type,
                                        boost::property<boost::vertex_distance_t, long,
                                                        boost::property<boost::vertex_predecessor_t,
                                                                        Traits::edge_descriptor>>>>,
        boost::property<
            boost::edge_capacity_t, std::int64_t,
            boost::property<boost::edge_residual_capacity_t, std::int64_t,
                            boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
    Measure m;
    const std::size_t n = std::size_t(p.image.voxelCount());
    auto t = Clock::now();
    G g(n + 2);
    const std::size_t s = n, tt = n + 1;
    auto add = [&](std::size_t u, std::size_t v, std::int64_t cap, std::int64_t rcap) {
        auto e = boost::add_edge(u, v, g).first;
        auto r = boost::add_edge(v, u, g).first;
        boost::put(boost::edge_capacity, g, e, cap);
        boost::put(boost::edge_capacity, g, r, rcap);
        boost::put(boost::edge_reverse, g, e, r);
        boost::put(boost::edge_reverse, g, r, e);
    };
    forEachCapacity(
        p, [&](std::int64_t i, const std::int64_t* step, const Capacity* caps, Capacity term) {
            for (int a = 0; a < 3; ++a)
                if (caps[a] >= 0)
                    add(std::size_t(i), std::size_t(i + step[a]), caps[a], caps[a]);
            if (term > 0)
                add(s, std::size_t(i), term, 0);
            else if (term < 0)
                add(std::size_t(i), tt, -term, 0);
        });
    m.buildSeconds = secondsSince(t);
    t = Clock::now();
    m.flow = boost::boykov_kolmogorov_max_flow(g, s, tt);
    m.flowSeconds = secondsSince(t);
    m.seconds = m.buildSeconds + m.flowSeconds;
    for (std::size_t v = 0; v < n; ++v)
        m.objects += boost::get(boost::vertex_color, g, v) == boost::black_color;
    m.ok = true;
    return m;
}

#ifdef CISTERNA_HAVE_MAXFLOW
Measure runReference(const Problem& p) {
    // 64-bit total flow: the library's int instantiation would overflow.
    using G = maxflow::Graph<int, int, long long>;
    Measure m;
    const std::int64_t n = p.image.voxelCount();
    auto t = Clock::now();
    G g(int(n), int(3 * n));
    g.add_node(int(n));
    forEachCapacity(
        p, [&](std::int64_t i, const std::int64_t* step, const Capacity* caps, Capacity term) {
            for (int a = 0; a < 3; ++a)
                if (caps[a] >= 0)
                    g.add_edge(int(i), int(i + step[a]), caps[a], caps[a]);
            if (term != 0)
                g.add_tweights(int(i), term > 0 ? term : 0, term < 0 ? -term : 0);
        });
    m.buildSeconds = secondsSince(t);
    t = Clock::now();
    m.flow = g.maxflow();
    m.flowSeconds = secondsSince(t);
    m.seconds = m.buildSeconds + m.flowSeconds;
    for (std::int64_t v = 0; v < n; ++v)
        m.objects += g.what_segment(int(v)) == G::SOURCE;
    m.ok = true;
    return m;
}
#endif

void printRow(const char* solver, std::int64_t size, const Measure& m) {
    if (!m.ok) {
        std::printf("  %-10s %5lld^3  %s\n", solver, (long long)size, m.note);
        return;
    }
    std::printf("  %-10s %5lld^3  build %7.2f s  flow %8.2f s  total %8.2f s  %7.1f B/voxel"
                "  flow %lld  object voxels %lld\n",
                solver, (long long)size, m.buildSeconds, m.flowSeconds, m.seconds, m.bytesPerVoxel,
                (long long)m.flow, (long long)m.objects);
    std::fflush(stdout);
}

void compareSolvers(std::int64_t size, bool references) {
    const auto t = Clock::now();
    const Problem p = phantomProblem(size);
    const std::int64_t n = p.image.voxelCount();
    std::printf("phantom %lld^3 (%.1f s to generate and stroke), sigma %.2f\n", (long long)size,
                secondsSince(t), p.energy->sigma());
    std::fflush(stdout);
    printRow("ours", size, inChild(n, [&] { return runOurs(p); }));
    if (!references)
        return;
    // adjacency_list needs about 600 bytes per voxel; do not let it swap the machine.
    Measure adj;
    if (double(n) * 640.0 > double(availableMemoryBytes())) {
        std::snprintf(adj.note, sizeof adj.note, "does not fit: needs about %s, %s available",
                      humanBytesOf(std::uint64_t(n) * 640).c_str(),
                      humanBytesOf(availableMemoryBytes()).c_str());
    } else {
        adj = inChild(n, [&] { return runAdjacencyList(p); });
    }
    printRow("adj-list", size, adj);
#ifdef CISTERNA_HAVE_MAXFLOW
    printRow("reference", size, inChild(n, [&] { return runReference(p); }));
#else
    std::printf("  reference  (not built: libmaxflow-dev headers were not found)\n");
#endif
}

// Times a cut from scratch, then one more simulated stroke and the re-cut.
void recut(std::int64_t size) {
    const Problem p = phantomProblem(size);
    StrokeSimulation sim;
    sim.planes = {{0, size * 3 / 4}};
    StrokeList extra = simulateStrokes(p.truth, sim);
    Stroke added;
    for (const Stroke& s : extra.strokes)
        if (s.label == kStrokeObject) {
            added = s;
            break;
        }
    Volume more = p.strokes.clone();
    paintStroke(more, added);
    for (bool refit : {true, false}) {
        Measure m = inChild(p.image.voxelCount(), [&] {
            Measure r;
            DynamicGraphCut session(p.image, benchParams(), refit);
            const auto first = session.cut(p.strokes).stats;
            const auto again = session.cut(more).stats;
            const GraphCutResult scratch = exactGraphCut(p.image, more, *session.energy());
            r.buildSeconds = first.totalSeconds;    // scratch cut, first strokes
            r.flowSeconds = again.totalSeconds;     // re-cut after the added stroke
            r.seconds = scratch.stats.totalSeconds; // scratch cut, all strokes
            r.flow = again.energyQuanta == scratch.stats.energyQuanta;
            r.objects = again.changedLinks;
            r.ok = true;
            return r;
        });
        if (!m.ok) {
            std::printf("  re-cut failed: %s\n", m.note);
            continue;
        }
        std::printf("  re-cut %lld^3, %s model: scratch %.2f s, +1 stroke (%lld links changed): "
                    "re-cut %.2f s = %.1f%% of a scratch cut with all strokes (%.2f s); same "
                    "energy: %s\n",
                    (long long)size, refit ? "re-fitted" : "frozen", m.buildSeconds,
                    (long long)m.objects, m.flowSeconds, 100.0 * m.flowSeconds / m.seconds,
                    m.seconds, m.flow ? "yes" : "NO");
        std::fflush(stdout);
    }
}

// F1 at each regional weight: the default, and the others as a sweep, because the
// best weight depends on the data (the phantom's and SBEM's differ).
void sbemF1(const fs::path& dir, const std::vector<double>& weights) {
    const Volume image = readVolume((dir / "images").string());
    const Volume labels = readVolume((dir / "labels").string());
    Volume truth = Volume::allocate(DataType::UInt8, labels.shape(), VolumeRole::Label, "truth");
    dispatchDataType(labels.dataType(), [&](auto tag) {
        const auto src = labels.view<decltype(tag)>();
        auto dst = truth.view<std::uint8_t>();
        for (std::int64_t z = 0; z < labels.shape().z; ++z)
            for (std::int64_t y = 0; y < labels.shape().y; ++y)
                for (std::int64_t x = 0; x < labels.shape().x; ++x)
                    dst(z, y, x) = src(z, y, x) != 0;
    });
    StrokeSimulation sim;
    sim.planes = evenlySpacedPlanes(truth.shape(), 0, 3);
    const StrokeList list = simulateStrokes(truth, sim);
    const Volume strokes = rasterizeStrokes(list);
    for (double weight : weights) {
        GraphCutParams params = benchParams();
        params.energy.regionalWeight = weight;
        const GraphCutResult r = graphCut(image, strokes, params);
        EvaluationOptions eo;
        eo.countObjects = false;
        const Evaluation e = evaluateSegmentation(r.labels, truth, eo);
        std::printf("  sbem-mito training %s: strokes on z %lld, %lld, %lld (%zu strokes), "
                    "regional weight %.3g%s: F1 %.3f (precision %.3f, recall %.3f), cut %.2f s\n",
                    toString(image.shape()).c_str(), (long long)sim.planes[0].slice,
                    (long long)sim.planes[1].slice, (long long)sim.planes[2].slice,
                    list.strokes.size(), weight,
                    weight == EnergyParams().regionalWeight ? " (default)" : "", e.voxels.f1(),
                    e.voxels.precision(), e.voxels.recall(), r.stats.totalSeconds);
        std::fflush(stdout);
    }
}

void largeCut(std::int64_t size, bool banded) {
    const auto t = Clock::now();
    const Problem p = phantomProblem(size);
    std::printf("phantom %lld^3 generated and stroked in %.1f s\n", (long long)size,
                secondsSince(t));
    std::fflush(stdout);
    const Measure m = inChild(p.image.voxelCount(), [&] {
        Measure r;
        GraphCutParams params = benchParams();
        params.band = banded ? BandMode::Always : BandMode::Never;
        const GraphCutResult result = graphCut(p.image, p.strokes, *p.energy, params);
        EvaluationOptions eo;
        eo.countObjects = false;
        const Evaluation e = evaluateSegmentation(result.labels, p.truth, eo);
        r.seconds = result.stats.totalSeconds;
        r.buildSeconds = result.stats.buildSeconds;
        r.flowSeconds = result.stats.flowSeconds;
        r.objects = result.stats.objectVoxels;
        r.flow = result.stats.graphVoxels;
        std::snprintf(r.note, sizeof r.note, "F1 %.3f, coarse factor %d, band %lld voxels",
                      e.voxels.f1(), result.stats.coarseFactor, (long long)result.stats.bandVoxels);
        r.ok = true;
        return r;
    });
    if (!m.ok) {
        std::printf("  %s %lld^3 failed: %s\n", banded ? "banded" : "exact", (long long)size,
                    m.note);
        return;
    }
    std::printf("  %s %lld^3: total %.1f s (build %.1f s, flow %.1f s), peak RSS growth %.1f "
                "B/voxel, graph voxels %lld, %s\n",
                banded ? "banded" : "exact", (long long)size, m.seconds, m.buildSeconds,
                m.flowSeconds, m.bytesPerVoxel, (long long)m.flow, m.note);
}

template <class T> std::vector<T> parseList(const std::string& text) {
    std::vector<T> values;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        values.push_back(T(std::stod(text.substr(at, comma - at))));
        at = comma + 1;
    }
    return values;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::int64_t> sizes = {128, 256, 384};
    std::int64_t recutSize = 256, exactSize = 0, bandedSize = 0;
    std::string sbem =
        (fs::path(CISTERNA_SOURCE_DIR) / ".." / "shared" / "data" / "sbem-mito" / "training")
            .string();
    if (const char* env = std::getenv("CISTERNA_SHARED_DATA"))
        sbem = (fs::path(env) / "sbem-mito" / "training").string();
    bool references = true;
    std::string interactive = (fs::path(sbem).parent_path() / "validation").string();
    std::vector<double> sbemWeights = {EnergyParams().regionalWeight, 0.1};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--sizes")
            sizes = parseList<std::int64_t>(next());
        else if (a == "--recut-size")
            recutSize = std::stoll(next());
        else if (a == "--sbem")
            sbem = next();
        else if (a == "--sbem-weights")
            sbemWeights = parseList<double>(next());
        else if (a == "--exact")
            exactSize = std::stoll(next());
        else if (a == "--banded")
            bandedSize = std::stoll(next());
        else if (a == "--skip-references")
            references = false;
        else if (a == "--interactive")
            interactive = next();
        else if (a == "--skip-interactive")
            interactive.clear();
        else {
            std::fprintf(stderr, "usage: bench_graphcut [--sizes 128,256,384] [--recut-size 256] "
                                 "[--sbem DIR] [--sbem-weights 0.02,0.1] [--exact N] [--banded N] "
                                 "[--skip-references] [--interactive DIR] [--skip-interactive]\n"
                                 "  sizes/recut-size 0 or empty skip those parts\n");
            return a == "--help" ? 0 : 2;
        }
    }
    loadDefaultPlugins();
    std::printf("cisterna bench_graphcut: %u hardware threads, %s available\n",
                std::thread::hardware_concurrency(), humanBytesOf(availableMemoryBytes()).c_str());
    for (std::int64_t size : sizes)
        if (size > 0)
            compareSolvers(size, references);
    if (recutSize > 0)
        recut(recutSize);
    if (!sbem.empty() && fs::exists(sbem)) {
        try {
            sbemF1(sbem, sbemWeights);
        } catch (const std::exception& e) {
            std::printf("  sbem-mito: %s\n", e.what());
        }
    } else if (!sbem.empty()) {
        std::printf("  sbem-mito: %s not found\n", sbem.c_str());
    }
    if (exactSize > 0)
        largeCut(exactSize, false);
    if (bandedSize > 0)
        largeCut(bandedSize, true);
    if (!interactive.empty() && fs::exists(fs::path(interactive) / "images")) {
        std::printf("interactive: the automatic cut as the app runs it, sbem-mito %s\n",
                    fs::path(interactive).filename().c_str());
        Volume image = readVolume((fs::path(interactive) / "images").string());
        image.setVoxelSize({30, 6, 6});
        const Volume truth = readVolume((fs::path(interactive) / "labels").string());
        bench::printInteractiveTimings(image, truth, 2);
    } else if (!interactive.empty()) {
        std::printf("interactive: %s/images not found\n", interactive.c_str());
    }
    return 0;
}
