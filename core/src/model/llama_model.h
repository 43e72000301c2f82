// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <stop_token>

#include "layercut/model_config.h"
#include "model/llama_weights.h"
#include "model/packed_tokens.h"
#include "model/rotary_embedding.h"

namespace lc {

/**
 * Called once per residual state during forward(): index l = 0..L-1 is the stream entering block l,
 * index L the stream leaving the last block before the final norm. x is [B, T, H] in the compute dtype.
 */
using StateVisitor = std::function<void(int64_t index, const at::Tensor &x)>;

/**
 * Which layers a forward pass runs: the kept ones (after pruning, with any inserted), or every layer of the
 * source checkpoint and no inserted one (what distances describe).
 */
enum class LayerSet { Kept, All };

/**
 * Keys and values of N prefixes (few-shot examples), per kept layer: [N, nkv, P, D] after RoPE, each prefix
 * right-padded to the longest, P.
 */
struct PrefixCache
{
    std::vector<at::Tensor> keys, values;
    int64_t length = 0;            // P
    std::vector<int64_t> lengths;  // each prefix's own length (all P when N = 1)
};

/**
 * What a batch of sequences has computed so far, for generation: per kept layer the keys and values of
 * every token each row has run, in slots 0 .. used-1 of a preallocated capacity (a shared prefix, when
 * there is one, copied into the first slots of every row). Rows advance together one slot per step; a
 * row's padding (a shorter prompt, a finished row) stays in its slots, marked invalid, so rows keep
 * positions of their own.
 */
struct KvCache
{
    std::vector<at::Tensor> keys, values;  // per kept layer: [B, nkv, capacity, D] after RoPE
    at::Tensor positions;                  // [B, capacity] int64: each slot's position in its row's sequence
    at::Tensor valid;                      // [B, capacity] bool: the slot holds a token (not padding)
    int64_t used = 0;
    int64_t capacity() const { return valid.defined() ? valid.size(1) : 0; }
};

/** What a forward pass does besides the usual: record a prefix's keys/values, or continue after one. */
struct AttentionExtras
{
    PrefixCache *capture = nullptr;       // append each layer's keys and values
    const PrefixCache *prefix = nullptr;  // attend to these before the sequence's own keys
    at::Tensor prefixRows;                // [B] int64: the prefix each sequence continues; undefined: prefix 0
    KvCache *cache = nullptr;             // write the new keys/values into its slots, attend to all of them
    size_t layer = 0;                     // the kept layer being run (set by the loop)
    PackedTokens packed;                  // active: x is (1, N, H), the real tokens of a padded (B, T) batch
};

/**
 * The attention masks of one pass: `full` for layers that see every earlier token, `sliding` for those that
 * see only the last sliding_window tokens. Each is (B, 1, g·T, S) boolean (S keys; g = query heads per
 * key/value head, the rows of query t repeated for each: LlamaModel::foldedForGroups), or undefined where
 * plain causal attention is exact (so the causal flash kernel stays eligible).
 */
struct AttentionMasks
{
    at::Tensor full, sliding;
};

/**
 * The rotation of one pass's positions: cos and sin [T, D] for the layers with the model's RoPE, and for the
 * sliding layers, which rotate with a base of their own in Gemma 3 (elsewhere the same tensors). Rows at
 * positions of their own (generation) get [B, 1, T, D].
 */
struct RopeTables
{
    at::Tensor cos, sin, slidingCos, slidingSin;
};

/** What every block of one inference pass over a batch shares: its rotation and its attention masks. */
struct BlockInputs
{
    RopeTables rope;
    AttentionMasks masks;
    /** The same on `device` (a copy only where a tensor is elsewhere; shared tensors stay shared). */
    void moveTo(at::Device device);
};

/** How a training forward pass runs; the default is inference (no dropout). */
struct PassOptions
{
    bool training = false;           // LoRA dropout on
    uint64_t dropoutSeed = 0;        // the same seed gives the same masks (activation checkpointing recomputes)
    bool checkpointing = false;      // blocks are recomputed in the backward pass
    int64_t lossChunkTokens = 1024;  // rows of logits materialised at once by the training loss
    /**
     * Checked before each block and between a block's attention and feed-forward halves, in the forward
     * pass and in the recomputation of the backward pass (activation checkpointing): lc::Cancelled.
     */
    std::stop_token stop;
};

/** A Llama-family decoder computing what transformers' *ForCausalLM computes. */
class LlamaModel
{
public:
    LlamaModel(ModelConfig config, LlamaWeights weights);

