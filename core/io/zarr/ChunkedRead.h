#pragma once
// A chunked format's read() and regionReader() from its two steps: open(path) parses
// the metadata, readOpened(opened, region) reads a resolved box of the array. A
// region reader opens once and then reads from any thread: its reads share only the
// parsed metadata, and each chunk file is read on its own.
#include "core/io/VolumeFormat.h"
#include "core/io/zarr/ErrorGuard.h"

namespace cisterna::chunked {

template <class Open, class ReadOpened>
Volume readChunked(const VolumePath& path, const ReadOptions& options, Open open,
                   ReadOpened readOpened) {
    return withFormatErrors(path.display(), [&] {
        const auto opened = open(path);
        return readOpened(opened, resolveRegion(path, opened.meta.grid.shape, options));
    });
}

template <class Open, class ReadOpened>
RegionReader chunkedRegionReader(const VolumePath& path, Open open, ReadOpened readOpened) {
    const auto opened = withFormatErrors(path.display(), [&] { return open(path); });
    RegionReader reader;
    reader.concurrent = true;
    reader.read = [path, opened, readOpened](const Box3& box) {
        return withFormatErrors(path.display(), [&] {
            ReadOptions options;
            options.region = box;
            return readOpened(opened, resolveRegion(path, opened.meta.grid.shape, options));
        });
    };
    return reader;
}

} // namespace cisterna::chunked
