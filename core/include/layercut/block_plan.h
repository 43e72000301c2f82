// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/prune_plan.h"

namespace lc {

/**
 * How an inserted block's weights start. Both make it exactly the identity, since its `o_proj` and `down_proj`
 * (weights and biases) are zero: each residual branch adds nothing. Norm weights are copied or averaged, never
 * zeroed (a zero norm weight gets no gradient: LLaMA Pro, App. A).
 */
enum class BlockInit {
    Copy,     // LLaMA Pro: a copy of block i
    Average,  // Llama SLayer's released code: the mean of blocks i and i + 1 (a copy of i when i is the last)
};

/** "copy", "average"; parse throws lc::Error for anything else. */
std::string blockInitName(BlockInit init);
BlockInit parseBlockInit(const std::string &name);

/**
 * True for the tensors of an inserted block that start as zeros ("self_attn.o_proj.*", "mlp.down_proj.*": the
 * name after "model.layers.{i}."), so that each residual branch adds nothing and the block is the identity.
 */
bool zeroedInInsertedBlock(const std::string &tensorName);

/** One block of a model made from a checkpoint. */
struct PlannedBlock
{
    int64_t source = 0;     // the checkpoint's block it is, or (inserted) the one it follows and is made from
    bool inserted = false;  // a new block
    BlockInit init = BlockInit::Average;

    /** The same block: an original's init means nothing, so only inserted blocks compare it. */
    bool operator==(const PlannedBlock &o) const
    {
        return source == o.source && inserted == o.inserted && (!inserted || init == o.init);
    }
};

/**
 * The blocks of a model made from a checkpoint of `sourceLayers` blocks, in order: original blocks (each at
 * most once, ascending) and inserted ones, each right after the original block it is made from. A PrunePlan
 * is the case without insertions.
 */
struct BlockPlan
{
    int64_t sourceLayers = 0;
    std::vector<PlannedBlock> blocks;

    /** The pruned model `plan` describes. */
    static BlockPlan of(const PrunePlan &plan);
    /**
     * Every original block, with a new block after each of `after` (0-based original indices, any order, no
     * duplicates), then the last `dropLast` original blocks removed. Throws lc::Error for an index out of
     * range or among the dropped blocks, a duplicate, or nothing left.
     */
    static BlockPlan expand(int64_t sourceLayers, const std::vector<int64_t> &after, BlockInit init,
                            int64_t dropLast = 0);
    /**
     * This plan with a new block after each of `after` (kept originals, none twice, none with a block inserted
     * after it already). Throws lc::Error naming the index otherwise.
     */
    BlockPlan withInsertions(const std::vector<int64_t> &after, BlockInit init) const;
    /** Llama SLayer's S strategy: averaged blocks after 1, 3, …, L/2 − 1 (the first half), the last 2 dropped. */
    static BlockPlan sStrategy(int64_t sourceLayers);
    /** The original blocks after which SLayer's S strategy inserts: 1, 3, …, L/2 − 1. */
    static std::vector<int64_t> sStrategyPositions(int64_t sourceLayers);

    int64_t size() const { return static_cast<int64_t>(blocks.size()); }
    /** The original blocks kept, ascending, and those left out. */
    std::vector<int64_t> keptOriginals() const;
    std::vector<int64_t> droppedOriginals() const;
    /** The original blocks each inserted block follows. */
    std::vector<int64_t> insertedAfter() const;
    bool insertsAnything() const { return !insertedAfter().empty(); }
    /** The checkpoint block each block takes its per-layer settings from (layer_types, …). */
    std::vector<int64_t> sources() const;
    /** The PrunePlan of the original blocks kept (meaningful for a plan that inserts nothing). */
    PrunePlan prunePlan() const;

    /**
     * The model a session holds in memory for this plan: every original block, each followed by the blocks this
     * plan inserts after it. The plan runs the blocks of its layout at layoutIndices(), so dropping or restoring
     * an original never rebuilds an inserted block, and a block's name in memory ("model.layers.{k}.…", what
     * healing trains and an export's TensorReplacer is asked for) is its layout index. Without insertions the
     * layout is the checkpoint and the indices are the kept originals.
     */
    BlockPlan layout() const;
    /** Each block's index in layout(). */
    std::vector<int64_t> layoutIndices() const;

    /** Throws lc::Error unless the blocks are as described above. */
    void validate() const;

    /** [{"source": i, "inserted": false}, {"source": i, "inserted": true, "init": "average"}, …] */
    nlohmann::ordered_json blocksJson() const;
    /** The plan blocksJson() wrote, for a checkpoint of `sourceLayers`; throws lc::Error naming `where`. */
    static BlockPlan fromBlocksJson(int64_t sourceLayers, const nlohmann::json &blocks, const std::string &where);

    bool operator==(const BlockPlan &) const = default;
};

}  // namespace lc
