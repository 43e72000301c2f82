// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer_config.json beside a real tokenizer.json: the BOS/EOS rules and the special tokens they name.
#include "fuzz_target.h"
#include "tokenizer_round_trip.h"

namespace {

const std::filesystem::path &tokenizerFolder()
{
    static const std::filesystem::path folder = [] {
        const auto dir = lc::fuzz::scratchFolder() / "tokenizer";
        std::filesystem::create_directories(dir);
        std::filesystem::create_symlink(lc::fuzz::fixture("models/llama3_gqa_sharded/tokenizer.json"),
                                        dir / "tokenizer.json");
        return dir;
    }();
    return folder;
}

void parseTokenizerConfig(const uint8_t *data, size_t size)
{
    const auto folder = tokenizerFolder();
    lc::fuzz::writeScratchFile("tokenizer/tokenizer_config.json", data, size);
    lc::fuzz::expectCleanFailure("tokenizer_config.json", lc::fuzz::asText(data, size), [&] {
        const auto tokenizer = lc::loadTokenizer(folder);
        lc::fuzz::exerciseTokenizer(*tokenizer, "tokenizer.json", data, size);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(tokenizer_config, parseTokenizerConfig)
