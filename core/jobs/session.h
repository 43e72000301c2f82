// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include "jobs/job.h"
#include "jobs/layer_range.h"
#include "jobs/metatypes.h"
#include "jobs/project.h"

namespace lc {

class ComputeThread;
class ModelWorker;

/** What the analysis dock sets: the text the distances (and the quick loss check) read, and how. */
struct AnalysisInputs
{
    QString dataFile;
    DatasetOptions options;
    int batchSize = 4;
    bool operator==(const AnalysisInputs &o) const
    {
        return dataFile == o.dataFile && options.samples == o.options.samples &&
               options.maxLength == o.options.maxLength && options.seed == o.options.seed && batchSize == o.batchSize;
    }
};

/** The data files of the healing and evaluation docks, as a project keeps them. */
struct InputPaths
{
    QString healingTrain, healingValidation;
    QString evaluationMmlu, evaluationBoolq, evaluationValidation;
    QString evaluationGsm8k, evaluationGsm8kTrain;  // the test problems, and where the few-shot examples come from
    bool operator==(const InputPaths &) const = default;
};

/** How the results are looked at: saved with the project, so it reopens as it was left. */
struct ViewState
{
    int heatmapMetric = 0;  // 0: last-token angular distance, 1: all tokens (SimilarityHeatmap::Metric)
    bool normalizeRows = false;
    int currentTab = 0;  // of the analysis page
    bool operator==(const ViewState &) const = default;
};

/** The quick held-out loss check of the plan in force (tokens 0: not measured). */
struct PruneCheck
{
    LossResult before, after;
    bool heldOut = false;
};

/** Where the distances shown came from. */
enum class DistancesSource {
    Measured,
    Cache,    // the analysis cache held them for this model, data and settings
    Project,  // a project put them back
};

/** Why a project came back with less than it saved. */
enum class RestoreNotice {
    LayersDiffer,         // the model now has another number of layers: its distances or plan were left out
    HealingInputMissing,  // a file its healed weights need (checkpoint, training data) is gone: it runs unhealed
};

/**
 * The open model as the GUI knows it, and the one way to change it. It owns the compute thread (where the
 * model lives) and keeps everything a project saves: the model and how it was loaded, the distances, the
 * selection, the plan in force and its loss check, healed or not, the healing runs, the last evaluation,
 * the sweep and importance results, the docks' inputs and the view. Commands start jobs through one path
 * (beginJob); results come back as change signals that the window, the project controller and the chart
 * exports follow. It knows no widget: snapshot() and restore() give and take a Project.
 *
 * The plan and the healed state are what the worker reports after each job, never what the GUI expects:
 * a job that fails midway, or a sweep that reloads the checkpoint, cannot leave them out of step.
 */
class Session final : public QObject
{
    Q_OBJECT

public:
    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    // ---- The state.
    bool hasModel() const { return m_info.config.numLayers > 0; }
    /** The loaded model (numLayers 0 while none is). */
    const ModelInfo &modelInfo() const { return m_info; }
    /** The model folder's name ("Llama-3.1-8B"), or empty. */
    QString modelName() const;
    /** How the loaded model was opened. */
    const LoadOptions &loadOptions() const { return m_loadOptions; }
    /** The checkpoint's layers dropped now, and what chose them (method, distance). */
    const PrunePlan &plan() const { return m_plan; }
    /** The blocks that run now: the checkpoint's kept ones and any new ones inserted among them. */
    const BlockPlan &blocks() const { return m_blocks; }
    /** True when the model differs from the checkpoint: layers dropped or blocks inserted. */
    bool changesModel() const { return m_plan.prunesAnything() || m_blocks.insertsAnything(); }
    /** True once the model in memory has been healed (also by a cancelled run), until another model or plan. */
    bool isHealed() const { return m_healed; }
    const PruneCheck &pruneCheck() const { return m_check; }
    const LayerDistances &distances() const { return m_distances; }
    /** The selected layers, original numbers, sorted; empty: none. */
    const std::vector<int64_t> &selection() const { return m_selection; }
    /** d(l, n) of the selection by the view's metric when it is one block and distances are measured; else NaN. */
    double selectionDistance() const;
    const std::vector<ProjectHealingRun> &healingRuns() const { return m_runs; }
    /** The settings of the healing run that runs now (or ran last); the chart sizes itself by them while it prepares. */
    const HealingConfig &healingConfig() const { return m_healingConfig; }
    const std::optional<ProjectEvaluation> &evaluation() const { return m_evaluation; }
    /** The last sweep (perLayer false) or importance scan (true), points as far as they got. */
    const std::optional<ProjectSweep> &sweep(bool perLayer) const { return perLayer ? m_importance : m_sweep; }
    const AnalysisInputs &analysisInputs() const { return m_analysisInputs; }
    const InputPaths &inputPaths() const { return m_paths; }
    const ViewState &view() const { return m_view; }
    /** The distance metric the view shows, which a plan chosen on the heatmap records. */
    DistanceMetric metric() const;

