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
 * Rotary embedding, x * cos + rotate_half(x) * sin: x [B, T, h, D] (any strides, D contiguous); cos, sin
 * [T, D] shared by every row, or [B, 1, T, D] for rows at positions of their own (a prefix of each row's
 * own length before them, a generation step). Returns [B, T, h, D] contiguous, or with headsFirst
 * [B, h, T, D] contiguous: the layout whose view (B, h/g, g·T, D) the masked grouped-query attention reads.
 */
at::Tensor rope(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin, bool headsFirst = false);

/**
 * Each row's prefix keys (or values), then its own: prefix [N, h, P, D] (any strides, D contiguous), rows
 * [B] int64 on x's device (row b continues prefix rows[b]; undefined: every row prefix 0), x [B, h, T, D]
 * (any strides, D contiguous) -> [B, h, P + T, D] contiguous. One pass, where index_select then cat make two.
 */
at::Tensor prefixConcat(const at::Tensor &prefix, const at::Tensor &rows, const at::Tensor &x);

/** silu(gate) * up: [..., I] each (rows may be strided views), -> [..., I] contiguous. */
at::Tensor siluMul(const at::Tensor &gate, const at::Tensor &up);

}  // namespace lc::fused
