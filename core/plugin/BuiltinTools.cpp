#include "core/plugin/BuiltinTools.h"

#include "core/plugin/PluginRegistry.h"

namespace cisterna {

void registerBuiltinTools(PluginRegistry& registry) {
    registry.addTool(makeThresholdTool());
}

} // namespace cisterna
