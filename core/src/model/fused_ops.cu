// SPDX-License-Identifier: GPL-3.0-or-later
// CUDA kernels behind fused_ops.h. Arithmetic is in float; every value transformers materialises in the
// compute dtype is rounded to it here too (scalar_t(...)), and products use __fmul_rn so nvcc cannot
// contract them into an FMA that transformers' separate kernels do not do.
// Rows are processed in packs of 16 bytes (8 bf16/f16, 4 f32) when sizes and addresses allow it.
// Legend: B batch, T tokens, h heads, D head_dim, H hidden, I intermediate.
#include "model/fused_ops.h"

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace lc::fused {
namespace {

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack
{
    T v[V];
};

/** Element strides of a 4-D tensor's batch, token and head dimensions (its last dimension is contiguous). */
struct Strides3
{
    int64_t b, t, h;
};

template <typename T>
__device__ __forceinline__ float f(T value)
{
    return static_cast<float>(value);
}

template <typename T>
__device__ __forceinline__ float mulRounded(float a, float b)
{
    return f(static_cast<T>(__fmul_rn(a, b)));
}

/** Sum over the block; every thread gets the result. blockDim.x is a multiple of 32, at most 1024. */
__device__ float blockSum(float value)
{
    __shared__ float partial[32];
    for (int offset = 16; offset > 0; offset /= 2)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0)
        partial[warp] = value;
    __syncthreads();
    const int warps = blockDim.x / 32;
    value = lane < warps ? partial[lane] : 0.0f;
    for (int offset = 16; offset > 0; offset /= 2)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

// One block per row of H. With kAdd: sum = x + delta is written and normalised; else x is.
// out = weight * T(s * rsqrt(mean(s²) + eps)), as transformers' LlamaRMSNorm rounds.
template <typename T, int V, bool kAdd>
__global__ void rmsNormKernel(const T *__restrict__ x, const T *__restrict__ delta, T *__restrict__ sum,
                              T *__restrict__ out, const T *__restrict__ weight, int64_t H, float eps)
{
    using P = Pack<T, V>;
    const int64_t row = blockIdx.x;
    const P *xr = reinterpret_cast<const P *>(x + row * H);
    const P *dr = kAdd ? reinterpret_cast<const P *>(delta + row * H) : nullptr;
    P *sr = kAdd ? reinterpret_cast<P *>(sum + row * H) : nullptr;
    P *outr = reinterpret_cast<P *>(out + row * H);
    const P *wr = reinterpret_cast<const P *>(weight);
    const int64_t packs = H / V;
    float squares = 0.0f;
    for (int64_t i = threadIdx.x; i < packs; i += blockDim.x) {
        P p = xr[i];
        if constexpr (kAdd) {
            const P d = dr[i];
#pragma unroll
            for (int j = 0; j < V; ++j)
                p.v[j] = static_cast<T>(f(p.v[j]) + f(d.v[j]));
            sr[i] = p;
        }
#pragma unroll
        for (int j = 0; j < V; ++j)
            squares += f(p.v[j]) * f(p.v[j]);
    }
    const float scale = rsqrtf(blockSum(squares) / static_cast<float>(H) + eps);
    const P *src = kAdd ? sr : xr;  // re-read: the row is still in L2
    for (int64_t i = threadIdx.x; i < packs; i += blockDim.x) {
        const P p = src[i], w = wr[i];
        P o;
#pragma unroll
        for (int j = 0; j < V; ++j)
            o.v[j] = static_cast<T>(__fmul_rn(f(w.v[j]), mulRounded<T>(f(p.v[j]), scale)));
        outr[i] = o;
    }
}

// One thread per pack of the first half of a head row: writes elements i..i+V and i+half..i+half+V.
// out[i] = T(T(x[i]·cos[i]) + T(−x[i+half]·sin[i])), out[i+half] = T(T(x[i+half]·cos[i+half]) + T(x[i]·sin[i+half])).
// cos/sin rows: (b, t) at b * tableStrideB + t * D (tableStrideB 0: one table for every row).
template <typename T, int V>
__global__ void ropeKernel(const T *__restrict__ x, const T *__restrict__ cos, const T *__restrict__ sin,
                           T *__restrict__ out, int64_t Tn, int64_t heads, int64_t D, Strides3 in, Strides3 to,
                           int64_t tableStrideB, int64_t total)
{
    using P = Pack<T, V>;
    const int64_t half = D / 2, packsPerHalf = half / V;
    for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t pack = idx % packsPerHalf;
        int64_t rest = idx / packsPerHalf;
        const int64_t head = rest % heads;
        rest /= heads;
        const int64_t t = rest % Tn, b = rest / Tn;
        const T *xr = x + b * in.b + t * in.t + head * in.h;
        T *outr = out + b * to.b + t * to.t + head * to.h;
        const T *cr = cos + b * tableStrideB + t * D, *sr = sin + b * tableStrideB + t * D;
        const int64_t i = pack * V;
        const P x1 = *reinterpret_cast<const P *>(xr + i), x2 = *reinterpret_cast<const P *>(xr + half + i);
        const P c1 = *reinterpret_cast<const P *>(cr + i), c2 = *reinterpret_cast<const P *>(cr + half + i);
        const P s1 = *reinterpret_cast<const P *>(sr + i), s2 = *reinterpret_cast<const P *>(sr + half + i);
        P o1, o2;
#pragma unroll
        for (int j = 0; j < V; ++j) {
            o1.v[j] = static_cast<T>(mulRounded<T>(f(x1.v[j]), f(c1.v[j])) - mulRounded<T>(f(x2.v[j]), f(s1.v[j])));
            o2.v[j] = static_cast<T>(mulRounded<T>(f(x2.v[j]), f(c2.v[j])) + mulRounded<T>(f(x1.v[j]), f(s2.v[j])));
        }
        *reinterpret_cast<P *>(outr + i) = o1;
        *reinterpret_cast<P *>(outr + half + i) = o2;
    }
}

// One thread per pack of an output row (b, head, s): s < P copies prefix row rows[b] (0 without rows),
// s >= P copies x's row s - P. out is [B, h, P + T, D] contiguous.
template <typename T, int V>
__global__ void prefixConcatKernel(const T *__restrict__ prefix, const int64_t *__restrict__ rows,
                                   const T *__restrict__ x, T *__restrict__ out, int64_t heads, int64_t P, int64_t Tn,
                                   int64_t D, Strides3 pre, int64_t preStrideN, Strides3 in, int64_t total)
{
    using Q = Pack<T, V>;
    const int64_t packsPerRow = D / V, S = P + Tn;
    for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t col = (idx % packsPerRow) * V;
        int64_t rest = idx / packsPerRow;
        const int64_t s = rest % S;
        rest /= S;
        const int64_t head = rest % heads, b = rest / heads;
        const T *src = s < P ? prefix + (rows ? rows[b] : 0) * preStrideN + head * pre.h + s * pre.t
                             : x + b * in.b + head * in.h + (s - P) * in.t;
        *reinterpret_cast<Q *>(out + idx * V) = *reinterpret_cast<const Q *>(src + col);
    }
}

