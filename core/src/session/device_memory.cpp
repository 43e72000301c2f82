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

std::optional<int64_t> usableMemory(const std::string &device, int64_t budget)
{
    if (const size_t comma = device.find(','); comma != std::string::npos) {  // a model over several devices
        const std::optional<int64_t> first = usableMemory(device.substr(0, comma), budget);
        const std::optional<int64_t> rest = usableMemory(device.substr(comma + 1), budget);
        return first && rest ? std::optional<int64_t>(*first + *rest) : std::nullopt;
    }
    std::optional<int64_t> usable;
    if (const std::optional<DeviceMemory> memory = deviceMemory(device))
        usable = memory->freeBytes + memory->reservedBytes;
    if (budget > 0)
        usable = usable ? std::min(*usable, budget) : budget;
    return usable;
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
