// SPDX-License-Identifier: GPL-3.0-or-later
// The one header through which core/src includes torch. It bridges libtorch 1.13 (Debian, CPU) and 2.x
// (CUDA) and converts between the torch-free public types and ATen's.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include "layercut/dtype.h"
#include "layercut/safetensors_file.h"

// at::scaled_dot_product_attention exists from PyTorch 2.0; 1.13 gets an explicit softmax fallback.
#define LAYERCUT_HAS_SDPA (TORCH_VERSION_MAJOR >= 2)
// at::rms_norm (one fused kernel on CUDA in recent versions) arrived in 2.4.
#define LAYERCUT_HAS_RMS_NORM (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))
// Its enable_gqa argument (shared key/value heads without repeat_kv) arrived in 2.5.
#define LAYERCUT_HAS_SDPA_GQA (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5))

// at::Context's switch for cuDNN's scaled_dot_product_attention kernels arrived in 2.3.
#define LAYERCUT_HAS_CUDNN_SDP_SWITCH                                                                                  \
    (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3))

namespace lc {

/**
 * Keeps scaled_dot_product_attention off cuDNN's kernels while it lives (the process-wide switch, restored
 * after). Generation asks for it: cuDNN plans each new key length afresh, 2.3 ms of host time per call
 * measured on an H200 (libtorch 2.11), while a decode step's attention is microseconds of GPU time.
 */
class WithoutCudnnAttention
{
public:
    WithoutCudnnAttention();
    ~WithoutCudnnAttention();
    WithoutCudnnAttention(const WithoutCudnnAttention &) = delete;
    WithoutCudnnAttention &operator=(const WithoutCudnnAttention &) = delete;

private:
    bool m_was = false;
};

at::ScalarType toScalarType(DType dtype);
/** The ATen type of a safetensors dtype string; throws lc::Error for types the core does not read. */
at::ScalarType scalarTypeOfSafetensors(const std::string &dtype);
/** A CPU tensor viewing `entry`'s bytes in the read-only mapping (no copy: never write to it). */
at::Tensor viewOf(const TensorEntry &entry);
/** Parses "cpu", "cuda" or "cuda:N" and checks the device exists; throws lc::Error. */
at::Device parseDevice(const std::string &device);

}  // namespace lc
