// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA kernel behind dequantizeNf4(): unpacks the 4-bit codes, looks them up and scales them by their
// block's absmax (rebuilt from the 8-bit code in the same pass when double-quantised), writing the compute
// dtype directly. One read of 0.5 byte and one write per weight, where the ATen composition makes six
// passes. Built only with the fused kernels (LAYERCUT_HAS_CUDA_KERNELS).
#pragma once

// ATen only: nvcc compiles the .cu as C++17.
#include <ATen/ATen.h>

namespace lc::kernels {

/**
 * packed uint8 [ceil(n/2)] on CUDA; absmax float32 [blocks], or uint8 [blocks] with absmax2 float32
 * [ceil(blocks/256)] and code8 float32 [256] (double quantisation; then absmax = code8[q]·absmax2 + offset).
 * Returns `dtype` [n] on the same device.
 */
at::Tensor nf4Dequantize(const at::Tensor &packed, const at::Tensor &absmax, const at::Tensor &absmax2,
                         const at::Tensor &code8, float offset, int64_t n, int64_t blocksize, at::ScalarType dtype);

}  // namespace lc::kernels
