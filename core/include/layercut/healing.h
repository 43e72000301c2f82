// SPDX-License-Identifier: GPL-3.0-or-later
// Healing a pruned model: QLoRA (NF4 base + LoRA adapters), LoRA on the dense base, partial fine-tuning
// of the last blocks, or full fine-tuning, with live loss curves, checkpoints and resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "layercut/document_ids.h"
#include "layercut/model_export.h"
#include "layercut/progress.h"

namespace lc {

class ModelSession;
struct ModelConfig;

/** What trains. */
enum class HealingMethod {
    Lora,           // LoRA adapters on a frozen base (NF4-quantised: QLoRA; or dense)
    PartialLayers,  // the final norm, lm_head and the last k kept blocks ("Reassessing Layer Pruning")
    Full,           // every weight, embeddings included (used to train the demo model)
    Blocks,         // chosen blocks only, full rank, all else frozen: knowledge injection into inserted blocks
};
enum class BaseQuantization { None, Nf4 };
enum class LrSchedule { Cosine, Constant };

/** "lora", "partial", "full", "blocks"; parse throws lc::Error for anything else. Likewise for the other enums. */
std::string healingMethodName(HealingMethod method);
HealingMethod parseHealingMethod(const std::string &name);
std::string quantizationName(BaseQuantization quant);  // "none", "nf4"
BaseQuantization parseQuantization(const std::string &name);
std::string scheduleName(LrSchedule schedule);  // "cosine", "constant"
LrSchedule parseSchedule(const std::string &name);

/** The projections LoRA can target, in PEFT's module names. */
const std::vector<std::string> &ffnModules();        // gate_proj, up_proj, down_proj (the paper's)
const std::vector<std::string> &allLinearModules();  // q, k, v, o, gate, up, down

/**
 * Everything a healing run needs. Defaults are Gromov et al.'s healing setup (method.md §2.4): QLoRA with
 * NF4 + double quantisation, rank 64, alpha = rank, dropout 0.05 on the FFN projections, AdamW, cosine
 * schedule with 100 warmup steps, peak learning rate 3e-4, global batch 16 of 2048 tokens, 5000 steps.
 * Unless set, the warmup keeps the paper's proportion (2% of the steps) for runs of any length.
 */
struct HealingConfig
{
    // data
    std::filesystem::path trainData;       // text, JSON Lines or C4 .json.gz; documents packed into blocks
    std::filesystem::path validationData;  // optional; without it a held-out tail of trainData is used
    int64_t sequenceLength = 2048;         // tokens per packed block
    int64_t validationSequences = 32;      // blocks the validation loss averages over
    // method
    HealingMethod method = HealingMethod::Lora;
    BaseQuantization quantization = BaseQuantization::Nf4;
    bool doubleQuantization = true;  // quantise the NF4 absmax scales again (8-bit, blocks of 256)
    int64_t rank = 64;
    double alpha = 64;      // scale = alpha / rank
    double dropout = 0.05;  // on the LoRA branch's input only, as peft does
    std::vector<std::string> targetModules = ffnModules();
    int64_t trainLastLayers = 3;  // PartialLayers: k
    // Blocks: the loaded model's blocks that train (0-based, as its checkpoint numbers them); empty: the blocks
    // its layercut.json marks inserted (an `expand` export), as LLaMA Pro and Llama SLayer train them.
    std::vector<int64_t> trainBlocks;
    // optimisation
    int64_t steps = 5000;
    int64_t batchSize = 16;      // sequences per optimizer step (global batch)
    int64_t microBatchSize = 1;  // sequences per forward pass; batchSize / microBatchSize accumulate
    double learningRate = 3e-4;
    std::optional<int64_t> warmupSteps;  // linear warmup; unset: automatic, see effectiveWarmupSteps()
    LrSchedule schedule = LrSchedule::Cosine;
    double weightDecay = 0.0;
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    double maxGradNorm = 1.0;             // 0 disables clipping
    bool activationCheckpointing = true;  // recompute each block in the backward pass
    uint64_t seed = 0;                    // data order, LoRA initialisation, dropout
    // monitoring and outputs
    int64_t evalEvery = 100;           // steps between validation losses (0: only at the end)
    int64_t checkpointEvery = 0;       // steps between checkpoints (0: only the last one)
    std::filesystem::path outputDir;   // adapters, loss.csv, healing.json, checkpoints/; empty: none
    std::filesystem::path resumeFrom;  // a checkpoint folder of an earlier run with the same settings
    /**
     * When outputDir holds another run's checkpoints or adapters (and resumeFrom is not one of its
     * checkpoints), healModel() refuses unless this is set; then, once the run is prepared to start, the
     * files LayerCut wrote there (checkpoints/step-*, the adapter files, healing.json, loss.csv,
     * layercut.json, trained_documents.txt) are removed first. Nothing else in the folder is touched.
     */
    bool overwriteOutput = false;

