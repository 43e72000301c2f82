// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder forward pass. Numerics follow transformers: RMSNorm in float32 then cast (Gemma: scaled in
// float32 too, then cast), RoPE cos/sin computed in float32, softmax in float32.
// Legend: B batch, T tokens, H hidden, nh query heads, nkv key/value heads, D head_dim, V vocabulary.
#include "model/llama_model.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "layercut/error.h"
#include "layercut/progress.h"
#include "model/fused_ops.h"
#include "model/attention_masks.h"
#include "model/autograd_functions.h"

namespace lc {
namespace {

at::Tensor linear(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias)
{
    return bias.defined() ? at::linear(x, weight, bias) : at::linear(x, weight);
}

/** True when autograd must see an op on these tensors: the fused kernels have no backward. */
bool needsGrad(std::initializer_list<const at::Tensor *> tensors)
{
    if (!at::GradMode::is_enabled())
        return false;
    for (const at::Tensor *t : tensors)
        if (t->defined() && t->requires_grad())
            return true;
    return false;
}

bool fusable(std::initializer_list<const at::Tensor *> tensors)
{
    return fused::enabled(**tensors.begin()) && !needsGrad(tensors);
}

/** A generator for one dropout mask: the device's default kind, reseeded, so a recomputation repeats it. */
at::Generator seededGenerator(at::Device device, uint64_t seed)
{
    at::Generator g = at::globalContext().defaultGenerator(device).clone();
    g.set_current_seed(seed);
    return g;
}

uint64_t mixSeed(uint64_t seed, uint64_t a, uint64_t b)
{
    // splitmix64 over the combined words: independent streams per layer and projection.
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * (1 + a * 8 + b);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/** The tensors of `layer` that train: adapters and unfrozen weights. */
std::vector<at::Tensor> trainableTensors(const DecoderLayerWeights &layer)
{
    std::vector<at::Tensor> out;
    for (const auto &adapter : layer.lora)
        if (adapter) {
            out.push_back(adapter->a);
            out.push_back(adapter->b);
        }
    // A fused tensor trains whole; the parts that are views of it are not parameters of their own.
    const bool fusedQkv = layer.qkvProj.defined(), fusedGateUp = layer.gateUpProj.defined();
    for (const at::Tensor *t :
         {&layer.inputNorm, &layer.qkvProj, &layer.qkvBias, &layer.oProj, &layer.oBias, &layer.qNorm, &layer.kNorm,
          &layer.postNorm, &layer.preFeedforwardNorm, &layer.postFeedforwardNorm, &layer.gateUpProj, &layer.gateBias,
          &layer.upBias, &layer.downProj, &layer.downBias})
        if (t->defined() && t->requires_grad())
            out.push_back(*t);
    if (!fusedQkv)
        for (const at::Tensor *t : {&layer.qProj, &layer.qBias, &layer.kProj, &layer.kBias, &layer.vProj, &layer.vBias})
            if (t->defined() && t->requires_grad())
                out.push_back(*t);
    if (!fusedGateUp)
        for (const at::Tensor *t : {&layer.gateProj, &layer.upProj})
            if (t->defined() && t->requires_grad())
                out.push_back(*t);
    return out;
}

/**
 * Attention as transformers' eager path computes it, for what SDPA cannot do (Gemma 2's soft-capping; torch
 * before 2.0): scores q kᵀ · scale in the compute dtype, capped at softcap · tanh(scores / softcap) when
 * softcap > 0, masked, softmax in float32, back to the compute dtype. q [B, nh, T, D]; k, v [B, nh, S, D]
 * (key/value heads already repeated); allowed (B, 1, T, S) boolean, or undefined for causal with S = T.
 */
at::Tensor eagerAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v, const at::Tensor &allowed,
                          double scale, double softcap)
{
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) * scale;  // (B, nh, T, S)
    if (softcap > 0)
        scores = at::tanh(scores / softcap) * softcap;
    const int64_t T = q.size(2), S = k.size(2);
    const at::Tensor mask = allowed.defined()
                                ? allowed
                                : at::ones({T, S}, at::TensorOptions().dtype(at::kBool).device(q.device())).tril(S - T);
    scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
    return at::matmul(at::softmax(scores, -1, at::kFloat).to(q.scalar_type()), v);  // (B, nh, T, D)
}

}  // namespace

