// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/device_memory.h"

#include <algorithm>

#if LAYERCUT_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace lc {
namespace {

/** The CUDA device index "cuda" or "cuda:N" names, if it exists. */
std::optional<int> cudaIndex(const std::string &device)
{
#if LAYERCUT_TORCH_CUDA
    if (device.rfind("cuda", 0) != 0)
        return std::nullopt;
    int index = 0;
    if (device.size() > 5 && device[4] == ':') {
        try {
            index = std::stoi(device.substr(5));
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    if (index < 0 || index >= static_cast<int>(c10::cuda::device_count()))
        return std::nullopt;
    return index;
#else
    (void)device;
    return std::nullopt;
#endif
}

}  // namespace

std::optional<DeviceMemory> deviceMemory(const std::string &device)
{
#if LAYERCUT_TORCH_CUDA
    const std::optional<int> index = cudaIndex(device);
    if (!index)
        return std::nullopt;
    const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(*index));
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess)
        return std::nullopt;
    int64_t reserved = 0;
    try {  // the allocator refuses a device it has not served yet: nothing of ours is there
        reserved = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(*index))
                       .reserved_bytes[0]
                       .current;
    } catch (const std::exception &) {
    }
    return DeviceMemory{static_cast<int64_t>(free), static_cast<int64_t>(total), reserved};
#else
    (void)device;
    return std::nullopt;
#endif
}

namespace {

/** `usable` bytes at most `budget` when one is set (> 0); the budget alone when nothing else is known. */
std::optional<int64_t> withinBudget(std::optional<int64_t> usable, int64_t budget)
{
    if (budget > 0)
        usable = usable ? std::min(*usable, budget) : budget;
    return usable;
}

}  // namespace

std::optional<int64_t> usableMemory(const std::string &device, int64_t budget)
{
    std::optional<int64_t> usable;
    if (const std::optional<DeviceMemory> memory = deviceMemory(device))
        usable = memory->freeBytes + memory->reservedBytes;
    return withinBudget(usable, budget);
}

std::vector<std::string> gpuDevices()
{
    std::vector<std::string> out;
#if LAYERCUT_TORCH_CUDA
    for (int i = 0; i < static_cast<int>(c10::cuda::device_count()); ++i)
        out.push_back("cuda:" + std::to_string(i));
#endif
    return out;
}

std::vector<std::string> deviceList(const std::string &devices)
{
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t comma = devices.find(',', start);
        std::string entry = devices.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        out.push_back(entry == "cuda" ? "cuda:0" : entry);
        if (comma == std::string::npos)
            return out;
        start = comma + 1;
    }
}

std::optional<MemoryRoom> memoryRoom(const std::string &devices, int64_t budget)
{
    MemoryRoom room;
    room.devices = deviceList(devices);
    bool allKnown = true;
    for (const std::string &d : room.devices) {
        // Loading splits the blocks by what each has free, whatever the budget; in equal shares when a device's
        // memory is unknown (ModelSession::load).
        const std::optional<int64_t> free = usableMemory(d);
        const std::optional<int64_t> usable = withinBudget(free, budget);
        if (!usable)
            return std::nullopt;
        room.available.push_back(*usable);
        allKnown = allKnown && free.has_value();
        room.shares.push_back(free.value_or(0));
    }
    if (!allKnown)
        std::fill(room.shares.begin(), room.shares.end(), 0);
    return room;
}

MemoryRoom withSpareGpus(MemoryRoom room, int64_t budget)
{
    const auto gpu = [](const std::string &d) { return d.rfind("cuda", 0) == 0; };
    if (!std::all_of(room.devices.begin(), room.devices.end(), gpu))
        return room;
    for (const std::string &g : gpuDevices())
        if (std::find(room.devices.begin(), room.devices.end(), g) == room.devices.end())
            if (const std::optional<int64_t> free = usableMemory(g)) {
                room.spareDevices.push_back(g);
                room.spareAvailable.push_back(*withinBudget(free, budget));
                room.spareShares.push_back(*free);
            }
    return room;
}

std::optional<int64_t> peakAllocatedBytes(const std::string &device)
{
    const std::optional<int> index = cudaIndex(device);
    if (!index)
        return std::nullopt;
#if LAYERCUT_TORCH_CUDA
    return c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(*index))
        .allocated_bytes[0]
        .peak;  // [0]: all pools
#else
    return std::nullopt;
#endif
}

}  // namespace lc
