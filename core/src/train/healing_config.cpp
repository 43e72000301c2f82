// SPDX-License-Identifier: GPL-3.0-or-later
// The torch-free half of healing: names, settings checks, the learning-rate schedule, the paper's
// per-model hints and the loss table.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/model_config.h"

namespace lc {
namespace {

template <typename E>
E parseName(const std::string &name, const std::map<std::string, E> &names, const char *what)
{
    const auto it = names.find(name);
    if (it != names.end())
        return it->second;
    std::string valid;
    for (const auto &[n, _] : names)
        valid += (valid.empty() ? "" : ", ") + n;
    throw Error("unknown " + std::string(what) + " '" + name + "' (valid: " + valid + ")");
}

}  // namespace

std::string healingMethodName(HealingMethod method)
{
    switch (method) {
    case HealingMethod::Lora: return "lora";
    case HealingMethod::PartialLayers: return "partial";
    case HealingMethod::Full: return "full";
    case HealingMethod::Blocks: return "blocks";
    }
    return "lora";
}

HealingMethod parseHealingMethod(const std::string &name)
{
    return parseName<HealingMethod>(name,
                                    {{"lora", HealingMethod::Lora},
                                     {"partial", HealingMethod::PartialLayers},
                                     {"full", HealingMethod::Full},
                                     {"blocks", HealingMethod::Blocks}},
                                    "healing method");
}

std::string quantizationName(BaseQuantization quant)
{
    return quant == BaseQuantization::Nf4 ? "nf4" : "none";
}

BaseQuantization parseQuantization(const std::string &name)
{
    return parseName<BaseQuantization>(name, {{"nf4", BaseQuantization::Nf4}, {"none", BaseQuantization::None}},
                                       "quantization");
}

std::string scheduleName(LrSchedule schedule)
{
    return schedule == LrSchedule::Cosine ? "cosine" : "constant";
}

LrSchedule parseSchedule(const std::string &name)
{
    return parseName<LrSchedule>(name, {{"cosine", LrSchedule::Cosine}, {"constant", LrSchedule::Constant}},
                                 "learning-rate schedule");
}

const std::vector<std::string> &ffnModules()
{
    static const std::vector<std::string> m = {"gate_proj", "up_proj", "down_proj"};
    return m;
}

const std::vector<std::string> &allLinearModules()
{
    static const std::vector<std::string> m = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                               "gate_proj", "up_proj", "down_proj"};
    return m;
}

int64_t HealingConfig::accumulationSteps() const
{
    if (microBatchSize <= 0 || batchSize <= 0 || batchSize % microBatchSize != 0)
        throw Error("the batch size (" + std::to_string(batchSize) +
                    ") must be a positive multiple of the micro-batch size (" + std::to_string(microBatchSize) + ")");
    return batchSize / microBatchSize;
}

int64_t HealingConfig::effectiveWarmupSteps() const
{
    if (warmupSteps)
        return *warmupSteps;
    // Gromov et al. warm up for 100 of their 5000 steps: 2%.
    const int64_t proportional = std::max<int64_t>(1, std::llround(0.02 * static_cast<double>(steps)));
    return std::min(proportional, std::max<int64_t>(0, steps - 1));
}

