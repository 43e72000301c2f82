// SPDX-License-Identifier: GPL-3.0-or-later
// A right-padded batch run without its padding. Rows of a scoring batch differ in length (sorted, about
// 13 % of a 5-shot MMLU batch is padding); every step but attention works token by token, so the projections,
// norms and feed-forward run on the real tokens only and attention alone sees the padded (B, T) layout.
#pragma once

#include "model/torch_compat.h"

namespace lc {

/**
 * The real tokens of a (B, T) batch: `index` [N] int64 on the batch's device, their slots among the B·T.
 * Token-wise steps see (1, N, C); attention unpacks its queries, keys and values to (B, T, C) and packs its
 * output again. Inactive (index undefined) when the batch has no padding.
 */
struct PackedTokens
{
    at::Tensor index;
    int64_t B = 0, T = 0;

    /** The packing of a batch whose real tokens keep [B, T] (int or bool, any device) marks; inactive without padding. */
    static PackedTokens of(const at::Tensor &keep);

    bool active() const { return index.defined(); }
    /** (B, T, C) -> (1, N, C): the real tokens, in row order. */
    at::Tensor pack(const at::Tensor &y) const;
    /** (1, N, C) -> (B, T, C), padding slots zero (finite: masked keys meet zero weights, and 0 · NaN is NaN). */
    at::Tensor unpack(const at::Tensor &y) const;
};

}  // namespace lc
