// SPDX-License-Identifier: GPL-3.0-or-later
// The paper's headline experiment: accuracy and loss against the fraction of layers dropped, for one or
// more strategies, unhealed and healed; and Llama SLayer's per-layer importance probe of both kinds (drop each
// layer alone; insert a new block after each layer, train it alone on new facts and ask about them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/block_plan.h"
#include "layercut/evaluation.h"
#include "layercut/healing.h"
#include "layercut/plan_choice.h"
#include "layercut/prune_plan.h"
#include "layercut/text_dataset.h"

namespace lc {

/**
 * The importance probe's second kind (Llama SLayer, method.md §7): for each original layer i, a new block is
 * inserted after it (initialised as `init`, the identity), trained alone for `steps` steps on `trainData`
 * with the sweep's healing settings (SweepOptions::healing, its method Blocks), and asked the questions of
 * `mmlu` and `boolq` about the injected facts; then the checkpoint is reloaded for the next layer.
 */
struct InjectionProbe
{
    int64_t steps = 0;  // > 0: the probe runs (per-layer scans only)
    BlockInit init = BlockInit::Average;
    std::filesystem::path trainData;    // the injection corpus: text about facts the model has not seen
    std::filesystem::path mmlu, boolq;  // questions on those facts; shots, limit and lengths are the sweep's

    bool enabled() const { return steps > 0; }
};

struct SweepOptions
{
    std::vector<double> fractions;  // of the layers dropped, e.g. 0, 0.1, ..., 0.6
    std::vector<PruneStrategy> strategies = {PruneStrategy::Similarity};
    std::filesystem::path distanceData;                     // similarity: the text the distances are measured on
    DatasetOptions distanceOptions = PlanSample().options;  // the same sample as prune's and heal's
    /**
     * Similarity: the analysis cache folder (analysis_cache.h; the GUI's "distances" cache, `layercut-cli
     * sweep --cache`). Distances of the same model files, distanceData and distanceOptions in the same dtype
     * are read from it instead of measured, and a new measurement is saved there. Empty: no cache.
     */
    std::filesystem::path distancesCache;
    /**
     * Similarity: distances already measured on the checkpoint's dense weights with distanceData and
     * distanceOptions (a heatmap on screen); used as they are, neither measured nor read from the cache.
     */
    std::optional<LayerDistances> distances;
    int64_t healSteps = 0;  // > 0: each point is also healed (HealingConfig below) and evaluated again
    HealingConfig healing;  // steps replaced by healSteps (the probe: injection.steps); outputDir and resumeFrom
                            // ignored
    EvalOptions eval;
    std::filesystem::path resultFile;  // written after every point; an existing one is resumed
    bool perLayer = false;             // the importance scan: drop each single layer instead
    InjectionProbe injection;          // with perLayer: also insert and train a block after each layer
};

/** One evaluated model: a strategy and fraction, healed or not. */
struct SweepPoint
{
    PruneStrategy strategy = PruneStrategy::Similarity;  // Single: a point of the importance scan
    double fraction = 0.0;                               // requested (dropped / L for the importance scan)
    std::vector<int64_t> dropped;                        // original 0-based layers
    bool healed = false;
    std::optional<double> mmlu, boolq, loss, normalizedLoss;
    std::optional<double> gsm8k, gsm8kFlexible;  // exact match: strict-match and flexible-extract
    /**
     * The injection probe's points: a new block inserted after this original layer and trained (nothing
     * dropped, healed false). The other numbers are then those of the trained model on the ordinary benchmarks
     * (what the block made the model forget).
     */
    std::optional<int64_t> insertedAfter;
    /** Accuracy on the injected facts (InjectionProbe's mmlu and boolq): the whole model's and the probe's points. */
    std::optional<double> injectedMmlu, injectedBoolq;
    double seconds = 0.0;
    /**
     * Unset when this point was measured. Otherwise the strategy whose point drops the same layers (healed
     * alike) was measured, and this one repeats its numbers: the unpruned model is measured once for every
     * strategy, and so is any plan two strategies share. The file writes it as "copied_from".
     */
    std::optional<PruneStrategy> copiedFrom;
};

struct SweepResult
{
    int64_t layers = 0;  // L of the model
    std::vector<SweepPoint> points;
    double mmluChance = 0.25;             // random guessing on four choices
    std::optional<double> boolqMajority;  // always answering the majority class
    bool cancelled = false;
    nlohmann::ordered_json settings;  // what runSweep measured the points with (the resume key);
                                      // sweepFromJson leaves it empty
};

// The sweep's JSON (defined torch-free, beside healing_json.h and evaluation_json.h).

/**
 * The result file's JSON: its settings (result.settings, the resume key; without them those of
 * sweepSettingsToJson) and every point, its strategy spelled as strategyName() does.
 */
nlohmann::ordered_json sweepToJson(const SweepResult &result, const SweepOptions &options);
/** Reads what sweepToJson wrote; throws lc::Error naming `source` when malformed. */
SweepResult sweepFromJson(const nlohmann::json &json, const std::string &source);
/** The settings that title a sweep's chart: its data files, shots, limit, per_layer, heal_steps, inject_*. */
nlohmann::ordered_json sweepSettingsToJson(const SweepOptions &options);
/**
 * The options a result file's "settings" record: those of sweepSettingsToJson, and where runSweep
 * recorded them the loss sample, the distance sample and the healing settings (heal_* keys). The
 * strategies and fractions are the points'.
 */
SweepOptions sweepOptionsFromJson(const nlohmann::json &settings);

/**
 * Runs the sweep on the model in `session` (loaded, not pruned or healed: the sweep sets its own plans and
 * reloads the checkpoint after each healing run). Points already in an existing options.resultFile with
 * the same settings are kept and skipped; every new point is appended and the file rewritten atomically.
 * A plan measured already (the unpruned model, for every strategy after the first) is recorded again under
 * the new strategy without measuring (SweepPoint::copiedFrom). Distances are taken from options.distances,
 * else the cache, else measured, and only once a similarity point still to measure needs them (a resumed
 * point's layers are read from the file). `pointDone` sees each point as it is recorded. When `stop` fires
 * the sweep ends with cancelled = true (the file holds every finished point). The session ends with the
 * model unpruned.
 */
SweepResult runSweep(ModelSession &session, const SweepOptions &options,
                     const std::function<void(const SweepPoint &)> &pointDone = {}, const ProgressFn &progress = {},
                     std::stop_token stop = {});

}  // namespace lc
