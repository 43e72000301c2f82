// SPDX-License-Identifier: GPL-3.0-or-later
// The project around the session: which file, whether it changed, and the prompts before anything is lost.
#include "project/project_controller.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>

#include "demo_location.h"
#include "jobs/session.h"
#include "project/project_file.h"
#include "settings/app_settings.h"
#include "widgets/error_box.h"
#include "widgets/recent_files_menu.h"

ProjectController::ProjectController(lc::Session *session, QWidget *window)
    : QObject(window), m_session(session), m_window(window)
{
    m_newAction = new QAction(QIcon::fromTheme("document-new"), tr("&New Project"), this);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setToolTip(tr("Start a new project on the open model, without its results"));
    connect(m_newAction, &QAction::triggered, this, &ProjectController::newProject);
    m_openAction = new QAction(QIcon::fromTheme("document-open"), tr("Open &Project…"), this);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(m_openAction, &QAction::triggered, this, &ProjectController::chooseProject);
    m_saveAction = new QAction(QIcon::fromTheme("document-save"), tr("&Save Project"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &ProjectController::saveProject);
    m_saveAsAction = new QAction(QIcon::fromTheme("document-save-as"), tr("Save Project &As…"), this);
    m_saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveAsAction, &QAction::triggered, this, &ProjectController::saveProjectAs);
    m_openDemo = new QAction(tr("Open &Demo"), this);
    m_openDemo->setToolTip(tr("Open the bundled small model with data for every step, and measure its heatmap"));
    connect(m_openDemo, &QAction::triggered, this, &ProjectController::openDemo);
    m_recentMenu = new RecentFilesMenu(tr("Recent Pro&jects"), settings::recentProjects, window);
    connect(m_recentMenu, &RecentFilesMenu::chosen, this, &ProjectController::openProject);

    connect(session, &lc::Session::modified, this, [this] { setModified(true); });
    connect(session, &lc::Session::modelChanged, this, [this] {
        if (m_session->isRestoring())
            return;
        m_demo = false;  // a model opened by hand: the demo is over
        if (!m_path.isEmpty())
            setModified(true);  // the project's model changed
        updateTitle();
    });
    connect(session, &lc::Session::restored, this, [this] {
        setModified(false);
        updateTitle();
        emit restored();
    });
    m_prompt = [this](const QString &name) {
        const auto answer =
            QMessageBox::warning(m_window, tr("LayerCut"), tr("Save the changes to %1 first?").arg(name),
                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        return answer == QMessageBox::Save      ? SaveAnswer::Save
               : answer == QMessageBox::Discard ? SaveAnswer::Discard
                                                : SaveAnswer::Cancel;
    };
    updateTitle();
}

QMenu *ProjectController::recentMenu() const
{
    return m_recentMenu;
}

QString ProjectController::projectFolder()
{
    const QString last = settings::lastProjectDir.value();
    return last.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : last;
}

bool ProjectController::isModified() const
{
    return m_window->isWindowModified();
}

void ProjectController::setModified(bool modified)
{
    m_window->setWindowModified(modified && (m_session->hasModel() || !m_path.isEmpty()));
}

void ProjectController::updateTitle()
{
    const QString name = !m_path.isEmpty() ? QFileInfo(m_path).completeBaseName()
                         : m_demo          ? tr("Demo")
                                           : m_session->modelName();
    m_window->setWindowTitle(name.isEmpty() ? tr("LayerCut") + QStringLiteral("[*]")
                                            : tr("%1[*] — LayerCut").arg(name));
    // A project is about a model: without one there is nothing to save (unless its model failed to open).
    const bool saveable = m_session->hasModel() || !m_session->snapshot().modelFolder.isEmpty();
    m_saveAction->setEnabled(saveable);
    m_saveAsAction->setEnabled(saveable);
}

bool ProjectController::busyRefusal()
{
    if (!m_session->isBusy())
        return false;
    showErrorBox(m_window, tr("LayerCut is busy."),
                 tr("Wait until the running job ends, or cancel it, and try again."));
    return true;
}

bool ProjectController::maybeSave()
{
    if (!isModified())
        return true;
    switch (m_prompt(m_path.isEmpty() ? tr("the untitled project") : QFileInfo(m_path).fileName())) {
    case SaveAnswer::Save: return saveProject();
    case SaveAnswer::Discard: return true;
    case SaveAnswer::Cancel: break;
    }
    return false;
}

void ProjectController::newProject()
{
    if (busyRefusal() || !maybeSave())
        return;
    m_path.clear();
    m_demo = false;
    // Loading the model afresh clears every result and undoes what healing changed in its weights.
    m_session->reopen();
    setModified(false);
    updateTitle();
}

bool ProjectController::openModel(const QString &folder, const lc::LoadOptions &options)
{
    if (busyRefusal() || !maybeSave())
        return false;
    settings::lastModelDir.setValue(QFileInfo(folder).absolutePath());
    return m_session->open(folder, options);
}

void ProjectController::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), projectFolder(),
                                                      tr("LayerCut projects (*.layercut);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

bool ProjectController::openProject(const QString &path)
{
    if (busyRefusal() || !maybeSave())
        return false;
    Project p;
    try {
        p = project_file::read(path);
    } catch (const std::exception &e) {
        showErrorBox(m_window, tr("The project could not be opened."), QString::fromUtf8(e.what()));
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_path = absolute;
    m_demo = false;
    m_recentMenu->add(absolute);
    settings::lastProjectDir.setValue(QFileInfo(absolute).absolutePath());
    setModified(false);
    updateTitle();
    m_session->restore(p);
    return true;
}

bool ProjectController::saveProject()
{
    return m_path.isEmpty() ? saveProjectAs() : saveProjectTo(m_path);
}

bool ProjectController::saveProjectAs()
{
    const QString name =
        m_path.isEmpty() ? (m_demo ? tr("demo") : m_session->modelName()) : QFileInfo(m_path).completeBaseName();
    const QString suggested = QDir(projectFolder()).filePath(name + QLatin1Char('.') + project_file::kSuffix);
    QString path =
        QFileDialog::getSaveFileName(m_window, tr("Save Project"), suggested, tr("LayerCut projects (*.layercut)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix() != QLatin1String(project_file::kSuffix))
        path += QLatin1Char('.') + QLatin1String(project_file::kSuffix);
    return saveProjectTo(path);
}

bool ProjectController::saveProjectTo(const QString &path)
{
    if (m_session->isRestoring()) {
        emit message(tr("The project is still opening; save it once it is open."));
        return false;
    }
    try {
        project_file::write(path, m_session->snapshot());
    } catch (const std::exception &e) {
        showErrorBox(m_window, tr("The project could not be saved."), QString::fromUtf8(e.what()));
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_demo = false;
    m_recentMenu->add(m_path);
    settings::lastProjectDir.setValue(QFileInfo(m_path).absolutePath());
    setModified(false);
    updateTitle();
    emit message(tr("Saved %1.").arg(QDir::toNativeSeparators(m_path)));
    return true;
}

void ProjectController::openDemo()
{
    if (busyRefusal() || !maybeSave())
        return;
    const DemoLocation demo = DemoLocation::find();
    if (!demo.isValid()) {
        QStringList places;
        for (const QString &folder : DemoLocation::candidates())
            places << QDir::toNativeSeparators(folder);
        showErrorBox(m_window, tr("The demo could not be found."),
                     tr("LayerCut looked for a folder holding model/config.json in:\n%1").arg(places.join('\n')));
        return;
    }
    m_path.clear();
    m_demo = true;
    const auto existing = [](const QString &path) { return QFileInfo::exists(path) ? path : QString(); };
    Project p;
    p.modelFolder = demo.modelFolder();
    p.load = m_loadOptions ? m_loadOptions() : lc::LoadOptions{};
    p.analysisData = p.healingTrainData = existing(demo.trainData());
    p.healingValidationData = p.evaluationValidationData = existing(demo.validationData());
    p.evaluationMmlu = existing(demo.mmlu());
    p.evaluationBoolq = existing(demo.boolq());
    p.evaluationGsm8k = existing(demo.gsm8k());
    p.evaluationGsm8kTrain = existing(demo.gsm8kTrain());
    setModified(false);
    updateTitle();
    m_session->restore(p, /*measure=*/true);
}

void ProjectController::openAtStartup(const QString &argument, bool demo)
{
    const bool firstLaunch = !settings::firstLaunchDone.value();
    settings::firstLaunchDone.setValue(true);
    // On a first launch the demo opens only where it exists: a build without it starts on the welcome page.
    if (demo || (argument.isEmpty() && firstLaunch && DemoLocation::find().isValid()))
        openDemo();
    else if (argument.endsWith(QLatin1Char('.') + QLatin1String(project_file::kSuffix), Qt::CaseInsensitive) ||
             QFileInfo(argument).isFile())
        openProject(argument);
    else if (!argument.isEmpty())
        openModel(argument, m_loadOptions
                                ? m_loadOptions()
                                : lc::LoadOptions{});  // a folder, or the core's error naming what is wrong with it
}
