// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run small enough for the CPU, shared by the session, window and project suites.
#pragma once

#include <filesystem>

#include "layercut/healing.h"

/** QLoRA rank 4 on the tiny corpus: `steps` steps of 2 × 32 tokens, validated every 4; `outputDir` empty: nothing written. */
inline lc::HealingConfig tinyHealing(const std::filesystem::path &outputDir = {}, int64_t steps = 8)
{
    lc::HealingConfig c;
    c.method = lc::HealingMethod::Lora;
    c.quantization = lc::BaseQuantization::Nf4;
    c.rank = 4;
    c.alpha = 8;
    c.steps = steps;
    c.batchSize = 2;
    c.microBatchSize = 1;
    c.sequenceLength = 32;
    c.evalEvery = 4;
    c.warmupSteps = 2;
    c.trainData = LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt";
    c.outputDir = outputDir;
    return c;
}
