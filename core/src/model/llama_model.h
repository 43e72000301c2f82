// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include "layercut/model_config.h"
#include "model/llama_weights.h"
#include "model/rotary_embedding.h"

namespace lc {

/**
 * Called once per residual state during forward(): index l = 0..L-1 is the stream entering block l,
 * index L the stream leaving the last block before the final norm. x is [B, T, H] in the compute dtype.
 */
using StateVisitor = std::function<void(int64_t index, const at::Tensor &x)>;

/** Which layers a forward pass runs: the kept ones (after pruning) or every layer of the source. */
enum class LayerSet { Kept, All };

/** A Llama-family decoder computing what transformers' *ForCausalLM computes. */
class LlamaModel
{
public:
    LlamaModel(ModelConfig config, LlamaWeights weights);

    /**
     * ids [B, T] int64; mask [B, T] (1 = token, 0 = right padding) or undefined for no padding.
     * Returns logits [B, T, V] in the compute dtype, or an undefined tensor when !wantLogits.
     */
    at::Tensor forward(const at::Tensor &ids, const at::Tensor &mask, const StateVisitor &visit = {},
                       bool wantLogits = true, LayerSet layers = LayerSet::Kept) const;

    /**
     * Runs only the layers whose original indices are listed (ascending); the others stay in memory, so
     * another choice, or all of them again, applies instantly. Throws lc::Error for unknown indices.
     */
    void keepLayers(const std::vector<int64_t> &originalIndices);

    const ModelConfig &config() const { return m_config; }
    /** The weights with the kept layers only (all of them until keepLayers()). */
    const LlamaWeights &weights() const { return m_weights; }
    /** Every layer of the source checkpoint, in order. */
    const std::vector<DecoderLayerWeights> &allLayers() const { return m_allLayers; }
    at::Device device() const { return m_weights.embedTokens.device(); }
    at::ScalarType dtype() const { return m_weights.embedTokens.scalar_type(); }

private:
    at::Tensor decoderLayer(const DecoderLayerWeights &layer, const at::Tensor &x, const at::Tensor &cos,
                            const at::Tensor &sin, const at::Tensor &attnMask) const;
    at::Tensor attention(const DecoderLayerWeights &layer, const at::Tensor &x, const at::Tensor &cos,
                         const at::Tensor &sin, const at::Tensor &attnMask) const;
    at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight) const;

    ModelConfig m_config;
    LlamaWeights m_weights;                      // .layers: the kept ones
    std::vector<DecoderLayerWeights> m_allLayers;  // shallow copies: tensors are shared, not duplicated
    RotaryEmbedding m_rotary;
};

} // namespace lc
