// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_weights.h"

#include "layercut/error.h"

namespace lc {

const char *projName(Proj p)
{
    static const char *names[kProjections] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                              "gate_proj", "up_proj", "down_proj"};
    return names[static_cast<size_t>(p)];
}

std::string projPath(Proj p)
{
    return std::string(p <= Proj::O ? "self_attn." : "mlp.") + projName(p);
}

ProjectionRows projectionRows(const ModelConfig &c, Proj p)
{
    if (!c.fusedProjections || p == Proj::O || p == Proj::Down)
        return {projPath(p) + ".weight"};
    const int64_t q = c.numHeads * c.headDim, kv = c.numKvHeads * c.headDim, I = c.intermediateSize;
    switch (p) {
    case Proj::Q: return {"self_attn.qkv_proj.weight", 0, q};
    case Proj::K: return {"self_attn.qkv_proj.weight", q, kv};
    case Proj::V: return {"self_attn.qkv_proj.weight", q + kv, kv};
    case Proj::Gate: return {"mlp.gate_up_proj.weight", 0, I};  // transformers' chunk(2): gate first
    case Proj::Up: return {"mlp.gate_up_proj.weight", I, I};
    default: return {projPath(p) + ".weight"};
    }
}

at::Device DecoderLayerWeights::device() const
{
    for (const at::Tensor *t : {&inputNorm, &postNorm, &preFeedforwardNorm, &postFeedforwardNorm})
        if (t->defined())
            return t->device();
    throw Error("internal: block " + std::to_string(originalIndex) + " holds no tensor to tell its device");
}

void splitFusedProjections(DecoderLayerWeights &layer, const ModelConfig &config)
{
    for (const Proj p : {Proj::Q, Proj::K, Proj::V, Proj::Gate, Proj::Up}) {
        const ProjectionRows rows = projectionRows(config, p);
        const at::Tensor &fused = p <= Proj::V ? layer.qkvProj : layer.gateUpProj;
        layer.weight(p) = fused.narrow(0, rows.offset, rows.rows);  // contiguous: whole rows of a row-major matrix
    }
}

const std::vector<LayerTensorSlot> &layerTensorSlots()
{
    static const std::vector<LayerTensorSlot> slots = {
        {"input_layernorm.weight", &DecoderLayerWeights::inputNorm},
        {"self_attn.q_proj.weight", &DecoderLayerWeights::qProj},
        {"self_attn.q_proj.bias", &DecoderLayerWeights::qBias},
        {"self_attn.k_proj.weight", &DecoderLayerWeights::kProj},
        {"self_attn.k_proj.bias", &DecoderLayerWeights::kBias},
        {"self_attn.v_proj.weight", &DecoderLayerWeights::vProj},
        {"self_attn.v_proj.bias", &DecoderLayerWeights::vBias},
        {"self_attn.qkv_proj.weight", &DecoderLayerWeights::qkvProj},
        {"self_attn.o_proj.weight", &DecoderLayerWeights::oProj},
        {"self_attn.o_proj.bias", &DecoderLayerWeights::oBias},
        {"self_attn.q_norm.weight", &DecoderLayerWeights::qNorm},
        {"self_attn.k_norm.weight", &DecoderLayerWeights::kNorm},
        {"post_attention_layernorm.weight", &DecoderLayerWeights::postNorm},
        {"pre_feedforward_layernorm.weight", &DecoderLayerWeights::preFeedforwardNorm},
        {"post_feedforward_layernorm.weight", &DecoderLayerWeights::postFeedforwardNorm},
        {"mlp.gate_up_proj.weight", &DecoderLayerWeights::gateUpProj},
        {"mlp.gate_proj.weight", &DecoderLayerWeights::gateProj},
        {"mlp.gate_proj.bias", &DecoderLayerWeights::gateBias},
        {"mlp.up_proj.weight", &DecoderLayerWeights::upProj},
        {"mlp.up_proj.bias", &DecoderLayerWeights::upBias},
        {"mlp.down_proj.weight", &DecoderLayerWeights::downProj},
        {"mlp.down_proj.bias", &DecoderLayerWeights::downBias},
    };
    return slots;
}

at::Tensor &DecoderLayerWeights::weight(Proj p)
{
    switch (p) {
    case Proj::Q: return qProj;
    case Proj::K: return kProj;
    case Proj::V: return vProj;
    case Proj::O: return oProj;
    case Proj::Gate: return gateProj;
    case Proj::Up: return upProj;
    case Proj::Down: return downProj;
    }
    return qProj;
}

const at::Tensor &DecoderLayerWeights::weight(Proj p) const
{
    return const_cast<DecoderLayerWeights *>(this)->weight(p);
}

const at::Tensor &DecoderLayerWeights::bias(Proj p) const
{
    switch (p) {
    case Proj::Q: return qBias;
    case Proj::K: return kBias;
    case Proj::V: return vBias;
    case Proj::O: return oBias;
    case Proj::Gate: return gateBias;
    case Proj::Up: return upBias;
    case Proj::Down: return downBias;
    }
    return qBias;
}

}  // namespace lc
