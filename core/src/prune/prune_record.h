// SPDX-License-Identifier: GPL-3.0-or-later
// layercut.json: which layers of which checkpoint a folder (a pruned export, or a healing run's adapters)
// was made from, so whoever loads it can check that the layers match.
#pragma once

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "layercut/block_plan.h"
#include "layercut/layer_distances.h"
#include "layercut/prune_plan.h"

namespace lc {

/** software, created, source, source_layers, kept_layers, dropped_layers, dropped_ranges, method, metric, distance. */
nlohmann::ordered_json pruneRecord(const std::filesystem::path &source, const PrunePlan &plan,
                                   const std::optional<DistanceMetric> &metric);
/** The same for a plan that inserts blocks: the originals kept (method "expand"), inserted_after and blocks. */
nlohmann::ordered_json expandRecord(const std::filesystem::path &source, const BlockPlan &plan);

}  // namespace lc
