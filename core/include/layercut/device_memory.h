// SPDX-License-Identifier: GPL-3.0-or-later
// What an accelerator has free now: the other half of memory planning (memory_plan.h estimates the need).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layercut/memory_plan.h"

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
 * only a budget says anything; nullopt when nothing is known. One device; memoryRoom() takes a list.
 */
std::optional<int64_t> usableMemory(const std::string &device, int64_t budget = 0);

/** The machine's CUDA devices: "cuda:0", "cuda:1", …; none without CUDA. */
std::vector<std::string> gpuDevices();

/** "cuda:0,cuda:1" -> its entries, "cuda" read as "cuda:0" (as loading reads it); loading names a malformed list. */
std::vector<std::string> deviceList(const std::string &devices);

/**
 * What a job on `devices` (one, or a list a model is placed over) may use on each (usableMemory, each within
 * `budget`) and how loading splits the blocks over them (their free memory): what memory planning checks
 * against (memory_plan.h). nullopt when a device's memory is unknown (the CPU without a budget).
 */
std::optional<MemoryRoom> memoryRoom(const std::string &devices, int64_t budget = 0);

/**
 * `room` with the machine's other GPUs as spares a proposal may add, when the job runs on GPUs. Asking a GPU
 * for its free memory makes a CUDA context there, so only once a job does not fit.
 */
MemoryRoom withSpareGpus(MemoryRoom room, int64_t budget = 0);

/**
 * The most bytes libtorch's caching allocator held allocated on a CUDA device since the process began: what a
 * job's estimate (memory_plan.h) is checked against. nullopt as for deviceMemory().
 */
std::optional<int64_t> peakAllocatedBytes(const std::string &device);

}  // namespace lc
