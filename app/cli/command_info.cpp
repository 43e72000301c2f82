// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli info MODEL_DIR: the checkpoint's summary, read without loading weights.
#include "cli_output.h"
#include "commands.h"
#include "layercut/error.h"
#include "layercut/tokenizer.h"

namespace lc::cli {

void addInfoCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand("info", "Summarise a Hugging Face model folder (family, layers, sizes, dtype)");
    auto folder = std::make_shared<std::string>();
    cmd->add_option("MODEL_DIR", *folder, "Model folder with config.json and safetensors")->required();
    cmd->callback([&action, folder] {
        action = [folder] {
            ModelInfo info = ModelSession::inspect(*folder);
            // Which tokenizer file runs, and as what (a folder may ship both): loading it says, and one that
            // cannot run says why. Only here: other callers of inspect() need no tokenizer.
            if (!info.tokenizerKind.empty()) {
                try {
                    info.tokenizerKind = loadTokenizer(*folder)->kind();
                } catch (const Error &e) {
                    info.tokenizerKind += std::string(" (cannot be used: ") + e.what() + ")";
                }
            }
            printJson(infoJson(info));
        };
    });
}

}  // namespace lc::cli
