#pragma once
// Turns a scene into voxels: the clean intensity (before blur and noise) and the exact
// labels, sampled at voxel centres. Each organelle only touches the voxels of its
// bounding box, and each z-slice is independent of the others, so slices can be
// rendered in parallel and in any order with identical results.
#include "core/phantom/Noise.h"
#include "core/phantom/Scene.h"
#include "core/volume/Geometry.h"

#include <cstdint>
#include <vector>

namespace cisterna::phantom {

class SceneRenderer {
public:
    SceneRenderer(const Scene& scene, const Shape3& shape, const Vec3d& voxelSize);

    // Per-thread working memory; reuse it for all slices a thread renders.
    struct Scratch {
        std::vector<float> cytoplasm, grain, heterochromatin, bump;
        std::vector<float> erDistance, erHalfWidth, golgiDistance, golgiHalfWidth;
        std::vector<double> noise;
        bool haveGrain = false, haveNucleusFields = false;
    };

    // Fills one z-slice: values and labels are y-major rows of shape().x voxels.
    void renderSlice(std::int64_t z, float* values, std::uint8_t* labels, Scratch& scratch) const;

private:
    enum class Kind : std::uint8_t { Nucleus, Pore, Mito, Golgi, Vesicle, ErSheet, ErSegment };
    struct Primitive {
        Kind kind;
        std::int32_t index;
        std::int64_t y0, y1, x0, x1;
    };

    struct Row {
        double z, y;
        float* values;
        std::uint8_t* labels;
        Scratch& scratch;
    };

    void addPrimitive(Kind kind, std::int32_t index, const Vec& lo, const Vec& hi);
    void renderRow(std::int64_t z, std::int64_t y, Row& row) const;
    void renderCytoplasm(Row& row) const;
    void ensureGrain(Row& row) const;
    void ensureNucleusFields(Row& row) const;
    double nucleoplasmGrey(const Scratch& s, std::size_t x, double depth) const;
    void renderNucleus(Row& row, std::int64_t x0, std::int64_t x1) const;
    void renderPore(const NuclearPore& pore, Row& row, std::int64_t x0, std::int64_t x1) const;
    void renderMito(const Mitochondrion& m, Row& row, std::int64_t x0, std::int64_t x1) const;
    double mitoInterior(const Mitochondrion& m, const Vec& relative, double axial, Row& row,
                        std::int64_t x) const;
    // Union fields: signed distance to the nearest ER / Golgi surface.
    static void mergeDistance(float* distance, float* halfWidth, std::int64_t x, double d,
                              double hw);
    void finishMembraneCompartments(Row& row, std::int64_t x0, std::int64_t x1) const;

    const Scene& scene_;
    Shape3 shape_;
    Vec voxel_;
    double maxHalfWidth_ = 0;
    std::vector<double> xNm_;
    RowNoise cytoplasm_, grain_, heterochromatin_, bump_;
    std::uint64_t ribosomeSeed_ = 0;
    std::int64_t firstSpeckCell_ = 0, lastSpeckCell_ = -1; // ribosome cells along x
    std::vector<Primitive> primitives_;
    std::vector<std::vector<std::int32_t>> primitivesOfSlice_;
};

} // namespace cisterna::phantom
