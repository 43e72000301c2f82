// SPDX-License-Identifier: GPL-3.0-or-later
// Loading by checkpoint names: each expected name maps to one slot of LlamaWeights.
#include "model/weight_loader.h"

#include <algorithm>
#include <vector>

#include "layercut/error.h"
#include "model/tensor_upload.h"
#include "model/block_placement.h"
#include "model/nf4.h"

namespace lc {
namespace {

at::Tensor *slotFor(LlamaWeights &w, const std::string &name)
{
    if (name == "model.embed_tokens.weight")
        return &w.embedTokens;
    if (name == "model.norm.weight")
        return &w.norm;
    if (name == "lm_head.weight")
        return &w.lmHead;
    const auto layer = splitLayerTensorName(name);
    if (!layer)
        return nullptr;
    for (const auto &[suffix, slot] : layerTensorSlots())
        if (layer->rest == suffix)
            return &(w.layers.at(static_cast<size_t>(layer->layer)).*slot);
    return nullptr;
}

/** cat(parts) along dim 0, then each part re-pointed at its slice (all parts defined or none). */
at::Tensor fuseRows(std::initializer_list<at::Tensor *> parts)
{
    std::vector<at::Tensor> tensors;
    for (at::Tensor *p : parts) {
        if (!p->defined())
            return {};
        tensors.push_back(*p);
    }
    at::Tensor fused = at::cat(tensors, 0);
    int64_t offset = 0;
    for (at::Tensor *p : parts) {
        const int64_t rows = p->size(0);
        *p = fused.narrow(0, offset, rows);
        offset += rows;
    }
    return fused;
}

}  // namespace

void fuseProjections(LlamaWeights &weights)
{
    for (DecoderLayerWeights &l : weights.layers)
        fuseProjections(l);
}

void fuseProjections(DecoderLayerWeights &l)
{
    if (!l.qkvProj.defined())
        l.qkvProj = fuseRows({&l.qProj, &l.kProj, &l.vProj});
    l.qkvBias = fuseRows({&l.qBias, &l.kBias, &l.vBias});
}

namespace {

LlamaWeights emptyWeights(const ModelConfig &config)
{
    LlamaWeights w;
    w.layers.resize(static_cast<size_t>(config.numLayers));
    for (int64_t i = 0; i < config.numLayers; ++i)
        w.layers[static_cast<size_t>(i)].originalIndex = i;
    return w;
}

/**
 * A loaded block's dense projections replaced by NF4 weights (fused ones split into their rows first), each
 * dense weight freed as soon as it is quantised.
 */
void quantizeProjections(DecoderLayerWeights &layer, const ModelConfig &config, bool doubleQuantization,
                         const std::stop_token &stop)
{
    if (config.fusedProjections)  // each part is quantised from its rows; the fused tensors then go
        splitFusedProjections(layer, config);
    for (size_t p = 0; p < kProjections; ++p) {
        throwIfStopped(stop);  // quantising a large projection takes a while on the CPU
        at::Tensor &dense = layer.weight(static_cast<Proj>(p));
        layer.nf4[p] = std::make_shared<const Nf4Weight>(quantizeNf4(dense, doubleQuantization));
        dense = at::Tensor();
    }
    layer.qkvProj = at::Tensor(), layer.gateUpProj = at::Tensor();
}

/** True for "model.layers.{i}.{self_attn,mlp}.*_proj.weight": what NF4 loading quantises. */
bool isProjectionWeight(const std::string &name)
{
    const auto layer = splitLayerTensorName(name);
    return layer && layer->rest.ends_with("_proj.weight");
}

}  // namespace

namespace {

/** Where checkpoint tensor `name` goes: its block's device; the embeddings the first, the norm and head the last. */
at::Device deviceOf(const BlockPlacement &placement, const std::string &name)
{
    if (const auto layer = splitLayerTensorName(name))
        return placement.ofBlock(layer->layer);
    return name == "model.embed_tokens.weight" ? placement.first() : placement.last();
}

/** Uploads groups of tensors, each group to its device, with progress over the whole load. */
class PlacedUploads
{
public:
    PlacedUploads(at::ScalarType dtype, uint64_t totalBytes, const ProgressFn &progress, const std::stop_token &stop)
        : m_dtype(dtype), m_totalBytes(totalBytes), m_progress(progress), m_stop(stop)
    {}

    void operator()(const std::vector<TensorUpload> &uploads, at::Device device)
    {
        uint64_t bytes = 0;
        for (const TensorUpload &u : uploads)
            bytes += u.entry->byteSize();
        uploadTensors(
            uploads, device, m_dtype, bytes,
            [&](const Progress &p) {
                if (m_progress)
                    m_progress(
                        {p.stage, static_cast<int64_t>(m_before) + p.current, static_cast<int64_t>(m_totalBytes), 0});
            },
            m_stop);
        m_before += bytes;
    }

