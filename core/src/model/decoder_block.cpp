// SPDX-License-Identifier: GPL-3.0-or-later
// One decoder block: RMSNorm, the projections (dense, NF4, with LoRA adapters), attention with RoPE and its
// masks, the feed-forward. Numerics follow transformers: RMSNorm in float32 then cast (Gemma: scaled in float32
// too, then cast), softmax in float32. The fused CUDA kernels replace ATen where nothing needs a gradient.
// Legend: B batch, T tokens, H hidden, nh query heads, nkv key/value heads, D head_dim, N packed tokens.
#include <cmath>
#include <limits>
#include <tuple>

#include "layercut/error.h"
#include "layercut/progress.h"
#include "model/fused_ops.h"
#include "model/llama_model.h"
#include "model/autograd_functions.h"
#include "model/rotary_embedding.h"

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
    if (m_config.qkNormWhole) {  // OLMo 2: RMSNorm over the whole projection, (B, T, nh*D) and (B, T, nkv*D)
        q = rmsNorm(q.contiguous(), layer.qNorm);
        k = rmsNorm(k.contiguous(), layer.kNorm);
    }
    if (packed)  // token-wise steps done: the padded layout from here
        q = packed->unpack(q), k = packed->unpack(k), v = packed->unpack(v);
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

}  // namespace lc
