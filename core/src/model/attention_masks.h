// SPDX-License-Identifier: GPL-3.0-or-later
// The boolean attention masks of the decoder's passes: causal with right padding and sliding windows, after
// a prefix of each sequence's own, over a generation cache's slots, and folded for grouped-query heads.
// true = the query may attend to the key.
#pragma once

#include "model/torch_compat.h"

namespace lc {

/**
 * Which keys each query may attend to, (B, 1, T, P + T) boolean, for queries at positions P .. P+T-1 over
 * keys 0 .. P+T-1 (a shared prefix of P, then the sequence): causal; `keep` [B, T] (or undefined) hides
 * right-padded keys; `window` > 0 keeps only keys less than `window` positions back, as transformers'
 * sliding_window. A padded query also sees itself (see attention_masks.cpp).
 */
at::Tensor attentionMask(int64_t B, int64_t T, int64_t P, const at::Tensor &keep, int64_t window, at::Device device);

/** (B, 1, T, Pmax + T): sequence b after a prefix of its own length lengths[b] out of a cache padded to Pmax. */
at::Tensor prefixedAttentionMask(const at::Tensor &lengths, int64_t T, int64_t Pmax, const at::Tensor &keep,
                                 int64_t window);

/**
 * (B, 1, T, used + T): of a generation cache's slots ([B, capacity] `positions` and `valid`, the first `used`
 * filled before this step), those each query at `queries` [B, T] may attend to.
 */
at::Tensor cachedAttentionMask(const at::Tensor &positions, const at::Tensor &valid, int64_t used,
                               const at::Tensor &queries, int64_t window);

/** (B, 1, T, S) repeated for the g query heads of a key/value head: (B, 1, g·T, S). */
at::Tensor foldedForGroups(const at::Tensor &mask, int64_t g);

}  // namespace lc
