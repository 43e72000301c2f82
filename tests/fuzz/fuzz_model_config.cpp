// SPDX-License-Identifier: GPL-3.0-or-later
// config.json: every key a family reads, then what is derived from it (tensor list, parameter counts).
#include "fuzz_target.h"
#include "layercut/model_config.h"

namespace {

void parseConfig(const uint8_t *data, size_t size)
{
    const auto path = lc::fuzz::writeScratchFile("config.json", data, size);
    lc::fuzz::expectCleanFailure("config.json", lc::fuzz::asText(data, size), [&] {
        const lc::ModelConfig config = lc::ModelConfig::fromFile(path);
        // A config that loads must describe a model whose tensors can be listed and counted.
        const auto tensors = config.expectedTensors();
        if (tensors.empty())
            lc::fuzz::finding("a config that loads with no tensors");
        for (const auto &tensor : tensors)
            if (tensor.numel() <= 0)
                lc::fuzz::finding("a config that loads with an empty tensor: " + tensor.name);
        if (config.parameterCount() <= 0 || config.parametersPerLayer() <= 0)
            lc::fuzz::finding("a config that loads with no parameters");
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(model_config, parseConfig)
