// SPDX-License-Identifier: GPL-3.0-or-later
// A model placed over several devices: contiguous runs of decoder blocks per device, the embeddings with the
// first, the final norm and the head with the last; hidden states move between devices where a run ends
// (one copy of (B, T, H) per boundary and pass).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/torch_compat.h"

namespace lc {

struct BlockPlacement
{
    std::vector<at::Device> devices;  // as the user listed them
    std::vector<size_t> blockDevice;  // per checkpoint block: its index into devices, never decreasing

    /** Every block on one device. */
    static BlockPlacement single(at::Device device, int64_t blocks);

    at::Device first() const { return devices.front(); }
    at::Device last() const { return devices.back(); }
    at::Device ofBlock(int64_t block) const { return devices.at(blockDevice.at(static_cast<size_t>(block))); }
    bool spread() const { return devices.size() > 1; }
    /** "cuda:0 (blocks 0-39), cuda:1 (blocks 40-79)". */
    std::string describe() const;
};

/**
 * "cuda:0,cuda:1" (any number, each as parseDevice reads it; "cuda" is cuda:0) -> the devices, in order.
 * Throws lc::Error for an empty entry or a GPU listed twice. The CPU may be listed, once or more: blocks there
 * run slowly, but a model then spans a GPU and the host, and the tests check the moves between devices with
 * one GPU (cuda:0,cpu) or none (cpu,cpu).
 */
std::vector<at::Device> parseDevices(const std::string &text);

/** The blocks of a model over `devices` in contiguous runs by each device's room: layercut/block_runs.h. */
BlockPlacement placeBlocks(const std::vector<at::Device> &devices, const std::vector<uint64_t> &blockBytes,
                           uint64_t firstBytes, uint64_t lastBytes, const std::vector<uint64_t> &room = {});

}  // namespace lc
