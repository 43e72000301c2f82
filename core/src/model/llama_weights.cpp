// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_weights.h"

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
        {"self_attn.o_proj.weight", &DecoderLayerWeights::oProj},
        {"self_attn.o_proj.bias", &DecoderLayerWeights::oBias},
        {"self_attn.q_norm.weight", &DecoderLayerWeights::qNorm},
        {"self_attn.k_norm.weight", &DecoderLayerWeights::kNorm},
        {"post_attention_layernorm.weight", &DecoderLayerWeights::postNorm},
        {"pre_feedforward_layernorm.weight", &DecoderLayerWeights::preFeedforwardNorm},
        {"post_feedforward_layernorm.weight", &DecoderLayerWeights::postFeedforwardNorm},
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
