// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/packed_tokens.h"

namespace lc {

PackedTokens PackedTokens::of(const at::Tensor &keep)
{
    PackedTokens packed;
    if (!keep.defined())
        return packed;
    const at::Tensor index = keep.reshape({-1}).ne(0).nonzero().squeeze(1);  // [N]; one look at the count
    if (index.size(0) == keep.numel())
        return packed;
    packed.index = index;
    packed.B = keep.size(0);
    packed.T = keep.size(1);
    return packed;
}

at::Tensor PackedTokens::pack(const at::Tensor &y) const
{
    return y.reshape({B * T, y.size(-1)}).index_select(0, index).unsqueeze(0);
}

at::Tensor PackedTokens::unpack(const at::Tensor &y) const
{
    const int64_t C = y.size(-1);
    return at::zeros({B * T, C}, y.options()).index_copy_(0, index, y.reshape({-1, C})).view({B, T, C});
}

}  // namespace lc