AttentionMasks LlamaModel::attentionMasks(const at::Tensor &keep, int64_t B, int64_t T, int64_t P) const
{
    // One host synchronisation per pass, not per layer.
    const bool padded = keep.defined() && !keep.all().item<bool>();
    const at::Tensor padding = padded ? keep : at::Tensor();
    AttentionMasks masks;
    if (P > 0 || padded)
        masks.full = attentionMask(B, T, P, padding, 0, device());
    const int64_t window = m_config.slidingWindow;
    masks.sliding = window > 0 && P + T > window ? attentionMask(B, T, P, padding, window, device()) : masks.full;
    return foldedForGroups(masks);
}

AttentionMasks LlamaModel::foldedForGroups(const AttentionMasks &masks) const
{
    const int64_t g = m_config.numHeads / m_config.numKvHeads;
    AttentionMasks folded;
    folded.full = lc::foldedForGroups(masks.full, g);
    folded.sliding = masks.sliding.is_same(masks.full) ? folded.full : lc::foldedForGroups(masks.sliding, g);
    return folded;
}

const at::Tensor &LlamaModel::maskOf(const DecoderLayerWeights &layer, const AttentionMasks &masks) const
{
    return m_config.isSlidingLayer(layer.originalIndex) ? masks.sliding : masks.full;
}

LlamaModel::LlamaModel(ModelConfig config, LlamaWeights weights)
    : m_config(std::move(config)), m_weights(std::move(weights)), m_allLayers(m_weights.layers), m_rotary(m_config)
{
    if (m_config.hasSlidingRope())
        m_slidingRotary = RotaryEmbedding(m_config.ropeDim(), m_config.slidingRopeTheta, m_config.slidingRopeScaling);
}

RopeTables
LlamaModel::rotations(const std::function<std::pair<at::Tensor, at::Tensor>(const RotaryEmbedding &)> &table) const
{
    RopeTables tables;
    std::tie(tables.cos, tables.sin) = table(m_rotary);
    if (m_config.hasSlidingRope())
        std::tie(tables.slidingCos, tables.slidingSin) = table(m_slidingRotary);
    else
        tables.slidingCos = tables.cos, tables.slidingSin = tables.sin;
    return tables;
}

RopeTables LlamaModel::ropeTables(int64_t P, int64_t T) const
{
    return rotations([&](const RotaryEmbedding &rotary) {
        auto [cos, sin] = rotary.cosSin(P + T, device(), dtype());  // (P + T, D)
        if (P > 0)
            cos = cos.narrow(0, P, T).contiguous(), sin = sin.narrow(0, P, T).contiguous();
        return std::pair{cos, sin};
    });
}

RopeTables LlamaModel::ropeTablesAt(const at::Tensor &positions, int64_t last) const
{
    const int64_t B = positions.size(0), T = positions.size(1);
    const at::Tensor flat = positions.reshape({-1}).to(device());
    return rotations([&](const RotaryEmbedding &rotary) {
        // The table's length picks LongRoPE's factors, as transformers' max(position_ids) + 1 per pass.
        const auto [cos, sin] = rotary.cosSin(last + 1, device(), dtype());  // (last + 1, R)
        return std::pair{cos.index_select(0, flat).view({B, 1, T, -1}), sin.index_select(0, flat).view({B, 1, T, -1})};
    });
}

at::Tensor LlamaModel::embed(const at::Tensor &ids) const
{
    at::Tensor x = at::embedding(m_weights.embedTokens, ids);  // (B, T, H)
    if (m_config.scaledEmbeddings)  // √H as a float32 scalar rounded to the weights' dtype, as Gemma's embedding
        x = x * at::scalar_tensor(std::sqrt(static_cast<double>(m_config.hiddenSize)), at::kFloat).to(x.options());
    return x;
}

