// SPDX-License-Identifier: GPL-3.0-or-later
// What a LayerCut project holds: the session's state as the GUI knows it (lc::Session::snapshot() gives one,
// restore() takes one). Reading and writing .layercut files is ui/project/project_file.
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include "layercut/evaluation.h"
#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/model_session.h"
#include "layercut/sweep.h"

/** One healing run as the loss chart showed it, with the settings it ran with. */
struct ProjectHealingRun
{
    lc::HealingConfig config;
    qint64 trainableParameters = 0;
    std::vector<int64_t> dropped;  // the layers the model ran without, original numbers
    std::vector<lc::HealingStep> steps;
    std::vector<lc::ValidationPoint> validation;
    bool cancelled = false;
    QString checkpoint;  // its last checkpoint (the healed weights), or empty: none written
};

/** The last evaluation and what it ran on. */
struct ProjectEvaluation
{
    lc::EvalResult result;  // per-question rows are not kept
    std::vector<int64_t> dropped;
    bool healed = false;
};

/** A sweep or importance scan: its points and the settings they were measured with. */
struct ProjectSweep
{
    lc::SweepResult result;
    lc::SweepOptions options;  // read back: the evaluation paths, shots, limit, heal steps, per-layer
};

/**
 * Everything a LayerCut project keeps: the model and how to load it, the data of every dock, and the
 * results, so that reopening it shows the same heatmap, plan and charts without computing them again.
 * Paths are absolute here; the file stores them relative to itself where it can.
 */
struct Project
{
    QString modelFolder;  // empty: no model
    lc::LoadOptions load;
    // The docks' data files (empty: not set).
    QString analysisData, healingTrainData, healingValidationData;
    QString evaluationMmlu, evaluationBoolq, evaluationValidationData;
    QString evaluationGsm8k, evaluationGsm8kTrain;

    lc::LayerDistances distances;          // empty(): not measured
    std::vector<int64_t> selection;        // the selected layers, original numbers, sorted; empty: none
    lc::PrunePlan plan;                    // the layers applied now; sourceLayers 0 when nothing is dropped
    lc::BlockPlan blocks;                  // the blocks that run, when some are inserted; else sourceLayers 0
    lc::LossResult lossBefore, lossAfter;  // the quick check of the plan (tokens 0: not measured)
    bool heldOut = false;
    std::vector<ProjectHealingRun> healingRuns;  // in order; the chart shows the last
    std::optional<ProjectEvaluation> evaluation;
    std::optional<ProjectSweep> sweep, importance;
    int currentTab = 0;          // of the analysis page
    int heatmapMetric = 0;       // SimilarityHeatmap::Metric as int
    bool normalizeRows = false;  // the heatmap's rows normalised, as in the paper's figures
};
