// SPDX-License-Identifier: GPL-3.0-or-later
// The version every written record names (layercut.json, healing.json, sweep results), torch-free.
#include "layercut/model_export.h"

namespace lc {

std::string softwareVersion()
{
    return std::string("LayerCut ") + LAYERCUT_VERSION;
}

}  // namespace lc
