// SPDX-License-Identifier: GPL-3.0-or-later
// NF4 quantisation in ATen ops (any device), dequantisation through our CUDA kernel or ATen.
#include "model/nf4.h"
#include "model/nf4_codes.h"

#include <cmath>
#include <vector>

#include "layercut/error.h"
#if LAYERCUT_HAS_CUDA_KERNELS
#include "model/nf4_kernels.h"
#endif

namespace lc {
namespace {

constexpr float kNf4Values[16] = LAYERCUT_NF4_CODE_VALUES;

constexpr int64_t kNestedBlocksize = 256;  // bitsandbytes requires 256 for the absmax's own blocks

at::Tensor midpoints(const at::Tensor &sortedCodes)
{
    const int64_t k = sortedCodes.size(0);
    return (sortedCodes.narrow(0, 0, k - 1) + sortedCodes.narrow(0, 1, k - 1)) / 2;
}

/**
 * Nearest code of each value (values already scaled into [-1, 1]). bucketize with right=false maps a value
 * equal to a midpoint to the lower code, as bitsandbytes' strict `x > threshold` decision tree does.
 */
at::Tensor nearestCode(const at::Tensor &scaled, const at::Tensor &sortedCodes)
{
    return at::bucketize(scaled, midpoints(sortedCodes).to(scaled.device()), /*out_int32=*/true, /*right=*/false);
}

/** [blocks, blocksize] view of the flattened float32 `values`, zero-padded at the end. */
at::Tensor blocked(const at::Tensor &values, int64_t blocksize)
{
    const int64_t n = values.numel(), blocks = (n + blocksize - 1) / blocksize;
    at::Tensor flat = values.reshape(-1);
    if (blocks * blocksize != n)
        flat = at::cat({flat, at::zeros({blocks * blocksize - n}, flat.options())});
    return flat.view({blocks, blocksize});
}

}  // namespace

int64_t Nf4Weight::numel() const
{
    int64_t n = 1;
    for (const int64_t d : shape)
        n *= d;
    return n;
}

int64_t Nf4Weight::blocks() const
{
    return (numel() + blocksize - 1) / blocksize;
}

int64_t Nf4Weight::bytes() const
{
    int64_t b = packed.numel() + absmax.numel() * static_cast<int64_t>(absmax.element_size());
    if (absmax2.defined())
        b += absmax2.numel() * 4;
    return b;
}

const at::Tensor &nf4CodeValues()
{
    static const at::Tensor codes = at::tensor(at::ArrayRef<float>(kNf4Values, 16));
    return codes;
}

const at::Tensor &dynamicCode8()
{
    // bitsandbytes' create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8): for exponent i,
    // 2^i fraction steps between 0.1 and 1 (their midpoints) times 10^(i-6), both signs, plus 0 and 1.
    static const at::Tensor code = [] {
        std::vector<float> data;
        for (int i = 0; i < 7; ++i) {
            const int items = (1 << i) + 1;
            const float scale = static_cast<float>(std::pow(10.0, -6 + i));
            std::vector<float> bounds(static_cast<size_t>(items));
            for (int j = 0; j < items; ++j)  // torch.linspace(0.1, 1, items) in float32
                bounds[static_cast<size_t>(j)] = 0.1f + (0.9f / static_cast<float>(items - 1)) * static_cast<float>(j);
            bounds.back() = 1.0f;
            for (int j = 0; j + 1 < items; ++j) {
                const float mean = (bounds[static_cast<size_t>(j)] + bounds[static_cast<size_t>(j) + 1]) / 2.0f;
                data.push_back(scale * mean);
                data.push_back(-scale * mean);
            }
        }
        data.push_back(0.0f);
        data.push_back(1.0f);
        std::sort(data.begin(), data.end());
        return at::tensor(data);
    }();
    return code;
}

Nf4Weight quantizeNf4(const at::Tensor &weight, bool doubleQuantization, int64_t blocksize)
{
    if (weight.numel() == 0)
        throw Error("cannot quantise an empty weight");
    c10::NoGradGuard noGrad;
    Nf4Weight q;
    q.shape = weight.sizes().vec();
    q.dtype = weight.scalar_type();
    q.blocksize = blocksize;
    const int64_t n = weight.numel();

    // absmax per block of the row-major flattened weight; scale by its reciprocal, as the CUDA kernel does.
    const at::Tensor blocks = blocked(weight.detach().to(at::kFloat), blocksize);  // (blocks, blocksize)
    const at::Tensor absmax = blocks.abs().amax(1);                                // (blocks)
    const at::Tensor scaled = (blocks * absmax.clamp_min(1e-38f).reciprocal().unsqueeze(1)).clamp(-1.0, 1.0);
    at::Tensor codes = nearestCode(scaled, nf4CodeValues()).reshape(-1).narrow(0, 0, n);
    if (n % 2 == 1)
        codes = at::cat({codes, at::full({1}, 7, codes.options())});  // pad with the code of 0.0
    codes = codes.view({-1, 2});
    q.packed = (codes.select(1, 0) * 16 + codes.select(1, 1)).to(at::kByte).contiguous();

    if (!doubleQuantization) {
        q.absmax = absmax.contiguous();
        return q;
    }
    // Double quantisation: (absmax − mean) in 8 bits per block of 256, with an fp32 scale per block.
    q.absmaxOffset = absmax.mean().item<float>();
    const at::Tensor centred = blocked(absmax - q.absmaxOffset, kNestedBlocksize);  // (blocks2, 256)
    const at::Tensor absmax2 = centred.abs().amax(1);
    const at::Tensor scaled2 = (centred / absmax2.clamp_min(1e-38f).unsqueeze(1)).clamp(-1.0, 1.0);
    q.absmax = nearestCode(scaled2, dynamicCode8()).reshape(-1).narrow(0, 0, absmax.numel()).to(at::kByte).contiguous();
    q.absmax2 = absmax2.contiguous();
    return q;
}

at::Tensor nf4Absmax(const Nf4Weight &q)
{
    if (!q.doubleQuantized())
        return q.absmax;
    const at::Tensor code = dynamicCode8().to(q.absmax.device());
    const at::Tensor scales = q.absmax2.repeat_interleave(kNestedBlocksize).narrow(0, 0, q.absmax.numel());
    return code.index_select(0, q.absmax.to(at::kLong)) * scales + q.absmaxOffset;
}

at::Tensor dequantizeNf4(const Nf4Weight &q)
{
    c10::NoGradGuard noGrad;
    const int64_t n = q.numel();
#if LAYERCUT_HAS_CUDA_KERNELS
    if (q.packed.is_cuda()) {
        // The 8-bit code (256 floats) is copied to each GPU once per thread: a model placed over several GPUs
        // dequantises on each in turn, and a blocking copy at every change of device would stall the host.
        static thread_local std::vector<at::Tensor> code8OnGpu;  // indexed by the device's index
        at::Tensor code8;
        if (q.doubleQuantized()) {
            const auto gpu = static_cast<size_t>(q.packed.device().index());
            if (code8OnGpu.size() <= gpu)
                code8OnGpu.resize(gpu + 1);
            if (!code8OnGpu[gpu].defined())
                code8OnGpu[gpu] = dynamicCode8().to(q.packed.device());
            code8 = code8OnGpu[gpu];
        }
        return kernels::nf4Dequantize(q.packed, q.absmax, q.doubleQuantized() ? q.absmax2 : at::Tensor(), code8,
                                      q.absmaxOffset, n, q.blocksize, q.dtype)
            .view(q.shape);
    }
#endif
    const at::Tensor high = at::bitwise_and(q.packed.__rshift__(4), 15);
    const at::Tensor low = at::bitwise_and(q.packed, 15);
    const at::Tensor codes = at::stack({high, low}, 1).reshape(-1).narrow(0, 0, n).to(at::kLong);
    const at::Tensor values = nf4CodeValues().to(q.packed.device()).index_select(0, codes);  // (n) float32
    const at::Tensor scaled = blocked(values, q.blocksize) * nf4Absmax(q).unsqueeze(1);
    return scaled.reshape(-1).narrow(0, 0, n).to(q.dtype).view(q.shape);
}

}  // namespace lc