    // ---- The job.
    bool isBusy() const { return m_job != JobKind::None; }
    /** Seconds the running (or last) job has taken. */
    double jobSeconds() const { return m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0; }
    JobKind job() const { return m_job; }
    bool isPaused() const;
    /** Cancel was asked for; the job stops at its next check. */
    bool isCancelling() const { return m_cancelling; }
    /** From restore() until restored(): nothing the restore does marks the project modified. */
    bool isRestoring() const { return m_restore != RestoreStage::Idle; }
    /** The thread the model lives on; tests spy on its worker. */
    ComputeThread *computeThread() const { return m_compute; }
    /**
     * Where measured distances are cached: "distances" in the user's cache folder unless set here (tests
     * give each run a folder of its own, so a measurement is not a cache read left by an earlier run).
     */
    void setDistancesCacheDir(const QString &folder) { m_cacheDir = folder; }
    QString distancesCacheDir() const;

    // ---- What the docks and the view set (no job; each marks the project modified when it changes).
    void setAnalysisInputs(const AnalysisInputs &inputs);
    void setInputPaths(const InputPaths &paths);
    void setView(const ViewState &view);

    // ---- Commands. Each returns false, and does nothing, while a job runs or when there is nothing to act on.
    /** Opens `folder`; on failure the model before stays loaded, with its results. */
    bool open(const QString &folder, const LoadOptions &options);
    /** Opens the loaded model afresh, without results (a new project; what healing changed is undone). */
    bool reopen();
    /** Measures distances on the analysis inputs; a result cached for the same model and data comes at once. */
    bool measureDistances();
    /** Selects `layers` (any set; out-of-range indices are left out). Not a job: works while busy. */
    void select(std::vector<int64_t> layers);
    /** Runs the model without the selected layers, with the quick held-out loss check on the analysis data. */
    bool dropSelection();
    /** Runs every layer of the checkpoint again, without inserted blocks. */
    bool restoreAllLayers();
    /** Applies `plan` with the loss check; inserted blocks after kept layers stay. */
    bool applyPlan(const PrunePlan &plan);
    /**
     * Inserts a new block after layer `after` (kept, none inserted there yet) that starts as the identity
     * (Llama SLayer's average or LLaMA Pro's copy), with the loss check; false when it cannot go there, and
     * while the model is healed (as for the two commands below).
     */
    bool insertBlock(int64_t after, BlockInit init);
    /** Removes the block inserted after layer `after`; false when there is none. */
    bool removeInsertedBlock(int64_t after);
    /** Llama SLayer's S strategy: averaged blocks after 1, 3, …, L/2 − 1, the last 2 layers dropped. */
    bool applySStrategy();
    /** Writes the checkpoint without the dropped layers, with the inserted blocks, to `target`. */
    bool exportPruned(const QString &target, ExportOptions options);
    /** Heals the model as pruned now. A config that does not validate fails the job with the core's reason. */
    bool heal(const HealingConfig &config);
    /** Pauses or resumes the running healing between steps; ignored when none runs. */
    void setPaused(bool paused);
    /** Merges the healed model's adapters and writes it. */
    bool exportHealed(const QString &target, ExportOptions options);
    bool evaluate(const EvalOptions &options);
    /**
     * A sweep or importance scan (options.perLayer). It runs from the checkpoint's weights: a healed model
     * is reloaded unhealed (ask first: sweepDiscardsHealing()), and the plan in force comes back after it.
     */
    bool sweep(SweepOptions options);
    /** True when a sweep now would lose what healing taught the model in memory. */
    bool sweepDiscardsHealing() const { return m_healed; }
    /**
     * Continues `request.prompt` with each variant (original, pruned, healed) in turn, streamed token by token
     * (generationStep). Not saved with the project.
     */
    bool generate(const GenerationRequest &request);
    /** Asks the running job to stop; cancelRequested() at once, jobEnded() when it has. */
    void cancel();

    // ---- Projects.
    /** Everything a project saves, read from this state alone. */
    Project snapshot() const;
    /**
     * Takes `project`'s inputs and view at once, then opens its model and puts its results back without
     * computing them again (the plan applied without its loss check, the last finished healing run's weights
     * read back from its checkpoint). With `measure`, distances are measured afterwards when none came
     * back (the demo). restored() when done, also when the model did not open: a snapshot() then gives the
     * project back unchanged.
     */
    bool restore(const Project &project, bool measure = false);

signals:
    void busyChanged(bool busy);
    void jobStarted(lc::JobKind kind);
    void progressChanged(const lc::JobProgress &progress);
    void cancelRequested();
    void pausedChanged(bool paused);
    /** The job ended; its results' signals came before. */
    void jobEnded(lc::JobKind kind, lc::JobOutcome outcome);
    /** `message` is the core's English reason, naming the file and the problem. */
    void jobFailed(lc::JobKind kind, const QString &message);

