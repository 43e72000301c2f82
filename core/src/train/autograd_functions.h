// SPDX-License-Identifier: GPL-3.0-or-later
// The three places where training needs its own backward pass, to keep memory at what QLoRA promises:
// an NF4 linear layer that dequantises again instead of keeping the dense weight, activation
// checkpointing of a decoder block, and a language-model loss that never holds all logits at once.
// Legend: N rows (tokens), H hidden, V vocabulary.
#pragma once

#include <functional>
#include <vector>

#include "model/torch_compat.h"

namespace lc {

struct Nf4Weight;

/**
 * x Wᵀ + b with W stored as NF4. Gradient flows to x only (W and b are frozen). Unless `keepDequantized`,
 * the dense W lives only during the product and is dequantised again for the backward pass; with it
 * (inside a checkpointed block, where the block's backward follows at once) autograd keeps it.
 */
at::Tensor nf4Linear(const at::Tensor &x, const Nf4Weight &w, const at::Tensor &bias, bool keepDequantized);

/**
 * fn(x) run without recording; the backward pass runs fn again with recording and differentiates it,
 * so only x is kept per block. `params` are the leaves fn uses that train (their gradients accumulate as
 * usual). fn must compute the same thing both times (dropout masks are seeded, see PassOptions).
 */
at::Tensor checkpointed(std::function<at::Tensor(const at::Tensor &)> fn, const at::Tensor &x,
                        const std::vector<at::Tensor> &params);

/**
 * Sum over rows of the next-token cross-entropy of logits = hidden lmHeadᵀ in float32 (as transformers
 * upcasts), skipping targets of -100. hidden [N, H], lmHead [V, H], targets [N] int64. Only `chunk` rows of
 * logits exist at a time, in the forward and (recomputed) in the backward pass.
 */
at::Tensor chunkedCrossEntropySum(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets,
                                  int64_t chunk);

} // namespace lc
