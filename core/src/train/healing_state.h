// SPDX-License-Identifier: GPL-3.0-or-later
// What a healing run leaves in the session: its settings and the tensors it trained, for export and for
// the adapters' files. The tensors themselves live in the model (adapters, unfrozen weights).
#pragma once

#include <string>
#include <vector>

#include "layercut/healing.h"
#include "model/torch_compat.h"

namespace lc {

struct TrainedWeight
{
    std::string name;   // checkpoint name, e.g. "model.layers.30.mlp.up_proj.weight" (original numbering)
    at::Tensor weight;  // the model's tensor (compute dtype)
};

struct HealingState
{
    HealingConfig config;
    std::vector<TrainedWeight> trained;  // partial / full fine-tuning
    bool quantized = false;              // the kept layers' projections are NF4 now
};

}  // namespace lc
