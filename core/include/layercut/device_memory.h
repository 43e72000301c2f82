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
    int64_t reservedBytes = 0;  // held by this process's caching allocator (a loaded model's weights among them)
};

/**
 * The memory of a CUDA device ("cuda", "cuda:1"); nullopt for the CPU, a libtorch without CUDA, or a device
 * that does not exist (loading reports that).
 */
std::optional<DeviceMemory> deviceMemory(const std::string &device);

/**
 * What a job of this process may plan to use on `device`: its free memory and what this process already holds
 * there (a job's estimate counts the loaded weights), at most `budget` bytes when one is set (> 0). For the CPU
 * only a budget says anything; nullopt when nothing is known. A list ("cuda:0,cuda:1", a model placed over
 * several) sums its devices' (each within the budget); nullopt when any is unknown.
 */
std::optional<int64_t> usableMemory(const std::string &device, int64_t budget = 0);

/**
 * The most bytes libtorch's caching allocator held allocated on a CUDA device since the process began: what a
 * job's estimate (memory_plan.h) is checked against. nullopt as for deviceMemory().
 */
std::optional<int64_t> peakAllocatedBytes(const std::string &device);

}  // namespace lc