    /**
     * ids [B, T] int64; mask [B, T] (1 = token, 0 = right padding) or undefined for no padding.
     * Returns logits [B, T, V] in the compute dtype, or an undefined tensor when !wantLogits. Throws
     * lc::Cancelled within half a block of `stop` firing (as PassOptions::stop).
     */
    at::Tensor forward(const at::Tensor &ids, const at::Tensor &mask, const StateVisitor &visit = {},
                       bool wantLogits = true, LayerSet layers = LayerSet::Kept, std::stop_token stop = {}) const;

    /**
     * Runs only the layers whose original indices are listed (ascending); the others stay in memory, so
     * another choice, or all of them again, applies instantly. Throws lc::Error for unknown indices.
     */
    void keepLayers(const std::vector<int64_t> &originalIndices);

    /**
     * Training forward: the hidden states after the final norm, [B, T, H], recording autograd for whatever
     * requires grad (adapters, unfrozen weights). With pass.checkpointing each block keeps only its input
     * and is recomputed in the backward pass. ids [B, T] unpadded. pass.stop is honoured in both passes.
     */
    at::Tensor trainingHidden(const at::Tensor &ids, const PassOptions &pass) const;

    /** One decoder block: x [B, T, H] -> [B, T, H]; attnMask as in forward() or undefined. */
    at::Tensor decoderLayer(const DecoderLayerWeights &layer, const at::Tensor &x, const RopeTables &rope,
                            const at::Tensor &attnMask, const PassOptions &pass = {},
                            AttentionExtras *extras = nullptr) const;
    /**
     * Block by block instead of forward()'s whole pass (the streamed distances): blockInputs() for a batch of
     * ids [B, T] with `mask` (right padding, or undefined), then runBlock() on its residual stream x [B, T, H]
     * for each layer in turn; the same numbers as forward().
     */
    BlockInputs blockInputs(const at::Tensor &mask, int64_t B, int64_t T) const;
    at::Tensor runBlock(const DecoderLayerWeights &layer, const at::Tensor &x, const BlockInputs &inputs,
                        std::stop_token stop = {}) const;
    /** The residual stream entering the first block: the embeddings of ids [B, T], [B, T, H] (× √H for Gemma). */
    at::Tensor embed(const at::Tensor &ids) const;
    /** lm_head on hidden states after the final norm, [..., H] -> [..., V], soft-capped where the family does. */
    at::Tensor logits(const at::Tensor &hidden) const;

    /** Runs N prefixes in one pass (right-padded) and keeps every kept layer's keys and values. */
    PrefixCache encodePrefixes(const std::vector<std::vector<int64_t>> &prefixes, std::stop_token stop = {}) const;
    /**
     * Hidden states after the final norm, [B, T, H], of ids [B, T] that continue `prefix` (positions
     * P .. P+T-1; none: from 0); mask [B, T] marks right padding (or undefined). With `rows`, sequence b
     * continues prefix rows[b] of a multi-prefix cache, from that prefix's own length. lm_head of row t
     * equals the logits forward(prefix + ids) gives there. Callers project only the rows they need.
     */
    at::Tensor finalHidden(const at::Tensor &ids, const at::Tensor &mask, const PrefixCache *prefix = nullptr,
                           std::stop_token stop = {}, const std::vector<int64_t> *rows = nullptr) const;

    /**
     * A cache for B rows of up to `capacity` tokens each (the prefix's included) on the model's device,
     * holding `prefix` (or nothing) in every row's first slots: what extend() continues.
     */
    KvCache newCache(int64_t B, int64_t capacity, const PrefixCache *prefix = nullptr) const;
    /**
     * Runs ids [B, T] at positions [B, T] (int64, each row's own: after the prefix they start at P) after
     * what `cache` holds, stores their keys and values in its next T slots, and returns the hidden states
     * after the final norm, [B, T, H]. keep [B, T] (or undefined: all) marks real tokens: the others are
     * padding no later token attends to. Each row sees the prefix, then its own valid slots causally (and
     * within the window on sliding layers), exactly as a pass over its tokens alone would. Throws lc::Error
     * when the cache is full.
     */
    at::Tensor extend(const at::Tensor &ids, const at::Tensor &positions, const at::Tensor &keep, KvCache &cache,
                      std::stop_token stop = {}) const;

    /**
     * Makes `blocks` the model's blocks (every one kept) and `config` its config, whose per-layer lists follow
     * them: the checkpoint's blocks with new ones among them (model/block_layout.h). Each block's originalIndex
     * must be its place in `blocks`.
     */
    void setBlocks(std::vector<DecoderLayerWeights> blocks, ModelConfig config);

