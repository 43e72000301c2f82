// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/dtype.h"

#include "layercut/error.h"

namespace lc {

DType parseDType(std::string_view name)
{
    if (name == "float32" || name == "fp32" || name == "F32" || name == "float")
        return DType::Float32;
    if (name == "bfloat16" || name == "bf16" || name == "BF16")
        return DType::BFloat16;
    if (name == "float16" || name == "fp16" || name == "F16" || name == "half")
        return DType::Float16;
    throw Error("unknown dtype '" + std::string(name) + "' (expected float32, bfloat16 or float16)");
}

std::string dtypeName(DType dtype)
{
    switch (dtype) {
    case DType::Float32: return "float32";
    case DType::BFloat16: return "bfloat16";
    case DType::Float16: return "float16";
    }
    return "float32";
}

std::string safetensorsName(DType dtype)
{
    switch (dtype) {
    case DType::Float32: return "F32";
    case DType::BFloat16: return "BF16";
    case DType::Float16: return "F16";
    }
    return "F32";
}

std::string storedDtypeName(std::string_view safetensorsDtype)
{
    const bool computable = safetensorsDtype == "F32" || safetensorsDtype == "BF16" || safetensorsDtype == "F16";
    return computable ? dtypeName(parseDType(safetensorsDtype)) : std::string(safetensorsDtype);
}

}  // namespace lc
