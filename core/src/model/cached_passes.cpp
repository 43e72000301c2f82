// SPDX-License-Identifier: GPL-3.0-or-later
// The inference passes that keep keys and values: few-shot prefixes run once (encodePrefixes) and the rows
// that continue them (finalHidden, packed without their padding), and generation's cache (newCache, extend).
// Legend: B batch, T tokens, H hidden, nkv key/value heads, D head_dim, P prefix tokens, N packed tokens.
#include <algorithm>

#include "layercut/error.h"
#include "layercut/progress.h"
#include "model/attention_masks.h"
#include "model/llama_model.h"

namespace lc {

PrefixCache LlamaModel::encodePrefixes(const std::vector<std::vector<int64_t>> &prefixes, std::stop_token stop) const
{
    const auto N = static_cast<int64_t>(prefixes.size());
    int64_t P = 0;
    for (const auto &p : prefixes)
        P = std::max<int64_t>(P, static_cast<int64_t>(p.size()));
    at::Tensor ids = at::zeros({N, P}, at::kLong), keep = at::zeros({N, P}, at::kLong);  // right-padded
    PrefixCache cache;
    cache.length = P;
    for (int64_t n = 0; n < N; ++n) {
        const auto &p = prefixes[static_cast<size_t>(n)];
        const auto len = static_cast<int64_t>(p.size());
        ids[n].narrow(0, 0, len).copy_(at::tensor(p, at::kLong));
        keep[n].narrow(0, 0, len).fill_(1);
        cache.lengths.push_back(len);
    }
    AttentionExtras extras;
    extras.capture = &cache;
    const at::Tensor keepOnDevice = keep.to(device());
    BlockInputs inputs{ropeTables(0, P), attentionMasks(keepOnDevice, N, P, 0)};
    PassOptions pass;
    pass.stop = stop;
    extras.packed = PackedTokens::of(keepOnDevice);  // the prefixes' padding is not run
    at::Tensor x = embed(ids.to(device()));
    if (extras.packed.active())
        x = extras.packed.pack(x);  // (1, N, H)
    for (const DecoderLayerWeights &layer : m_weights.layers) {
        throwIfStopped(stop);
        follow(layer, x, inputs, &extras);  // each layer's keys and values stay on its device
        x = decoderLayer(layer, x, inputs.rope, maskOf(layer, inputs.masks), pass, &extras);
    }
    return cache;
}

at::Tensor LlamaModel::finalHidden(const at::Tensor &ids, const at::Tensor &mask, const PrefixCache *prefix,
                                   std::stop_token stop, const std::vector<int64_t> *rows) const
{
    const int64_t B = ids.size(0), T = ids.size(1), P = prefix ? prefix->length : 0;
    BlockInputs inputs;
    RopeTables &rope = inputs.rope;
    AttentionMasks &masks = inputs.masks;
    AttentionExtras extras;
    extras.prefix = P > 0 ? prefix : nullptr;
    if (P > 0 && rows) {
        // Each sequence after a prefix of its own: positions lengths[rows[b]] + t, that prefix's padding hidden.
        std::vector<int64_t> lengths;
        for (const int64_t r : *rows)
            lengths.push_back(prefix->lengths.at(static_cast<size_t>(r)));
        const at::Tensor start = at::tensor(lengths, at::kLong);
        const int64_t last = *std::max_element(lengths.begin(), lengths.end()) + T - 1;
        rope = ropeTablesAt(start.unsqueeze(1) + at::arange(T, at::kLong).unsqueeze(0), last);  // (B, 1, T, D)
        const at::Tensor onDevice = start.to(device());
        const at::Tensor keep = mask.defined() ? mask : at::Tensor();
        masks.full = prefixedAttentionMask(onDevice, T, P, keep, 0);
        masks.sliding = m_config.slidingWindow > 0 ? prefixedAttentionMask(onDevice, T, P, keep, m_config.slidingWindow)
                                                   : masks.full;
        masks = foldedForGroups(masks);
        extras.prefixRows = at::tensor(*rows, at::kLong).to(device());
    } else {
        rope = ropeTables(P, T);  // positions P .. P+T-1
        // Every query sees the prefix (within its window on sliding layers), then the sequence causally without
        // its padding.
        masks = attentionMasks(mask, B, T, P);
    }
    PassOptions pass;
    pass.stop = stop;
    extras.packed = PackedTokens::of(mask);  // only the real tokens go through the token-wise steps
    at::Tensor x = embed(ids);               // (B, T, H)
    if (extras.packed.active())
        x = extras.packed.pack(x);  // (1, N, H)
    for (size_t l = 0; l < m_weights.layers.size(); ++l) {
        throwIfStopped(stop);
        extras.layer = l;
        const DecoderLayerWeights &layer = m_weights.layers[l];
        follow(layer, x, inputs, &extras);
        x = decoderLayer(layer, x, rope, maskOf(layer, masks), pass, &extras);
    }
    x = finalNorm(x);
    if (!extras.packed.active())
        return x;  // (B, T, H)
    extras.packed.index = extras.packed.index.to(x.device());
    return extras.packed.unpack(x);
}

KvCache LlamaModel::newCache(int64_t B, int64_t capacity, const PrefixCache *prefix) const
{
    const int64_t P = prefix ? prefix->length : 0;
    if (capacity <= P)
        throw Error("a generation cache of " + std::to_string(capacity) + " tokens per row cannot hold a prefix of " +
                    std::to_string(P));
    const auto on = at::TensorOptions().device(device());
    KvCache cache;
    const int64_t nkv = m_config.numKvHeads, D = m_config.headDim;
    for (size_t l = 0; l < m_weights.layers.size(); ++l) {  // each layer's slots on its device
        const auto slots = on.dtype(dtype()).device(m_weights.layers[l].device());
        cache.keys.push_back(at::empty({B, nkv, capacity, D}, slots));
        cache.values.push_back(at::empty({B, nkv, capacity, D}, slots));
        if (P > 0) {  // every row starts from the prefix's keys and values: (1, nkv, P, D) repeated
            cache.keys.back().narrow(2, 0, P).copy_(prefix->keys.at(l).expand({B, nkv, P, D}));
            cache.values.back().narrow(2, 0, P).copy_(prefix->values.at(l).expand({B, nkv, P, D}));
        }
    }
    cache.positions = at::arange(capacity, on.dtype(at::kLong)).unsqueeze(0).repeat({B, 1});
    cache.valid = at::zeros({B, capacity}, on.dtype(at::kBool));
    cache.valid.narrow(1, 0, P).fill_(true);
    cache.used = P;
    return cache;
}

at::Tensor LlamaModel::extend(const at::Tensor &ids, const at::Tensor &positions, const at::Tensor &keep,
                              KvCache &cache, std::stop_token stop) const
{
    const int64_t T = ids.size(1);
    if (cache.used + T > cache.capacity())
        throw Error("the generation cache holds " + std::to_string(cache.capacity()) + " tokens per row; " +
                    std::to_string(cache.used + T) + " were asked for");
    const at::Tensor queries = positions.to(device());
    cache.positions.narrow(1, cache.used, T).copy_(queries);
    if (keep.defined())
        cache.valid.narrow(1, cache.used, T).copy_(keep.to(device(), at::kBool));
    else
        cache.valid.narrow(1, cache.used, T).fill_(true);
    // positions on the host (as the generation loop builds them) cost no device synchronisation here
    const int64_t last = positions.max().item<int64_t>();
    BlockInputs inputs{ropeTablesAt(queries, last), {}};  // rope (B, 1, T, D)
    AttentionMasks &masks = inputs.masks;
    masks.full = cachedAttentionMask(cache.positions, cache.valid, cache.used, queries, 0);
    masks.sliding = m_config.slidingWindow > 0
                        ? cachedAttentionMask(cache.positions, cache.valid, cache.used, queries, m_config.slidingWindow)
                        : masks.full;
    masks = foldedForGroups(masks);
    AttentionExtras extras;
    extras.cache = &cache;
    PassOptions pass;
    pass.stop = stop;
    at::Tensor x = embed(ids.to(device()));  // (B, T, H)
    for (size_t l = 0; l < m_weights.layers.size(); ++l) {
        throwIfStopped(stop);
        extras.layer = l;
        const DecoderLayerWeights &layer = m_weights.layers[l];
        follow(layer, x, inputs, &extras);
        x = decoderLayer(layer, x, inputs.rope, maskOf(layer, masks), pass, &extras);
    }
    cache.used += T;
    return finalNorm(x);  // (B, T, H)
}

}  // namespace lc
