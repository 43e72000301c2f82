// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli info MODEL_DIR: the checkpoint's summary, read without loading weights.
#include "cli_output.h"
#include "commands.h"

namespace lc::cli {

void addInfoCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand("info", "Summarise a Hugging Face model folder (family, layers, sizes, dtype)");
    auto folder = std::make_shared<std::string>();
    cmd->add_option("MODEL_DIR", *folder, "Model folder with config.json and safetensors")->required();
    cmd->callback([&action, folder] { action = [folder] { printJson(infoJson(ModelSession::inspect(*folder))); }; });
}

}  // namespace lc::cli
