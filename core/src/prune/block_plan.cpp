// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/block_plan.h"

#include <algorithm>
#include <set>

#include "layercut/error.h"

namespace lc {

std::string blockInitName(BlockInit init)
{
    return init == BlockInit::Copy ? "copy" : "average";
}

BlockInit parseBlockInit(const std::string &name)
{
    if (name == "copy")
        return BlockInit::Copy;
    if (name == "average")
        return BlockInit::Average;
    throw Error("unknown initialisation '" + name + "' for a new block (copy or average)");
}

bool zeroedInInsertedBlock(const std::string &rest)
{
    return rest.rfind("self_attn.o_proj.", 0) == 0 || rest.rfind("mlp.down_proj.", 0) == 0;
}

BlockPlan BlockPlan::of(const PrunePlan &plan)
{
    BlockPlan p;
    p.sourceLayers = plan.sourceLayers;
    for (const int64_t i : plan.kept)
        p.blocks.push_back({i, false, BlockInit::Average});
    return p;
}

BlockPlan BlockPlan::expand(int64_t L, const std::vector<int64_t> &after, BlockInit init, int64_t dropLast)
{
    if (dropLast < 0 || dropLast >= L)
        throw Error("cannot drop the last " + std::to_string(dropLast) + " of " + std::to_string(L) + " blocks");
    const int64_t kept = L - dropLast;  // originals 0 … kept − 1 remain
    std::set<int64_t> positions;
    for (const int64_t i : after) {
        if (i < 0 || i >= L)
            throw Error("cannot insert a block after block " + std::to_string(i) + ": the model's blocks are 0–" +
                        std::to_string(L - 1));
        if (i >= kept) {
            std::vector<int64_t> dropped;
            for (int64_t d = kept; d < L; ++d)
                dropped.push_back(d);
            throw Error("cannot insert a block after block " + std::to_string(i) + ": it is among the last " +
                        std::to_string(dropLast) + " dropped (" + PrunePlan::ranges(dropped) + ")");
        }
        if (!positions.insert(i).second)
            throw Error("block " + std::to_string(i) + " is named twice to insert after");
    }
    BlockPlan p;
    p.sourceLayers = L;
    for (int64_t i = 0; i < kept; ++i) {
        p.blocks.push_back({i, false, init});
        if (positions.count(i))
            p.blocks.push_back({i, true, init});
    }
    return p;
}

BlockPlan BlockPlan::withInsertions(const std::vector<int64_t> &after, BlockInit init) const
{
    const std::vector<int64_t> kept = keptOriginals(), already = insertedAfter();
    std::set<int64_t> positions;
    for (const int64_t i : after) {
        if (i < 0 || i >= sourceLayers)
            throw Error("cannot insert a block after block " + std::to_string(i) + ": the model's blocks are 0–" +
                        std::to_string(sourceLayers - 1));
        if (!std::binary_search(kept.begin(), kept.end(), i))
            throw Error("cannot insert a block after block " + std::to_string(i) + ": it is dropped");
        if (std::find(already.begin(), already.end(), i) != already.end())
            throw Error("block " + std::to_string(i) + " has a block inserted after it already");
        if (!positions.insert(i).second)
            throw Error("block " + std::to_string(i) + " is named twice to insert after");
    }
    BlockPlan p;
    p.sourceLayers = sourceLayers;
    for (const PlannedBlock &b : blocks) {
        p.blocks.push_back(b);
        if (!b.inserted && positions.count(b.source))
            p.blocks.push_back({b.source, true, init});
    }
    return p;
}

std::vector<int64_t> BlockPlan::sStrategyPositions(int64_t L)
{
    std::vector<int64_t> after;
    for (int64_t i = 1; i < L / 2; i += 2)
        after.push_back(i);
    return after;
}

BlockPlan BlockPlan::sStrategy(int64_t L)
{
    if (L < 4)
        throw Error("the S strategy needs at least 4 blocks; this model has " + std::to_string(L));
    return expand(L, sStrategyPositions(L), BlockInit::Average, 2);
}

std::vector<int64_t> BlockPlan::keptOriginals() const
{
    std::vector<int64_t> kept;
    for (const PlannedBlock &b : blocks)
        if (!b.inserted)
            kept.push_back(b.source);
    return kept;
}

std::vector<int64_t> BlockPlan::droppedOriginals() const
{
    const std::vector<int64_t> kept = keptOriginals();
    std::vector<int64_t> dropped;
    for (int64_t i = 0; i < sourceLayers; ++i)
        if (!std::binary_search(kept.begin(), kept.end(), i))
            dropped.push_back(i);
    return dropped;
}

std::vector<int64_t> BlockPlan::insertedAfter() const
{
    std::vector<int64_t> after;
    for (const PlannedBlock &b : blocks)
        if (b.inserted)
            after.push_back(b.source);
    return after;
}

std::vector<int64_t> BlockPlan::sources() const
{
    std::vector<int64_t> s;
    for (const PlannedBlock &b : blocks)
        s.push_back(b.source);
    return s;
}

PrunePlan BlockPlan::prunePlan() const
{
    PrunePlan p;
    p.sourceLayers = sourceLayers;
    p.kept = keptOriginals();
    p.method = "list";
    return p;
}

BlockPlan BlockPlan::layout() const
{
    BlockPlan all;
    all.sourceLayers = sourceLayers;
    for (int64_t i = 0; i < sourceLayers; ++i) {
        all.blocks.push_back({i, false, BlockInit::Average});
        for (const PlannedBlock &b : blocks)
            if (b.inserted && b.source == i)
                all.blocks.push_back(b);
    }
    return all;
}

std::vector<int64_t> BlockPlan::layoutIndices() const
{
    // Original i sits after the originals before it and every block inserted after them.
    std::vector<int64_t> start(static_cast<size_t>(std::max<int64_t>(sourceLayers, 0)) + 1, 0);
    for (int64_t i = 0; i < sourceLayers; ++i) {
        int64_t inserted = 0;
        for (const PlannedBlock &b : blocks)
            inserted += b.inserted && b.source == i;
        start[static_cast<size_t>(i) + 1] = start[static_cast<size_t>(i)] + 1 + inserted;
    }
    std::vector<int64_t> indices;
    int64_t sinceOriginal = 0;
    for (const PlannedBlock &b : blocks) {
        sinceOriginal = b.inserted ? sinceOriginal + 1 : 0;
        indices.push_back(start[static_cast<size_t>(b.source)] + sinceOriginal);
    }
    return indices;
}

void BlockPlan::validate() const
{
    if (blocks.empty())
        throw Error("the plan keeps no block");
    int64_t lastOriginal = -1;
    for (size_t k = 0; k < blocks.size(); ++k) {
        const PlannedBlock &b = blocks[k];
        if (b.source < 0 || b.source >= sourceLayers)
            throw Error("block " + std::to_string(k) + " of the plan comes from block " + std::to_string(b.source) +
                        ", outside the checkpoint's 0–" + std::to_string(sourceLayers - 1));
        if (!b.inserted) {
            if (b.source <= lastOriginal)
                throw Error("the plan's original blocks must be distinct and ascending");
            lastOriginal = b.source;
        } else if (b.source != lastOriginal) {
            throw Error("block " + std::to_string(k) + " of the plan is inserted after block " +
                        std::to_string(b.source) + " but does not follow it");
        }
    }
}

nlohmann::ordered_json BlockPlan::blocksJson() const
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const PlannedBlock &b : blocks) {
        nlohmann::ordered_json j = {{"source", b.source}, {"inserted", b.inserted}};
        if (b.inserted)
            j["init"] = blockInitName(b.init);
        list.push_back(j);
    }
    return list;
}

BlockPlan BlockPlan::fromBlocksJson(int64_t sourceLayers, const nlohmann::json &blocks, const std::string &where)
{
    BlockPlan p;
    p.sourceLayers = sourceLayers;
    if (!blocks.is_array())
        throw Error(where + ": the blocks are not a list");
    for (const nlohmann::json &b : blocks) {
        if (!b.is_object() || !b.contains("source") || !b["source"].is_number_integer())
            throw Error(where + ": a block without its source: " + b.dump());
        PlannedBlock block{b["source"].get<int64_t>(), b.value("inserted", false), BlockInit::Average};
        if (block.inserted)
            block.init = parseBlockInit(b.value("init", std::string("average")));
        p.blocks.push_back(block);
    }
    try {
        p.validate();
    } catch (const Error &e) {
        throw Error(where + ": " + e.what());
    }
    return p;
}

}  // namespace lc
