// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace lc {

/** Floating-point types the model computes in (and the checkpoint dtypes it reads). */
enum class DType { Float32, BFloat16, Float16 };

/** "float32", "bfloat16", "float16" (also accepts "fp32", "bf16", "fp16", "F32", "BF16", "F16"); throws lc::Error. */
DType parseDType(std::string_view name);
/** The torch-style name: "float32", "bfloat16" or "float16". */
std::string dtypeName(DType dtype);
/** The safetensors header name: "F32", "BF16" or "F16". */
std::string safetensorsName(DType dtype);
/** "bfloat16" for "BF16" (likewise F32, F16); other safetensors types ("I64", "F64", ...) as written. */
std::string storedDtypeName(std::string_view safetensorsDtype);

}  // namespace lc