// out = T(T(silu(gate)) · up), silu(g) = g / (1 + exp(−g)) as ATen computes it.
template <typename T, int V>
__global__ void siluMulKernel(const T *__restrict__ gate, const T *__restrict__ up, T *__restrict__ out, int64_t I,
                              int64_t gateRowStride, int64_t upRowStride, int64_t total)
{
    using P = Pack<T, V>;
    const int64_t packsPerRow = I / V;
    for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t row = idx / packsPerRow, col = (idx % packsPerRow) * V;
        const P g = *reinterpret_cast<const P *>(gate + row * gateRowStride + col);
        const P u = *reinterpret_cast<const P *>(up + row * upRowStride + col);
        P o;
#pragma unroll
        for (int j = 0; j < V; ++j) {
            const float gv = f(g.v[j]);
            const float silu = f(static_cast<T>(gv / (1.0f + expf(-gv))));
            o.v[j] = static_cast<T>(__fmul_rn(silu, f(u.v[j])));
        }
        *reinterpret_cast<P *>(out + row * I + col) = o;
    }
}

void check(bool condition, const char *what)
{
    if (!condition)
        throw std::invalid_argument(std::string("fused kernel: ") + what);
}

/** Elements per 16-byte pack when every pointer is 16-byte aligned and every length divides; else 1. */
template <typename T>
int packWidth(std::initializer_list<const void *> pointers, std::initializer_list<int64_t> lengths)
{
    constexpr int wide = 16 / sizeof(T);
    for (const void *p : pointers)
        if (reinterpret_cast<uintptr_t>(p) % 16 != 0)
            return 1;
    for (int64_t n : lengths)
        if (n % wide != 0)
            return 1;
    return wide;
}

/** The stride between rows of the last dimension when x is a uniform stack of rows; -1 when it is not. */
int64_t uniformRowStride(const at::Tensor &x)
{
    if (x.stride(-1) != 1)
        return -1;
    if (x.dim() == 1)
        return x.size(0);
    const int64_t rowStride = x.stride(-2);
    int64_t expected = rowStride * x.size(-2);
    for (int64_t d = x.dim() - 3; d >= 0; --d) {
        if (x.size(d) != 1 && x.stride(d) != expected)
            return -1;
        expected *= x.size(d);
    }
    return rowStride;
}

