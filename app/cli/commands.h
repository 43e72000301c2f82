// SPDX-License-Identifier: GPL-3.0-or-later
// Each layercut-cli subcommand registers its options on the app and returns the action to run.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace lc::cli {

using Action = std::function<void()>;

/** --device's help, the same for every command that loads a model. */
inline constexpr const char *kDeviceHelp =
    "cpu, cuda or cuda:N; or several GPUs, cuda:0,cuda:1 (the blocks spread over them by free memory)";

void addInfoCommand(CLI::App &app, Action &action);
void addTokenizeCommand(CLI::App &app, Action &action);
void addForwardCommand(CLI::App &app, Action &action);
void addDistancesCommand(CLI::App &app, Action &action);
void addPruneCommand(CLI::App &app, Action &action);
void addExpandCommand(CLI::App &app, Action &action);
void addHealCommand(CLI::App &app, Action &action);
void addEvalCommand(CLI::App &app, Action &action);
void addGenerateCommand(CLI::App &app, Action &action);
void addSweepCommand(CLI::App &app, Action &action);

}  // namespace lc::cli
