// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/training_devices.h"

#include <algorithm>
#include <vector>

#if LAYERCUT_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#endif

namespace lc {
namespace {

/** The distinct CUDA devices the model's blocks, embeddings and head live on (none on the CPU). */
std::vector<at::Device> cudaDevices(const BlockPlacement &placement)
{
    std::vector<at::Device> out;
    for (const at::Device d : placement.devices)
        if (d.is_cuda() && std::find(out.begin(), out.end(), d) == out.end())
            out.push_back(d);
    return out;
}

}  // namespace

MemoryStats memoryStats(const BlockPlacement &placement)
{
    MemoryStats sum;
#if LAYERCUT_TORCH_CUDA
    for (const at::Device d : cudaDevices(placement)) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(d.index() < 0 ? 0 : d.index());
        sum.current += stats.allocated_bytes[0].current;  // [0]: all pools
        sum.peak += stats.allocated_bytes[0].peak;
    }
#endif
    (void)placement;
    return sum;
}

void resetPeakMemory(const BlockPlacement &placement)
{
#if LAYERCUT_TORCH_CUDA
    for (const at::Device d : cudaDevices(placement))
        c10::cuda::CUDACachingAllocator::resetPeakStats(d.index() < 0 ? 0 : d.index());
#endif
    (void)placement;
}

void releaseCachedMemory(const BlockPlacement &placement)
{
#if LAYERCUT_TORCH_CUDA
    if (!cudaDevices(placement).empty())
        c10::cuda::CUDACachingAllocator::emptyCache();  // every device's
#endif
    (void)placement;
}

void synchronize(const BlockPlacement &placement)
{
#if LAYERCUT_TORCH_CUDA
    for (const at::Device d : cudaDevices(placement)) {
        const c10::cuda::CUDAGuard on(d);
        c10::cuda::device_synchronize();
    }
#endif
    (void)placement;
}

}  // namespace lc
