// The entry points the plugin loader looks up (see core/plugin/PluginRegistry.h).
#include "plugins/mrc/MrcFormat.h"

#include "core/plugin/PluginRegistry.h"

extern "C" {

__attribute__((visibility("default"))) int cisterna_plugin_api_version() {
    return cisterna::kPluginApiVersion;
}

__attribute__((visibility("default"))) void
cisterna_register_plugin(cisterna::PluginRegistry& registry) {
    registry.addFormat(cisterna::mrc::makeMrcFormat());
}

} // extern "C"
