// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "layercut/model_config.h"
#include "model/torch_compat.h"

namespace lc {

/**
 * Rotary position embedding as transformers computes it (rotate_half layout, not interleaved):
 * inverse frequencies in float32 with linear or llama3 scaling, angles in float32, cos/sin cast to the
 * activation dtype.
 */
class RotaryEmbedding
{
public:
    RotaryEmbedding() = default;
    explicit RotaryEmbedding(const ModelConfig &config);
    /** head_dim D, base theta, scaling: Gemma 3's sliding layers rotate with a base of their own. */
    RotaryEmbedding(int64_t headDim, double theta, const RopeScaling &scaling);

    /** cos and sin for positions 0..T-1: each [T, D] in `dtype` on `device`. */
    std::pair<at::Tensor, at::Tensor> cosSin(int64_t length, at::Device device, at::ScalarType dtype) const;
    /** x * cos + rotate_half(x) * sin, with x [B, heads, T, D] and cos/sin [T, D]. */
    static at::Tensor apply(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin);

    const at::Tensor &inverseFrequencies() const { return m_invFreq; }

private:
    at::Tensor m_invFreq;  // [D/2] float32, CPU
};

}  // namespace lc