at::Tensor LlamaModel::logits(const at::Tensor &hidden) const
{
    at::Tensor y = at::linear(hidden, m_weights.lmHead);  // (..., V)
    if (const double cap = m_config.finalLogitSoftcap; cap > 0)
        y = at::tanh(y / cap) * cap;
    return y;
}

void LlamaModel::keepLayers(const std::vector<int64_t> &originalIndices)
{
    std::vector<DecoderLayerWeights> kept;
    for (const int64_t index : originalIndices) {
        if (index < 0 || index >= static_cast<int64_t>(m_allLayers.size()))
            throw Error("layer " + std::to_string(index) + " does not exist: the model has layers 0–" +
                        std::to_string(m_allLayers.size() - 1));
        if (!kept.empty() && kept.back().originalIndex >= index)
            throw Error("kept layers must be listed once each, in ascending order");
        kept.push_back(m_allLayers[static_cast<size_t>(index)]);
    }
    if (kept.empty())
        throw Error("at least one layer must be kept");
    m_weights.layers = std::move(kept);
}

void LlamaModel::setBlocks(std::vector<DecoderLayerWeights> blocks, ModelConfig config)
{
    for (size_t k = 0; k < blocks.size(); ++k)
        if (blocks[k].originalIndex != static_cast<int64_t>(k))
            throw Error("internal: block " + std::to_string(k) + " is numbered " +
                        std::to_string(blocks[k].originalIndex));
    if (config.numLayers != static_cast<int64_t>(blocks.size()))
        throw Error("internal: a config of " + std::to_string(config.numLayers) + " layers for " +
                    std::to_string(blocks.size()) + " blocks");
    m_allLayers = std::move(blocks);
    m_weights.layers = m_allLayers;
    m_config = std::move(config);
}

std::vector<DecoderLayerWeights> LlamaModel::checkpointLayers() const
{
    std::vector<DecoderLayerWeights> layers;
    for (const DecoderLayerWeights &layer : m_allLayers)
        if (!layer.inserted)
            layers.push_back(layer);
    return layers;
}

void LlamaModel::refreshKeptLayers()
{
    for (DecoderLayerWeights &kept : m_weights.layers)
        kept = m_allLayers[static_cast<size_t>(kept.originalIndex)];
}

at::Tensor LlamaModel::rmsNorm(const at::Tensor &x, const at::Tensor &weight) const
{
    if (m_config.unitOffsetNorms) {  // Gemma: x̂ · (1 + w) in float32, rounded once
        const at::Tensor xf = x.to(at::kFloat);
        const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + m_config.rmsNormEps);
        return (normed * (weight.to(at::kFloat) + 1.0)).to(x.scalar_type());
    }
    if (fusable({&x, &weight}))
        return fused::rmsNorm(x, weight, m_config.rmsNormEps);
#if LAYERCUT_HAS_RMS_NORM
    // The fused op normalises in float32 and rounds once to x's dtype, as the explicit steps below do;
    // the weight is applied after that rounding, in x's dtype, as transformers does.
    return weight * at::rms_norm(x, {x.size(-1)}, c10::nullopt, m_config.rmsNormEps);
#else
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + m_config.rmsNormEps);
    return weight * normed.to(x.scalar_type());
#endif
}

at::Tensor LlamaModel::loraDelta(const DecoderLayerWeights &layer, Proj p, const at::Tensor &x,
                                 const PassOptions &pass) const
{
    const LoraAdapter &adapter = *layer.lora[static_cast<size_t>(p)];
    at::Tensor in = x;
    if (pass.training && adapter.dropout > 0) {
        // Inverted dropout on the adapter's input only, as peft's lora_dropout; seeded per layer and projection.
        const double keep = 1.0 - adapter.dropout;
        at::Generator g =
            seededGenerator(x.device(), mixSeed(pass.dropoutSeed, static_cast<uint64_t>(layer.originalIndex),
                                                static_cast<uint64_t>(p)));
        in = x * at::empty_like(x).bernoulli_(keep, g).div_(keep);
    }
    const at::Tensor h = at::linear(in, adapter.a.to(x.scalar_type()));   // (..., r)
    return at::linear(h, adapter.b.to(x.scalar_type())) * adapter.scale;  // (..., out)
}

