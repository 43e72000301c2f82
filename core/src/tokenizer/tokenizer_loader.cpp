// SPDX-License-Identifier: GPL-3.0-or-later
// Picks the tokenizer implementation for a folder or file.
#include "layercut/error.h"
#include "layercut/tokenizer.h"
#include "tokenizer/byte_level_bpe_tokenizer.h"
#include "tokenizer/sentencepiece_tokenizer.h"

namespace lc {

std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path &path)
{
    namespace fs = std::filesystem;
    if (!fs::exists(path))
        throw Error("'" + path.string() + "': no such file or folder");
    const fs::path folder = fs::is_directory(path) ? path : path.parent_path();
    const SpecialTokenRules rules = SpecialTokenRules::fromFile(folder / "tokenizer_config.json");
    if (!fs::is_directory(path)) {
        if (path.extension() == ".json")
            return std::make_unique<ByteLevelBpeTokenizer>(path, rules);
        return std::make_unique<SentencePieceTokenizer>(path, rules);
    }
    const fs::path json = folder / "tokenizer.json", model = folder / "tokenizer.model";
    // Llama 2 folders ship both; its tokenizer.json is not byte-level, so the sentencepiece model runs.
    if (fs::exists(json) && (ByteLevelBpeTokenizer::isByteLevelBpe(json) || !fs::exists(model)))
        return std::make_unique<ByteLevelBpeTokenizer>(json, rules);
    if (fs::exists(model))
        return std::make_unique<SentencePieceTokenizer>(model, rules);
    throw Error("'" + folder.string() + "': no tokenizer.json or tokenizer.model");
}

}  // namespace lc