int gridFor(int64_t work, int threads)
{
    const int64_t blocks = (work + threads - 1) / threads;
    const int64_t cap = static_cast<int64_t>(at::cuda::getCurrentDeviceProperties()->multiProcessorCount) * 32;
    return static_cast<int>(std::max<int64_t>(1, std::min(blocks, cap)));
}

std::pair<at::Tensor, at::Tensor> launchRmsNorm(const at::Tensor &xIn, const at::Tensor *deltaIn,
                                                const at::Tensor &weightIn, double eps)
{
    const c10::cuda::CUDAGuard guard(xIn.device());
    const at::Tensor x = xIn.contiguous();
    const at::Tensor delta = deltaIn ? deltaIn->contiguous() : at::Tensor();
    const at::Tensor weight = weightIn.to(x.scalar_type()).contiguous();
    const int64_t H = x.size(-1), rows = x.numel() / std::max<int64_t>(H, 1);
    check(weight.numel() == H, "RMSNorm weight does not match the hidden size");
    check(!deltaIn || delta.sizes() == x.sizes(), "residual shapes differ");
    at::Tensor sum = deltaIn ? at::empty_like(x) : at::Tensor();
    at::Tensor out = at::empty_like(x);
    if (rows == 0)
        return {sum, out};
    const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "lc_rms_norm", [&] {
        using T = scalar_t;
        const T *d = deltaIn ? delta.data_ptr<T>() : nullptr;
        T *s = deltaIn ? sum.data_ptr<T>() : nullptr;
        const int width = packWidth<T>({x.data_ptr(), d, s, out.data_ptr(), weight.data_ptr()}, {H});
        const int64_t packs = H / width;
        const int threads = static_cast<int>(std::min<int64_t>(1024, std::max<int64_t>(32, (packs + 31) / 32 * 32)));
        const auto go = [&](auto kernel) {
            kernel<<<static_cast<unsigned>(rows), threads, 0, stream>>>(
                x.data_ptr<T>(), d, s, out.data_ptr<T>(), weight.data_ptr<T>(), H, static_cast<float>(eps));
        };
        constexpr int W = 16 / sizeof(T);
        if (deltaIn)
            width == W ? go(rmsNormKernel<T, W, true>) : go(rmsNormKernel<T, 1, true>);
        else
            width == W ? go(rmsNormKernel<T, W, false>) : go(rmsNormKernel<T, 1, false>);
    });
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return {sum, out};
}

}  // namespace

at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps)
{
    return launchRmsNorm(x, nullptr, weight, eps).second;
}

std::pair<at::Tensor, at::Tensor> addRmsNorm(const at::Tensor &x, const at::Tensor &delta, const at::Tensor &weight,
                                             double eps)
{
    return launchRmsNorm(x, &delta, weight, eps);
}

at::Tensor rope(const at::Tensor &x, const at::Tensor &cosIn, const at::Tensor &sinIn, bool headsFirst)
{
    check(x.dim() == 4 && x.stride(3) == 1, "rope expects [B, T, h, D] with D contiguous");
    const c10::cuda::CUDAGuard guard(x.device());
    const int64_t B = x.size(0), Tn = x.size(1), heads = x.size(2), D = x.size(3);
    const at::Tensor cos = cosIn.to(x.scalar_type()).contiguous(), sin = sinIn.to(x.scalar_type()).contiguous();
    const bool perRow = cos.dim() == 4;  // [B, 1, T, D]
    check(D % 2 == 0 && sin.sizes() == cos.sizes() && cos.size(-2) == Tn && cos.size(-1) == D &&
              (cos.dim() == 2 || (perRow && cos.size(0) == B && cos.size(1) == 1)),
          "rope's cos/sin are neither [T, D] nor [B, 1, T, D]");
    at::Tensor out = headsFirst ? at::empty({B, heads, Tn, D}, x.options()) : at::empty({B, Tn, heads, D}, x.options());
    if (out.numel() == 0)
        return out;
    const Strides3 in{x.stride(0), x.stride(1), x.stride(2)};
    const Strides3 to = headsFirst ? Strides3{out.stride(0), out.stride(2), out.stride(1)}
                                   : Strides3{out.stride(0), out.stride(1), out.stride(2)};
    const int64_t tableStrideB = perRow ? Tn * D : 0;
    const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "lc_rope", [&] {
        using T = scalar_t;
        const int64_t half = D / 2;
        const int width = packWidth<T>({x.data_ptr(), cos.data_ptr(), sin.data_ptr(), out.data_ptr()},
                                       {half, in.b, in.t, in.h});
        const int64_t total = B * Tn * heads * (half / width);
        constexpr int threads = 256;
        const auto go = [&](auto kernel) {
            kernel<<<gridFor(total, threads), threads, 0, stream>>>(x.data_ptr<T>(), cos.data_ptr<T>(),
                                                                    sin.data_ptr<T>(), out.data_ptr<T>(), Tn, heads, D,
                                                                    in, to, tableStrideB, total);
        };
        constexpr int W = 16 / sizeof(T);
        width == W ? go(ropeKernel<T, W>) : go(ropeKernel<T, 1>);
    });
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