at::Tensor LlamaModel::project(const DecoderLayerWeights &layer, Proj p, const at::Tensor &x,
                               const PassOptions &pass) const
{
    const size_t i = static_cast<size_t>(p);
    at::Tensor y = layer.nf4[i] ? nf4Linear(x, *layer.nf4[i], layer.bias(p), pass.checkpointing)
                                : linear(x, layer.weight(p), layer.bias(p));
    return withLora(layer, p, y, x, pass);
}

at::Tensor LlamaModel::withLora(const DecoderLayerWeights &layer, Proj p, const at::Tensor &y, const at::Tensor &x,
                                const PassOptions &pass) const
{
    return layer.lora[static_cast<size_t>(p)] ? y + loraDelta(layer, p, x, pass) : y;
}

at::Tensor LlamaModel::attention(const DecoderLayerWeights &layer, const at::Tensor &x, const RopeTables &rope,
                                 const at::Tensor &attnMask, const PassOptions &pass, AttentionExtras *extras) const
{
    const bool sliding = m_config.isSlidingLayer(layer.originalIndex);
    const at::Tensor &cos = sliding ? rope.slidingCos : rope.cos, &sin = sliding ? rope.slidingSin : rope.sin;
    // Packed (x is (1, N, H), the real tokens of a padded batch): the projections run on the N tokens, then
    // queries, keys and values take the padded (B, T) layout the masks describe, and the output is packed again.
    const PackedTokens *packed = extras && extras->packed.active() ? &extras->packed : nullptr;
    const int64_t B = packed ? packed->B : x.size(0), T = packed ? packed->T : x.size(1);
    const int64_t nh = m_config.numHeads, nkv = m_config.numKvHeads, D = m_config.headDim;
    at::Tensor q, k, v;
    if (layer.qkvProj.defined()) {  // one GEMM, then split: (B, T, (nh + 2*nkv)*D)
        const auto parts = linear(x, layer.qkvProj, layer.qkvBias).split({nh * D, nkv * D, nkv * D}, -1);
        q = withLora(layer, Proj::Q, parts[0], x, pass);
        k = withLora(layer, Proj::K, parts[1], x, pass);
        v = withLora(layer, Proj::V, parts[2], x, pass);
    } else {
        q = project(layer, Proj::Q, x, pass);
        k = project(layer, Proj::K, x, pass);
        v = project(layer, Proj::V, x, pass);
    }
    if (packed)
        q = packed->unpack(q), k = packed->unpack(k), v = packed->unpack(v);
    if (m_config.qkNormWhole) {  // OLMo 2: RMSNorm over the whole projection, (B, T, nh*D) and (B, T, nkv*D)
        q = rmsNorm(q.contiguous(), layer.qNorm);
        k = rmsNorm(k.contiguous(), layer.kNorm);
    }
    q = q.view({B, T, nh, D});   // (B, T, nh, D)
    k = k.view({B, T, nkv, D});  // (B, T, nkv, D)
    v = v.view({B, T, nkv, D});
    if (m_config.qkNorm && !m_config.qkNormWhole) {  // Qwen3, Gemma 3: per-head RMSNorm over D, before RoPE
        q = rmsNorm(q, layer.qNorm);
        k = rmsNorm(k, layer.kNorm);
    }
    if (!m_config.usesRope(layer.originalIndex)) {  // SmolLM3's NoPE layers: positions only through the mask
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
    } else if (fusable({&q, &k}) && m_config.ropeDim() == D) {
        // Masked grouped-query attention reads q as (B, nkv, g·T, D): written heads-first, that is a view.
        const bool foldedQueries = nkv != nh && attnMask.defined();
        q = foldedQueries ? fused::rope(q, cos, sin, /*headsFirst=*/true)  // (B, nh, T, D)
                          : fused::rope(q, cos, sin).transpose(1, 2);
        k = fused::rope(k, cos, sin).transpose(1, 2);  // (B, nkv, T, D)
    } else {
        q = RotaryEmbedding::apply(q.transpose(1, 2), cos, sin);
        k = RotaryEmbedding::apply(k.transpose(1, 2), cos, sin);
    }
    v = v.transpose(1, 2);  // (B, nkv, T, D)
    if (extras && extras->capture) {
        extras->capture->keys.push_back(k);
        extras->capture->values.push_back(v);
    }
    if (extras && extras->cache) {  // into the cache's next T slots; attend to every slot so far: (B, nkv, S, D)
        KvCache &cache = *extras->cache;
        at::Tensor &keys = cache.keys.at(extras->layer), &values = cache.values.at(extras->layer);
        keys.narrow(2, cache.used, T).copy_(k);
        values.narrow(2, cache.used, T).copy_(v);
        k = keys.narrow(2, 0, cache.used + T);
        v = values.narrow(2, 0, cache.used + T);
    }
    if (extras && extras->prefix) {  // keys and values of each sequence's prefix first: (B, nkv, P + T, D)
        const at::Tensor &pk = extras->prefix->keys.at(extras->layer), &pv = extras->prefix->values.at(extras->layer);
        const at::Tensor &rows = extras->prefixRows;
        if (fusable({&k, &v})) {
            k = fused::prefixConcat(pk, rows, k);
            v = fused::prefixConcat(pv, rows, v);
        } else {
            k = at::cat({rows.defined() ? pk.index_select(0, rows) : pk.expand({B, nkv, pk.size(2), D}), k}, 2);
            v = at::cat({rows.defined() ? pv.index_select(0, rows) : pv.expand({B, nkv, pv.size(2), D}), v}, 2);
        }
    }
    const double scale = m_config.attentionScale(), softcap = m_config.attnLogitSoftcap;
    at::Tensor out;
#if LAYERCUT_HAS_SDPA_GQA
    // Unpadded: is_causal with no mask keeps the flash kernel, which reads shared key/value heads itself.
    if (!attnMask.defined() && softcap == 0) {
        out = at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, scale, /*enable_gqa=*/nkv != nh);
        return outputProjection(layer, out.transpose(1, 2).reshape({B, T, nh * D}), pass, packed);
    }
