// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "layercut/model_config.h"
#include "model/torch_compat.h"

namespace lc {

/**
 * Rotary position embedding as transformers computes it (rotate_half layout, not interleaved):
 * inverse frequencies in float32 with linear, llama3 or LongRoPE scaling, angles in float32, cos/sin cast to
 * the activation dtype. With partial rotary (Phi-3) the tables cover the first rotary-dim channels only.
 * LongRoPE picks its short or long factors by the length asked for, as transformers does per forward pass:
 * a prefix encoded on its own and continued past original_max_position_embeddings would differ from the
 * whole sequence run at once.
 */
class RotaryEmbedding
{
public:
    RotaryEmbedding() = default;
    explicit RotaryEmbedding(const ModelConfig &config);
    /** rotary dim R (head_dim, or fewer), base theta, scaling: Gemma 3's sliding layers rotate with a base of their own. */
    RotaryEmbedding(int64_t rotaryDim, double theta, const RopeScaling &scaling);

    /** cos and sin for positions 0..T-1: each [T, R] in `dtype` on `device`. */
    std::pair<at::Tensor, at::Tensor> cosSin(int64_t length, at::Device device, at::ScalarType dtype) const;
    /**
     * x * cos + rotate_half(x) * sin on the first R channels of x [B, heads, T, D], the rest passed through;
     * cos/sin [T, R].
     */
    static at::Tensor apply(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin);

    const at::Tensor &inverseFrequencies() const { return m_invFreq; }

private:
    at::Tensor m_invFreq;      // [R/2] float32, CPU (LongRoPE: the short factors')
    at::Tensor m_longInvFreq;  // [R/2] LongRoPE's long factors', for lengths past m_originalLength; else undefined
    int64_t m_originalLength = 0;
    double m_attentionFactor = 1.0;  // LongRoPE scales cos and sin by it
};

}  // namespace lc
