// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "layercut/block_plan.h"
#include "layercut/dtype.h"
#include "layercut/layer_distances.h"
#include "layercut/progress.h"
#include "layercut/prune_plan.h"

namespace lc {

struct TensorEntry;

/**
 * Computes a tensor of the export instead of copying it: called with the tensor's name in a session running
 * the plan (blocks numbered by BlockPlan::layout(): the checkpoint's numbers when nothing is inserted), the
 * checkpoint entry it comes from (for an inserted block, its source block's) and the dtype to write; returns
 * the bytes (same shape, that dtype), or nullopt to write the tensor as usual. Used to write healed weights.
 */
using TensorReplacer = std::function<std::optional<std::vector<std::byte>>(
    const std::string &sourceName, const TensorEntry &entry, const std::string &dtype)>;

struct ExportOptions
{
    uint64_t maxShardBytes = 5'000'000'000;  // per safetensors shard, as transformers' "5GB"
    std::optional<DType> dtype;              // convert floating tensors; unset keeps the checkpoint's
    bool overwrite = false;                  // replace an existing target folder (atomically)
    std::optional<DistanceMetric> metric;    // recorded in layercut.json: what chose the layers, if a distance did
    TensorReplacer replace;                  // healed weights; unset copies every tensor
    std::string healingJson;                 // recorded in layercut.json as "healing" when set (a JSON object)
    std::vector<std::pair<std::string, std::string>> extraFiles;  // (name, content) written into the folder too
};

struct ExportResult
{
    std::filesystem::path folder;
    int shards = 0;
    uint64_t bytes = 0;  // tensor bytes written
    int64_t layers = 0;  // num_hidden_layers of the export
};

/**
 * Writes the checkpoint folder `source` with `plan`'s layers only, as a folder transformers loads unchanged:
 *  - safetensors shards of at most maxShardBytes (model.safetensors, or model-0000i-of-0000n.safetensors with
 *    model.safetensors.index.json), layers renumbered 0..K-1 in their original order, every other tensor
 *    (embeddings, final norm, lm_head when untied) as it is;
 *  - config.json with num_hidden_layers and every per-layer list (layer_types, max_window_layers) updated;
 *  - the tokenizer, generation and other non-weight files copied;
 *  - layercut.json recording the source, kept and dropped layers, method, metric and software version.
 * Atomic: everything is written to a temporary folder beside `target`, then renamed; an existing target
 * is an error unless options.overwrite, and then it is replaced only once the new folder is complete.
 * Throws lc::Error naming the file at fault, lc::Cancelled when `stop` fires; nothing is left behind.
 */
ExportResult exportPrunedModel(const std::filesystem::path &source, const PrunePlan &plan,
                               const std::filesystem::path &target, const ExportOptions &options = {},
                               const ProgressFn &progress = {}, std::stop_token stop = {});

/**
 * As exportPrunedModel, for a plan that also inserts blocks (LLaMA Pro, Llama SLayer): an inserted block's
 * tensors are the block it follows (copy) or the mean of it and the next block of the checkpoint (average; a
 * copy after the last), computed in float32 and rounded once, with o_proj and down_proj zero, so the exported
 * model computes what the source (with the same originals) computes. Per-layer config lists take each block's
 * source entry. layercut.json also records `inserted_after` and `blocks` (each block's source, and for an
 * inserted one its initialisation).
 */
ExportResult exportExpandedModel(const std::filesystem::path &source, const BlockPlan &plan,
                                 const std::filesystem::path &target, const ExportOptions &options = {},
                                 const ProgressFn &progress = {}, std::stop_token stop = {});

/** "LayerCut 0.1.0". */
std::string softwareVersion();

}  // namespace lc
