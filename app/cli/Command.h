#pragma once
// Each subcommand of cisterna-cli is one class in its own file: it declares its
// options on a CLI11 subcommand and runs when that subcommand was chosen.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cisterna::cli {

class Command {
public:
    virtual ~Command() = default;
    // Declares the subcommand and its options on `app`; keeps the pointer.
    virtual void setup(CLI::App& app) = 0;
    // Runs the command; throws cisterna::Error (or std::exception) on failure.
    virtual void run() = 0;
    CLI::App* subcommand = nullptr;
};

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeConvertCommand();
std::unique_ptr<Command> makePhantomCommand();
std::unique_ptr<Command> makeEvaluateCommand();
std::unique_ptr<Command> makeFormatsCommand();
std::unique_ptr<Command> makeGraphcutCommand();
std::unique_ptr<Command> makeStrokesCommand();
std::unique_ptr<Command> makePyramidCommand();
// The learning commands exist when the build has LibTorch (CISTERNA_HAVE_TORCH).
std::unique_ptr<Command> makeTrainCommand();
std::unique_ptr<Command> makeFinetuneCommand();
std::unique_ptr<Command> makePredictCommand();
std::unique_ptr<Command> makePostprocessCommand();
std::unique_ptr<Command> makeDevicesCommand();

} // namespace cisterna::cli
