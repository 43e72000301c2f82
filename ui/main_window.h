// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>

#include "jobs/metatypes.h"

namespace lc {
class ComputeThread;
}
class AnalysisPanel;
class LayerStrip;
class ModelSummaryPanel;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class SelectionPanel;
class SimilarityHeatmap;

/**
 * LayerCut's main window: the heatmap of layer distances with the layer strip below it, and docks for
 * the model summary, the analysis settings and the selection. It presents data and raises user intent;
 * the model lives on the compute thread, reached through lc::ComputeThread.
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
    void applyPlan(const lc::PrunePlan &plan);
    void setBusy(bool busy);
    void showError(const QString &headline, const QString &details);
    QString stageText(const QString &stage) const;
    QString cacheDir() const;

    lc::ComputeThread *m_compute = nullptr;
    QStackedWidget *m_pages = nullptr;
    SimilarityHeatmap *m_heatmap = nullptr;
    LayerStrip *m_strip = nullptr;
    ModelSummaryPanel *m_summary = nullptr;
    AnalysisPanel *m_analysis = nullptr;
    SelectionPanel *m_selection = nullptr;
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
    QList<QAction *> m_exportActions;
    QString m_pendingFolder;
    QString m_failureHeadline;
    lc::ModelInfo m_info;
    lc::PrunePlan m_plan;
    QElapsedTimer m_jobClock;
};
