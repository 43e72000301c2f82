// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli tokenize TOKENIZER TEXT: ids of TEXT, without special tokens unless --add-special.
#include "cli_output.h"
#include "commands.h"
#include "layercut/tokenizer.h"

namespace lc::cli {

void addTokenizeCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand("tokenize", "Print the token ids of a text");
    struct Args
    {
        std::string tokenizer, text;
        bool addSpecial = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("TOKENIZER", args->tokenizer, "A model folder, a tokenizer.json or a tokenizer.model")->required();
    cmd->add_option("TEXT", args->text, "The text to tokenize")->required();
    cmd->add_flag("--add-special", args->addSpecial, "Add BOS/EOS as the model's tokenizer config says");
    cmd->callback([&action, args] {
        action = [args] {
            const auto tokenizer = loadTokenizer(args->tokenizer);
            nlohmann::ordered_json j;
            j["ids"] = tokenizer->encode(args->text, args->addSpecial);
            printJson(j, /*compact=*/true);
        };
    });
}

}  // namespace lc::cli
