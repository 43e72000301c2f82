// SPDX-License-Identifier: GPL-3.0-or-later
// ModelSession's private state: visible to core sources (analysis, pruning, training), never to the UI.
#pragma once

#include <memory>
#include <optional>

#include "layercut/block_plan.h"
#include "layercut/checkpoint.h"
#include "layercut/model_session.h"
#include "layercut/tokenizer.h"
#include "model/block_placement.h"
#include "model/llama_model.h"

namespace lc {

struct ModelSession::Impl
{
    std::optional<LlamaModel> model;
    std::unique_ptr<Tokenizer> tokenizer;
    ModelInfo info;
    PrunePlan plan;       // the blocks that run, by their index in memory (blockPlan.layout())
    BlockPlan blockPlan;  // the same blocks, by the checkpoint's (what exports and projects record)
    std::shared_ptr<struct HealingState> healing;  // set once a healing run changed the model
    DocumentIds trainedDocuments;                  // the folder's trained_documents.txt and this session's healing
    // LoadOptions::blocksOnDemand: the checkpoint the blocks are fetched from, and the format they load in.
    std::optional<Checkpoint> blockSource;
    LoadOptions loaded;
    BlockPlacement placement;  // where each checkpoint block lives: one device, or runs over several

    /** ids and mask of `batch` as [B, T] int64 tensors on the model's device; validates the ids. */
    std::pair<at::Tensor, at::Tensor> toTensors(const TokenBatch &batch) const;
    /** Whether the blocks were left in the checkpoint (LoadOptions::blocksOnDemand). */
    bool blocksOnDemand() const { return blockSource.has_value(); }
    /** Checkpoint block `index` on the model's device, in the loaded format (blocks on demand only). */
    DecoderLayerWeights fetchBlock(int64_t index, const std::stop_token &stop) const;
    /** "cpu", "cuda:0", …, or "cuda:0,cuda:1" over several: where the model's weights are (for messages). */
    std::string deviceName() const { return model && !placement.spread() ? model->device().str() : info.device; }
};

/** The one way into a session's internals, for core sources only: the UI and the CLI cannot name it. */
struct SessionInternals
{
    static ModelSession::Impl &of(ModelSession &session) { return *session.m_impl; }
    static const ModelSession::Impl &of(const ModelSession &session) { return *session.m_impl; }
};

}  // namespace lc
