// SPDX-License-Identifier: GPL-3.0-or-later
// Training's own backward pass for the loss, to keep memory at what QLoRA promises: a language-model loss
// that never holds all logits at once. The model's own autograd functions (the NF4 linear layer, the
// checkpointed block) are in model/autograd_functions.h. Legend: N rows (tokens), H hidden, V vocabulary.
#pragma once

#include <cstdint>

#include "model/torch_compat.h"

namespace lc {

/**
 * Sum over rows of the next-token cross-entropy of logits = hidden lmHeadᵀ in float32 (as transformers
 * upcasts), skipping targets of -100. hidden [N, H], lmHead [V, H], targets [N] int64. Only `chunk` rows of
 * logits exist at a time, in the forward and (recomputed) in the backward pass. softcap > 0 caps the logits
 * at softcap · tanh(logits / softcap) first (Gemma 2's final_logit_softcapping).
 */
at::Tensor chunkedCrossEntropySum(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets,
                                  int64_t chunk, double softcap = 0);

}  // namespace lc
