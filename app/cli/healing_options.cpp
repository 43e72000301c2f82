// SPDX-License-Identifier: GPL-3.0-or-later
#include "healing_options.h"

#include "cli_output.h"
#include "layercut/error.h"

namespace lc::cli {

HealingConfig HealingArgs::resolved() const
{
    HealingConfig c = config;
    c.method = parseHealingMethod(method);
    c.quantization = parseQuantization(quant);
    c.doubleQuantization = !noDoubleQuant;
    c.schedule = parseSchedule(schedule);
    c.activationCheckpointing = !noCheckpointing;
    c.validationData = valData;
    if (targets == "ffn")
        c.targetModules = ffnModules();
    else if (targets == "all")
        c.targetModules = allLinearModules();
    else
        c.targetModules = splitComma(targets);  // module names, validated with the rest by HealingConfig::validate
    if (!betas.empty()) {
        const std::vector<std::string> parts = splitComma(betas);
        try {
            size_t used1 = 0, used2 = 0;
            if (parts.size() != 2)
                throw std::invalid_argument(betas);
            c.beta1 = std::stod(parts[0], &used1);
            c.beta2 = std::stod(parts[1], &used2);
            if (used1 != parts[0].size() || used2 != parts[1].size())
                throw std::invalid_argument(betas);
        } catch (const std::exception &) {
            throw Error("betas: '" + betas + "' is not two numbers BETA1,BETA2");
        }
    }
    if (!trainBlocks.empty())
        c.trainBlocks = parseIdList(trainBlocks, "--train-blocks");
    if (!alphaGiven)
        c.alpha = static_cast<double>(c.rank);  // the paper: alpha = r
    return c;
}

void addHealingOptions(CLI::App *cmd, HealingArgs &a, const std::string &prefix)
{
    HealingConfig &c = a.config;
    const auto name = [&prefix](const char *option) { return "--" + prefix + option; };
    cmd->add_option(name("method"), a.method,
                    "lora (adapters), partial (final norm, lm_head, last k blocks), full, or blocks (only the "
                    "blocks of " +
                        name("train-blocks") + ", by default those `expand` inserted: knowledge injection)")
        ->check(CLI::IsMember({"lora", "partial", "full", "blocks"}))
        ->capture_default_str();
    cmd->add_option(name("quant"), a.quant, "Base weights under LoRA: nf4 (QLoRA) or none")
        ->check(CLI::IsMember({"nf4", "none"}))
        ->capture_default_str();
    cmd->add_flag(name("no-double-quant"), a.noDoubleQuant, "Keep NF4 scales in float32");
    cmd->add_option(name("targets"), a.targets,
                    "LoRA targets: ffn (gate/up/down, the paper's), all (every linear layer), or module names, "
                    "comma-separated")
        ->capture_default_str();
    cmd->add_option(name("rank"), c.rank, "LoRA rank")->capture_default_str();
    cmd->add_option(name("alpha"), c.alpha, "LoRA alpha (default: the rank)")->each([&a](const std::string &) {
        a.alphaGiven = true;
    });
    cmd->add_option(name("dropout"), c.dropout, "LoRA dropout")->capture_default_str();
    cmd->add_option(name("last-layers"), c.trainLastLayers, "partial: the last k kept blocks that train")
        ->capture_default_str();
    cmd->add_option(name("train-blocks"), a.trainBlocks,
                    "blocks: the model's blocks that train, 0-based, comma-separated (default: those its "
                    "layercut.json marks inserted)");
    cmd->add_option(name("batch"), c.batchSize, "Sequences per optimizer step (global batch)")->capture_default_str();
    cmd->add_option(name("micro-batch"), c.microBatchSize,
                    "Sequences per forward pass (gradient accumulation makes up " + name("batch") + ")")
        ->capture_default_str();
    cmd->add_option(name("seq-len"), c.sequenceLength, "Tokens per packed sequence")->capture_default_str();
    cmd->add_option(name("lr"), c.learningRate, "Peak learning rate")->capture_default_str();
    cmd->add_option_function<int64_t>(
        name("warmup"), [&c](int64_t steps) { c.warmupSteps = steps; },
        "Linear warmup steps, fewer than " + name("steps") +
            "; default: 2% of the steps, at least 1 (the paper: 100 of 5000)");
    cmd->add_option(name("schedule"), a.schedule, "cosine or constant after warmup")
        ->check(CLI::IsMember({"cosine", "constant"}))
        ->capture_default_str();
    cmd->add_option(name("weight-decay"), c.weightDecay, "AdamW weight decay")->capture_default_str();
    cmd->add_option(name("betas"), a.betas, "AdamW's BETA1,BETA2 (default: 0.9,0.999)");
    cmd->add_option(name("epsilon"), c.epsilon, "AdamW's epsilon")->capture_default_str();
    cmd->add_option(name("clip"), c.maxGradNorm, "Gradient clipping norm (0: off)")->capture_default_str();
    cmd->add_flag(name("no-checkpointing"), a.noCheckpointing,
                  "Keep activations instead of recomputing each block (faster, more memory)");
    cmd->add_option(name("val-data"), a.valData, "Validation text (default: documents of the training data, held out)");
    cmd->add_option(name("val-sequences"), c.validationSequences, "Sequences the validation loss averages over")
        ->capture_default_str();
}

}  // namespace lc::cli
