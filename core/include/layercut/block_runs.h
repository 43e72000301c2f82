// SPDX-License-Identifier: GPL-3.0-or-later
// Which device of a list holds each decoder block of a model placed over several: contiguous runs in proportion
// to each device's room. Torch-free, so memory planning (memory_plan.h) splits a model as the loader will.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lc {

/**
 * Per block: the index of its device among `devices` (never decreasing). Block b goes to the device whose share
 * of the whole model holds the middle of b's bytes, counting `firstBytes` (embeddings) before the blocks and
 * `lastBytes` (norm, head) after them; the shares are in proportion to `room` (bytes each device can take), equal
 * when it is empty or all zero. Every device gets at least one block while there are enough blocks. Throws
 * lc::Error for no device or a `room` of another length.
 */
std::vector<size_t> blockRuns(size_t devices, const std::vector<uint64_t> &blockBytes, uint64_t firstBytes,
                              uint64_t lastBytes, const std::vector<uint64_t> &room = {});

}  // namespace lc
