// SPDX-License-Identifier: GPL-3.0-or-later
// The one header through which core/src includes torch. It bridges libtorch 1.13 (Debian, CPU) and 2.x
// (CUDA) and converts between the torch-free public types and ATen's.
#pragma once

#include <ATen/ATen.h>
#include <torch/version.h>

#include "layercut/dtype.h"
#include "layercut/safetensors_file.h"

// at::scaled_dot_product_attention exists from PyTorch 2.0; 1.13 gets an explicit softmax fallback.
#define LAYERCUT_HAS_SDPA (TORCH_VERSION_MAJOR >= 2)

namespace lc {

at::ScalarType toScalarType(DType dtype);
/** The ATen type of a safetensors dtype string; throws lc::Error for types the core does not read. */
at::ScalarType scalarTypeOfSafetensors(const std::string &dtype);
/** A CPU tensor viewing `entry`'s bytes in the read-only mapping (no copy: never write to it). */
at::Tensor viewOf(const TensorEntry &entry);
/** Parses "cpu", "cuda" or "cuda:N" and checks the device exists; throws lc::Error. */
at::Device parseDevice(const std::string &device);

} // namespace lc
