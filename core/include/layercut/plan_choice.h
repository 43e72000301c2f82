// SPDX-License-Identifier: GPL-3.0-or-later
// One way to turn "drop N layers by similarity" (or a block, a list, a fraction) into a plan, shared by
// every command that prunes: prune, heal, eval, sweep and the GUI. The same request gives the same layers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "layercut/layer_distances.h"
#include "layercut/model_session.h"
#include "layercut/progress.h"
#include "layercut/prune_plan.h"
#include "layercut/text_dataset.h"

namespace lc {

/** The documents a similarity plan measures distances on, and how. The defaults are every command's. */
struct PlanSample
{
    std::filesystem::path data;                                  // text or token ids
    DatasetOptions options{.samples = 1000, .maxLength = 2048};  // a seeded choice of 1000 documents, 2048 tokens
    int64_t batchSize = 8;                                       // sequences per forward pass (no effect on the result)
    /**
     * The analysis cache (analysis_cache.h, the GUI's "distances" cache folder): distances of the same model
     * files, data file and options in the same dtype (dense weights) are read from it instead of measured,
     * and a new measurement is saved there. Empty: no cache.
     */
    std::filesystem::path cacheDir;
};

/** Which layers to drop: exactly one of a block, a list, a count or a fraction. */
struct PlanRequest
{
    std::optional<std::pair<int64_t, int64_t>> block;  // (start, count): drops start .. start+count−1
    std::vector<int64_t> layers;                       // drops these
    int64_t count = 0;                                 // drops this many, chosen by `strategy`
    double fraction = 0.0;                             // drops round(fraction · L), chosen by `strategy`
    PruneStrategy strategy = PruneStrategy::Similarity;
    std::filesystem::path distancesFile;  // similarity: a saved `layercut-cli distances` result
    PlanSample sample;                    // similarity without a file: measured on this

    /** How many of block, layers, count and fraction are given (1 is valid). */
    int ways() const;
    /** Whether choosing needs distances measured on the model (similarity by count without a file). */
    bool measuresDistances() const;
};

struct ChosenPlan
{
    PrunePlan plan;
    std::optional<DistanceMetric> metric;  // Angular when distances chose it
};

/**
 * The angular distances a similarity plan is chosen from: always of the checkpoint's own unquantised,
 * unhealed weights, so an NF4 or healed model in `loaded` chooses what the dense one would. `loaded` is used
 * when it holds `model` that way; otherwise a dense copy is loaded with `load` (device, dtype) for the
 * measurement and freed (not when sample.cacheDir holds the measurement already). Throws lc::Error naming
 * the data file, or saying that the unquantised model does not fit (measure with `layercut-cli distances`
 * where it does and pass the file). Reports reading, tokenising and measuring; throws lc::Cancelled soon
 * after `stop` fires.
 */
LayerDistances measurePlanDistances(const std::filesystem::path &model, const PlanSample &sample,
                                    const LoadOptions &load, ModelSession *loaded, const ProgressFn &progress = {},
                                    std::stop_token stop = {});

/**
 * The plan `request` asks for, for the checkpoint in `model`. Throws lc::Error when not exactly one way is
 * given, for impossible choices, and for a distances file made for another number of layers.
 */
ChosenPlan choosePrunePlan(const PlanRequest &request, const std::filesystem::path &model, const LoadOptions &load,
                           ModelSession *loaded, const ProgressFn &progress = {}, std::stop_token stop = {});

}  // namespace lc
