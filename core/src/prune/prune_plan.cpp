// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/prune_plan.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "layercut/error.h"
#include "layercut/layer_distances.h"

namespace lc {

std::string strategyName(PruneStrategy strategy)
{
    switch (strategy) {
    case PruneStrategy::Similarity: return "similarity";
    case PruneStrategy::Deepest: return "deepest";
    case PruneStrategy::Reverse: return "reverse";
    case PruneStrategy::Single: return "single";
    }
    return "similarity";
}

PruneStrategy parseStrategy(const std::string &name)
{
    for (const PruneStrategy s :
         {PruneStrategy::Similarity, PruneStrategy::Deepest, PruneStrategy::Reverse, PruneStrategy::Single})
        if (name == strategyName(s))
            return s;
    throw Error("unknown pruning strategy '" + name + "' (similarity, deepest, reverse or single)");
}

PrunePlan PrunePlan::keepAll(int64_t layers)
{
    PrunePlan plan;
    plan.sourceLayers = layers;
    for (int64_t i = 0; i < layers; ++i)
        plan.kept.push_back(i);
    plan.method = "none";
    return plan;
}

PrunePlan PrunePlan::dropList(int64_t layers, const std::vector<int64_t> &dropped)
{
    const std::set<int64_t> drop(dropped.begin(), dropped.end());
    if (drop.size() != dropped.size())
        throw Error("a layer is listed twice among the layers to drop");
    for (const int64_t i : drop)
        if (i < 0 || i >= layers)
            throw Error("layer " + std::to_string(i) + " does not exist: the model has layers 0–" +
                        std::to_string(layers - 1));
    if (static_cast<int64_t>(drop.size()) >= layers)
        throw Error("cannot drop every layer: at least one must stay");
    PrunePlan plan;
    plan.sourceLayers = layers;
    for (int64_t i = 0; i < layers; ++i)
        if (!drop.count(i))
            plan.kept.push_back(i);
    plan.method = "list";
    return plan;
}

PrunePlan PrunePlan::dropBlock(int64_t layers, int64_t start, int64_t count)
{
    if (count < 1 || start < 0 || start + count > layers)
        throw Error("block " + std::to_string(start) + ":" + std::to_string(start + count) +
                    " (0-based, end exclusive) is outside the model's layers 0:" + std::to_string(layers));
    std::vector<int64_t> dropped;
    for (int64_t i = start; i < start + count; ++i)
        dropped.push_back(i);
    PrunePlan plan = dropList(layers, dropped);
    plan.method = "block";
    return plan;
}

PrunePlan PrunePlan::forCount(int64_t layers, int64_t count, PruneStrategy strategy, const LayerDistances *distances)
{
    if (count < 1 || count >= layers)
        throw Error("cannot drop " + std::to_string(count) + " of " + std::to_string(layers) + " layers: choose 1 to " +
                    std::to_string(layers - 1));
    PrunePlan plan;
    switch (strategy) {
    case PruneStrategy::Similarity: {
        if (!distances || distances->numLayers != layers)
            throw Error("the similarity strategy needs distances measured on this model (" + std::to_string(layers) +
                        " layers)");
        const int64_t start = distances->optimalStart(count);
        plan = dropBlock(layers, start, count);
        plan.distance = distances->angularAt(count, start);
        break;
    }
    case PruneStrategy::Deepest:  // keep the last layer: drop L−1−n … L−2
        plan = dropBlock(layers, layers - 1 - count, count);
        break;
    case PruneStrategy::Reverse: plan = dropBlock(layers, layers - count, count); break;
    case PruneStrategy::Single:
        throw Error("the single-layer strategy drops each layer alone (the importance scan), not a count of layers");
    }
    plan.method = strategyName(strategy);
    return plan;
}

std::vector<int64_t> PrunePlan::dropped() const
{
    std::vector<int64_t> out;
    for (int64_t i = 0, k = 0; i < sourceLayers; ++i) {
        if (k < static_cast<int64_t>(kept.size()) && kept[static_cast<size_t>(k)] == i)
            ++k;
        else
            out.push_back(i);
    }
    return out;
}

std::string PrunePlan::ranges(const std::vector<int64_t> &indices)
{
    std::string out;
    for (size_t i = 0; i < indices.size();) {
        size_t j = i;
        while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1)
            ++j;
        if (!out.empty())
            out += ", ";
        out += std::to_string(indices[i]);
        if (j > i)
            out += "–" + std::to_string(indices[j]);
        i = j + 1;
    }
    return out;
}

int64_t layersForFraction(int64_t layers, double fraction)
{
    if (!(fraction > 0.0 && fraction < 1.0))
        throw Error("prune fraction " + std::to_string(fraction) + " is not between 0 and 1");
    const auto n = static_cast<int64_t>(std::llround(fraction * static_cast<double>(layers)));
    return std::clamp<int64_t>(n, 1, layers - 1);
}

}  // namespace lc
