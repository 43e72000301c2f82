// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QObject>

#include "project/project_file.h"

class MainWindow;
class QAction;
class QMenu;
class RecentFilesMenu;

/**
 * The main window's project: New / Open / Save / Save As and the recent list, the modified state in the
 * title ("name[*]") with a save prompt, and the bundled demo. Opening a project loads its model through
 * the compute thread as usual and then puts the saved results back (heatmap, selection, plan, curves,
 * tables) without computing them again. The file format itself lives in project_file.
 */
class ProjectController final : public QObject
{
    Q_OBJECT

public:
    explicit ProjectController(MainWindow *window);

    /** Adds the project actions and the recent-projects submenu to `menu`. */
    void addFileActions(QMenu *menu);
    QAction *openDemoAction() const { return m_openDemo; }

    /** The project file, empty while untitled. */
    QString projectPath() const { return m_path; }
    /** True from opening a project (or the demo) until its results are all back. */
    bool isRestoring() const { return m_stage != Stage::Idle; }
    /** What a save would write now. */
    Project currentProject() const;

public slots:
    /** Starts an untitled project; the open model is loaded afresh, without results. */
    void newProject();
    void chooseProject();
    /** Opens `path` (no dialog, but the save prompt when needed); false when it was not opened. */
    bool openProject(const QString &path);
    /** Saves to the project file, asking for one while untitled; false when not saved. */
    bool saveProject();
    bool saveProjectAs();
    /** Saves to `path` without questions and makes it the project file; false (with an error shown) on failure. */
    bool saveProjectTo(const QString &path);
    /** Opens the bundled demo model with the demo data in every dock and measures its heatmap. */
    void openDemo();
    /**
     * What a start opens: the demo with `demo` or on the very first launch, else `argument` (a .layercut
     * file or a model folder) when given.
     */
    void openAtStartup(const QString &argument, bool demo);
    /** Offers to save unsaved changes; false when the user cancels (or saving fails). */
    bool maybeSave();

signals:
    /** A project or the demo has been put back (or given up on a failure); for tests and scripts. */
    void restored();

private:
    enum class Stage
    {
        Idle,
        LoadingModel,     // the project's or demo's model is loading
        ModelLoaded,      // loaded; the results go back once the compute thread is idle
        ApplyingPlan,     // the saved plan is being applied
        MeasuringDemo,    // the demo's heatmap is being measured
        RestoringHealing, // the last healing run's weights are read back from its checkpoint
    };

    void onModelLoaded();
    void onIdle();
    void restoreResults();
    /** Starts reading the last healing run's weights back, if it finished and its checkpoint is there. */
    bool restoreHealing();
    void finishRestore();
    void clearRecords();
    void setDataPaths(const Project &project);
    void markModified();
    void updateTitle();
    bool busyRefusal();
    QString modelName() const;
    /** Where project dialogs start: the last project's folder, else the documents folder. */
    static QString projectFolder();

    MainWindow *m_window;
    QAction *m_newAction = nullptr, *m_openAction = nullptr, *m_saveAction = nullptr, *m_saveAsAction = nullptr;
    QAction *m_openDemo = nullptr;
    RecentFilesMenu *m_recentMenu = nullptr;
    QString m_path;
    bool m_demo = false;                   // the untitled project is the demo (titled so)
    Stage m_stage = Stage::Idle;
    std::optional<Project> m_pending;      // being restored
    std::optional<Project> m_unrestored;   // a project whose model failed to load: saved back unchanged
    // What the widgets do not keep: the plan's quick check, the runs' settings, the last evaluation.
    lc::LossResult m_lossBefore, m_lossAfter;
    bool m_heldOut = false;
    std::vector<ProjectHealingRun> m_runs;
    std::optional<ProjectEvaluation> m_evaluation;
};