void HealingConfig::validate() const
{
    const auto require = [](bool ok, const std::string &message) {
        if (!ok)
            throw Error(message);
    };
    require(!trainData.empty(), "no training data file is set");
    require(sequenceLength >= 2, "the sequence length must be at least 2 tokens");
    require(steps >= 1, "the number of steps must be at least 1");
    accumulationSteps();
    require(learningRate > 0 && std::isfinite(learningRate), "the learning rate must be positive");
    require(!warmupSteps || *warmupSteps >= 0, "warmup steps cannot be negative");
    if (warmupSteps && *warmupSteps >= steps) {
        // transformers would accept it and never reach the peak learning rate: the run would barely train.
        HealingConfig automatic = *this;
        automatic.warmupSteps.reset();
        throw Error("the warmup of " + std::to_string(*warmupSteps) + " steps is not shorter than the run of " +
                    std::to_string(steps) +
                    " steps, so the learning rate would never reach its peak: give fewer "
                    "warmup steps, or leave the warmup unset for 2% of the steps (" +
                    std::to_string(automatic.effectiveWarmupSteps()) + " here)");
    }
    require(weightDecay >= 0, "weight decay cannot be negative");
    require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam's betas must lie in [0, 1)");
    require(epsilon > 0, "Adam's epsilon must be positive");
    require(maxGradNorm >= 0, "the gradient clipping norm cannot be negative (0 turns clipping off)");
    require(evalEvery >= 0 && checkpointEvery >= 0, "evaluation and checkpoint intervals cannot be negative");
    require(validationSequences >= 1, "at least one validation sequence is needed");
    if (method == HealingMethod::Lora) {
        require(rank >= 1, "the LoRA rank must be at least 1");
        require(alpha > 0, "LoRA alpha must be positive");
        require(dropout >= 0 && dropout < 1, "LoRA dropout must lie in [0, 1)");
        require(!targetModules.empty(), "LoRA needs at least one target module");
        for (const std::string &m : targetModules)
            require(std::find(allLinearModules().begin(), allLinearModules().end(), m) != allLinearModules().end(),
                    "unknown LoRA target module '" + m +
                        "' (valid: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
    }
    if (method == HealingMethod::PartialLayers)
        require(trainLastLayers >= 0, "the number of last blocks to train cannot be negative");
    for (const int64_t b : trainBlocks)
        require(b >= 0, "a block to train cannot be negative (" + std::to_string(b) + ")");
}

double learningRateAt(const HealingConfig &config, int64_t step)
{
    // transformers' get_cosine_schedule_with_warmup / get_constant_schedule_with_warmup, indexed as its
    // LambdaLR is: the first optimizer step uses step 0 (a learning rate of 0 when there is warmup).
    const auto s = static_cast<double>(step);
    const int64_t warmupSteps = config.effectiveWarmupSteps();
    const auto warmup = static_cast<double>(warmupSteps);
    if (step < warmupSteps)
        return config.learningRate * s / std::max(1.0, warmup);
    if (config.schedule == LrSchedule::Constant)
        return config.learningRate;
    const double progress = (s - warmup) / std::max(1.0, static_cast<double>(config.steps) - warmup);
    return config.learningRate * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
}

std::optional<HealingHint> paperHealingHint(const ModelConfig &config)
{
    // Gromov et al., App. A.1 / B.3: ranks and learning rates chosen by sweeps for three models, and
    // sequences of 4096 tokens for models of 13B and more (40 or more blocks here).
    const bool llama2Vocab = config.vocabSize == 32000;
    if (config.family == ModelFamily::Llama && llama2Vocab && config.numLayers == 32 && config.hiddenSize == 4096)
        return HealingHint{
            "Gromov et al. healed Llama-2-7B with LoRA rank 2 (their rank sweep), peak learning rate 3e-4, "
            "2048-token sequences.",
            2, 3e-4, 2048};
    if (config.family == ModelFamily::Mistral && config.numLayers == 32 && config.hiddenSize == 4096)
        return HealingHint{
            "Gromov et al. healed Mistral-7B with LoRA rank 4 and a peak learning rate of 3e-6 (their sweeps).", 4,
            3e-6, 2048};
    if (config.family == ModelFamily::Llama && llama2Vocab && config.numLayers == 80)
        return HealingHint{
            "Gromov et al. healed Llama-2-70B with LoRA rank 8, peak learning rate 3e-5, 4096-token sequences.", 8,
            3e-5, 4096};
    if (config.numLayers >= 40)
        return HealingHint{"Gromov et al. healed models of 13B parameters and more with 4096-token sequences.",
                           std::nullopt, std::nullopt, 4096};
    return std::nullopt;
}

void writeLossCsv(const std::filesystem::path &path, const std::vector<HealingStep> &steps,
                  const std::vector<ValidationPoint> &validation)
{
    // One row per step; a validation before training (step 0) gets a row without a training loss.
    std::map<int64_t, std::pair<const HealingStep *, const ValidationPoint *>> rows;
    for (const HealingStep &s : steps)
        rows[s.step].first = &s;
    for (const ValidationPoint &v : validation)
        rows[v.step].second = &v;
    std::ostringstream out;
    out.precision(9);
    out << "step,train_loss,val_loss,lr\n";
    for (const auto &[step, row] : rows) {
        out << step << ',';
        if (row.first)
            out << row.first->trainLoss;
        out << ',';
        if (row.second)
            out << row.second->loss;
        out << ',';
        if (row.first)
            out << row.first->learningRate;
        out << '\n';
    }
    writeFileAtomically(path, out.str());
}

}  // namespace lc
