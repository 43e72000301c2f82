// SPDX-License-Identifier: GPL-3.0-or-later
// The GPUs a training run uses (every CUDA device of the model's placement): their allocator's memory, its
// peak, the cached blocks it releases, and waiting for their kernels. On the CPU these do nothing.
#pragma once

#include <cstdint>

#include "model/block_placement.h"

namespace lc {

struct MemoryStats
{
    int64_t current = 0, peak = 0;  // allocated bytes, summed over the GPUs
};

/** Allocated bytes now and at the peak, summed over the model's GPUs (the whole run's footprint). */
MemoryStats memoryStats(const BlockPlacement &placement);
void resetPeakMemory(const BlockPlacement &placement);
/** Gives the caching allocator's unused blocks back on every GPU (the dense weights that were quantised). */
void releaseCachedMemory(const BlockPlacement &placement);
/** Waits for every GPU of the model: the optimizer's kernels run on each device its tensors live on. */
void synchronize(const BlockPlacement &placement);

}  // namespace lc
