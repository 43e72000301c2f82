// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run's settings as JSON: recorded in healing.json, in checkpoints (to check a resume) and in the
// merged export's layercut.json.
#pragma once

#include <nlohmann/json.hpp>

#include "layercut/healing.h"

namespace lc {

nlohmann::ordered_json configJson(const HealingConfig &config);

} // namespace lc
