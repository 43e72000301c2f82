// SPDX-License-Identifier: GPL-3.0-or-later
// Moving checkpoint bytes from the memory map to the device. The CPU path is a plain copy; the CUDA path
// runs a few threads, each with its own pinned buffer: memcpy a chunk from the mapping (page cache or
// disk) into pinned memory, then a host-to-device copy at full PCIe speed. Pageable copies of mapped
// memory are several times slower.
#include "model/tensor_upload.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

namespace lc {
namespace {

constexpr int64_t kChunkBytes = 64ll << 20;  // per staging buffer
constexpr int kUploadThreads = 6;

void reportProgress(const ProgressFn &progress, uint64_t done, uint64_t total, int &lastPercent)
{
    const int percent = total ? static_cast<int>(100 * done / total) : 100;
    if (progress && percent != lastPercent) {
        lastPercent = percent;
        progress({Stage::LoadingWeights, static_cast<int64_t>(done), static_cast<int64_t>(total)});
    }
}

void uploadOnCpu(const std::vector<TensorUpload> &uploads, at::ScalarType dtype, uint64_t totalBytes,
                 const ProgressFn &progress, const std::stop_token &stop)
{
    uint64_t done = 0;
    int lastPercent = -1;
    for (const TensorUpload &u : uploads) {
        throwIfStopped(stop);
        // copy=true: the result must own its memory, never alias the mapping.
        *u.slot = viewOf(*u.entry).to(at::kCPU, dtype, /*non_blocking=*/false, /*copy=*/true);
        done += u.entry->byteSize();
        reportProgress(progress, done, totalBytes, lastPercent);
    }
}

void uploadOnCuda(const std::vector<TensorUpload> &uploads, at::Device device, at::ScalarType dtype,
                  uint64_t totalBytes, const ProgressFn &progress, const std::stop_token &stop)
{
    // Largest tensors first so the threads finish together.
    std::vector<size_t> order(uploads.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return uploads[a].entry->byteSize() > uploads[b].entry->byteSize(); });
    std::vector<at::Tensor> results(uploads.size());
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> done{0};
    std::atomic<bool> abort{false};
    std::atomic<int> finished{0};
    std::exception_ptr failure;
    std::mutex failureMutex;

    auto worker = [&] {
        try {
            const at::Tensor staging =
                at::empty({kChunkBytes}, at::TensorOptions().dtype(at::kByte).pinned_memory(true));
            for (size_t k; !abort && (k = next.fetch_add(1)) < order.size();) {
                const TensorEntry &e = *uploads[order[k]].entry;
                const int64_t bytes = static_cast<int64_t>(e.byteSize());
                // Raw bytes land in a byte buffer on the device, then are viewed as the stored dtype.
                at::Tensor raw = at::empty({bytes}, at::TensorOptions().dtype(at::kByte).device(device));
                for (int64_t offset = 0; offset < bytes && !abort; offset += kChunkBytes) {
                    const int64_t n = std::min(kChunkBytes, bytes - offset);
                    std::memcpy(staging.data_ptr(), e.data + offset, static_cast<size_t>(n));
                    raw.narrow(0, offset, n).copy_(staging.narrow(0, 0, n), /*non_blocking=*/false);
                    done += static_cast<uint64_t>(n);
                }
                if (abort)
                    break;
                const at::ScalarType stored = scalarTypeOfSafetensors(e.dtype);
                at::Tensor t = bytes ? raw.view(stored).view(e.shape)
                                     : at::empty(e.shape, at::TensorOptions().dtype(stored).device(device));
                results[order[k]] = stored == dtype ? t : t.to(dtype);
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            abort = true;
        }
        ++finished;
    };
    std::vector<std::thread> threads;
    const int count = std::min<int>(kUploadThreads, static_cast<int>(uploads.size()));
    for (int i = 0; i < count; ++i)
        threads.emplace_back(worker);
    // This thread reports progress and watches for a stop while the workers copy.
    int lastPercent = -1;
    while (finished.load() < count) {
        if (stop.stop_requested())
            abort = true;
        reportProgress(progress, done.load(), totalBytes, lastPercent);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto &t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    throwIfStopped(stop);
    reportProgress(progress, totalBytes, totalBytes, lastPercent);
    for (size_t i = 0; i < uploads.size(); ++i)
        *uploads[i].slot = results[i];
}

}  // namespace

void uploadTensors(const std::vector<TensorUpload> &uploads, at::Device device, at::ScalarType dtype,
                   uint64_t totalBytes, const ProgressFn &progress, const std::stop_token &stop)
{
    if (device.is_cuda())
        uploadOnCuda(uploads, device, dtype, totalBytes, progress, stop);
    else
        uploadOnCpu(uploads, dtype, totalBytes, progress, stop);
}

}  // namespace lc
