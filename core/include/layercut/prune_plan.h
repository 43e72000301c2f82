// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lc {

struct LayerDistances;

/** How the layers to drop are chosen when the user gives a count rather than a block. */
enum class PruneStrategy {
    Similarity,  // the block [l*(n), l*(n)+n) of smallest angular distance (Gromov et al. 2024)
    Deepest,     // the paper's simple heuristic: the n layers before the last, 0-based L−1−n … L−2
    Reverse,     // the last n layers, L−n … L−1 ("Reassessing Layer Pruning")
    Single,      // one layer alone, each in turn: the importance scan (Llama SLayer); never chosen by a count
};

/** "similarity", "deepest", "reverse", "single"; parse throws lc::Error for anything else. */
std::string strategyName(PruneStrategy strategy);
PruneStrategy parseStrategy(const std::string &name);

/**
 * Which of a model's original layers survive pruning. Always relative to the source checkpoint: the
 * numbers are the layers' 0-based indices there, so they stay meaningful after renumbering on export.
 */
struct PrunePlan
{
    int64_t sourceLayers = 0;   // L of the source checkpoint
    std::vector<int64_t> kept;  // ascending original indices
    std::string method;         // how it was chosen: "block", "similarity", "deepest", "reverse", "list"
    double distance = -1.0;     // d(l, n) of the dropped block when known, else negative

    /** Keeps every layer. */
    static PrunePlan keepAll(int64_t layers);
    /** Drops the contiguous block [start, start + count); throws lc::Error when it is out of range. */
    static PrunePlan dropBlock(int64_t layers, int64_t start, int64_t count);
    /** Drops the given indices (any order, no duplicates); throws lc::Error for bad indices. */
    static PrunePlan dropList(int64_t layers, const std::vector<int64_t> &dropped);
    /**
     * Drops `count` layers chosen by `strategy`. Similarity needs `distances` of the same model and picks
     * l*(count); the others ignore them. Throws lc::Error when count is not in 1..L-1, and for Single (which
     * names its layer: dropList).
     */
    static PrunePlan forCount(int64_t layers, int64_t count, PruneStrategy strategy,
                              const LayerDistances *distances = nullptr);

    std::vector<int64_t> dropped() const;
    int64_t droppedCount() const { return sourceLayers - static_cast<int64_t>(kept.size()); }
    bool prunesAnything() const { return droppedCount() > 0; }
    /** Inclusive ranges in original numbering, e.g. "0–21, 26–31" (empty string for none). */
    static std::string ranges(const std::vector<int64_t> &indices);
};

/** round(fraction · L) layers, at least 1 and at most L − 1; throws lc::Error for fractions outside (0, 1). */
int64_t layersForFraction(int64_t layers, double fraction);

}  // namespace lc
