// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder's passes over its blocks (decoder_block.cpp; those that keep keys and values: cached_passes.cpp):
// the embeddings, RoPE tables and masks of a pass, which layers run, the final norm and head, and a model's
// blocks placed over several devices. RoPE cos/sin are computed in float32, as transformers does.
// Legend: B batch, T tokens, H hidden, nh query heads, nkv key/value heads, D head_dim, V vocabulary.
#include "model/llama_model.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "layercut/error.h"
#include "layercut/progress.h"
#include "model/attention_masks.h"
#include "model/autograd_functions.h"

namespace lc {
namespace {

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

void BlockInputs::moveTo(at::Device device)
{
    // t and its sliding-layer counterpart, which is often the same tensor: moved once then.
    const auto move = [&](at::Tensor &t, at::Tensor &sliding) {
        const bool same = sliding.is_same(t);
        if (t.defined())
            t = t.to(device);
        if (same)
            sliding = t;
        else if (sliding.defined())
            sliding = sliding.to(device);
    };
    move(rope.cos, rope.slidingCos);
    move(rope.sin, rope.slidingSin);
    move(masks.full, masks.sliding);
}

void LlamaModel::follow(const DecoderLayerWeights &layer, at::Tensor &x, BlockInputs &inputs,
                        AttentionExtras *extras) const
{
    if (layer.onDemand)  // decoderLayer says why it cannot run
        return;
    const at::Device device = layer.device();
    if (x.device() == device)
        return;
    x = x.to(device);
    inputs.moveTo(device);
    if (extras) {
        if (extras->prefixRows.defined())
            extras->prefixRows = extras->prefixRows.to(device);
        if (extras->packed.active())
            extras->packed.index = extras->packed.index.to(device);
    }
}

at::Tensor LlamaModel::finalNorm(const at::Tensor &x) const
{
    return rmsNorm(x.to(m_weights.norm.device()), m_weights.norm);
}

at::Tensor LlamaModel::trainingHidden(const at::Tensor &ids, const PassOptions &pass) const
{
    const int64_t B = ids.size(0), T = ids.size(1);
    // rope (T, D); masks unpadded: a window's cut only
    BlockInputs inputs{ropeTables(0, T), attentionMasks({}, B, T, 0)};
    const RopeTables &rope = inputs.rope;
    at::Tensor x = embed(ids);  // (B, T, H)
    for (const DecoderLayerWeights &layer : m_weights.layers) {
        throwIfStopped(pass.stop);
        follow(layer, x, inputs, nullptr);  // autograd carries the gradient back across the move
        const at::Tensor &attnMask = maskOf(layer, inputs.masks);
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
    return finalNorm(x);  // (B, T, H)
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
    BlockInputs inputs = blockInputs(mask, ids.size(0), ids.size(1));
    at::Tensor x = embed(ids);  // (B, T, H)
    for (size_t l = 0; l < layers.size(); ++l) {
        follow(layers[l], x, inputs, nullptr);
        if (visit)
            visit(static_cast<int64_t>(l), x);
        x = runBlock(layers[l], x, inputs, stop);
    }
    if (visit)
        visit(static_cast<int64_t>(layers.size()), x);
    if (!wantLogits)
        return {};
    return logits(finalNorm(x));  // (B, T, V)
}

}  // namespace lc