#endif
    if (nkv != nh && attnMask.defined()) {
        // GQA under a mask: the g = nh / nkv query heads of one key/value head become g·T query rows of it,
        // q (B, nkv, g·T, D), with the mask already repeated per head, (B, 1, g·T, S). Each row's scores are
        // those repeat_kv would give, without copying the keys and values g times.
        const int64_t g = nh / nkv;
        const at::Tensor folded = q.reshape({B, nkv, g * T, D});
        const at::Tensor &mask = attnMask;  // folded once per pass (foldedForGroups)
#if LAYERCUT_HAS_SDPA
        if (softcap == 0)
            out = at::scaled_dot_product_attention(folded, k, v, mask, 0.0, false, scale);
#endif
        if (!out.defined())
            out = eagerAttention(folded, k, v, mask, scale, softcap);
        out = out.reshape({B, nh, T, D}).transpose(1, 2).reshape({B, T, nh * D});  // (B, T, nh*D)
        return outputProjection(layer, out, pass, packed);
    }
    if (nkv != nh) {  // GQA: query head h reads key/value head h / (nh / nkv), as repeat_kv does
        k = k.repeat_interleave(nh / nkv, 1);  // (B, nh, T, D)
        v = v.repeat_interleave(nh / nkv, 1);
    }
#if LAYERCUT_HAS_SDPA
    // No mask means unpadded: is_causal keeps the flash kernel eligible. With padding, a boolean mask.
    if (softcap == 0)
        out = attnMask.defined() ? at::scaled_dot_product_attention(q, k, v, attnMask, 0.0, false, scale)
                                 : at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, scale);
#endif
    if (!out.defined())
        out = eagerAttention(q, k, v, attnMask, scale, softcap);
    out = out.transpose(1, 2).reshape({B, T, nh * D});  // (B, T, nh*D)
    return outputProjection(layer, out, pass, packed);
}

at::Tensor LlamaModel::outputProjection(const DecoderLayerWeights &layer, const at::Tensor &attended,
                                        const PassOptions &pass, const PackedTokens *packed) const
{
    return project(layer, Proj::O, packed ? packed->pack(attended) : attended, pass);
}

