// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stop_token>

#include "layercut/checkpoint.h"
#include "layercut/model_config.h"
#include "layercut/progress.h"
#include "model/block_placement.h"
#include "model/llama_weights.h"

namespace lc {

/**
 * Copies every tensor `config` needs from `checkpoint` in `dtype`, by checkpoint name, each block onto its
 * device in `placement` (the embeddings onto the first, the final norm and head onto the last; a tied head
 * is the embeddings, or their copy when those devices differ). Checks presence and shape first (lc::Error
 * naming the file, the tensor and both shapes), reports progress in bytes, and throws lc::Cancelled between
 * tensors when `stop` fires.
 */
LlamaWeights loadLlamaWeights(const Checkpoint &checkpoint, const ModelConfig &config, const BlockPlacement &placement,
                              at::ScalarType dtype, const ProgressFn &progress, const std::stop_token &stop);

/**
 * The same, with every decoder projection quantised to NF4 as soon as its layer is on its device (one
 * layer's dense projections at a time): the QLoRA base without the dense model's memory peak.
 */
LlamaWeights loadLlamaWeightsNf4(const Checkpoint &checkpoint, const ModelConfig &config,
                                 const BlockPlacement &placement, at::ScalarType dtype, bool doubleQuantization,
                                 const ProgressFn &progress, const std::stop_token &stop);

/**
 * Blocks on demand (LoadOptions::blocksOnDemand): the embeddings, the final norm and the head on the device,
 * every decoder block an empty placeholder (DecoderLayerWeights::onDemand) whose tensors stay in the
 * memory-mapped checkpoint until loadLlamaBlock() fetches them. Checks the whole checkpoint first, as above.
 */
LlamaWeights loadLlamaWeightsWithoutBlocks(const Checkpoint &checkpoint, const ModelConfig &config, at::Device device,
                                           at::ScalarType dtype, const ProgressFn &progress,
                                           const std::stop_token &stop);

/**
 * Decoder block `index` of the checkpoint on `device`, as the loaders above hold it (projections as NF4 when
 * `nf4`): what a streamed pass runs and then drops. Throws lc::Cancelled when `stop` fires.
 */
DecoderLayerWeights loadLlamaBlock(const Checkpoint &checkpoint, const ModelConfig &config, int64_t index,
                                   at::Device device, at::ScalarType dtype, bool nf4, bool doubleQuantization,
                                   const std::stop_token &stop);

}  // namespace lc
