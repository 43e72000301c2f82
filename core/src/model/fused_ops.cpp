// SPDX-License-Identifier: GPL-3.0-or-later
// The switch for the fused kernels; in a build without them, the entry points say so if ever called.
#include "model/fused_ops.h"

#include <cstdlib>
#include <cstring>

#include "layercut/error.h"

namespace lc::fused {

bool enabled(const at::Tensor &x)
{
#if LAYERCUT_HAS_CUDA_KERNELS
    // Read once: the A/B switch for benchmarks and the parity suite, not a user setting.
    static const bool disabled = [] {
        const char *value = std::getenv("LAYERCUT_FUSED_KERNELS");
        return value != nullptr && std::strcmp(value, "0") == 0;
    }();
    return x.is_cuda() && !disabled;
#else
    (void)x;
    return false;
#endif
}

#if !LAYERCUT_HAS_CUDA_KERNELS
namespace {
[[noreturn]] void notBuilt()
{
    throw Error("this build of LayerCut has no fused CUDA kernels");
}
}  // namespace

at::Tensor rmsNorm(const at::Tensor &, const at::Tensor &, double)
{
    notBuilt();
}

std::pair<at::Tensor, at::Tensor> addRmsNorm(const at::Tensor &, const at::Tensor &, const at::Tensor &, double)
{
    notBuilt();
}

at::Tensor rope(const at::Tensor &, const at::Tensor &, const at::Tensor &, bool)
{
    notBuilt();
}

at::Tensor prefixConcat(const at::Tensor &, const at::Tensor &, const at::Tensor &)
{
    notBuilt();
}

at::Tensor siluMul(const at::Tensor &, const at::Tensor &)
{
    notBuilt();
}
#endif

}  // namespace lc::fused
