// SPDX-License-Identifier: GPL-3.0-or-later
// NF4 (4-bit NormalFloat) quantisation of frozen weights, as bitsandbytes and the QLoRA paper define it:
// the weight is flattened row-major, split into blocks of 64, each block scaled by its absmax and every
// value rounded to the nearest of 16 fixed code values; two codes per byte, the first in the high nibble.
// Double quantisation stores the absmax scales again in 8 bits (blocks of 256, dynamic-tree code, minus
// their mean). Memory: 4.5 bits per weight, 4.127 with double quantisation.
#pragma once

#include <cstdint>
#include <vector>

#include "model/torch_compat.h"

namespace lc {

struct Nf4Weight
{
    at::Tensor packed;           // uint8 [ceil(n/2)]: element 2i in bits 7..4, element 2i+1 in bits 3..0
    at::Tensor absmax;           // float32 [blocks], or uint8 [blocks] codes of the 8-bit code with double quantisation
    at::Tensor absmax2;          // float32 [ceil(blocks/256)] with double quantisation, else undefined
    float absmaxOffset = 0;      // mean of the absmax values, subtracted before their quantisation
    std::vector<int64_t> shape;  // the weight's shape, e.g. [out, in]
    at::ScalarType dtype = at::kFloat;  // what dequantize() returns (the compute dtype)
    int64_t blocksize = 64;

    int64_t numel() const;
    int64_t blocks() const;
    bool doubleQuantized() const { return absmax2.defined(); }
    /** Bytes held on the device: codes plus scales. */
    int64_t bytes() const;
};

/** The 16 NF4 code values (bitsandbytes' get_4bit_type("nf4")), float32 [16] on the CPU, ascending. */
const at::Tensor &nf4CodeValues();
/** bitsandbytes' signed 8-bit dynamic-tree code (create_dynamic_map()), float32 [256] on the CPU, ascending. */
const at::Tensor &dynamicCode8();

/**
 * Quantises `weight` (any floating dtype, any device; it is read, not modified) to NF4 on its device.
 * Dequantisation returns weight.scalar_type(). Throws lc::Error for an empty weight.
 */
Nf4Weight quantizeNf4(const at::Tensor &weight, bool doubleQuantization, int64_t blocksize = 64);

/** The absmax scale of every block, float32 [blocks] (reconstructed when double-quantised). */
at::Tensor nf4Absmax(const Nf4Weight &q);

/**
 * The weight back in q.dtype with q.shape: code value × absmax in float32, then rounded once, as
 * bitsandbytes does. On CUDA one fused kernel of ours does it (when built); elsewhere ATen ops.
 */
at::Tensor dequantizeNf4(const Nf4Weight &q);

}  // namespace lc
