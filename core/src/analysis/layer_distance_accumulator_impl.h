// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "layercut/layer_distances.h"
#include "model/torch_compat.h"

namespace lc {

/**
 * Running sums behind LayerDistanceAccumulator. A batch arrives as its L+1 residual states; a batched
 * Gram product per token, in float64, gives every cos(x^(k), x^(l)) = G_kl / sqrt(G_kk G_ll), from which
 * the last-token, all-token and adjacent-layer (Block Influence) sums follow. float64 matters: for nearly
 * parallel states d ≈ sqrt(2(1 − cos)) / π, and float32 rounding of cos alone would put d near 1e-4.
 * Legend: B batch, T tokens, H hidden, S = L + 1 states, N = B·T.
 */
struct LayerDistanceAccumulator::Impl
{
    int64_t numLayers = 0;
    at::Tensor sumLast;  // (S, S) float64: Σ over sequences of d at the last real token
    at::Tensor sumAll;   // (S, S) float64: Σ over real tokens of d
    at::Tensor sumCos;   // (S, S) float64: Σ over real tokens of cos
    int64_t samples = 0;
    int64_t tokens = 0;
    bool allTokensMeasured = true;  // false: the streamed pass, which keeps no token's earlier states

    explicit Impl(int64_t layers);
    /**
     * `states` is (N, S, H) in any floating dtype (token b·T + t, state l); `mask` (B, T) 1 for real tokens; `lastIndex`
     * (B) the position of each sequence's last real token.
     */
    void addBatch(const at::Tensor &states, const at::Tensor &mask, const at::Tensor &lastIndex);
    /** The streamed pass's sums: each sequence's last real token at every state, (n, S, H)... */
    void addLastTokenStates(const at::Tensor &states);
    /** ...and, per block l, cos(x^(l), x^(l+1)) of the real tokens of x (N, H) and y (N, H), weighted by real (N). */
    void addAdjacentStates(int64_t l, const at::Tensor &x, const at::Tensor &y, const at::Tensor &real);
    LayerDistances result() const;
};

}  // namespace lc
