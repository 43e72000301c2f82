// SPDX-License-Identifier: GPL-3.0-or-later
// The healing settings shared by `heal` (--rank, --lr, ...) and `sweep` (the same with a heal- prefix:
// --heal-rank, --heal-lr, ...), so that a sweep's points can heal exactly as a heal run does.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "layercut/healing.h"

namespace lc::cli {

struct HealingArgs
{
    HealingConfig config;  // the numbers, bound to their options directly
    std::string method = "lora", quant = "nf4", targets = "ffn", schedule = "cosine", betas, valData, trainBlocks;
    bool noDoubleQuant = false, noCheckpointing = false, alphaGiven = false;

    /** `config` with the named options applied, and alpha = rank unless given; throws lc::Error for a bad value. */
    HealingConfig resolved() const;
};

/**
 * Registers the healing options under `prefix` ("" for heal, "heal-" for sweep): method, quant,
 * no-double-quant, targets, rank, alpha, dropout, last-layers, train-blocks, seq-len, batch, micro-batch, lr,
 * warmup, schedule, weight-decay, betas, epsilon, clip, no-checkpointing, val-data, val-sequences. The steps,
 * the training data, the seed and the outputs are each command's own.
 */
void addHealingOptions(CLI::App *cmd, HealingArgs &args, const std::string &prefix);

}  // namespace lc::cli
