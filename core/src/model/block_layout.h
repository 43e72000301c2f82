// SPDX-License-Identifier: GPL-3.0-or-later
// The blocks a session holds in memory for a BlockPlan: the checkpoint's blocks and the new ones inserted
// among them (LLaMA Pro, Llama SLayer), built from the loaded weights rather than written out first.
#pragma once

#include <vector>

#include "layercut/block_plan.h"
#include "layercut/model_config.h"
#include "model/llama_weights.h"

namespace lc {

/**
 * A new block after `block`, initialised by `init` from it and `next` (the checkpoint's following block;
 * nullptr after the last, where average is a copy): each tensor a clone, or the mean of the two computed in
 * float32 and rounded once to the compute dtype, with o_proj and down_proj (weights and biases) zero, so the
 * block is exactly the identity. Norm weights are copied or averaged, never zeroed. It is dense even when
 * `block` is stored as NF4 (injection trains it whole) and carries no adapters. Not recorded by autograd.
 */
DecoderLayerWeights insertedBlock(const DecoderLayerWeights &block, const DecoderLayerWeights *next, BlockInit init,
                                  const ModelConfig &config);

/** `config` for the blocks of `layout`: num_hidden_layers, and each per-layer list taking each block's source. */
ModelConfig configForLayout(const ModelConfig &config, const BlockPlan &layout);

/**
 * The blocks of `layout` (a BlockPlan::layout()) from `current`, the blocks in memory laid out as
 * `currentLayout`: the checkpoint's blocks shared, an inserted block that both layouts have (same source,
 * place after it and initialisation) shared with what it learnt, the others built by insertedBlock. Each
 * block's originalIndex becomes its index in `layout`.
 */
std::vector<DecoderLayerWeights> layoutBlocks(const std::vector<DecoderLayerWeights> &current,
                                              const BlockPlan &currentLayout, const BlockPlan &layout,
                                              const ModelConfig &checkpointConfig);

}  // namespace lc
