#include "Command.h"

#include "core/plugin/PluginRegistry.h"

#include <iostream>

namespace cisterna::cli {
namespace {

class FormatsCommand final : public Command {
public:
    void setup(CLI::App& app) override {
        subcommand =
            app.add_subcommand("formats", "List file formats, segmentation tools and plugins");
    }

    void run() override {
        auto& registry = PluginRegistry::instance();
        std::cout << "File formats:\n";
        for (const auto& f : registry.formats()) {
            std::string extensions;
            for (const auto& e : f->extensions())
                extensions += " " + e;
            std::cout << "  " << f->name() << ":" << extensions << "  - " << f->description()
                      << "\n";
        }
        std::cout << "Segmentation tools:\n";
        for (const auto& t : registry.tools())
            std::cout << "  " << t->name() << "  - " << t->description() << "\n";
        std::cout << "Plugins:\n";
        const auto plugins = registry.loadedPlugins();
        if (plugins.empty())
            std::cout << "  (none found in the plugin folders)\n";
        for (const auto& p : plugins)
            std::cout << "  " << p.file.string() << (p.error.empty() ? "" : "  FAILED: " + p.error)
                      << "\n";
    }
};

} // namespace

std::unique_ptr<Command> makeFormatsCommand() {
    return std::make_unique<FormatsCommand>();
}

} // namespace cisterna::cli
