// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "layercut/block_plan.h"
#include "layercut/document_ids.h"
#include "layercut/dtype.h"
#include "layercut/model_config.h"
#include "layercut/progress.h"
#include "layercut/prune_plan.h"

namespace lc {

class Tokenizer;

/** Where and in what precision to run a model. */
struct LoadOptions
{
    std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"
    std::optional<DType> dtype;  // default: float32 on CPU, the checkpoint's dtype on CUDA
    /**
     * Store the decoder's linear weights as NF4 (QLoRA's base), quantised layer by layer as they load, so
     * the dense model never sits on the device whole; they compute in `dtype`.
     */
    bool nf4 = false;
    bool nf4DoubleQuantization = true;
    /**
     * Leave the decoder blocks in the memory-mapped checkpoint: only the embeddings, the final norm and the
     * head go to the device. Streamed distances then fetch each block when they reach it (the device holds
     * one block, two while the next is read, however deep the model); every other job refuses such a model.
     */
    bool blocksOnDemand = false;
};

/** The checkpoint blocks one device holds of a model placed over several ("cuda:1": blocks 40 to 79). */
struct DeviceBlocks
{
    std::string device;
    int64_t firstBlock = 0, blocks = 0;
};

/** What a user wants to know about a checkpoint; filled without loading weights by inspect(). */
struct ModelInfo
{
    std::filesystem::path folder;
    ModelConfig config;
    std::string family;           // "llama", "mistral", "qwen2", "qwen3"
    std::string architecture;     // `architectures[0]`, e.g. "LlamaForCausalLM"
    int64_t parameterCount = 0;   // counted from the checkpoint's tensors
    std::string checkpointDtype;  // "float32", "bfloat16", "float16"
    uint64_t checkpointBytes = 0;
    int shardCount = 0;
    std::string tokenizerKind;  // empty when the folder has no tokenizer
    // Set once loaded:
    std::string device;
    std::vector<DeviceBlocks> placement;  // over several devices, which blocks each holds; empty on one
    std::string computeDtype;
    std::string weightStorage;  // "nf4" when the linear weights were quantised at load, else empty
};

/** Token ids of a right-padded batch: ids and mask are [batch, length] row-major; mask 1 = real token. */
struct TokenBatch
{
    int64_t batch = 0;
    int64_t length = 0;
    std::vector<int64_t> ids;
    std::vector<int64_t> mask;

    /** A batch of one unpadded sequence. */
    static TokenBatch single(const std::vector<int64_t> &ids);
    /** Right-pads `sequences` to the longest with `padId`. */
    static TokenBatch padded(const std::vector<std::vector<int64_t>> &sequences, int64_t padId = 0);
};

struct ForwardOptions
{
    bool logits = true;   // return logits [B, T, V]
    bool states = false;  // return residual states [B, L+1, T, H]
};

/** Results of one forward pass, converted to float32 on the CPU. */
struct ForwardResult
{
    int64_t batch = 0, length = 0, vocab = 0, hidden = 0, numStates = 0;  // numStates = L + 1
    std::vector<float> logits;                                            // [B, T, V]
    std::vector<float> states;  // [B, L+1, T, H]: [:, l] enters block l, [:, L] leaves the last
                                // block before the final norm
};

/** Mean next-token cross-entropy over the real tokens of some sequences. */
struct LossResult
{
    double loss = 0.0;   // nats per predicted token
    int64_t tokens = 0;  // predicted tokens (each sequence's length − 1, summed)
    int64_t sequences = 0;
    double perplexity() const { return tokens > 0 ? std::exp(loss) : std::nan(""); }
};

/**
 * A loaded model and its tokenizer, behind a torch-free facade.
 * Not thread-safe: one thread (the compute thread) makes all calls.
 */
class ModelSession
{
public:
    ModelSession();
    ~ModelSession();
    ModelSession(const ModelSession &) = delete;
    ModelSession &operator=(const ModelSession &) = delete;

    /** True when this build of the core can run on a CUDA device that is present. */
    static bool cudaAvailable();

    /** Reads config, checkpoint headers and tokenizer of `folder` without loading weights. */
    static ModelInfo inspect(const std::filesystem::path &folder);
    /**
     * The compute dtype load() gives the checkpoint `info` describes with `options`: options.dtype when set,
     * else float32 on the CPU and the checkpoint's bfloat16/float16 on an accelerator.
     */
    static DType computeDType(const ModelInfo &info, const LoadOptions &options);

    /**
     * Loads `folder` onto the device. Reports progress per tensor; throws lc::Cancelled when `stop`
     * fires and lc::Error on bad input, naming file and tensor. A folder whose config, checkpoint headers or
     * tokenizer cannot be read leaves the model loaded before as it was; once the weights load, a failure
     * or cancel leaves the session empty.
     */
    ModelInfo load(const std::filesystem::path &folder, const LoadOptions &options, const ProgressFn &progress = {},
                   std::stop_token stop = {});
    void unload();
    bool isLoaded() const;
    const ModelInfo &info() const;
    /** The folder's tokenizer, or nullptr if it has none. */
    const Tokenizer *tokenizer() const;

    /** One forward pass; throws lc::Error for ids outside the vocabulary or a bad batch shape. */
    ForwardResult forward(const TokenBatch &batch, const ForwardOptions &options = {});

    /**
     * Runs only `plan.kept` from now on, without reloading: forward passes and losses see the pruned
     * model. The dropped layers stay in memory, so another plan (or PrunePlan::keepAll) applies at once.
     * Distance analysis measures every block in memory. Throws lc::Error for a plan made for a different
     * number of layers. The same as applyBlockPlan(BlockPlan::of(plan)): blocks inserted before go.
     */
    void applyPrunePlan(const PrunePlan &plan);
    /**
     * Runs `plan`'s blocks from now on: the checkpoint's blocks it keeps, and new ones inserted among them
     * (LLaMA Pro, Llama SLayer), built in memory from the loaded weights, exactly the identity until trained.
     * The model in memory is the plan's layout (BlockPlan::layout(): every original block, each followed by
     * those inserted after it); changing which originals run never rebuilds an inserted block, so what it
     * learnt stays. Throws lc::Error for a plan of another model or an invalid one, and for a plan that
     * inserts or removes blocks once the model is healed.
     */
    void applyBlockPlan(const BlockPlan &plan);
    /**
     * The blocks that run, numbered by their place in memory (blockPlan().layout()): without insertions,
     * the checkpoint's numbers. keepAll after load.
     */
    const PrunePlan &prunePlan() const;
    /** The plan in force in the checkpoint's terms. */
    const BlockPlan &blockPlan() const;

    /**
     * The language-model loss of the model as it is now (pruned or not) on `sequences`, in batches of
     * `batchSize`. Progress per batch; throws lc::Cancelled when `stop` fires.
     */
    LossResult languageModelLoss(const std::vector<std::vector<int64_t>> &sequences, int64_t batchSize = 4,
                                 const ProgressFn &progress = {}, std::stop_token stop = {});

    /**
     * The documents the weights in memory were trained on: those a healing run in this session trained on,
     * and those the folder's trained_documents.txt names (a model LayerCut healed and exported). Held-out
     * losses and validation samples leave them out.
     */
    const DocumentIds &trainedDocuments() const;

    struct Impl;  // owns the torch model; defined in core/src only

private:
    friend struct SessionInternals;  // core sources reach Impl through it (session/model_session_impl.h)
    std::unique_ptr<Impl> m_impl;
};

}  // namespace lc