    /** Gradient accumulation steps; throws lc::Error when batchSize is not a multiple of microBatchSize. */
    int64_t accumulationSteps() const;
    /**
     * The warmup the schedule uses: warmupSteps when set, else the paper's proportion (100 of 5000 steps:
     * 2%, rounded) with at least 1 step, and always fewer steps than the run has (a 1-step run: none), so
     * that a short run (a sweep's point, a quick test) leaves the warmup and trains at its peak rate.
     */
    int64_t effectiveWarmupSteps() const;
    /** Throws lc::Error naming the first setting that is out of range (an explicit warmup must be shorter than the run). */
    void validate() const;
};

/** The learning rate at optimizer step `step` (0-based): linear warmup, then cosine to 0 or constant. */
double learningRateAt(const HealingConfig &config, int64_t step);

/** The paper's per-model settings where Gromov et al. deviated from the defaults, if this looks like one. */
struct HealingHint
{
    std::string text;  // English, e.g. "Gromov et al. healed Llama-2-7B with rank 2"
    std::optional<int64_t> rank;
    std::optional<double> learningRate;
    std::optional<int64_t> sequenceLength;
};
std::optional<HealingHint> paperHealingHint(const ModelConfig &config);

/** One optimizer step's numbers, as the live chart plots them. */
struct HealingStep
{
    int64_t step = 0;  // 1-based: steps done
    int64_t totalSteps = 0;
    double trainLoss = 0.0;     // mean token cross-entropy over the global batch
    double learningRate = 0.0;  // used for this step
    double gradNorm = 0.0;      // before clipping
    int64_t tokens = 0;         // trained so far in this run (resumed runs count from the resume)
    double seconds = 0.0;       // elapsed in this run, pauses excluded
    double tokensPerSecond = 0.0;
    int64_t memoryBytes = 0;      // accelerator memory allocated now, over all the model's GPUs (0 on the CPU)
    int64_t peakMemoryBytes = 0;  // and its peak since training began (after quantisation), summed likewise
    /**
     * Estimated seconds to the end of the run, pauses excluded: the steps still to go at this run's mean
     * step time, plus the validation passes still to come (after this step, every evalEvery-th step and the
     * last) at their mean measured duration. `seconds` counts the steps only, so seconds / steps done ×
     * steps left underestimates a run that validates often. 0 for steps read back from a checkpoint.
     */
    double secondsLeft = 0.0;
};

struct ValidationPoint
{
    int64_t step = 0;
    double loss = 0.0;
    int64_t tokens = 0;
};

struct HealingResult;

struct HealingCallbacks
{
    /** The model is ready and the first step begins; `history` holds a resumed run's earlier curves. */
    std::function<void(int64_t trainableParameters, const HealingResult &history)> started;
    std::function<void(const HealingStep &)> stepFinished;
    std::function<void(const ValidationPoint &)> validated;
    /**
     * Every stage before the first step and the slow ones after it: Stage::ReadingData (bytes of each
     * file), Stage::TokenizingTrainingData, Stage::TokenizingValidationData (documents), Stage::Quantizing
     * (NF4, kept layers done) or Stage::AttachingAdapters (LoRA on a base that needs no quantising),
     * Stage::Validating (validation blocks done; before the first step and at every validation) and
     * Stage::WritingCheckpoint.
     */
    ProgressFn progress;
    std::function<bool()> paused;  // polled between steps; while true the run waits (stop still works)
};

struct HealingResult
{
    std::vector<HealingStep> steps;  // every step of the run, resumed history included
    std::vector<ValidationPoint> validation;
    int64_t trainableParameters = 0;
    int64_t trainTokens = 0;               // packed tokens available for training
    int64_t trainDocuments = 0;            // distinct documents those tokens come from
    std::string validationSource;          // the file the validation loss is measured on (empty: none)
    int64_t validationDocuments = 0;       // its documents in the validation blocks, none of them trained on
    int64_t validationExcluded = 0;        // candidates left out because the training data holds them too
    bool cancelled = false;                // stopped before the last step; the model keeps what it learnt
    std::filesystem::path adapterDir;      // PEFT adapter folder (LoRA), or empty
    std::filesystem::path lastCheckpoint;  // or empty
};

/**
 * Heals the model loaded in `session` as it is pruned now: prepares the data, quantises and wraps the
 * kept layers (LoRA) or unfreezes weights (partial, full, blocks), and trains on the session's device in its
 * compute dtype. Afterwards the session's model carries what was learnt (forward passes, losses and
 * exportHealedModel() see it). The session must hold a model as loaded, not healed before; reload it
 * to heal again. Throws lc::Error for bad settings or data (naming the file), for an output folder that
 * holds another run (see overwriteOutput), and for running out of accelerator memory with a suggestion.
 * When `stop` fires while the data is prepared or the base quantised, lc::Cancelled is thrown; once the run
 * has started, it ends within half a block of the current pass (forward, backward or validation), drops
 * the half-accumulated step, writes what it has (loss.csv, a checkpoint when an output folder is set) and
 * returns cancelled = true.
 */
HealingResult healModel(ModelSession &session, const HealingConfig &config, const HealingCallbacks &callbacks = {},
                        std::stop_token stop = {});

/**
 * What an earlier run left in config.outputDir, when a run with `config` would not resume from it:
 * checkpoints, adapters and its summary, as "checkpoints/step-000010 … step-000050 (5),
 * adapter_model.safetensors"; empty when there is nothing (loss.csv, layercut.json and the trained
 * documents alone mark no run: every run rewrites them). healModel() refuses such a folder unless
 * config.overwriteOutput is set: the GUI asks first.
 */
std::string earlierHealingRun(const HealingConfig &config);

/**
 * The documents a healing run with `config` on the session's model would train on (its data read and
 * packed as healModel() does, nothing trained): a sweep leaves them out of every point's loss, healed or
 * not, so its points compare like with like.
 */
DocumentIds healingTrainingDocuments(const ModelSession &session, const HealingConfig &config,
                                     const ProgressFn &progress = {}, std::stop_token stop = {});

/** True when the session's model has been healed (adapters attached, base quantised or weights trained). */
bool isHealed(const ModelSession &session);

/** Writes loss.csv (step, train_loss, val_loss, lr) for a run's curves; atomic. */
void writeLossCsv(const std::filesystem::path &path, const std::vector<HealingStep> &steps,
                  const std::vector<ValidationPoint> &validation);

/**
 * Writes the healed model: the checkpoint's tensors with the session's prune plan, where every adapted
 * projection is W + (alpha/r)·B·A computed from the checkpoint's own weight (not its NF4 copy), and every
 * trained weight (partial/full) is the trained one. Otherwise as exportPrunedModel(); layercut.json also
 * records the healing settings.
 */
ExportResult exportHealedModel(ModelSession &session, const std::filesystem::path &target,
                               const ExportOptions &options = {}, const ProgressFn &progress = {},
                               std::stop_token stop = {});

/** Writes the LoRA adapters in PEFT's layout (adapter_config.json, adapter_model.safetensors) for the pruned model. */
void writePeftAdapter(const ModelSession &session, const std::filesystem::path &folder);

}  // namespace lc
