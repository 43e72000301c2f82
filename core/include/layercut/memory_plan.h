// SPDX-License-Identifier: GPL-3.0-or-later
// Memory planning: what a job will need on the accelerator (on each GPU of a model placed over several),
// estimated from the model's config and the job's settings before anything loads, and when it will not fit,
// what would (a smaller batch, more GPUs, NF4 weights, streaming the blocks) — said up front instead of failing
// in the middle. Torch-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layercut/dtype.h"
#include "layercut/evaluation.h"
#include "layercut/healing.h"
#include "layercut/model_config.h"
#include "layercut/sweep.h"

namespace lc {

enum class MemoryJob {
    Distances,   // angular distances: forward passes keeping every layer's states of a batch
    Evaluation,  // MMLU/BoolQ scoring and the held-out loss: forward passes of batchTokens tokens
    Healing,     // training (QLoRA, LoRA, partial, full, blocks)
};
std::string memoryJobName(MemoryJob job);  // "distances", "evaluation", "healing"

/** How the job runs: the weights' format and the largest batch. */
struct MemorySetup
{
    DType dtype = DType::BFloat16;  // compute dtype: dense weights and activations
    bool nf4 = false;               // the blocks' linear weights as NF4 (QLoRA's base)
    bool doubleQuantization = true;
    int64_t layers = -1;          // blocks kept; -1: all of the config's
    int64_t sequences = 8;        // distances: sequences per forward pass
    int64_t length = 2048;        // distances: tokens per sequence; evaluation: the loss's documents and the context
    int64_t batchTokens = 16384;  // evaluation: tokens per forward pass
    bool heldOutLoss = true;      // evaluation: the held-out loss runs (whole logits of a batch)
    int64_t generationBatch = 0;  // evaluation: GSM8K prompts decoded together, each up to `length` (0: none)
    bool stream = false;          // distances --stream: blocks fetched from the checkpoint, two on the device at most
    HealingConfig healing;        // healing: method, micro-batch, length, rank, targets, checkpointing
};

/** Bytes a job needs on its device, by what they hold. */
struct MemoryEstimate
{
    int64_t weights = 0;      // embeddings, blocks and head in their formats (two blocks when streamed)
    int64_t activations = 0;  // the largest batch's forward (and backward) at its peak
    int64_t training = 0;     // trainable parameters with their float32 masters, gradients and AdamW moments
    int64_t overhead = 0;     // the allocator's slack and the kernels' workspaces

    int64_t total() const { return weights + activations + training + overhead; }
};

/**
 * The dtype a checkpoint stored as `checkpointDtype` ("bfloat16", "float16", "float32", …) computes in on a GPU
 * when none is asked for: bfloat16 and float16 as stored, anything else in float32 (ModelSession::computeDType).
 */
DType acceleratorDType(const std::string &checkpointDtype);

/** An evaluation's largest batches: tokens per pass, the held-out loss's documents, GSM8K's prompts. */
MemorySetup evaluationMemorySetup(const EvalOptions &options);

/** One job of several that must each fit. */
struct MemoryJobSetup
{
    MemoryJob job;
    MemorySetup setup;
};
/** What a sweep runs at each point: the evaluation, and healing or the probe's block training when asked. */
std::vector<MemoryJobSetup> sweepMemorySetups(const SweepOptions &options);

/** The estimate for `job` on a model of `config` run as `setup` says. Throws lc::Error for an impossible setup. */
MemoryEstimate estimateMemory(const ModelConfig &config, MemoryJob job, const MemorySetup &setup);

/**
 * The estimate per device of a model placed over `room.size()` devices as the loader places it (contiguous runs
 * of blocks in proportion to `room`, the bytes each can take: layercut/block_runs.h; the embeddings and the
 * distances' states on the first, the head and the logits on the last; each device's blocks' weights, keys and
 * values, saved activations and adapters; a block's transients and the allocator's slack on each). One entry
 * (estimateMemory's) for one device or none.
 */
std::vector<MemoryEstimate> estimateMemoryPerDevice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                                    const std::vector<int64_t> &room);

/** Every part's bytes added up over devices. */
MemoryEstimate sumOf(const std::vector<MemoryEstimate> &perDevice);

/** True when each device's estimate is within its `available` bytes. */
bool fitsMemory(const std::vector<MemoryEstimate> &perDevice, const std::vector<int64_t> &available);

/** Where a job would run: its devices and what each may use, and the machine's other GPUs a proposal may add. */
struct MemoryRoom
{
    std::vector<std::string> devices;  // as listed: "cuda:0" or "cuda:0", "cuda:1" (a model over several)
    std::vector<int64_t> available;    // bytes each may use (lc::usableMemory, within a budget)
    // How loading splits the blocks over them: each one's free memory without the budget (all 0, equal shares,
    // when one is unknown). Empty: as `available`.
    std::vector<int64_t> shares;
    std::vector<std::string> spareDevices;  // GPUs not listed, in order (lc::withSpareGpus)
    std::vector<int64_t> spareAvailable, spareShares;

    static MemoryRoom one(const std::string &device, int64_t availableBytes);
    /** The shares the blocks are split by. */
    const std::vector<int64_t> &split() const { return shares.empty() ? available : shares; }
};

/** A change to the job that makes it fit, with the estimate after it. */
struct MemoryProposal
{
    std::string change;  // what to pass instead, as the CLI spells it: "--nf4", "--batch 2", "--device cuda:0,cuda:1"
    std::string what;    // in words: "NF4 weights", "2 sequences per batch", "2 GPUs", ...
    MemorySetup setup;
    MemoryEstimate estimate;                // over all its devices
    std::vector<std::string> devices;       // where it runs: the room's devices, more GPUs, or one (streaming)
    std::vector<MemoryEstimate> perDevice;  // per entry of `devices`
};

/**
 * When the estimate exceeds what a device of `room` has: the changes that fit, the least intrusive first (a
 * smaller batch, activation checkpointing, more of the machine's GPUs (the same numbers), NF4 weights,
 * streaming), each alone and then combined. Empty when it fits or nothing does.
 */
std::vector<MemoryProposal> memoryProposals(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                            const MemoryRoom &room);
/** The same on one device that has `availableBytes`. */
std::vector<MemoryProposal> memoryProposals(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                            int64_t availableBytes);

/** "12.3 GB" (powers of 10, as GPU makers state memory). */
std::string formatBytes(int64_t bytes);

/**
 * The refusal's text when the job does not fit: its need by part on each device, what each has, and the
 * proposals.
 */
std::string memoryAdvice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup, const MemoryRoom &room);
/** The same on one device, `device` naming it ("cuda:0"). */
std::string memoryAdvice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup, const std::string &device,
                         int64_t availableBytes);

}  // namespace lc
