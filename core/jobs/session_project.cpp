// SPDX-License-Identifier: GPL-3.0-or-later
// The session and its project: snapshot() reads the state, restore() puts a saved one back, step by step
// (open the model, apply the plan, read the healed weights back, measure for the demo).
#include <QFileInfo>

#include "jobs/compute_thread.h"
#include "jobs/session.h"

namespace lc {

// ---- Projects.

Project Session::snapshot() const
{
    Project p;
    if (m_unrestored) {
        p = *m_unrestored;  // its model did not open: every result as it was
    } else {
        p.modelFolder = hasModel() ? QString::fromStdString(m_info.folder.string()) : QString();
        p.load = hasModel() ? m_loadOptions : LoadOptions{};
        p.distances = m_distances;
        p.selection = m_selection;
        if (m_plan.prunesAnything()) {
            p.plan = m_plan;
            p.lossBefore = m_check.before;
            p.lossAfter = m_check.after;
            p.heldOut = m_check.heldOut;
        }
        if (m_blocks.insertsAnything())
            p.blocks = m_blocks;
        p.healingRuns = m_runs;
        p.evaluation = m_evaluation;
        if (m_sweep && !m_sweep->result.points.empty())
            p.sweep = m_sweep;
        if (m_importance && !m_importance->result.points.empty())
            p.importance = m_importance;
        p.currentTab = m_view.currentTab;
    }
    p.heatmapMetric = m_view.heatmapMetric;
    p.normalizeRows = m_view.normalizeRows;
    p.analysisData = m_analysisInputs.dataFile;
    p.healingTrainData = m_paths.healingTrain;
    p.healingValidationData = m_paths.healingValidation;
    p.evaluationMmlu = m_paths.evaluationMmlu;
    p.evaluationBoolq = m_paths.evaluationBoolq;
    p.evaluationValidationData = m_paths.evaluationValidation;
    p.evaluationGsm8k = m_paths.evaluationGsm8k;
    p.evaluationGsm8kTrain = m_paths.evaluationGsm8kTrain;
    return p;
}

bool Session::restore(const Project &project, bool measure)
{
    if (isBusy())
        return false;
    m_restore = RestoreStage::LoadingModel;  // from here until restored(), nothing marks the project
    m_pending = project;
    m_unrestored.reset();
    m_measureAfterRestore = measure;
    m_analysisInputs.dataFile = project.analysisData;
    m_paths = {project.healingTrainData,    project.healingValidationData,    project.evaluationMmlu,
               project.evaluationBoolq,     project.evaluationValidationData, project.evaluationGsm8k,
               project.evaluationGsm8kTrain};
    m_view = {project.heatmapMetric, project.normalizeRows, project.currentTab};
    emit inputsRestored();
    if (project.modelFolder.isEmpty() || !open(project.modelFolder, project.load)) {
        finishRestore();
        return false;
    }
    return true;
}

bool Session::restoreResults()
{
    const Project &p = *m_pending;
    const int64_t layers = m_info.config.numLayers;
    bool fits = true;
    if (!p.distances.empty()) {
        if (p.distances.numLayers == layers) {
            m_distances = p.distances;
            emit distancesChanged(DistancesSource::Project);
        } else {
            fits = false;
        }
    }
    select(p.selection);
    m_check = {p.lossBefore, p.lossAfter, p.heldOut};
    m_runs = p.healingRuns;
    if (!m_runs.empty())
        emit healingRunRestored(m_runs.back());
    m_evaluation = p.evaluation;
    emit evaluationChanged();
    for (const bool perLayer : {false, true}) {
        const std::optional<ProjectSweep> &saved = perLayer ? p.importance : p.sweep;
        if (saved && saved->result.layers == layers) {
            (perLayer ? m_importance : m_sweep) = saved;
            emit sweepChanged(perLayer);
        } else if (saved) {
            fits = false;
        }
    }
    m_view.currentTab = p.currentTab;
    emit inputsRestored();
    const bool prunes = p.plan.prunesAnything(), inserts = p.blocks.insertsAnything();
    if (!fits || (prunes && p.plan.sourceLayers != layers) || (inserts && p.blocks.sourceLayers != layers))
        emit restoreNotice(RestoreNotice::LayersDiffer, QString());
    if ((prunes && p.plan.sourceLayers == layers) || (inserts && p.blocks.sourceLayers == layers)) {
        // Applied without the loss check (its numbers come from the project), so nothing is measured again.
        m_restore = RestoreStage::ApplyingPlan;
        const BlockPlan plan = inserts && p.blocks.sourceLayers == layers ? p.blocks : BlockPlan::of(p.plan);
        m_requested = prunes ? p.plan : PrunePlan::keepAll(layers);
        if (beginJob(JobKind::Prune,
                     [plan](ModelWorker *w, std::stop_token stop) { w->pruneModel(plan, QString(), {}, 0, 1, stop); }))
            return true;
    }
    return restoreHealing();
}

bool Session::restoreHealing()
{
    if (!m_pending || m_pending->healingRuns.empty()) {
        if (m_measureAfterRestore && m_distances.empty() && !m_analysisInputs.dataFile.isEmpty()) {
            m_restore = RestoreStage::Measuring;
            return measureDistances();
        }
        return false;
    }
    const ProjectHealingRun &run = m_pending->healingRuns.back();
    // Only a finished run on the layers the model runs with now: a cancelled one's checkpoint would train on.
    if (run.cancelled || run.checkpoint.isEmpty() || run.dropped != m_plan.dropped())
        return false;
    // Reading it back prepares the run's data again (the layers are wrapped as the run wrapped them).
    QStringList needed = {run.checkpoint + QStringLiteral("/trainer_state.json"),
                          QString::fromStdString(run.config.trainData.string())};
    if (!run.config.validationData.empty())
        needed << QString::fromStdString(run.config.validationData.string());
    for (const QString &file : needed)
        if (!QFileInfo::exists(file)) {
            emit restoreNotice(RestoreNotice::HealingInputMissing, file);
            return false;
        }
    // Resuming a finished run trains no step: it quantises and wraps the layers as the run did and reads the
    // weights and curves back. Nothing is written (no output folder).
    HealingConfig config = run.config;
    config.resumeFrom = run.checkpoint.toStdString();
    config.outputDir.clear();
    m_restore = RestoreStage::RestoringHealing;
    return heal(config);
}

void Session::finishRestore()
{
    m_restore = RestoreStage::Idle;
    m_pending.reset();
    emit restored();
}

}  // namespace lc
