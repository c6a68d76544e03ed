#pragma once
// Shared by the libFuzzer harnesses of tests/fuzz (see README). Each harness file
// defines the two functions at the bottom; FuzzSupport.cpp owns libFuzzer's entry
// points and the rules every reader is held to:
//   - a reader answers with a cisterna::Error (or a subclass) or with a valid volume;
//   - any other exception aborts (a finding), as do crashes and sanitizer reports;
//   - memory is budgeted at 256 MiB, so a lying header must be refused, not allocated.
#include "FuzzInputs.h"

#include "core/io/VolumeFormat.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::fuzz {

// This process's scratch folder (removed at exit); caseDir() lies inside it.
const std::filesystem::path& scratchRoot();
// A fresh, empty folder for the current input (the same path every time, emptied).
const std::filesystem::path& caseDir();

// readVolumeInfo, readVolume and a small region read, checking that what comes back
// agrees with the header. cisterna::Error passes through; disagreement aborts.
void readVolumeChecked(const std::string& path);

// Seeds: one file per name in `dir`.
void writeSeed(const std::filesystem::path& dir, const std::string& name, const std::string& bytes);
// A small volume with a recognisable pattern and a voxel size, for the writers.
Volume sampleVolume(DataType type, const Shape3& shape = {3, 5, 7});

// With CISTERNA_FUZZ_KEEP=FILE set, copies `file` (what a harness built from the
// input, before the reader sees it) to FILE: how a regression of the 'K' and 'J'
// modes of the model and project harnesses is committed.
void keepBuiltFile(const std::filesystem::path& file);

[[noreturn]] void finding(const std::string& message);

// ---- defined by each harness ----------------------------------------------------
// Writes the harness's seed inputs into `dir`, using the project's own writers.
void writeSeeds(const std::filesystem::path& dir);
// Runs one input. May throw cisterna::Error.
void fuzzOne(const std::string& input);

} // namespace cisterna::fuzz
