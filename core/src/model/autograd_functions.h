// SPDX-License-Identifier: GPL-3.0-or-later
// The two places where the forward pass needs its own backward pass, to keep training's memory at what
// QLoRA promises: an NF4 linear layer that dequantises again instead of keeping the dense weight, and
// activation checkpointing of a decoder block. They belong to the model because its forward pass calls
// them; the loss that never holds all logits at once is training's own (train/chunked_cross_entropy.h).
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

}  // namespace lc
