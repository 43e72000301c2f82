// SPDX-License-Identifier: GPL-3.0-or-later
// A prune plan as mergekit's `passthrough` configuration, the YAML that PruneMe users hand to mergekit-yaml.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "layercut/dtype.h"
#include "layercut/prune_plan.h"

namespace lc {

/**
 * mergekit's passthrough merge of `model` that keeps `plan.kept`: one slice per contiguous run of kept
 * layers, each `layer_range: [start, end]` as mergekit reads it (0-based, end exclusive), then
 * `merge_method: passthrough` and, when given, `dtype`. The model path is written as given (quoted where
 * YAML needs it). Throws lc::Error for a plan that keeps no layer.
 */
std::string mergekitPassthroughYaml(const PrunePlan &plan, const std::filesystem::path &model,
                                    const std::optional<DType> &dtype = std::nullopt);

}  // namespace lc
