// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stop_token>
#include <vector>

#include "layercut/progress.h"
#include "model/torch_compat.h"

namespace lc {

/** One checkpoint tensor and the slot that receives its copy. */
struct TensorUpload
{
    const TensorEntry *entry = nullptr;
    at::Tensor *slot = nullptr;
};

/**
 * Copies every entry into its slot on `device`, converted to `dtype`; the slots own their memory.
 * On CUDA, several threads stream the memory-mapped bytes through pinned staging buffers, so reading
 * the file and the host-to-device copies overlap. Progress is reported in bytes (`totalBytes`);
 * lc::Cancelled is thrown within one chunk of `stop` firing, and no slot is left half-written.
 */
void uploadTensors(const std::vector<TensorUpload> &uploads, at::Device device, at::ScalarType dtype,
                   uint64_t totalBytes, const ProgressFn &progress, const std::stop_token &stop);

}  // namespace lc
