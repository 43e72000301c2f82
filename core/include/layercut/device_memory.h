// SPDX-License-Identifier: GPL-3.0-or-later
// What an accelerator has free now: the other half of memory planning (memory_plan.h estimates the need).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lc {

struct DeviceMemory
{
    int64_t freeBytes = 0;  // what the driver reports free now (other processes' use already subtracted)
    int64_t totalBytes = 0;
};

/**
 * The memory of a CUDA device ("cuda", "cuda:1"); nullopt for the CPU, a libtorch without CUDA, or a device
 * that does not exist (loading reports that).
 */
std::optional<DeviceMemory> deviceMemory(const std::string &device);

/**
 * The most bytes libtorch's caching allocator held allocated on a CUDA device since the process began: what a
 * job's estimate (memory_plan.h) is checked against. nullopt as for deviceMemory().
 */
std::optional<int64_t> peakAllocatedBytes(const std::string &device);

}  // namespace lc
