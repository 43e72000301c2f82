// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/attention_masks.h"

namespace lc {

/**
 * Which keys each query may attend to, (B, 1, T, P + T) boolean, for queries at positions P .. P+T-1 over
 * keys 0 .. P+T-1 (a shared prefix of P, then the sequence): causal; `keep` [B, T] (or undefined) hides
 * right-padded keys; `window` > 0 keeps only keys less than `window` positions back, as transformers'
 * sliding_window (a query sees itself and window - 1 tokens before it). With a window each query also sees
 * itself, so a padded query far past its sequence's end never has every key hidden (a softmax over nothing
 * gives NaN, and NaN values reach real rows through zero weights).
 */
at::Tensor attentionMask(int64_t B, int64_t T, int64_t P, const at::Tensor &keep, int64_t window, at::Device device)
{
    const auto positions = at::TensorOptions().dtype(at::kLong).device(device);
    const at::Tensor query = at::arange(P, P + T, positions).unsqueeze(1);  // (T, 1)
    const at::Tensor key = at::arange(0, P + T, positions).unsqueeze(0);    // (1, P + T)
    at::Tensor allowed = key.le(query);                                     // (T, P + T)
    if (window > 0)
        allowed = allowed.logical_and(query.sub(key).lt(window));
    allowed = allowed.unsqueeze(0).expand({B, T, P + T});
    if (keep.defined()) {
        const at::Tensor keys = at::cat({at::ones({B, P}, keep.options().dtype(at::kBool)), keep.to(at::kBool)}, 1);
        allowed = allowed.logical_and(keys.unsqueeze(1));  // (B, T, P + T)
        if (window > 0)
            allowed = allowed.logical_or(key.eq(query).unsqueeze(0));
    }
    return allowed.unsqueeze(1);
}

/**
 * Which keys each query may attend to, (B, 1, T, Pmax + T) boolean, when sequence b continues a prefix of
 * its own length lengths[b] ([B] int64) out of a cache padded to Pmax: that prefix's keys (its padding
 * hidden), then the sequence causally without its right padding (`keep` [B, T], or undefined); within
 * `window` positions when window > 0 (query t sits at position lengths[b] + t). A padded query also sees
 * itself, as in attentionMask.
 */
at::Tensor prefixedAttentionMask(const at::Tensor &lengths, int64_t T, int64_t Pmax, const at::Tensor &keep,
                                 int64_t window)
{
    const int64_t B = lengths.size(0);
    const auto longs = at::TensorOptions().dtype(at::kLong).device(lengths.device());
    const at::Tensor t = at::arange(T, longs);                                 // (T)
    const at::Tensor j = at::arange(Pmax, longs);                              // (Pmax)
    const at::Tensor length = lengths.view({B, 1, 1});                         // (B, 1, 1)
    at::Tensor prefix = j.view({1, 1, Pmax}).lt(length).expand({B, T, Pmax});  // (B, T, Pmax)
    if (window > 0)
        prefix = prefix.logical_and((length + t.view({1, T, 1})).sub(j.view({1, 1, Pmax})).lt(window));
    at::Tensor own = attentionMask(B, T, 0, keep, window, lengths.device()).squeeze(1);  // (B, T, T)
    return at::cat({prefix, own.expand({B, T, T})}, 2).unsqueeze(1);                     // (B, 1, T, Pmax + T)
}

/**
 * Which slots of a generation cache each query of a step may attend to, (B, 1, T, used + T) boolean, for queries at
 * `queries` [B, T] (int64) stored in slots used .. used+T-1: slots holding a token (valid) at positions up
 * to the query's own, within `window` positions when window > 0. Each query also sees itself, so a padded
 * query never has every key hidden (NaN would reach real rows through zero weights).
 */
at::Tensor cachedAttentionMask(const at::Tensor &positions, const at::Tensor &valid, int64_t used,
                               const at::Tensor &queries, int64_t window)
{
    const int64_t T = queries.size(1), S = used + T;
    const at::Tensor keyPositions = positions.narrow(1, 0, S).unsqueeze(1);                       // (B, 1, S)
    const at::Tensor query = queries.unsqueeze(2);                                                // (B, T, 1)
    at::Tensor allowed = valid.narrow(1, 0, S).unsqueeze(1).logical_and(keyPositions.le(query));  // (B, T, S)
    if (window > 0)
        allowed = allowed.logical_and(query.sub(keyPositions).lt(window));
    const auto slots = at::TensorOptions().dtype(at::kLong).device(queries.device());
    const at::Tensor self = at::arange(0, S, slots).unsqueeze(0).eq(at::arange(used, S, slots).unsqueeze(1));
    return allowed.logical_or(self.unsqueeze(0)).unsqueeze(1);  // (B, 1, T, S)
}

/**
 * A mask (B, 1, T, S) repeated for each of the g query heads that share a key/value head, (B, 1, g·T, S):
 * the layout masked GQA attention reads (see attention()). Undefined stays undefined; g = 1 changes nothing.
 */
at::Tensor foldedForGroups(const at::Tensor &mask, int64_t g)
{
    if (!mask.defined() || g == 1)
        return mask;
    const int64_t B = mask.size(0), T = mask.size(2), S = mask.size(3);
    return mask.unsqueeze(2).expand({B, 1, g, T, S}).reshape({B, 1, g * T, S});
}

}  // namespace lc
