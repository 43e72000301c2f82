// SPDX-License-Identifier: GPL-3.0-or-later
// The benchmark settings shared by `eval` and `sweep` (--mmlu, --boolq, --gsm8k, --val-data, shots, limits,
// generation length), so that a sweep's points are scored exactly as an eval run scores a model.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "layercut/evaluation.h"

namespace lc::cli {

struct BenchmarkArgs
{
    std::string mmlu, boolq, gsm8k, gsm8kTrain, valData;  // the files; the numbers bind to EvalOptions directly

    /** Sets the files into `options`; throws lc::Error when nothing is to be measured or --gsm8k-train is alone. */
    void applyTo(EvalOptions &options) const;
};

/**
 * Registers mmlu, boolq, gsm8k, gsm8k-train, gsm8k-shots, max-new-tokens, generation-batch, val-data, shots,
 * boolq-shots, limit, loss-samples and loss-length: the files into `args`, the numbers into `options`.
 */
void addBenchmarkOptions(CLI::App *cmd, BenchmarkArgs &args, EvalOptions &options);

}  // namespace lc::cli
