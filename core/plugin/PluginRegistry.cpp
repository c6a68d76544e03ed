#include "core/plugin/PluginRegistry.h"

#include "core/util/Error.h"
#include "core/util/Text.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cisterna {

PluginRegistry& PluginRegistry::instance() {
    static PluginRegistry* registry = [] {
        auto* r = new PluginRegistry; // never destroyed: plugins' code may outlive statics
        registerBuiltinFormats(*r);
        registerBuiltinTools(*r);
        return r;
    }();
    return *registry;
}

void PluginRegistry::addFormat(std::shared_ptr<VolumeFormat> format) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string name = format->name();
    formats_.erase(std::remove_if(formats_.begin(), formats_.end(),
                                  [&](const auto& f) { return f->name() == name; }),
                   formats_.end());
    // Newest first, so plugins take precedence over built-ins.
    formats_.insert(formats_.begin(), std::move(format));
}

void PluginRegistry::addTool(std::shared_ptr<SegmentationTool> tool) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string name = tool->name();
    tools_.erase(std::remove_if(tools_.begin(), tools_.end(),
                                [&](const auto& t) { return t->name() == name; }),
                 tools_.end());
    tools_.insert(tools_.begin(), std::move(tool));
}

std::vector<std::shared_ptr<VolumeFormat>> PluginRegistry::formats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return formats_;
}

std::vector<std::shared_ptr<SegmentationTool>> PluginRegistry::tools() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return tools_;
}

std::shared_ptr<VolumeFormat> PluginRegistry::formatByName(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& f : formats_)
        if (f->name() == name)
            return f;
    return nullptr;
}

std::shared_ptr<SegmentationTool> PluginRegistry::toolByName(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& t : tools_)
        if (t->name() == name)
            return t;
    return nullptr;
}

namespace {

std::string knownExtensions(const std::vector<std::shared_ptr<VolumeFormat>>& formats) {
    std::vector<std::string> all;
    for (const auto& f : formats)
        for (const auto& e : f->extensions())
            all.push_back(e);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    std::string text;
    for (const auto& e : all)
        text += (text.empty() ? "" : " ") + e;
    return text;
}

} // namespace

std::shared_ptr<VolumeFormat> PluginRegistry::formatForReading(const VolumePath& path) const {
    const auto all = formats();
    if (!fs::exists(path.file))
        throw FormatError(path.display(), "no such file or folder");
    for (const auto& f : all)
        if (f->canRead(path))
            return f;
    throw FormatError(path.display(), "no format reads this file (known: " + knownExtensions(all) +
                                          ", or a folder of .tif/.png slices)");
}

std::shared_ptr<VolumeFormat> PluginRegistry::formatForWriting(const VolumePath& path) const {
    const auto all = formats();
    for (const auto& f : all)
        if (f->canWrite(path))
            return f;
    throw FormatError(path.display(), "no format writes this path (known: " + knownExtensions(all) +
                                          ", or a folder ending in / for slices)");
}

std::vector<PluginRegistry::LoadedPlugin>
PluginRegistry::loadPlugins(const std::vector<fs::path>& folders) {
    std::vector<LoadedPlugin> results;
    for (const auto& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec))
            continue;
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(folder, ec))
            if (entry.path().extension() == ".so")
                files.push_back(entry.path().string());
        naturalSort(files);
        for (const auto& file : files) {
            LoadedPlugin plugin{file, {}};
            {
                std::lock_guard<std::mutex> lock(mutex_);
                const bool already =
                    std::any_of(loaded_.begin(), loaded_.end(), [&](const auto& p) {
                        return fs::equivalent(p.file, file, ec) && p.error.empty();
                    });
                if (already)
                    continue;
            }
            // RTLD_NODELETE: formats registered by the plugin keep pointing into it.
            void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
            if (!handle) {
                plugin.error = ::dlerror();
            } else {
                using VersionFn = int (*)();
                using RegisterFn = void (*)(PluginRegistry&);
                auto version =
                    reinterpret_cast<VersionFn>(::dlsym(handle, "cisterna_plugin_api_version"));
                auto registerFn =
                    reinterpret_cast<RegisterFn>(::dlsym(handle, "cisterna_register_plugin"));
                if (!version || !registerFn) {
                    plugin.error = "not a Cisterna plugin (missing cisterna_register_plugin)";
                } else if (version() != kPluginApiVersion) {
                    plugin.error = "built for plugin API " + std::to_string(version()) +
                                   ", this Cisterna has " + std::to_string(kPluginApiVersion);
                } else {
                    try {
                        registerFn(*this);
                    } catch (const std::exception& e) {
                        plugin.error = std::string("failed to register: ") + e.what();
                    }
                }
            }
            std::lock_guard<std::mutex> lock(mutex_);
            loaded_.push_back(plugin);
            results.push_back(plugin);
        }
    }
    return results;
}

std::vector<PluginRegistry::LoadedPlugin> PluginRegistry::loadedPlugins() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return loaded_;
}

std::vector<fs::path> defaultPluginFolders() {
    std::vector<fs::path> folders;
    if (const char* env = std::getenv("CISTERNA_PLUGIN_PATH"))
        for (const auto& part : split(env, ':'))
            if (!part.empty())
                folders.emplace_back(part);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path prefix = exe.parent_path().parent_path();
        folders.push_back(prefix / "lib" / "cisterna" / "plugins"); // the build tree
        const fs::path installed = prefix / CISTERNA_INSTALL_PLUGIN_DIR;
        if (installed != folders.back())
            folders.push_back(installed);
    }
    return folders;
}

std::vector<PluginRegistry::LoadedPlugin> loadDefaultPlugins() {
    static std::once_flag once;
    static std::vector<PluginRegistry::LoadedPlugin> failures;
    std::call_once(once, [] {
        for (const auto& p : PluginRegistry::instance().loadPlugins(defaultPluginFolders()))
            if (!p.error.empty())
                failures.push_back(p);
    });
    return failures;
}

} // namespace cisterna
