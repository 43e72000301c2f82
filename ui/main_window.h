// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>

#include "jobs/metatypes.h"

namespace lc {
class ComputeThread;
}
class AnalysisPanel;
class ChartExports;
class EvaluationPanel;
class EvaluationTable;
class ImportanceChart;
class SweepChart;
class HealingPanel;
class LayerStrip;
class LossChart;
class ModelSummaryPanel;
class ProjectController;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class RecentFilesMenu;
class SelectionPanel;
class SimilarityHeatmap;

/**
 * LayerCut's main window: the heatmap of layer distances with the layer strip below it and the healing
 * loss chart, on two tabs, and docks for the model summary, the analysis settings, the selection and
 * healing. It presents data and raises user intent; the model lives on the compute thread, reached
 * through lc::ComputeThread.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ModelSummaryPanel *summaryPanel() const { return m_summary; }
    AnalysisPanel *analysisPanel() const { return m_analysis; }
    SelectionPanel *selectionPanel() const { return m_selection; }
    SimilarityHeatmap *heatmap() const { return m_heatmap; }
    LayerStrip *layerStrip() const { return m_strip; }
    HealingPanel *healingPanel() const { return m_healing; }
    LossChart *lossChart() const { return m_lossChart; }
    EvaluationPanel *evaluationPanel() const { return m_evaluation; }
    EvaluationTable *evaluationTable() const { return m_evaluationTable; }
    SweepChart *sweepChart() const { return m_sweepChart; }
    ImportanceChart *importanceChart() const { return m_importanceChart; }
    /** The tabs of the analysis page: "Distances", "Healing", "Evaluation", "Sweep" and "Importance". */
    QTabWidget *analysisTabs() const { return m_tabs; }
    /** True once the loaded model has been healed (also by a cancelled run), until another model or plan. */
    bool isHealed() const { return m_healed; }
    lc::ComputeThread *computeThread() const { return m_compute; }
    const lc::PrunePlan &prunePlan() const { return m_plan; }
    /** The loaded model (numLayers 0 while none is). */
    const lc::ModelInfo &modelInfo() const { return m_info; }
    /** The project: its file, modified state and demo (see ProjectController). */
    ProjectController *project() const { return m_project; }
    /** How the next model opens: the toolbar's device, precision and NF4 choice. */
    lc::LoadOptions loadOptions() const;
    void setLoadOptions(const lc::LoadOptions &options);
    /** The settings of the last sweep (or importance scan), which its JSON export records. */
    const lc::SweepOptions &sweepOptions(bool perLayer) const { return perLayer ? m_importanceOptions : m_sweepOptions; }
    void setSweepOptions(const lc::SweepOptions &options);
    /**
     * Where measured distances are cached: "distances" in the user's cache folder unless set here (tests
     * give each run a folder of its own, so a measurement is not a cache read left by an earlier run).
     */
    void setDistancesCacheDir(const QString &folder) { m_distancesCacheDir = folder; }
    /** Non-modal error box: a translated headline over the details (the core's message). */
    void showError(const QString &headline, const QString &details);
    /** Enables the actions for what is loaded and shown now (after results were put in from outside). */
    void refreshActions();

public slots:
    /** Loads `folder` in the background with the device and dtype chosen in the toolbar. */
    void openModel(const QString &folder);
    void chooseModelFolder();
    /** Selects layers first..last on the heatmap, or on the strip alone while there is no heatmap. */
    void selectBlock(int first, int last);
    void showPreferences();
    /** Measures distances of the loaded model on the analysis panel's data, in the background. */
    void measureDistances();
    /** Runs only the layers outside the selected block, then shows the held-out loss before and after. */
    void dropSelectedBlock();
    /** Runs every layer again. */
    void restoreAllLayers();
    /** Asks where and how, then exports the pruned model. */
    void exportPrunedModel();
    /** Exports the pruned model to `folder` in the background (no dialog). */
    void exportPrunedModelTo(const QString &folder, const lc::ExportOptions &options);
    /** Heals the loaded model as pruned now, with the healing panel's settings. */
    void startHealing();
    /** Heals the loaded model with `config` in the background (no questions; for tests and scripts). */
    void startHealingWith(const lc::HealingConfig &config);
    /** Pauses or resumes the running healing between steps. */
    void setHealingPaused(bool paused);
    /** Asks where and how, then merges the adapters and exports the healed model. */
    void exportHealedModel();
    /** Exports the healed model to `folder` in the background (no dialog). */
    void exportHealedModelTo(const QString &folder, const lc::ExportOptions &options);
    /** Evaluates the model as it is now with the evaluation panel's settings. */
    void evaluateModel();
    /** Evaluates with `options` in the background (no questions; for tests and scripts). */
    void evaluateModelWith(const lc::EvalOptions &options);
    /** Runs the evaluation panel's sweep (healing with the healing panel's settings). */
    void runSweep();
    /** Runs the per-layer importance scan with the evaluation panel's benchmarks. */
    void runImportanceScan();
    /** Runs `options` in the background (no questions; for tests and scripts). */
    void runSweepWith(const lc::SweepOptions &options);

