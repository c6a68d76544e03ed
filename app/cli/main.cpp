// cisterna-cli: the headless twin of every action of the desktop app, for scripts,
// tests and clusters. Exit code 0 on success; on any error a message on stderr and
// a non-zero code (1 for errors while running, 2 for wrong command-line usage, 3 when
// a job was stopped on request: Ctrl+C, SIGTERM or the app's "cancel").
#include "Command.h"
#include "WorkerMode.h"

#include "core/plugin/PluginRegistry.h"
#include "core/util/Error.h"
#include "core/util/VersionInfo.h"
#ifdef CISTERNA_HAVE_TORCH
#include "core/learning/TorchRuntime.h"
#endif

#include <iostream>

namespace {

void printVersion() {
    std::cout << "cisterna-cli " << cisterna::cisternaVersion() << "\n";
    for (const auto& line : cisterna::libraryVersions())
        std::cout << "  " << line << "\n";
#ifdef CISTERNA_HAVE_TORCH
    std::cout << "  " << cisterna::detectTorchRuntime().describe() << "\n";
#endif
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Cisterna command-line tool: volume EM IO, phantoms, evaluation and "
                 "segmentation without a display",
                 "cisterna-cli"};
    app.require_subcommand(0, 1);
    bool version = false;
    app.add_flag("--version", version, "Print the version of Cisterna and its libraries");

    for (const auto& failure : cisterna::loadDefaultPlugins())
        std::cerr << "cisterna-cli: warning: plugin " << failure.file.string()
                  << " was not loaded: " << failure.error << "\n";

    std::vector<std::unique_ptr<cisterna::cli::Command>> commands;
    commands.push_back(cisterna::cli::makeInfoCommand());
    commands.push_back(cisterna::cli::makeConvertCommand());
    commands.push_back(cisterna::cli::makePhantomCommand());
    commands.push_back(cisterna::cli::makeEvaluateCommand());
    commands.push_back(cisterna::cli::makeFormatsCommand());
    commands.push_back(cisterna::cli::makeGraphcutCommand());
    commands.push_back(cisterna::cli::makeStrokesCommand());
    commands.push_back(cisterna::cli::makePyramidCommand());
#ifdef CISTERNA_HAVE_TORCH
    commands.push_back(cisterna::cli::makeTrainCommand());
    commands.push_back(cisterna::cli::makeFinetuneCommand());
    commands.push_back(cisterna::cli::makePredictCommand());
    commands.push_back(cisterna::cli::makePostprocessCommand());
    commands.push_back(cisterna::cli::makeDevicesCommand());
#endif
    for (auto& c : commands)
        c->setup(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (version) {
        printVersion();
        return 0;
    }
    // The subcommand that runs, and whether it runs as the app's worker.
    cisterna::cli::Command* chosen = nullptr;
    for (auto& c : commands)
        if (c->subcommand && c->subcommand->parsed())
            chosen = c.get();
    if (chosen) {
        const CLI::Option* progress = chosen->subcommand->get_option_no_throw("--progress");
        if (progress && progress->count() > 0 && progress->as<std::string>() == "json")
            cisterna::cli::startWorkerMode();
    }
    // Ends the job with a message on stderr and, for the app, an error event.
    const auto fail = [](const std::string& message, bool cancelled) {
        std::cerr << "cisterna-cli: " << (cancelled ? "" : "error: ") << message << "\n";
        cisterna::WorkerEvent event;
        event.kind = cisterna::WorkerEvent::Kind::Error;
        event.message = message;
        event.cancelled = cancelled;
        cisterna::cli::emitWorkerEvent(event);
        return cancelled ? cisterna::kWorkerStopped : 1;
    };
    try {
        if (chosen) {
            chosen->run();
            return 0;
        }
    } catch (const cisterna::Cancelled& e) {
        return fail(e.what(), true);
    } catch (const std::exception& e) {
        return fail(e.what(), false);
    }
    std::cerr << app.help();
    return 2;
}