    /** Another model was opened (or the same one afresh): every result was cleared. */
    void modelChanged();
    void distancesChanged(lc::DistancesSource source);
    void selectionChanged();
    /** The plan in force, its loss check or the healed state changed. */
    void planChanged();
    void exported(const QString &folder, int shards, qint64 bytes);
    /** A run begins: `history` holds the steps of the checkpoint it resumes from. */
    void healingStarted(const lc::HealingConfig &config, qint64 trainableParameters, const lc::HealingResult &history);
    void healingStep(const lc::HealingStep &step);
    void healingValidated(const lc::ValidationPoint &point);
    void healingFinished(const lc::HealingResult &result);
    /** The last healing run as a project keeps it was put back (restore). */
    void healingRunRestored(const ProjectHealingRun &run);
    void evaluationChanged();
    void sweepStarted(bool perLayer);
    void sweepPointAdded(const lc::SweepPoint &point, bool perLayer, bool resumed);
    /** The sweep ended (or was put back); sweep(perLayer) holds it. */
    void sweepChanged(bool perLayer);
    /** One more token of `variant`'s continuation: `soFar` holds all of it. */
    void generationStep(lc::ModelVariant variant, const lc::GeneratedText &soFar);
    /** `variant` could not run: `reason` is the core's, in English. */
    void generationUnavailable(lc::ModelVariant variant, const QString &reason);
    /** The view's metric, normalisation or tab changed. */
    void viewChanged();
    /** restore() set the inputs, paths and view: the docks show them. */
    void inputsRestored();
    void restoreNotice(lc::RestoreNotice notice, const QString &detail);
    /** Something a project saves changed by the user's doing (never while restoring). */
    void modified();
    void restored();

private:
    enum class RestoreStage {
        Idle,
        LoadingModel,      // the project's model is loading
        ApplyingPlan,      // the saved plan is being applied
        RestoringHealing,  // the last healing run's weights are read back from its checkpoint
        Measuring,         // the demo's heatmap is being measured
    };

    /** The one way a job starts: refuses while busy, resets the job's clock and progress, runs `job`. */
    bool beginJob(JobKind kind, std::function<void(ModelWorker *, std::stop_token)> job);
    void connectWorker();
    void onProgress(lc::Stage stage, qint64 current, qint64 total, qint64 tokens);
    /** Works out the job's fraction, rate and time left from what it reported, and emits progressChanged. */
    void publishProgress();
    void onLoaded(const ModelInfo &info);
    void onModelState(const BlockPlan &plan, bool healed);
    /** Applies `blocks` (with the loss check); `record` says what chose the layers it drops. */
    bool applyBlocks(const BlockPlan &blocks, const PrunePlan &record);
    /** Takes `blocks` as the plan in force; `record` when it drops the same layers, else a plain list. */
    bool takeBlocks(const BlockPlan &blocks, const PrunePlan &record);
    void onJobFinished();
    void clearResults();
    void markModified();
    /** Continues a restore once its model is loaded; false when there is nothing more to run. */
    bool restoreResults();
    bool restoreHealing();
    void finishRestore();

    ComputeThread *m_compute = nullptr;
    // The job.
    JobKind m_job = JobKind::None;
    JobOutcome m_outcome = JobOutcome::Finished;
    bool m_cancelling = false;
    QElapsedTimer m_clock;
    JobProgress m_progress;
    double m_stepSecondsLeft = 0.0;      // the last healing step's estimate of the run's time left
    double m_stepTokensPerSecond = 0.0;  // and its pace
    // The model and its results.
    ModelInfo m_info;
    LoadOptions m_loadOptions, m_pendingLoad;
    PrunePlan m_plan;
    BlockPlan m_blocks;
    PrunePlan m_requested;  // the plan the running Prune job applies, with what chose it
    bool m_healed = false;
    PruneCheck m_check;
    HealingConfig m_healingConfig;
    LayerDistances m_distances;
    std::vector<int64_t> m_selection;
    std::vector<ProjectHealingRun> m_runs;
    std::optional<ProjectEvaluation> m_evaluation;
    std::optional<ProjectSweep> m_sweep, m_importance;
    AnalysisInputs m_analysisInputs;
    InputPaths m_paths;
    ViewState m_view;
    QString m_cacheDir;  // empty: the standard cache location
    // A project being restored, or one whose model did not open (saved back unchanged).
    RestoreStage m_restore = RestoreStage::Idle;
    std::optional<Project> m_pending, m_unrestored;
    bool m_measureAfterRestore = false;
};

}  // namespace lc