protected:
    void closeEvent(class QCloseEvent *event) override;

private:
    void createActions();
    void createDocks();
    void onProgress(const QString &stage, qint64 current, qint64 total, qint64 tokens);
    void onLoaded(const lc::ModelInfo &info);
    void onDistances(const lc::LayerDistances &distances, bool fromCache);
    void onFailed(const QString &message);
    void onBlockSelected(int first, int last);
    void onPruned(const lc::PrunePlan &plan, const lc::LossResult &before, const lc::LossResult &after, bool heldOut);
    void onExported(const QString &folder, int shards, qint64 bytes);
    void onHealingStarted(const lc::HealingConfig &config, qint64 trainableParameters, const lc::HealingResult &history);
    void onHealingStep(const lc::HealingStep &step);
    void onHealed(const lc::HealingResult &result);
    void onPausedChanged(bool paused);
    void onEvaluated(const lc::EvalResult &result);
    void onSweepPoint(const lc::SweepPoint &point, bool resumed);
    void onSweepFinished(const lc::SweepResult &result);
    /** After a sweep the worker runs every layer of the unhealed checkpoint: show that. */
    void resetPlanAfterSweep();
    /** "llama3 (layers 2–3 dropped, healed)": what an evaluation ran on. */
    QString modelDescription() const;
    void applyPlan(const lc::PrunePlan &plan);
    void setBusy(bool busy);
    QString stageText(const QString &stage) const;
    QString cacheDir() const;

    lc::ComputeThread *m_compute = nullptr;
    QStackedWidget *m_pages = nullptr;
    QTabWidget *m_tabs = nullptr;
    SimilarityHeatmap *m_heatmap = nullptr;
    LossChart *m_lossChart = nullptr;
    LayerStrip *m_strip = nullptr;
    ModelSummaryPanel *m_summary = nullptr;
    AnalysisPanel *m_analysis = nullptr;
    SelectionPanel *m_selection = nullptr;
    HealingPanel *m_healing = nullptr;
    EvaluationPanel *m_evaluation = nullptr;
    EvaluationTable *m_evaluationTable = nullptr;
    SweepChart *m_sweepChart = nullptr;
    ImportanceChart *m_importanceChart = nullptr;
    QComboBox *m_device = nullptr;
    QComboBox *m_dtype = nullptr;
    QCheckBox *m_nf4 = nullptr;
    RecentFilesMenu *m_recentMenu = nullptr;
    ProjectController *m_project = nullptr;
    ChartExports *m_chartExports = nullptr;  // the charts' image and data exports
    QLabel *m_stage = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_measureAction = nullptr;
    QAction *m_dropAction = nullptr;
    QAction *m_restoreAction = nullptr;
    QAction *m_exportModelAction = nullptr;
    QAction *m_healAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_exportHealedAction = nullptr;
    QList<QAction *> m_lossExportActions;
    QAction *m_evaluateAction = nullptr;
    QAction *m_sweepAction = nullptr;
    QAction *m_importanceAction = nullptr;
    QList<QAction *> m_sweepExportActions;
    QList<QAction *> m_exportActions;
    QString m_pendingFolder;
    QString m_failureHeadline;
    QString m_distancesCacheDir;  // empty: the standard cache location
    lc::ModelInfo m_info;
    lc::PrunePlan m_plan;
    QElapsedTimer m_jobClock;
    bool m_healingRunning = false;  // a healing job is on the compute thread
    bool m_healed = false;
    bool m_sweepRunning = false;     // a sweep or importance scan is on the compute thread
    bool m_importanceRunning = false;
    bool m_sweepFailed = false;      // the sweep stopped on an error, perhaps with some plan applied
    qint64 m_sweepIndex = 0, m_sweepTotal = 0;  // the point being measured, from the "sweep" stage
    lc::SweepOptions m_sweepOptions, m_importanceOptions;  // of the last runs, for the JSON export
};
