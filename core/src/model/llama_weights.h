// SPDX-License-Identifier: GPL-3.0-or-later
// The weights of a Llama-family decoder, one tensor per checkpoint tensor.
// Legend: H hidden, I intermediate, V vocabulary, nh query heads, nkv key/value heads, D head_dim.
#pragma once

#include <vector>

#include "model/torch_compat.h"

namespace lc {

struct DecoderLayerWeights
{
    int64_t originalIndex = 0;   // the layer's number in the source checkpoint (stays after pruning)
    // attention
    at::Tensor inputNorm;        // [H]
    at::Tensor qProj, qBias;     // [nh*D, H], [nh*D] (bias optional)
    at::Tensor kProj, kBias;     // [nkv*D, H], [nkv*D]
    at::Tensor vProj, vBias;     // [nkv*D, H], [nkv*D]
    at::Tensor oProj, oBias;     // [H, nh*D], [H]
    at::Tensor qNorm, kNorm;     // [D] (Qwen3)
    // feed-forward
    at::Tensor postNorm;         // [H]
    at::Tensor gateProj, gateBias;  // [I, H], [I]
    at::Tensor upProj, upBias;      // [I, H], [I]
    at::Tensor downProj, downBias;  // [H, I], [H]
    // q|k|v fused for one GEMM; when set, qProj/kProj/vProj (and biases) are views into it, so memory
    // is not doubled. gate|up is deliberately not fused: with the fused SiLU·up kernel reading the strided
    // halves it measured the same as two GEMMs (H200, Llama-3-8B shape), and without it slower.
    at::Tensor qkvProj, qkvBias;     // [(nh + 2*nkv)*D, H], [(nh + 2*nkv)*D]
};

/** Fuses q|k|v of every layer into one tensor and re-points the parts at views of it. */
void fuseProjections(struct LlamaWeights &weights);

struct LlamaWeights
{
    at::Tensor embedTokens;      // [V, H]
    std::vector<DecoderLayerWeights> layers;
    at::Tensor norm;             // [H]
    at::Tensor lmHead;           // [V, H]; the same storage as embedTokens when tied
};

} // namespace lc
