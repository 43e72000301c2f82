// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>

#include "jobs/metatypes.h"

namespace lc {
class ComputeThread;
}
class AnalysisPanel;
class HealingPanel;
class LayerStrip;
class LossChart;
class ModelSummaryPanel;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
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
    /** The tabs of the analysis page: "Distances" and "Healing". */
    QTabWidget *analysisTabs() const { return m_tabs; }
    /** True once the loaded model has been healed (also by a cancelled run), until another model or plan. */
    bool isHealed() const { return m_healed; }
    lc::ComputeThread *computeThread() const { return m_compute; }
    const lc::PrunePlan &prunePlan() const { return m_plan; }

public slots:
    /** Loads `folder` in the background with the device and dtype chosen in the toolbar. */
    void openModel(const QString &folder);
    void chooseModelFolder();
    /** Measures distances of the loaded model on the analysis panel's data, in the background. */
    void measureDistances();
    void exportHeatmapImage();
    void exportHeatmapData();
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
    void exportLossChartImage();
    void exportLossData();

protected:
    void closeEvent(class QCloseEvent *event) override;

private:
    void createActions();
    void createDocks();
    void rebuildRecentMenu();
    void addRecent(const QString &folder);
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
    void applyPlan(const lc::PrunePlan &plan);
    void setBusy(bool busy);
    void showError(const QString &headline, const QString &details);
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
    QComboBox *m_device = nullptr;
    QComboBox *m_dtype = nullptr;
    QMenu *m_recentMenu = nullptr;
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
    QList<QAction *> m_exportActions;
    QString m_pendingFolder;
    QString m_failureHeadline;
    lc::ModelInfo m_info;
    lc::PrunePlan m_plan;
    QElapsedTimer m_jobClock;
    bool m_healingRunning = false;  // a healing job is on the compute thread
    bool m_healed = false;
};
