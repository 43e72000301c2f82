// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include <QMainWindow>

#include "jobs/session.h"

struct Refusal;
class AnalysisPanel;
class AnalysisTabs;
class ChartExports;
class EvaluationPanel;
class HealingPanel;
class JobQuestions;
class JobStatusBar;
class LoadOptionsBar;
class ModelSummaryPanel;
class ProjectController;
class QStackedWidget;
class QTabWidget;
class RecentFilesMenu;
class ScriptExports;
class SelectionPanel;

/**
 * LayerCut's main window. It lays out and wires, nothing else: the heatmap above the layer strip, the
 * loss, evaluation, sweep and importance charts on tabs, docks for the analysis, selection, healing,
 * evaluation and the model, a job status bar and a load-options bar. What the user asks for becomes a
 * command of the lc::Session; what the session reports is shown; every action's enablement is computed
 * from the session's state alone. The project controller owns files and the save prompts.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(lc::Session *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Puts the project's actions in the menus and routes every open through its save prompt. */
    void attachProject(ProjectController *project);

    lc::Session *session() const { return m_session; }
    ProjectController *project() const { return m_project; }
    ModelSummaryPanel *summaryPanel() const { return m_summary; }
    AnalysisPanel *analysisPanel() const { return m_analysis; }
    SelectionPanel *selectionPanel() const { return m_selection; }
    HealingPanel *healingPanel() const { return m_healing; }
    EvaluationPanel *evaluationPanel() const { return m_evaluation; }
    AnalysisTabs *analysisTabs() const { return m_tabs; }
    JobStatusBar *jobStatusBar() const { return m_jobStatus; }
    LoadOptionsBar *loadOptionsBar() const { return m_loadBar; }
    /** What is asked before a job that would lose something (tests answer it). */
    JobQuestions &questions() const { return *m_questions; }
    ScriptExports *scriptExports() const { return m_scripts; }
    /** The action with object name `name` ("dropAction", "exportHealedAction", …); for tests. */
    QAction *action(const QString &name) const;

public slots:
    /** Opens `folder` with the toolbar's device, precision and NF4 choice, after the save prompt. */
    void openModel(const QString &folder);
    void chooseModelFolder();
    void showPreferences();
    /** Measures distances on the analysis dock's data. */
    void measureDistances();
    /** Runs only the layers outside the selection, then shows the held-out loss before and after. */
    void dropSelectedLayers();
    void restoreAllLayers();
    /** Asks where and how, then exports the pruned model, or with `healed` merges the adapters into it first. */
    void exportModel(bool healed);
    /** Heals the model as pruned now, with the healing dock's settings, after asking before replacing a run. */
    void startHealing();
    /** Evaluates the model as it is now with the evaluation dock's settings. */
    void evaluateModel();
    /**
     * Runs the evaluation dock's sweep (healing with the healing dock's settings), or with `perLayer` the
     * importance scan, after asking when it would lose what healing taught the model.
     */
    void runSweep(bool perLayer = false);

protected:
    void closeEvent(class QCloseEvent *event) override;

private:
    /** The welcome page, and the analysis tabs once a model is open. */
    void createPages();
    void createDocks();
    void createActions();
    void connectSession();
    void updateActions();
    /** Hands the docks' inputs to the session, so what a job or a save reads is what the docks show. */
    void pushInputs();
    void showInputs();
    /** Shows why a job was not started; true when it was refused. */
    bool refused(const std::optional<Refusal> &refusal);

    lc::Session *m_session;
    ProjectController *m_project = nullptr;
    ChartExports *m_chartExports = nullptr;
    std::unique_ptr<JobQuestions> m_questions;
    ScriptExports *m_scripts = nullptr;
    QStackedWidget *m_pages = nullptr;
    AnalysisTabs *m_tabs = nullptr;
    ModelSummaryPanel *m_summary = nullptr;
    AnalysisPanel *m_analysis = nullptr;
    SelectionPanel *m_selection = nullptr;
    HealingPanel *m_healing = nullptr;
    EvaluationPanel *m_evaluation = nullptr;
    JobStatusBar *m_jobStatus = nullptr;
    LoadOptionsBar *m_loadBar = nullptr;
    RecentFilesMenu *m_recentModels = nullptr;
    QMenu *m_fileMenu = nullptr, *m_helpMenu = nullptr;
    bool m_showingInputs = false;  // the docks are being set from the session: do not hand them back
};
