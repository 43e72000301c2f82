// SPDX-License-Identifier: GPL-3.0-or-later
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
    std::vector<int64_t> dropped;        // the layers the model ran without, original numbers
    std::vector<lc::HealingStep> steps;
    std::vector<lc::ValidationPoint> validation;
    bool cancelled = false;
    QString checkpoint;                  // its last checkpoint (the healed weights), or empty: none written
};

/** The last evaluation and what it ran on. */
struct ProjectEvaluation
{
    lc::EvalResult result;               // per-question rows are not kept
    std::vector<int64_t> dropped;
    bool healed = false;
};

/** A sweep or importance scan: its points and the settings they were measured with. */
struct ProjectSweep
{
    lc::SweepResult result;
    lc::SweepOptions options;            // read back: the evaluation paths, shots, limit, heal steps, per-layer
};

/**
 * Everything a LayerCut project keeps: the model and how to load it, the data of every dock, and the
 * results, so that reopening it shows the same heatmap, plan and charts without computing them again.
 * Paths are absolute here; the file stores them relative to itself where it can.
 */
struct Project
{
    QString modelFolder;                 // empty: no model
    lc::LoadOptions load;
    // The docks' data files (empty: not set).
    QString analysisData, healingTrainData, healingValidationData;
    QString evaluationMmlu, evaluationBoolq, evaluationValidationData;

    lc::LayerDistances distances;        // empty(): not measured
    int selectionFirst = -1, selectionLast = -1;  // the selected block, inclusive; -1: none
    lc::PrunePlan plan;                  // the layers applied now; sourceLayers 0 when nothing is dropped
    lc::LossResult lossBefore, lossAfter;  // the quick check of the plan (tokens 0: not measured)
    bool heldOut = false;
    std::vector<ProjectHealingRun> healingRuns;  // in order; the chart shows the last
    std::optional<ProjectEvaluation> evaluation;
    std::optional<ProjectSweep> sweep, importance;
    int currentTab = 0;                  // of the analysis page
    int heatmapMetric = 0;               // SimilarityHeatmap::Metric as int
    bool normalizeRows = false;          // the heatmap's rows normalised, as in the paper's figures
};

/** Reading and writing .layercut files: JSON with a "format" version. */
namespace project_file {

// Raise when a reader of an earlier version would misread the file. 2: every result in the core's JSON shape
// (an evaluation's tallies as `layercut-cli eval` writes them, which readers of format 1 refuse); 1 is read too.
constexpr int kFormat = 2;
inline constexpr char kSuffix[] = "layercut";

/**
 * Reads the project at `path`. Throws lc::Error naming the file and the problem when it is missing,
 * not JSON, of another format version or holds a section that does not fit.
 */
Project read(const QString &path);
/** Writes `project` to `path` atomically (QSaveFile); throws lc::Error naming the path on failure. */
void write(const QString &path, const Project &project);

/**
 * How a path is stored in a project file in `projectDir`: relative when it lies in that folder or beside
 * it (at most one level up), so a project moved with its data keeps working; absolute otherwise.
 */
QString storedPath(const QString &path, const QString &projectDir);
/** The inverse: a relative stored path is taken from `projectDir`. */
QString resolvedPath(const QString &stored, const QString &projectDir);

} // namespace project_file