    /** Each upload to its tensor's device (placement), one group per device in order (the CPU listed twice: once). */
    void placed(const std::vector<std::pair<TensorUpload, at::Device>> &uploads, const BlockPlacement &placement)
    {
        for (auto device = placement.devices.begin(); device != placement.devices.end(); ++device) {
            if (std::find(placement.devices.begin(), device, *device) != device)
                continue;
            std::vector<TensorUpload> group;
            for (const auto &[u, d] : uploads)
                if (d == *device)
                    group.push_back(u);
            if (!group.empty())
                (*this)(group, *device);
        }
    }

private:
    at::ScalarType m_dtype;
    uint64_t m_totalBytes;
    const ProgressFn &m_progress;
    const std::stop_token &m_stop;
    uint64_t m_before = 0;
};

/** The head of a tied model: the embeddings, or their copy on the last device when those differ. */
void tieHead(LlamaWeights &w, const BlockPlacement &placement)
{
    w.lmHead = placement.first() == placement.last() ? w.embedTokens : w.embedTokens.to(placement.last());
}

}  // namespace

LlamaWeights loadLlamaWeights(const Checkpoint &checkpoint, const ModelConfig &config, const BlockPlacement &placement,
                              at::ScalarType dtype, const ProgressFn &progress, const std::stop_token &stop)
{
    // Validate everything before copying anything, so a bad checkpoint fails fast.
    const uint64_t totalBytes = checkpoint.checkAgainst(config);
    LlamaWeights w = emptyWeights(config);
    std::vector<std::pair<TensorUpload, at::Device>> uploads;
    for (const auto &e : config.expectedTensors()) {
        at::Tensor *slot = slotFor(w, e.name);
        if (!slot)
            throw Error("internal: no slot for tensor '" + e.name + "'");
        uploads.push_back({{checkpoint.find(e.name).first, slot}, deviceOf(placement, e.name)});
    }
    PlacedUploads(dtype, totalBytes, progress, stop).placed(uploads, placement);
    if (config.fusedProjections)
        for (DecoderLayerWeights &layer : w.layers)
            splitFusedProjections(layer, config);
    fuseProjections(w);
    if (config.tieWordEmbeddings)
        tieHead(w, placement);
    return w;
}

LlamaWeights loadLlamaWeightsNf4(const Checkpoint &checkpoint, const ModelConfig &config,
                                 const BlockPlacement &placement, at::ScalarType dtype, bool doubleQuantization,
                                 const ProgressFn &progress, const std::stop_token &stop)
{
    const uint64_t totalBytes = checkpoint.checkAgainst(config);
    LlamaWeights w = emptyWeights(config);
    PlacedUploads upload(dtype, totalBytes, progress, stop);
    std::vector<std::pair<TensorUpload, at::Device>> rest;
    std::vector<std::vector<TensorUpload>> projections(static_cast<size_t>(config.numLayers));
    for (const auto &e : config.expectedTensors()) {
        at::Tensor *slot = slotFor(w, e.name);
        if (!slot)
            throw Error("internal: no slot for tensor '" + e.name + "'");
        const TensorUpload u{checkpoint.find(e.name).first, slot};
        if (isProjectionWeight(e.name))
            projections[static_cast<size_t>(splitLayerTensorName(e.name)->layer)].push_back(u);
        else
            rest.push_back({u, deviceOf(placement, e.name)});
    }
    upload.placed(rest, placement);
    for (size_t i = 0; i < projections.size(); ++i) {
        upload(projections[i], placement.ofBlock(static_cast<int64_t>(i)));
        quantizeProjections(w.layers[i], config, doubleQuantization, stop);
    }
    fuseProjections(w);  // the q/k/v biases only: the weights are NF4 now
    if (config.tieWordEmbeddings)
        tieHead(w, placement);
    return w;
}

LlamaWeights loadLlamaWeightsWithoutBlocks(const Checkpoint &checkpoint, const ModelConfig &config, at::Device device,
                                           at::ScalarType dtype, const ProgressFn &progress,
                                           const std::stop_token &stop)
{
    checkpoint.checkAgainst(config);  // every block too: a bad one should fail now, not deep into a pass
    LlamaWeights w = emptyWeights(config);
    for (DecoderLayerWeights &layer : w.layers)
        layer.onDemand = true;
    std::vector<TensorUpload> uploads;
    uint64_t bytes = 0;
    for (const auto &e : config.expectedTensors()) {
        if (splitLayerTensorName(e.name))
            continue;
        at::Tensor *slot = slotFor(w, e.name);
        if (!slot)
            throw Error("internal: no slot for tensor '" + e.name + "'");
        uploads.push_back({checkpoint.find(e.name).first, slot});
        bytes += uploads.back().entry->byteSize();
    }
    uploadTensors(uploads, device, dtype, bytes, progress, stop);
    if (config.tieWordEmbeddings)
        w.lmHead = w.embedTokens;
    return w;
}

DecoderLayerWeights loadLlamaBlock(const Checkpoint &checkpoint, const ModelConfig &config, int64_t index,
                                   at::Device device, at::ScalarType dtype, bool nf4, bool doubleQuantization,
                                   const std::stop_token &stop)
{
    DecoderLayerWeights layer;
    layer.originalIndex = index;
    std::vector<TensorUpload> uploads;
    uint64_t bytes = 0;
    for (const auto &e : config.expectedTensors()) {
        const auto name = splitLayerTensorName(e.name);
        if (!name || name->layer != index)
            continue;
        const auto slot = std::find_if(layerTensorSlots().begin(), layerTensorSlots().end(),
                                       [&](const LayerTensorSlot &s) { return name->rest == s.name; });
        if (slot == layerTensorSlots().end())
            throw Error("internal: no slot for tensor '" + e.name + "'");
        const TensorEntry *entry = checkpoint.find(e.name).first;
        if (!entry)  // checked at load; the folder changed since
            throw Error("the checkpoint no longer has tensor '" + e.name + "'");
        uploads.push_back({entry, &(layer.*(slot->slot))});
        bytes += entry->byteSize();
    }
    uploadTensors(uploads, device, dtype, bytes, {}, stop);
    if (nf4) {
        quantizeProjections(layer, config, doubleQuantization, stop);
    } else if (config.fusedProjections) {
        splitFusedProjections(layer, config);
    }
    fuseProjections(layer);
    return layer;
}

}  // namespace lc
