#pragma once
// The one registry through which file formats and segmentation tools become
// available, whether built in or loaded from a plugin shared library.
//
// A plugin is a shared library exporting, with C linkage,
//   int  cisterna_plugin_api_version();        // must return kPluginApiVersion
//   void cisterna_register_plugin(cisterna::PluginRegistry& registry);
// It is loaded from the plugin folders at program start (see loadPlugins).
#include "core/io/VolumeFormat.h"
#include "core/plugin/SegmentationTool.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cisterna {

// Raised whenever a class a plugin derives from changes its layout: 2 added
// VolumeFormat::createBlockWriter, so a format built for 1 has a shorter vtable.
constexpr int kPluginApiVersion = 2;

class PluginRegistry {
public:
    // The process-wide registry, with the built-in formats and tools registered.
    static PluginRegistry& instance();

    // Later registrations of the same name replace earlier ones, so a plugin can
    // override a built-in format.
    void addFormat(std::shared_ptr<VolumeFormat> format);
    void addTool(std::shared_ptr<SegmentationTool> tool);

    std::vector<std::shared_ptr<VolumeFormat>> formats() const;
    std::vector<std::shared_ptr<SegmentationTool>> tools() const;
    std::shared_ptr<VolumeFormat> formatByName(const std::string& name) const;
    std::shared_ptr<SegmentationTool> toolByName(const std::string& name) const;

    // The format that reads / writes `path`; throws FormatError naming the path and
    // the known extensions when none does.
    std::shared_ptr<VolumeFormat> formatForReading(const VolumePath& path) const;
    std::shared_ptr<VolumeFormat> formatForWriting(const VolumePath& path) const;

    struct LoadedPlugin {
        std::filesystem::path file;
        std::string error; // empty when it loaded
    };
    // Loads every *.so in the folders; a broken plugin is reported, not fatal.
    std::vector<LoadedPlugin> loadPlugins(const std::vector<std::filesystem::path>& folders);
    std::vector<LoadedPlugin> loadedPlugins() const;

private:
    PluginRegistry() = default;
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<VolumeFormat>> formats_;
    std::vector<std::shared_ptr<SegmentationTool>> tools_;
    std::vector<LoadedPlugin> loaded_;
};

// Folders searched for plugins: $CISTERNA_PLUGIN_PATH (colon-separated), then
// <folder of the running executable>/../lib/cisterna/plugins (build tree) and the
// installed plugin folder relative to the executable (a .deb, or one unpacked anywhere).
std::vector<std::filesystem::path> defaultPluginFolders();

// Loads plugins from defaultPluginFolders() once per process; programs call this
// at start. Returns the plugins that failed, for a warning.
std::vector<PluginRegistry::LoadedPlugin> loadDefaultPlugins();

void registerBuiltinFormats(PluginRegistry& registry);
void registerBuiltinTools(PluginRegistry& registry);

} // namespace cisterna
