// SPDX-License-Identifier: GPL-3.0-or-later
// How large one inference pass is on the CPU. A stop is seen between blocks and between a block's halves;
// on the CPU half a block of a batch of 8 × 2048 tokens takes seconds (with a reference BLAS, a minute),
// so where sums over sequences do not depend on the batching (distances, losses, scores), CPU passes are
// cut to about one sequence of a thousand tokens. Batching gains little there; accelerators keep theirs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "model/torch_compat.h"

namespace lc {

/** Padded tokens (sequences × the longest) one CPU pass holds at most; a longer sequence goes alone. */
constexpr int64_t kCpuPassTokens = 1024;

/** kCpuPassTokens on the CPU, `requested` elsewhere: the most padded tokens one pass on `device` holds. */
inline int64_t passTokenLimit(const at::Device &device, int64_t requested = std::numeric_limits<int64_t>::max())
{
    return device.is_cpu() ? std::min(requested, kCpuPassTokens) : requested;
}

/**
 * Consecutive ranges [first, last) of sequences with these `lengths` such that each range's count times
 * its longest length stays within `maxTokens` (a range holds at least one sequence).
 */
inline std::vector<std::pair<size_t, size_t>> passRanges(const std::vector<int64_t> &lengths, int64_t maxTokens)
{
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t first = 0; first < lengths.size();) {
        int64_t longest = lengths[first];
        size_t last = first + 1;
        while (last < lengths.size()) {
            const int64_t next = std::max(longest, lengths[last]);
            if (static_cast<int64_t>(last - first + 1) * next > maxTokens)
                break;
            longest = next;
            ++last;
        }
        ranges.emplace_back(first, last);
        first = last;
    }
    return ranges;
}

}  // namespace lc
