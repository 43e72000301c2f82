// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's one convention for layers: a selection is a set of original layer indices (sorted, unique);
// a contiguous block of it is a LayerRange [first, last], both inclusive. The heatmap's (start l, size n)
// and the CLI's START:END (exclusive) convert at their own edges.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace lc {

/** A contiguous block of layers [first, last], inclusive; empty while first < 0. */
struct LayerRange
{
    int64_t first = -1;
    int64_t last = -1;

    /** The heatmap's cell (start l, size n). */
    static LayerRange ofBlock(int64_t start, int64_t size) { return {start, start + size - 1}; }
    bool isEmpty() const { return first < 0 || last < first; }
    int64_t size() const { return isEmpty() ? 0 : last - first + 1; }
    std::vector<int64_t> layers() const
    {
        std::vector<int64_t> out;
        for (int64_t i = first; !isEmpty() && i <= last; ++i)
            out.push_back(i);
        return out;
    }
    bool operator==(const LayerRange &) const = default;
};

/** Sorted and without repeats: the form every selection is kept in. */
inline std::vector<int64_t> normalizedLayers(std::vector<int64_t> layers)
{
    std::sort(layers.begin(), layers.end());
    layers.erase(std::unique(layers.begin(), layers.end()), layers.end());
    return layers;
}

/** The block `layers` forms when it is one (sorted, unique, no gaps); nullopt for an empty or split set. */
inline std::optional<LayerRange> asRange(const std::vector<int64_t> &layers)
{
    if (layers.empty() || layers.back() - layers.front() + 1 != static_cast<int64_t>(layers.size()))
        return std::nullopt;
    return LayerRange{layers.front(), layers.back()};
}

}  // namespace lc
