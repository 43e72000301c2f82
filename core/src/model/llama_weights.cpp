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
