#include "core/io/BuiltinFormats.h"

#include "core/plugin/PluginRegistry.h"

namespace cisterna {

void registerBuiltinFormats(PluginRegistry& registry) {
    // Registered in reverse order of precedence: the last added is tried first.
    registry.addFormat(makeItkFormat());
    registry.addFormat(makeN5Format());
    registry.addFormat(makeZarrFormat());
    registry.addFormat(makeHdf5Format());
    registry.addFormat(makeTiffStackFormat());
    registry.addFormat(makeSliceFolderFormat());
}

} // namespace cisterna
