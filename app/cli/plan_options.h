// SPDX-License-Identifier: GPL-3.0-or-later
// The options that choose layers to drop, shared by `prune` and `heal`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "layercut/model_session.h"
#include "layercut/prune_plan.h"

namespace lc::cli {

struct PlanArgs
{
    std::string drop, layers, strategy = "similarity", distances;
    int64_t n = 0;
    double fraction = 0;

    /** True when any of --drop, --layers, --n, --fraction was given. */
    bool given() const { return !drop.empty() || !layers.empty() || n > 0 || fraction > 0; }
    /** Whether choosing needs distances measured by the model (similarity without --distances). */
    bool measuresDistances() const;
};

void addPlanOptions(CLI::App *cmd, PlanArgs &args);

/**
 * The plan the options ask for, for a model of `layers` layers. Similarity without --distances measures
 * distances with `session` on sequences() (batches of `batch`); `metric` is set when distances chose it.
 * Throws lc::Error when not exactly one way is given or the choice is impossible.
 */
PrunePlan choosePlan(const PlanArgs &args, int64_t layers, ModelSession *session,
                     const std::function<std::vector<std::vector<int64_t>>()> &sequences, int64_t batch,
                     std::string &metric, const ProgressFn &progress);

} // namespace lc::cli
