// SPDX-License-Identifier: GPL-3.0-or-later
// Picks the tokenizer implementation for a folder or file.
#include "layercut/error.h"
#include "layercut/tokenizer.h"
#include "tokenizer/bpe_tokenizer.h"
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
            return std::make_unique<BpeTokenizer>(path, rules);
        return std::make_unique<SentencePieceTokenizer>(path, rules);
    }
    const fs::path json = folder / "tokenizer.json", model = folder / "tokenizer.model";
    // tokenizer.json first, as transformers' fast tokenizers do (Llama 2 and Mistral folders ship both, and
    // both give the same ids); tokenizer.model when tokenizer.json cannot run, saying why in kind().
    if (!fs::exists(json) && !fs::exists(model))
        throw Error("'" + folder.string() + "': no tokenizer.json or tokenizer.model");
    if (!fs::exists(model))
        return std::make_unique<BpeTokenizer>(json, rules);
    std::string note;
    if (fs::exists(json)) {
        try {
            return std::make_unique<BpeTokenizer>(json, rules);
        } catch (const Error &e) {
            note = "; tokenizer.json not used: " + std::string(e.what());
        }
    }
    return std::make_unique<SentencePieceTokenizer>(model, rules, note);
}

}  // namespace lc
