// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/block_layout.h"

#include <map>
#include <string>
#include <tuple>

#include "layercut/error.h"
#include "model/nf4.h"

namespace lc {
namespace {

/** `block` with every NF4 projection dequantised to the compute dtype (a shallow copy otherwise). */
DecoderLayerWeights denseCopy(const DecoderLayerWeights &block)
{
    DecoderLayerWeights dense = block;
    for (size_t i = 0; i < kProjections; ++i)
        if (dense.nf4[i]) {
            dense.weight(static_cast<Proj>(i)) = dequantizeNf4(*dense.nf4[i]);
            dense.nf4[i] = nullptr;
        }
    return dense;
}

/** True for slots that are views of another tensor of the block (rebuilt from it, never copied). */
bool isView(const DecoderLayerWeights &block, at::Tensor DecoderLayerWeights::*slot, const ModelConfig &config)
{
    if (config.fusedProjections)  // Phi-3: q, k, v, gate and up are rows of qkv_proj and gate_up_proj
        return slot == &DecoderLayerWeights::qProj || slot == &DecoderLayerWeights::kProj ||
               slot == &DecoderLayerWeights::vProj || slot == &DecoderLayerWeights::gateProj ||
               slot == &DecoderLayerWeights::upProj;
    return slot == &DecoderLayerWeights::qkvProj && block.qkvProj.defined();  // fused at load for one GEMM
}

}  // namespace

DecoderLayerWeights insertedBlock(const DecoderLayerWeights &block, const DecoderLayerWeights *next, BlockInit init,
                                  const ModelConfig &config)
{
    c10::NoGradGuard noGrad;  // plain tensors (not inference ones): injection training may unfreeze them
    const DecoderLayerWeights a = denseCopy(block);
    const DecoderLayerWeights b = next && init == BlockInit::Average ? denseCopy(*next) : DecoderLayerWeights{};
    const bool average = next && init == BlockInit::Average;
    DecoderLayerWeights out;
    out.originalIndex = block.originalIndex;
    out.inserted = true;
    for (const auto &[name, slot] : layerTensorSlots()) {
        const at::Tensor &t = a.*slot;
        if (!t.defined() || isView(a, slot, config))
            continue;
        if (zeroedInInsertedBlock(name)) {
            out.*slot = at::zeros_like(t);
        } else if (average && at::isFloatingType(t.scalar_type())) {
            const at::Tensor &u = b.*slot;
            if (!u.defined() || u.sizes() != t.sizes())
                throw Error(std::string("cannot average '") + name + "' of blocks " +
                            std::to_string(block.originalIndex) + " and " + std::to_string(next->originalIndex) +
                            ": they differ in shape");
            const at::ScalarType exact = t.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
            // Blocks i and i + 1 may lie on different devices (the placement's boundary): the mean stays on i's.
            out.*slot = t.to(exact).add(u.to(t.device(), exact)).div_(2).to(t.scalar_type());
        } else {
            out.*slot = t.clone();
        }
    }
    if (config.fusedProjections)
        splitFusedProjections(out, config);
    else if (a.qkvProj.defined())
        fuseProjections(out);
    return out;
}

ModelConfig configForLayout(const ModelConfig &config, const BlockPlan &layout)
{
    ModelConfig c = config;
    c.numLayers = layout.size();
    const auto follow = [&](const auto &list) {
        std::decay_t<decltype(list)> out;
        if (list.empty())
            return out;
        for (const PlannedBlock &b : layout.blocks)
            out.push_back(list.at(static_cast<size_t>(b.source)));
        return out;
    };
    c.slidingLayers = follow(config.slidingLayers);
    c.ropeLayers = follow(config.ropeLayers);
    c.layerTypes = follow(config.layerTypes);
    return c;
}

std::vector<DecoderLayerWeights> layoutBlocks(const std::vector<DecoderLayerWeights> &current,
                                              const BlockPlan &currentLayout, const BlockPlan &layout,
                                              const ModelConfig &checkpointConfig)
{
    // The checkpoint's blocks, and the inserted ones by (source, place after it, init).
    std::vector<const DecoderLayerWeights *> originals(static_cast<size_t>(currentLayout.sourceLayers), nullptr);
    std::map<std::tuple<int64_t, int64_t, BlockInit>, const DecoderLayerWeights *> inserted;
    int64_t place = 0;
    for (size_t k = 0; k < currentLayout.blocks.size(); ++k) {
        const PlannedBlock &b = currentLayout.blocks[k];
        place = b.inserted ? place + 1 : 0;
        if (b.inserted)
            inserted[{b.source, place, b.init}] = &current.at(k);
        else
            originals.at(static_cast<size_t>(b.source)) = &current.at(k);
    }
    std::vector<DecoderLayerWeights> blocks;
    place = 0;
    for (const PlannedBlock &b : layout.blocks) {
        place = b.inserted ? place + 1 : 0;
        const DecoderLayerWeights &source = *originals.at(static_cast<size_t>(b.source));
        if (!b.inserted) {
            blocks.push_back(source);
        } else if (const auto it = inserted.find({b.source, place, b.init}); it != inserted.end()) {
            blocks.push_back(*it->second);
        } else {
            const auto nextIndex = static_cast<size_t>(b.source) + 1;
            const DecoderLayerWeights *next = nextIndex < originals.size() ? originals[nextIndex] : nullptr;
            blocks.push_back(insertedBlock(source, next, b.init, checkpointConfig));
        }
        blocks.back().originalIndex = static_cast<int64_t>(blocks.size()) - 1;
    }
    return blocks;
}

}  // namespace lc