at::Tensor prefixConcat(const at::Tensor &prefix, const at::Tensor &rows, const at::Tensor &x)
{
    check(prefix.dim() == 4 && x.dim() == 4 && prefix.stride(3) == 1 && x.stride(3) == 1,
          "prefixConcat expects [N, h, P, D] and [B, h, T, D] with D contiguous");
    check(prefix.size(1) == x.size(1) && prefix.size(3) == x.size(3) && prefix.scalar_type() == x.scalar_type(),
          "prefixConcat's prefix and rows differ in heads, head size or dtype");
    check(rows.defined() ? (rows.dim() == 1 && rows.size(0) == x.size(0) && rows.scalar_type() == at::kLong &&
                            rows.device() == x.device())
                         : prefix.size(0) >= 1,
          "prefixConcat's rows are not [B] int64 on the device");
    const c10::cuda::CUDAGuard guard(x.device());
    const int64_t B = x.size(0), heads = x.size(1), P = prefix.size(2), Tn = x.size(2), D = x.size(3);
    at::Tensor out = at::empty({B, heads, P + Tn, D}, x.options());
    if (out.numel() == 0)
        return out;
    const at::Tensor index = rows.defined() ? rows.contiguous() : at::Tensor();
    const Strides3 pre{0, prefix.stride(2), prefix.stride(1)}, in{x.stride(0), x.stride(2), x.stride(1)};
    const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "lc_prefix_concat", [&] {
        using T = scalar_t;
        const int width = packWidth<T>({prefix.data_ptr(), x.data_ptr(), out.data_ptr()},
                                       {D, prefix.stride(0), pre.t, pre.h, in.b, in.t, in.h});
        const int64_t total = out.numel() / width;
        constexpr int threads = 256;
        const auto go = [&](auto kernel) {
            kernel<<<gridFor(total, threads), threads, 0, stream>>>(
                prefix.data_ptr<T>(), index.defined() ? index.data_ptr<int64_t>() : nullptr, x.data_ptr<T>(),
                out.data_ptr<T>(), heads, P, Tn, D, pre, prefix.stride(0), in, total);
        };
        constexpr int W = 16 / sizeof(T);
        width == W ? go(prefixConcatKernel<T, W>) : go(prefixConcatKernel<T, 1>);
    });
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

at::Tensor siluMul(const at::Tensor &gateIn, const at::Tensor &upIn)
{
    check(gateIn.sizes() == upIn.sizes() && gateIn.scalar_type() == upIn.scalar_type(), "gate and up differ");
    const c10::cuda::CUDAGuard guard(gateIn.device());
    const at::Tensor gate = uniformRowStride(gateIn) < 0 ? gateIn.contiguous() : gateIn;
    const at::Tensor up = uniformRowStride(upIn) < 0 ? upIn.contiguous() : upIn;
    const int64_t I = gate.size(-1), gateStride = uniformRowStride(gate), upStride = uniformRowStride(up);
    at::Tensor out = at::empty(gate.sizes(), gate.options());
    if (out.numel() == 0)
        return out;
    const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, gate.scalar_type(), "lc_silu_mul", [&] {
        using T = scalar_t;
        const int width = packWidth<T>({gate.data_ptr(), up.data_ptr(), out.data_ptr()}, {I, gateStride, upStride});
        const int64_t total = out.numel() / width;
        constexpr int threads = 256;
        const auto go = [&](auto kernel) {
            kernel<<<gridFor(total, threads), threads, 0, stream>>>(gate.data_ptr<T>(), up.data_ptr<T>(),
                                                                    out.data_ptr<T>(), I, gateStride, upStride, total);
        };
        constexpr int W = 16 / sizeof(T);
        width == W ? go(siluMulKernel<T, W>) : go(siluMulKernel<T, 1>);
    });
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

}  // namespace lc::fused
