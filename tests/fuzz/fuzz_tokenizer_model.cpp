// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.model through the sentencepiece plugin (the protobuf parser itself is libsentencepiece's, not
// instrumented; what is fuzzed is our side of the plugin and what we do with a model that loads).
#include "fuzz_target.h"
#include "tokenizer_round_trip.h"

namespace {

void parseTokenizerModel(const uint8_t *data, size_t size)
{
    const auto path = lc::fuzz::writeScratchFile("tokenizer.model", data, size);
    lc::fuzz::expectCleanFailure("tokenizer.model", lc::fuzz::asText(data, size), [&] {
        const auto tokenizer = lc::loadTokenizer(path);
        lc::fuzz::exerciseTokenizer(*tokenizer, "tokenizer.model", data, size);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(tokenizer_model, parseTokenizerModel)
