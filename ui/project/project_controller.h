// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include <QObject>

#include "jobs/project.h"

#include "layercut/model_session.h"

namespace lc {
class Session;
}
class QAction;
class QMenu;
class QWidget;
class RecentFilesMenu;

/**
 * The project around the session: New / Open / Save / Save As and the recent list, the modified state in
 * the window's title ("name[*]") with a save prompt before anything discards it (another project, another
 * model, the demo, quitting), and the bundled demo. Saving writes the session's snapshot(); opening hands
 * the file's Project to the session's restore(). The file format itself lives in project_file.
 */
class ProjectController final : public QObject
{
    Q_OBJECT

public:
    /** `window` is the dialogs' parent and shows the title and modified state. */
    ProjectController(lc::Session *session, QWidget *window);

    QAction *newAction() const { return m_newAction; }
    QAction *openAction() const { return m_openAction; }
    QAction *saveAction() const { return m_saveAction; }
    QAction *saveAsAction() const { return m_saveAsAction; }
    QAction *openDemoAction() const { return m_openDemo; }
    QMenu *recentMenu() const;

    /** The project file, empty while untitled. */
    QString projectPath() const { return m_path; }
    bool isModified() const;

    /** How "Save the changes first?" is answered; a dialog unless replaced (tests answer it themselves). */
    enum class SaveAnswer {
        Save,
        Discard,
        Cancel,
    };
    void setSavePrompt(std::function<SaveAnswer(const QString &projectName)> prompt) { m_prompt = std::move(prompt); }
    /** How the demo and models named at startup open: the window's toolbar choice. */
    void setLoadOptionsSource(std::function<lc::LoadOptions()> source) { m_loadOptions = std::move(source); }

public slots:
    /** Starts an untitled project; the open model is loaded afresh, without results. */
    void newProject();
    void chooseProject();
    /** Opens `path` (no dialog, but the save prompt when needed); false when it was not opened. */
    bool openProject(const QString &path);
    /** Opens a model folder in this project, after the save prompt; false when the user cancelled. */
    bool openModel(const QString &folder, const lc::LoadOptions &options);
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
    /** A short note for the status bar ("Saved …"). */
    void message(const QString &text);

private:
    void setModified(bool modified);
    void updateTitle();
    bool busyRefusal();
    /** Where project dialogs start: the last project's folder, else the documents folder. */
    static QString projectFolder();

    lc::Session *m_session;
    QWidget *m_window;
    QAction *m_newAction = nullptr, *m_openAction = nullptr, *m_saveAction = nullptr, *m_saveAsAction = nullptr;
    QAction *m_openDemo = nullptr;
    RecentFilesMenu *m_recentMenu = nullptr;
    QString m_path;
    bool m_demo = false;  // the untitled project is the demo (titled so)
    std::function<SaveAnswer(const QString &)> m_prompt;
    std::function<lc::LoadOptions()> m_loadOptions;
};
