#pragma once
// A deterministic synthetic EM-like volume with exact ground truth: the app's demo
// data and the tests' main fixture. The same parameters always give the same
// voxels, on every machine.
#include "core/util/Progress.h"
#include "core/volume/Volume.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cisterna {

// The organelle classes of the phantom's multi-label ground truth (0 = none); not to
// be confused with ui::Organelle, an organelle the user segments in the app.
enum class PhantomOrganelle : std::uint8_t {
    None = 0,
    Mitochondrion = 1, // outer membrane, matrix and cristae
    Golgi = 2,         // stacked curved cisternae and the vesicles beside them
    ER = 3,            // tubules and sheets
    Nucleus = 4,       // envelope and nucleoplasm
    NuclearPore = 5,   // pores through the envelope
};
constexpr int kOrganelleCount = 5;

const char* organelleName(PhantomOrganelle o); // "mito", "golgi", "er", "nucleus", "pore"
const std::vector<PhantomOrganelle>& allOrganelles();
PhantomOrganelle parseOrganelle(const std::string& name); // throws InvalidArgument

struct PhantomParams {
    std::uint64_t seed = 1;
    Shape3 shape{128, 128, 128};
    Vec3d voxelSize{8, 8, 8}; // nm, FIB-SEM-like by default
    double noiseSigma = 12.0; // grey levels of Gaussian noise
    double blurSigmaNm = 6.0; // point-spread blur in nm
};

struct Phantom {
    Volume image;  // uint8, EM-like contrast (membranes dark, as in heavy-metal stained EM)
    Volume labels; // uint8 label volume of PhantomOrganelle values, same shape and voxel size
};

// Runs on all cores; 256^3 takes seconds. Progress/cancel through `progress`.
Phantom generatePhantom(const PhantomParams& params, const Progress& progress = {});

// Binary (0/1) uint8 mask of one organelle in a multi-label volume.
Volume organelleMask(const Volume& labels, PhantomOrganelle organelle);

} // namespace cisterna
