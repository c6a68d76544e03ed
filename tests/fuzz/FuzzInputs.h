#pragma once
// How one fuzz input of a volume harness becomes files on disk. Shared by the
// harnesses and by the malformed-corpus test (tests/core/test_malformed_corpus.cpp),
// which replays the committed crash inputs of tests/fuzz/regressions/<harness>/
// through the same readers; so it needs nothing of libFuzzer.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace cisterna::fuzz {

// Folder harnesses join metadata and chunks with this separator.
extern const std::string kPartSeparator;
std::vector<std::string> splitParts(const std::string& input, std::size_t maxParts);
std::string joinParts(const std::vector<std::string>& parts);

// Part i of the input becomes file names[i] under `root` (empty parts are left out, so
// the fuzzer can drop a chunk). A name "a|b" writes the part to both a and b (Zarr's
// two chunk-key separators); gatherParts reads the first that exists.
void writeParts(const std::filesystem::path& root, const std::vector<std::string>& names,
                const std::string& input);
std::string gatherParts(const std::filesystem::path& root, const std::vector<std::string>& names);

// The files of each folder harness, in the order of the input's parts.
std::vector<std::string> zarrLayout();    // .zarray, .zattrs, chunks
std::vector<std::string> omeZarrLayout(); // .zgroup, .zattrs, 0/..., 1/...
std::vector<std::string> n5Layout();      // attributes.json, raw/attributes.json, blocks
std::vector<std::string> pngSlicesLayout();

// The volume harnesses: "tiff", "png_slices", "hdf5", "zarr", "ome_zarr", "n5", "mrc",
// "nrrd", "metaimage", "nifti".
std::vector<std::string> volumeHarnesses();
// Writes `input` under the empty folder `dir` as harness `harness` does and returns
// the volume path to read.
std::string materializeVolumeInput(const std::string& harness, const std::string& input,
                                   const std::filesystem::path& dir);

void writeFile(const std::filesystem::path& file, const std::string& bytes);
std::string readFile(const std::filesystem::path& file);

} // namespace cisterna::fuzz
