// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmark_options.h"

#include "layercut/error.h"

namespace lc::cli {

void BenchmarkArgs::applyTo(EvalOptions &o) const
{
    o.mmlu = mmlu;
    o.boolq = boolq;
    o.gsm8k = gsm8k;
    o.gsm8kTrain = gsm8kTrain;
    o.validationData = valData;
    if (o.mmlu.empty() && o.boolq.empty() && o.gsm8k.empty() && o.validationData.empty())
        throw Error("nothing to measure: give --mmlu, --boolq, --gsm8k or --val-data");
    if (o.gsm8k.empty() && !o.gsm8kTrain.empty())
        throw Error("--gsm8k-train gives GSM8K's few-shot examples: give --gsm8k too");
}

void addBenchmarkOptions(CLI::App *cmd, BenchmarkArgs &a, EvalOptions &o)
{
    cmd->add_option("--mmlu", a.mmlu, "MMLU: the release folder (or its data/) or a JSON Lines file like cais/mmlu");
    cmd->add_option("--boolq", a.boolq, "BoolQ JSON Lines (original or super_glue)");
    cmd->add_option("--gsm8k", a.gsm8k, "GSM8K test JSON Lines (question, answer): greedy generation, exact match");
    cmd->add_option("--gsm8k-train", a.gsm8kTrain,
                    "GSM8K problems whose first k are the few-shot examples (default: the --gsm8k file's first k, "
                    "then not scored)");
    cmd->add_option("--gsm8k-shots", o.gsm8kShots, "GSM8K few-shot examples")->capture_default_str();
    cmd->add_option("--max-new-tokens", o.maxNewTokens, "Tokens generated per GSM8K question at most")
        ->capture_default_str();
    cmd->add_option("--generation-batch", o.generationBatch, "GSM8K questions generated together")
        ->capture_default_str();
    cmd->add_option("--val-data", a.valData, "Text for the held-out loss (also reported divided by ln V)");
    cmd->add_option("--shots", o.shots, "MMLU few-shot examples (the first k dev rows)")->capture_default_str();
    cmd->add_option("--boolq-shots", o.boolqShots, "BoolQ few-shot examples (the file's first k rows, then not scored)")
        ->capture_default_str();
    cmd->add_option("--limit", o.limit, "Questions per MMLU subject, of BoolQ and of GSM8K (0: all)")
        ->capture_default_str();
    cmd->add_option("--loss-samples", o.lossSequences, "Documents for the held-out loss")->capture_default_str();
    cmd->add_option("--loss-length", o.lossLength, "Tokens per document for the held-out loss")->capture_default_str();
}

}  // namespace lc::cli
