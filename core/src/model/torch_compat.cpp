// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/torch_compat.h"

#include "layercut/error.h"

namespace lc {

WithoutCudnnAttention::WithoutCudnnAttention()
{
#if LAYERCUT_HAS_CUDNN_SDP_SWITCH
    m_was = at::globalContext().userEnabledCuDNNSDP();
    at::globalContext().setSDPUseCuDNN(false);
#endif
}

WithoutCudnnAttention::~WithoutCudnnAttention()
{
#if LAYERCUT_HAS_CUDNN_SDP_SWITCH
    at::globalContext().setSDPUseCuDNN(m_was);
#endif
}

at::ScalarType toScalarType(DType dtype)
{
    switch (dtype) {
    case DType::Float32: return at::kFloat;
    case DType::BFloat16: return at::kBFloat16;
    case DType::Float16: return at::kHalf;
    }
    return at::kFloat;
}

at::ScalarType scalarTypeOfSafetensors(const std::string &dtype)
{
    if (dtype == "F32")
        return at::kFloat;
    if (dtype == "BF16")
        return at::kBFloat16;
    if (dtype == "F16")
        return at::kHalf;
    if (dtype == "F64")
        return at::kDouble;
    if (dtype == "I64")
        return at::kLong;
    if (dtype == "I32")
        return at::kInt;
    if (dtype == "U8")
        return at::kByte;
    if (dtype == "I8")
        return at::kChar;
    if (dtype == "BOOL")
        return at::kBool;
    throw Error("safetensors dtype '" + dtype + "' cannot be read");
}

at::Tensor viewOf(const TensorEntry &entry)
{
    // from_blob wants a mutable pointer; the mapping is read-only and no caller writes through it.
    return at::from_blob(const_cast<std::byte *>(entry.data), entry.shape,
                         at::TensorOptions().dtype(scalarTypeOfSafetensors(entry.dtype)));
}

at::Device parseDevice(const std::string &device)
{
    at::Device d(at::kCPU);
    try {
        d = at::Device(device);
    } catch (const std::exception &) {
        throw Error("unknown device '" + device + "' (expected cpu, cuda or cuda:N)");
    }
    if (d.is_cuda() && !at::hasCUDA())
        throw Error("device '" + device + "' asked for, but this build or machine has no CUDA");
    if (!d.is_cpu() && !d.is_cuda())
        throw Error("device '" + device + "' is not supported (expected cpu, cuda or cuda:N)");
    // Said here, before anything loads: torch would only say "invalid device ordinal" deep in the upload.
    if (const auto gpus = static_cast<int64_t>(at::getNumGPUs()); d.is_cuda() && d.has_index() && d.index() >= gpus)
        throw Error("device '" + device + "' asked for, but this machine has " + std::to_string(gpus) +
                    (gpus == 1 ? " GPU (cuda:0)" : " GPUs (cuda:0 to cuda:" + std::to_string(gpus - 1) + ")"));
    return d;
}

}  // namespace lc