    /** Every layer's tensors, quantised weights and adapters, for healing to rewrite in place. */
    std::vector<DecoderLayerWeights> &mutableLayers() { return m_allLayers; }
    LlamaWeights &mutableWeights() { return m_weights; }
    /** Re-reads the kept layers from the all-layer list after it changed. */
    void refreshKeptLayers();

    const ModelConfig &config() const { return m_config; }
    /** The weights with the kept layers only (all of them until keepLayers()). */
    const LlamaWeights &weights() const { return m_weights; }
    /** The source checkpoint's blocks, in order, without inserted ones (shallow copies). */
    std::vector<DecoderLayerWeights> checkpointLayers() const;
    /** Every block in memory, in order: the source checkpoint's, and any inserted among them (setBlocks). */
    const std::vector<DecoderLayerWeights> &allLayers() const { return m_allLayers; }
    at::Device device() const { return m_weights.embedTokens.device(); }
    at::ScalarType dtype() const { return m_weights.embedTokens.scalar_type(); }

private:
    at::Tensor attention(const DecoderLayerWeights &layer, const at::Tensor &x, const RopeTables &rope,
                         const at::Tensor &attnMask, const PassOptions &pass, AttentionExtras *extras) const;
    /**
     * Before `layer` runs: x and the pass's inputs on its device. A model placed over several devices moves
     * them once where a run of blocks ends; on one device nothing moves.
     */
    void follow(const DecoderLayerWeights &layer, at::Tensor &x, BlockInputs &inputs, AttentionExtras *extras) const;
    /** The final norm, x first moved to its device (the last of several, whichever block ran last). */
    at::Tensor finalNorm(const at::Tensor &x) const;
    /** o_proj of attention's output (B, T, nh·D), packed first to (1, N, nh·D) when the pass is packed. */
    at::Tensor outputProjection(const DecoderLayerWeights &layer, const at::Tensor &attended, const PassOptions &pass,
                                const PackedTokens *packed) const;
    /** The block's feed-forward on x [B, T, H] (already normalised where the family does so first). */
    at::Tensor feedForward(const DecoderLayerWeights &layer, const at::Tensor &x, const PassOptions &pass) const;
    /** W x + b for projection p, W dense or NF4, plus its LoRA adapter's contribution when attached. */
    at::Tensor project(const DecoderLayerWeights &layer, Proj p, const at::Tensor &x, const PassOptions &pass) const;
    /** y, plus the adapter's contribution when projection p of `layer` has one (x: the projection's input). */
    at::Tensor withLora(const DecoderLayerWeights &layer, Proj p, const at::Tensor &y, const at::Tensor &x,
                        const PassOptions &pass) const;
    /** The adapter's scale · B (A dropout(x)) in x's dtype. */
    at::Tensor loraDelta(const DecoderLayerWeights &layer, Proj p, const at::Tensor &x, const PassOptions &pass) const;
    at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight) const;
    /** cos/sin for positions P .. P+T-1. */
    RopeTables ropeTables(int64_t P, int64_t T) const;
    /** cos/sin [B, 1, T, D] for each row's positions [B, T], the largest being `last`. */
    RopeTables ropeTablesAt(const at::Tensor &positions, int64_t last) const;
    /** `table` of the model's rotary embedding, and of the sliding layers' one (the same one elsewhere). */
    RopeTables rotations(const std::function<std::pair<at::Tensor, at::Tensor>(const RotaryEmbedding &)> &table) const;
    /** The masks for queries at positions P .. P+T-1 of a batch of B; keep [B, T] marks right padding. */
    AttentionMasks attentionMasks(const at::Tensor &keep, int64_t B, int64_t T, int64_t P) const;
    /** Masks in the layout masked GQA attention reads: each repeated for the query heads of a key/value head. */
    AttentionMasks foldedForGroups(const AttentionMasks &masks) const;
    /** The mask `layer` attends with. */
    const at::Tensor &maskOf(const DecoderLayerWeights &layer, const AttentionMasks &masks) const;

    ModelConfig m_config;
    LlamaWeights m_weights;                        // .layers: the kept ones
    std::vector<DecoderLayerWeights> m_allLayers;  // shallow copies: tensors are shared, not duplicated
    RotaryEmbedding m_rotary;
    RotaryEmbedding m_slidingRotary;  // Gemma 3's sliding layers (unused elsewhere)
};

}  // namespace lc
