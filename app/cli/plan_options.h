// SPDX-License-Identifier: GPL-3.0-or-later
// The options that choose layers to drop, shared by `prune`, `heal`, `eval` and `sweep`: the same
// arguments give the same plan in every command (lc::choosePrunePlan).
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "expand_options.h"
#include "layercut/plan_choice.h"

namespace lc::cli {

struct PlanArgs
{
    std::string drop, layers, strategy = "similarity", distances;
    int64_t n = 0;
    double fraction = 0;
    PlanSample sample;  // its data is set by each command (--data or --plan-data)
    ExpandArgs expand;  // blocks to insert in memory (commands that add addExpandOptions)

    /** True when any of --drop, --layers, --n, --fraction was given. */
    bool given() const { return !drop.empty() || !layers.empty() || n > 0 || fraction > 0; }
    /** The request for lc::choosePrunePlan; throws lc::Error for a malformed --drop or --layers. */
    PlanRequest request() const;
};

/**
 * Prunes the loaded `session` as `plan` asks (nothing when no plan option was given): measuring distances
 * on `planData` for --strategy similarity, its documents cut at `maxLength` tokens when that is set. Then
 * inserts the blocks plan.expand asks for, in memory.
 */
void applyPlanArgs(ModelSession &session, PlanArgs plan, const std::string &planData, const std::string &folder,
                   const LoadOptions &load, int64_t maxLength, const ProgressFn &progress);

/** --drop, --layers, --n, --fraction, --strategy, --distances. */
void addPlanOptions(CLI::App *cmd, PlanArgs &args);

/**
 * What runs, for a command's JSON: "layers" (blocks that run), "dropped" (the checkpoint's blocks left out, as
 * ranges), with `droppedList` also "dropped_layers", and "inserted_after" when blocks were inserted.
 */
void addPlanSummary(nlohmann::ordered_json &j, const ModelSession &session, bool droppedList = false);

/** Inserts the blocks `expand` asks for into the plan in force of `session` (nothing when none is asked for). */
void applyExpandArgs(ModelSession &session, const ExpandArgs &expand, bool pruned);

/**
 * The distance sample's options, with one help text everywhere: --samples and --seed, and --max-length
 * unless the command has one of its own (eval's context window, which then also bounds the sample).
 */
void addSampleOptions(CLI::App *cmd, PlanSample &sample, bool seed = true, bool maxLength = true);

}  // namespace lc::cli
