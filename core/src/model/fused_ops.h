// SPDX-License-Identifier: GPL-3.0-or-later
// Fused CUDA kernels for the decoder's elementwise steps. Each one reads its inputs once and writes its
// output once, where the ATen composition makes a pass per operator; results round exactly where
// transformers rounds (in the compute dtype, after every operator it runs), so they match its eager ops
// bit for bit apart from the order of RMSNorm's sum.
// Built only when CMake finds a CUDA compiler and a CUDA libtorch (LAYERCUT_HAS_CUDA_KERNELS); elsewhere
// enabled() is false and the model uses ATen.
// Legend: B batch, T tokens, h heads, D head_dim, H hidden, I intermediate.
#pragma once

#include <utility>

// ATen only: the CUDA translation unit compiles this header as C++17 with nvcc.
#include <ATen/ATen.h>

namespace lc::fused {

/** True when x is a CUDA tensor, the kernels were built, and LAYERCUT_FUSED_KERNELS is not "0". */
bool enabled(const at::Tensor &x);

/** weight * RMSNorm(x) over the last dimension: x [..., H], weight [H] -> [..., H]. */
at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps);

/** h = x + delta, and weight * RMSNorm(h): the residual add and the next norm in one pass. Returns (h, norm). */
std::pair<at::Tensor, at::Tensor> addRmsNorm(const at::Tensor &x, const at::Tensor &delta, const at::Tensor &weight,
                                             double eps);

/**
 * Rotary embedding, x * cos + rotate_half(x) * sin: x [B, T, h, D] (any strides, D contiguous),
 * cos, sin [T, D] -> [B, T, h, D] contiguous.
 */
at::Tensor rope(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin);

/** silu(gate) * up: [..., I] each (rows may be strided views), -> [..., I] contiguous. */
at::Tensor siluMul(const at::Tensor &gate, const at::Tensor &up);

}  // namespace lc::fused
