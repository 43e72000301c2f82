// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder forward pass. Numerics follow transformers: RMSNorm in float32 then cast, RoPE cos/sin
// computed in float32, softmax in float32.
// Legend: B batch, T tokens, H hidden, nh query heads, nkv key/value heads, D head_dim, V vocabulary.
#include "model/llama_model.h"

#include <cmath>
#include <tuple>

#include "layercut/error.h"
#include "model/fused_ops.h"

namespace lc {
namespace {

at::Tensor linear(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias)
{
    return bias.defined() ? at::linear(x, weight, bias) : at::linear(x, weight);
}

} // namespace

LlamaModel::LlamaModel(ModelConfig config, LlamaWeights weights)
    : m_config(std::move(config)), m_weights(std::move(weights)), m_allLayers(m_weights.layers), m_rotary(m_config)
{
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

at::Tensor LlamaModel::rmsNorm(const at::Tensor &x, const at::Tensor &weight) const
{
    if (fused::enabled(x))
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

at::Tensor LlamaModel::attention(const DecoderLayerWeights &layer, const at::Tensor &x, const at::Tensor &cos,
                                 const at::Tensor &sin, const at::Tensor &attnMask) const
{
    const int64_t B = x.size(0), T = x.size(1);
    const int64_t nh = m_config.numHeads, nkv = m_config.numKvHeads, D = m_config.headDim;
    at::Tensor q, k, v;
    if (layer.qkvProj.defined()) {  // one GEMM, then split: (B, T, (nh + 2*nkv)*D)
        const auto parts = linear(x, layer.qkvProj, layer.qkvBias).split({nh * D, nkv * D, nkv * D}, -1);
        q = parts[0], k = parts[1], v = parts[2];
    } else {
        q = linear(x, layer.qProj, layer.qBias);
        k = linear(x, layer.kProj, layer.kBias);
        v = linear(x, layer.vProj, layer.vBias);
    }
    q = q.view({B, T, nh, D});   // (B, T, nh, D)
    k = k.view({B, T, nkv, D});  // (B, T, nkv, D)
    v = v.view({B, T, nkv, D});
    if (m_config.qkNorm) {  // Qwen3: per-head RMSNorm over D, before RoPE
        q = rmsNorm(q, layer.qNorm);
        k = rmsNorm(k, layer.kNorm);
    }
    if (fused::enabled(x)) {
        q = fused::rope(q, cos, sin).transpose(1, 2);  // (B, nh, T, D)
        k = fused::rope(k, cos, sin).transpose(1, 2);  // (B, nkv, T, D)
    } else {
        q = RotaryEmbedding::apply(q.transpose(1, 2), cos, sin);
        k = RotaryEmbedding::apply(k.transpose(1, 2), cos, sin);
    }
    v = v.transpose(1, 2);                                    // (B, nkv, T, D)
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    at::Tensor out;
#if LAYERCUT_HAS_SDPA_GQA
    // Unpadded: is_causal with no mask keeps the flash kernel, which reads shared key/value heads itself.
    if (!attnMask.defined()) {
        out = at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, scale, /*enable_gqa=*/nkv != nh);
        return linear(out.transpose(1, 2).reshape({B, T, nh * D}), layer.oProj, layer.oBias);
    }
#endif
    if (nkv != nh) {  // GQA: query head h reads key/value head h / (nh / nkv), as repeat_kv does
        k = k.repeat_interleave(nh / nkv, 1);                 // (B, nh, T, D)
        v = v.repeat_interleave(nh / nkv, 1);
    }
#if LAYERCUT_HAS_SDPA
    // No mask means unpadded: is_causal keeps the flash kernel eligible. With padding, a boolean mask.
    if (attnMask.defined())
        out = at::scaled_dot_product_attention(q, k, v, attnMask, 0.0, false, scale);
    else
        out = at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, scale);
#else
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) * scale;  // (B, nh, T, T)
    const at::Tensor allowed = attnMask.defined()
                                   ? attnMask
                                   : at::ones({T, T}, at::TensorOptions().dtype(at::kBool).device(x.device())).tril();
    scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
    out = at::matmul(at::softmax(scores, -1, at::kFloat).to(q.scalar_type()), v);
#endif
    out = out.transpose(1, 2).reshape({B, T, nh * D});  // (B, T, nh*D)
    return linear(out, layer.oProj, layer.oBias);
}

at::Tensor LlamaModel::decoderLayer(const DecoderLayerWeights &layer, const at::Tensor &x, const at::Tensor &cos,
                                    const at::Tensor &sin, const at::Tensor &attnMask) const
{
    // pre-norm attention, residual, then the feed-forward's pre-norm
    const at::Tensor attended = attention(layer, rmsNorm(x, layer.inputNorm), cos, sin, attnMask);
    const bool fuse = fused::enabled(x);
    at::Tensor h, n;
    if (fuse) {
        std::tie(h, n) = fused::addRmsNorm(x, attended, layer.postNorm, m_config.rmsNormEps);
    } else {
        h = x + attended;
        n = rmsNorm(h, layer.postNorm);
    }
    // SwiGLU feed-forward, residual
    const at::Tensor gate = linear(n, layer.gateProj, layer.gateBias), up = linear(n, layer.upProj, layer.upBias);
    const at::Tensor act = fuse ? fused::siluMul(gate, up) : at::silu(gate) * up;
    return h + linear(act, layer.downProj, layer.downBias);
}

at::Tensor LlamaModel::forward(const at::Tensor &ids, const at::Tensor &mask, const StateVisitor &visit,
                               bool wantLogits, LayerSet which) const
{
    const std::vector<DecoderLayerWeights> &layers = which == LayerSet::All ? m_allLayers : m_weights.layers;
    const int64_t T = ids.size(1);
    if (m_config.slidingWindow > 0 && T > m_config.slidingWindow)
        throw Error("sequence of " + std::to_string(T) + " tokens is longer than the model's sliding_window of " +
                    std::to_string(m_config.slidingWindow) + ", which LayerCut does not implement");
    const auto [cos, sin] = m_rotary.cosSin(T, device(), dtype());  // (T, D)
    // Padding: keys at padded positions are hidden; causal order as usual. (B, 1, T, T) boolean.
    at::Tensor attnMask;
    if (mask.defined() && !mask.all().item<bool>()) {
        const at::Tensor causal = at::ones({T, T}, at::TensorOptions().dtype(at::kBool).device(device())).tril();
        attnMask = causal.unsqueeze(0).logical_and(mask.to(at::kBool).unsqueeze(1)).unsqueeze(1);
    }
    at::Tensor x = at::embedding(m_weights.embedTokens, ids);  // (B, T, H)
    for (size_t l = 0; l < layers.size(); ++l) {
        if (visit)
            visit(static_cast<int64_t>(l), x);
        x = decoderLayer(layers[l], x, cos, sin, attnMask);
    }
    if (visit)
        visit(static_cast<int64_t>(layers.size()), x);
    if (!wantLogits)
        return {};
    return at::linear(rmsNorm(x, m_weights.norm), m_weights.lmHead);  // (B, T, V)
}

} // namespace lc