at::Tensor LlamaModel::decoderLayer(const DecoderLayerWeights &layer, const at::Tensor &x, const RopeTables &rope,
                                    const at::Tensor &attnMask, const PassOptions &pass, AttentionExtras *extras) const
{
    if (layer.onDemand)
        throw Error("block " + std::to_string(layer.originalIndex) +
                    " was left in the checkpoint (the model was loaded for streamed distances only): load it whole "
                    "for this");
    if (m_config.postNorms) {
        // Each half's output is normalised before it joins the residual stream; its input too in Gemma
        // (input_layernorm, pre_feedforward_layernorm), not in OLMo 2.
        const bool pre = m_config.preNorms;
        const at::Tensor attended =
            attention(layer, pre ? rmsNorm(x, layer.inputNorm) : x, rope, attnMask, pass, extras);
        throwIfStopped(pass.stop);
        const at::Tensor h = x + rmsNorm(attended, layer.postNorm);
        const at::Tensor fed = feedForward(layer, pre ? rmsNorm(h, layer.preFeedforwardNorm) : h, pass);
        return h + rmsNorm(fed, layer.postFeedforwardNorm);
    }
    // pre-norm attention, residual, then the feed-forward's pre-norm
    const at::Tensor attended = attention(layer, rmsNorm(x, layer.inputNorm), rope, attnMask, pass, extras);
    // Half a block is the finest a stop can interrupt: on the CPU one block of a long batch takes seconds.
    throwIfStopped(pass.stop);
    at::Tensor h, n;
    if (fusable({&x, &attended, &layer.postNorm})) {
        std::tie(h, n) = fused::addRmsNorm(x, attended, layer.postNorm, m_config.rmsNormEps);
    } else {
        h = x + attended;
        n = rmsNorm(h, layer.postNorm);
    }
    return h + feedForward(layer, n, pass);
}

at::Tensor LlamaModel::feedForward(const DecoderLayerWeights &layer, const at::Tensor &x, const PassOptions &pass) const
{
    // SwiGLU: down(silu(gate(x)) · up(x)); GeGLU (Gemma): down(gelu_tanh(gate(x)) · up(x))
    at::Tensor gate, up;
    if (layer.gateUpProj.defined()) {  // Phi-3's fused gate|up: one GEMM, then its halves, as transformers
        const auto halves = at::linear(x, layer.gateUpProj).chunk(2, -1);
        gate = withLora(layer, Proj::Gate, halves[0], x, pass);
        up = withLora(layer, Proj::Up, halves[1], x, pass);
    } else {
        gate = project(layer, Proj::Gate, x, pass), up = project(layer, Proj::Up, x, pass);
    }
    at::Tensor act;
    if (m_config.activation == Activation::GeluTanh)
        act = at::gelu(gate, "tanh") * up;
    else
        act = fusable({&gate, &up}) ? fused::siluMul(gate, up) : at::silu(gate) * up;
    return project(layer, Proj::Down, act, pass);
}

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
    const RopeTables rope = ropeTables(0, P);
    const at::Tensor keepOnDevice = keep.to(device());
    const AttentionMasks masks = attentionMasks(keepOnDevice, N, P, 0);
    PassOptions pass;
    pass.stop = stop;
    extras.packed = PackedTokens::of(keepOnDevice);  // the prefixes' padding is not run
    at::Tensor x = embed(ids.to(device()));
    if (extras.packed.active())
        x = extras.packed.pack(x);  // (1, N, H)
    for (const DecoderLayerWeights &layer : m_weights.layers) {
        throwIfStopped(stop);
        x = decoderLayer(layer, x, rope, maskOf(layer, masks), pass, &extras);
    }
    return cache;
}

