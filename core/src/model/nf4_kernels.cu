// SPDX-License-Identifier: GPL-3.0-or-later
// NF4 dequantisation on the GPU. Each thread turns 4 packed bytes into 8 weights (one 16-byte store in
// bf16/f16); blocks of 64 weights hold a whole number of such groups, so a thread reads one scale.
#include "model/nf4_kernels.h"
#include "model/nf4_codes.h"

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include <cstdint>

namespace lc::kernels {
namespace {

__constant__ float kNf4[16] = LAYERCUT_NF4_CODE_VALUES;

template <typename T, int V>
struct alignas(sizeof(T) * V < 16 ? sizeof(T) * V : 16) Pack
{
    T v[V];
};

__device__ __forceinline__ float blockScale(int64_t block, const float *absmax, const uint8_t *qabsmax,
                                            const float *absmax2, const float *code8, float offset)
{
    if (qabsmax == nullptr)
        return absmax[block];
    // Rounded as ATen's separate multiply and add (no contraction into an FMA), so both paths agree bit for bit.
    return __fadd_rn(__fmul_rn(code8[qabsmax[block]], absmax2[block / 256]), offset);
}

// Vector path: n is a multiple of 8 and blocksize a multiple of 8.
template <typename T>
__global__ void dequantize8(const uint32_t *__restrict__ packed, const float *__restrict__ absmax,
                            const uint8_t *__restrict__ qabsmax, const float *__restrict__ absmax2,
                            const float *__restrict__ code8, float offset, T *__restrict__ out, int64_t groups,
                            int64_t blocksize)
{
    const int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (g >= groups)
        return;
    const uint32_t word = packed[g];  // bytes b0..b3 in memory order = little-endian
    const float scale = blockScale(g * 8 / blocksize, absmax, qabsmax, absmax2, code8, offset);
    Pack<T, 8> p;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const uint32_t byte = (word >> (8 * j)) & 0xffu;
        p.v[2 * j] = static_cast<T>(__fmul_rn(kNf4[byte >> 4], scale));
        p.v[2 * j + 1] = static_cast<T>(__fmul_rn(kNf4[byte & 0xfu], scale));
    }
    reinterpret_cast<Pack<T, 8> *>(out)[g] = p;
}

// Any size: one weight per thread.
template <typename T>
__global__ void dequantize1(const uint8_t *__restrict__ packed, const float *__restrict__ absmax,
                            const uint8_t *__restrict__ qabsmax, const float *__restrict__ absmax2,
                            const float *__restrict__ code8, float offset, T *__restrict__ out, int64_t n,
                            int64_t blocksize)
{
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    const uint8_t byte = packed[i / 2];
    const uint32_t code = (i % 2 == 0) ? (byte >> 4) : (byte & 0xfu);
    out[i] = static_cast<T>(__fmul_rn(kNf4[code], blockScale(i / blocksize, absmax, qabsmax, absmax2, code8, offset)));
}

}  // namespace

at::Tensor nf4Dequantize(const at::Tensor &packed, const at::Tensor &absmax, const at::Tensor &absmax2,
                         const at::Tensor &code8, float offset, int64_t n, int64_t blocksize, at::ScalarType dtype)
{
    TORCH_CHECK(packed.is_cuda() && packed.scalar_type() == at::kByte && packed.is_contiguous(), "packed NF4 codes");
    const c10::cuda::CUDAGuard guard(packed.device());
    at::Tensor out = at::empty({n}, packed.options().dtype(dtype));
    if (n == 0)
        return out;
    const bool doubleQuantized = absmax2.defined();
    const float *am = doubleQuantized ? nullptr : absmax.data_ptr<float>();
    const uint8_t *qam = doubleQuantized ? absmax.data_ptr<uint8_t>() : nullptr;
    const float *am2 = doubleQuantized ? absmax2.data_ptr<float>() : nullptr;
    const float *c8 = doubleQuantized ? code8.data_ptr<float>() : nullptr;
    const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
    const int threads = 256;
    const bool vector = n % 8 == 0 && blocksize % 8 == 0 && reinterpret_cast<uintptr_t>(packed.data_ptr()) % 4 == 0;
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, dtype, "nf4Dequantize", [&] {
        if (vector) {
            const int64_t groups = n / 8;
            dequantize8<scalar_t><<<static_cast<unsigned>((groups + threads - 1) / threads), threads, 0, stream>>>(
                reinterpret_cast<const uint32_t *>(packed.data_ptr<uint8_t>()), am, qam, am2, c8, offset,
                out.data_ptr<scalar_t>(), groups, blocksize);
        } else {
            dequantize1<scalar_t><<<static_cast<unsigned>((n + threads - 1) / threads), threads, 0, stream>>>(
                packed.data_ptr<uint8_t>(), am, qam, am2, c8, offset, out.data_ptr<scalar_t>(), n, blocksize);
        }
    });
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

}  // namespace lc::kernels
