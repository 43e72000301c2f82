// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json: the model, merges, added tokens, normalizer, pre-tokenizer and post-processor, then encoding.
#include "fuzz_target.h"
#include "tokenizer_round_trip.h"

namespace {

void parseTokenizerJson(const uint8_t *data, size_t size)
{
    const auto path = lc::fuzz::writeScratchFile("tokenizer.json", data, size);
    lc::fuzz::expectCleanFailure("tokenizer.json", lc::fuzz::asText(data, size), [&] {
        const auto tokenizer = lc::loadTokenizer(path);
        lc::fuzz::exerciseTokenizer(*tokenizer, "tokenizer.json", data, size);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(tokenizer_json, parseTokenizerJson)
