// SPDX-License-Identifier: GPL-3.0-or-later
// What healing trains and how: each trainable tensor with its float32 master copy, gradient accumulation in
// float32 over micro-batches, global-norm clipping and torch.optim.AdamW's update.
#pragma once

#include <string>
#include <vector>

#include "layercut/healing.h"
#include "model/torch_compat.h"

namespace lc {

/** A tensor that trains: the model's tensor (where gradients land), its float32 master copy and gradient. */
struct Trainable
{
    std::string name;   // checkpoint-style name, original layer numbering
    at::Tensor param;   // used by the model; requires grad
    at::Tensor master;  // float32; the same tensor as `param` when that is float32
    at::Tensor expAvg, expAvgSq;
    at::Tensor gradSum;  // float32 sum of the micro-batches' gradients when `param` is not float32
};

/** `t` itself when it is float32, else a float32 copy: the master an optimizer step updates. */
at::Tensor floatMaster(const at::Tensor &t);

/**
 * After each micro-batch's backward pass: adds the gradient autograd left in a bfloat16 or float16 tensor's
 * .grad() to its float32 sum and clears .grad(), so that the micro-batches (16 by default) add up in
 * float32 rather than in the compute dtype's 8 or 11 bits of mantissa, where the later ones would be rounded
 * away. A float32 tensor (LoRA's adapters, any run in float32) keeps its .grad(): autograd already sums into
 * it in place, in float32.
 */
void accumulateGradients(std::vector<Trainable> &trainables);

/** Global L2 norm of the accumulated gradients (float32), as torch.nn.utils.clip_grad_norm_ computes it. */
double gradNorm(const std::vector<Trainable> &trainables);

/**
 * torch.optim.AdamW on the float32 masters (bias-corrected, `step` counting from 1), the gradients scaled by
 * `gradScale` (clipping); the model's tensors get the rounded result.
 */
void adamwStep(std::vector<Trainable> &trainables, const HealingConfig &c, double lr, int64_t step, double gradScale);

/** Drops the accumulated gradients: after a step, or of a step that will not be taken (cancel, error). */
void zeroGrads(std::vector<Trainable> &trainables);

}  // namespace lc