at::Tensor LlamaModel::finalHidden(const at::Tensor &ids, const at::Tensor &mask, const PrefixCache *prefix,
                                   std::stop_token stop, const std::vector<int64_t> *rows) const
{
    const int64_t B = ids.size(0), T = ids.size(1), P = prefix ? prefix->length : 0;
    RopeTables rope;
    AttentionMasks masks;
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
        x = decoderLayer(m_weights.layers[l], x, rope, maskOf(m_weights.layers[l], masks), pass, &extras);
    }
    x = rmsNorm(x, m_weights.norm);
    return extras.packed.active() ? extras.packed.unpack(x) : x;  // (B, T, H)
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
    for (size_t l = 0; l < m_weights.layers.size(); ++l) {
        cache.keys.push_back(at::empty({B, nkv, capacity, D}, on.dtype(dtype())));
        cache.values.push_back(at::empty({B, nkv, capacity, D}, on.dtype(dtype())));
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
    const RopeTables rope = ropeTablesAt(queries, last);  // (B, 1, T, D)
    AttentionMasks masks;
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
        x = decoderLayer(m_weights.layers[l], x, rope, maskOf(m_weights.layers[l], masks), pass, &extras);
    }
    cache.used += T;
    return rmsNorm(x, m_weights.norm);  // (B, T, H)
}

at::Tensor LlamaModel::trainingHidden(const at::Tensor &ids, const PassOptions &pass) const
{
    const int64_t B = ids.size(0), T = ids.size(1);
    const RopeTables rope = ropeTables(0, T);                  // (T, D)
    const AttentionMasks masks = attentionMasks({}, B, T, 0);  // unpadded: a window's cut only
    at::Tensor x = embed(ids);                                 // (B, T, H)
    for (const DecoderLayerWeights &layer : m_weights.layers) {
        throwIfStopped(pass.stop);
        const at::Tensor &attnMask = maskOf(layer, masks);
        if (!pass.checkpointing) {
            x = decoderLayer(layer, x, rope, attnMask, pass);
            continue;
        }
        std::vector<at::Tensor> params = trainableTensors(layer);
        if (params.empty() && !x.requires_grad()) {  // nothing below here trains: no graph at all
            c10::NoGradGuard noGrad;
            x = decoderLayer(layer, x, rope, attnMask, pass);
            continue;
        }
        // The recomputation in the backward pass checks the stop too: a Cancelled thrown there leaves
        // backward() as it is (autograd rethrows the exception it caught).
        x = checkpointed(
            [this, &layer, rope, attnMask, pass](const at::Tensor &in) {
                throwIfStopped(pass.stop);
                return decoderLayer(layer, in, rope, attnMask, pass);
            },
            x, params);
    }
    return rmsNorm(x, m_weights.norm);  // (B, T, H)
}

BlockInputs LlamaModel::blockInputs(const at::Tensor &mask, int64_t B, int64_t T) const
{
    // Padding: keys at padded positions are hidden; causal order as usual; sliding layers cut at the window.
    return {ropeTables(0, T), attentionMasks(mask, B, T, 0)};  // rope (T, D)
}

at::Tensor LlamaModel::runBlock(const DecoderLayerWeights &layer, const at::Tensor &x, const BlockInputs &inputs,
                                std::stop_token stop) const
{
    throwIfStopped(stop);
    PassOptions pass;
    pass.stop = stop;
    return decoderLayer(layer, x, inputs.rope, maskOf(layer, inputs.masks), pass);
}

at::Tensor LlamaModel::forward(const at::Tensor &ids, const at::Tensor &mask, const StateVisitor &visit,
                               bool wantLogits, LayerSet which, std::stop_token stop) const
{
    std::vector<DecoderLayerWeights> checkpoint;
    const std::vector<DecoderLayerWeights> &layers =
        which == LayerSet::All ? (checkpoint = checkpointLayers()) : m_weights.layers;
    const BlockInputs inputs = blockInputs(mask, ids.size(0), ids.size(1));
    at::Tensor x = embed(ids);  // (B, T, H)
    for (size_t l = 0; l < layers.size(); ++l) {
        if (visit)
            visit(static_cast<int64_t>(l), x);
        x = runBlock(layers[l], x, inputs, stop);
    }
    if (visit)
        visit(static_cast<int64_t>(layers.size()), x);
    if (!wantLogits)
        return {};
    return logits(rmsNorm(x, m_weights.norm));  // (B, T, V)
}

}  // namespace lc
