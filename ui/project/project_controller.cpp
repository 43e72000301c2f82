// SPDX-License-Identifier: GPL-3.0-or-later
// The glue between the main window and its project file: which results to save, how to put them back
// after the model has loaded, and when the window counts as modified.
#include "project/project_controller.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

#include "demo_location.h"
#include "jobs/compute_thread.h"
#include "main_window.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "panels/selection_panel.h"
#include "plots/importance_chart.h"
#include "plots/layer_strip.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/sweep_chart.h"
#include "result_titles.h"
#include "settings/app_settings.h"
#include "widgets/evaluation_table.h"
#include "widgets/recent_files_menu.h"

ProjectController::ProjectController(MainWindow *window) : QObject(window), m_window(window)
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

    // Results as they arrive: what the widgets do not keep is recorded here, and each marks the project.
    lc::ModelWorker *worker = window->computeThread()->worker();
    connect(worker, &lc::ModelWorker::modelLoaded, this, &ProjectController::onModelLoaded);
    connect(worker, &lc::ModelWorker::distancesReady, this, &ProjectController::markModified);
    connect(worker, &lc::ModelWorker::pruned, this,
            [this](const lc::PrunePlan &plan, const lc::LossResult &before, const lc::LossResult &after, bool heldOut) {
                if (m_stage == Stage::ApplyingPlan && m_pending) {
                    // Applied without measuring again: show the check the project saved.
                    m_window->selectionPanel()->setPruneResult(plan, m_lossBefore, m_lossAfter, m_heldOut);
                    return;
                }
                m_lossBefore = before;
                m_lossAfter = after;
                m_heldOut = heldOut;
                markModified();
            });
    connect(worker, &lc::ModelWorker::healingStarted, this,
            [this](const lc::HealingConfig &config, qint64 trainableParameters) {
                if (m_stage == Stage::RestoringHealing)
                    return;  // the project's own run, read back
                m_runs.push_back({config, trainableParameters, m_window->prunePlan().dropped(), {}, {}, false});
                markModified();
            });
    connect(worker, &lc::ModelWorker::healed, this, [this](const lc::HealingResult &result) {
        if (m_stage == Stage::RestoringHealing)
            return;
        if (!m_runs.empty()) {
            m_runs.back().cancelled = result.cancelled;
            m_runs.back().checkpoint = QString::fromStdString(result.lastCheckpoint.string());
        }
        markModified();
    });
    connect(worker, &lc::ModelWorker::evaluated, this, [this](const lc::EvalResult &result) {
        m_evaluation = ProjectEvaluation{result, m_window->prunePlan().dropped(), m_window->isHealed()};
        // Per-question rows would make the file large and are not shown.
        for (std::optional<lc::TaskResult> *task : {&m_evaluation->result.mmlu, &m_evaluation->result.boolq})
            if (*task)
                (*task)->questions.clear();
        markModified();
    });
    connect(worker, &lc::ModelWorker::sweepFinished, this, &ProjectController::markModified);
    connect(window->heatmap(), &SimilarityHeatmap::blockSelected, this, &ProjectController::markModified);
    connect(window->layerStrip(), &LayerStrip::rangeSelected, this, &ProjectController::markModified);
    connect(window->analysisPanel(), &AnalysisPanel::dataFileChanged, this, &ProjectController::markModified);
    connect(window->analysisPanel(), &AnalysisPanel::metricChanged, this, &ProjectController::markModified);
    connect(window->analysisPanel(), &AnalysisPanel::normalizeRowsChanged, this, &ProjectController::markModified);
    connect(window->healingPanel(), &HealingPanel::dataPathsChanged, this, &ProjectController::markModified);
    connect(window->evaluationPanel(), &EvaluationPanel::dataPathsChanged, this, &ProjectController::markModified);
    connect(window->computeThread(), &lc::ComputeThread::busyChanged, this, [this](bool busy) {
        if (!busy)
            onIdle();
    });
    updateTitle();
}

void ProjectController::addFileActions(QMenu *menu)
{
    menu->addAction(m_newAction);
    menu->addAction(m_openAction);
    menu->addMenu(m_recentMenu);
    menu->addAction(m_saveAction);
    menu->addAction(m_saveAsAction);
}

QString ProjectController::projectFolder()
{
    const QString last = settings::lastProjectDir.value();
    return last.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : last;
}

QString ProjectController::modelName() const
{
    const lc::ModelInfo &info = m_window->modelInfo();
    return info.config.numLayers > 0 ? QString::fromStdString(info.folder.filename().string()) : QString();
}

void ProjectController::updateTitle()
{
    const QString name = !m_path.isEmpty() ? QFileInfo(m_path).completeBaseName() : m_demo ? tr("Demo") : modelName();
    m_window->setWindowTitle(name.isEmpty() ? tr("LayerCut") + QStringLiteral("[*]")
                                            : tr("%1[*] — LayerCut").arg(name));
    // A project is about a model: without one there is nothing to save.
    const bool saveable = !modelName().isEmpty() || m_unrestored.has_value();
    m_saveAction->setEnabled(saveable);
    m_saveAsAction->setEnabled(saveable);
}

void ProjectController::markModified()
{
    if (m_stage == Stage::Idle && !modelName().isEmpty())
        m_window->setWindowModified(true);
}

void ProjectController::clearRecords()
{
    m_lossBefore = m_lossAfter = {};
    m_heldOut = false;
    m_runs.clear();
    m_evaluation.reset();
    m_unrestored.reset();
}

bool ProjectController::busyRefusal()
{
    if (!m_window->computeThread()->isBusy())
        return false;
    m_window->showError(tr("LayerCut is busy."), tr("Wait until the running job ends, or cancel it, and try again."));
    return true;
}

Project ProjectController::currentProject() const
{
    Project p;
    if (m_unrestored) {
        p = *m_unrestored;  // its model did not open: keep every result as it was
    } else {
        p.modelFolder = modelName().isEmpty() ? QString() : QString::fromStdString(m_window->modelInfo().folder.string());
        p.distances = m_window->heatmap()->distances();
        p.selectionFirst = m_window->layerStrip()->selectedFirst();
        p.selectionLast = m_window->layerStrip()->selectedLast();
        if (m_window->prunePlan().prunesAnything()) {
            p.plan = m_window->prunePlan();
            p.lossBefore = m_lossBefore;
            p.lossAfter = m_lossAfter;
            p.heldOut = m_heldOut;
        }
        p.healingRuns = m_runs;
        if (!p.healingRuns.empty()) {
            // The chart holds the last run's curves as far as they got (also when it failed midway).
            p.healingRuns.back().steps = m_window->lossChart()->steps();
            p.healingRuns.back().validation = m_window->lossChart()->validation();
        }
        p.evaluation = m_evaluation;
        if (!m_window->sweepChart()->points().empty())
            p.sweep = ProjectSweep{m_window->sweepChart()->result(), m_window->sweepOptions(false)};
        if (const lc::SweepResult r = m_window->importanceChart()->result(); !r.points.empty())
            p.importance = ProjectSweep{r, m_window->sweepOptions(true)};
        p.currentTab = m_window->analysisTabs()->currentIndex();
    }
    p.heatmapMetric = m_window->analysisPanel()->metric();
    p.normalizeRows = m_window->analysisPanel()->normalizeRows();
    p.load = m_window->loadOptions();
    p.analysisData = m_window->analysisPanel()->dataFile();
    p.healingTrainData = m_window->healingPanel()->trainData();
    p.healingValidationData = m_window->healingPanel()->validationData();
    p.evaluationMmlu = m_window->evaluationPanel()->mmlu();
    p.evaluationBoolq = m_window->evaluationPanel()->boolq();
    p.evaluationValidationData = m_window->evaluationPanel()->validationData();
    return p;
}

void ProjectController::setDataPaths(const Project &p)
{
    m_window->analysisPanel()->setDataFile(p.analysisData);
    m_window->analysisPanel()->setMetric(p.heatmapMetric);
    m_window->analysisPanel()->setNormalizeRows(p.normalizeRows);
    m_window->healingPanel()->setTrainData(p.healingTrainData);
    m_window->healingPanel()->setValidationData(p.healingValidationData);
    m_window->evaluationPanel()->setMmlu(p.evaluationMmlu);
    m_window->evaluationPanel()->setBoolq(p.evaluationBoolq);
    m_window->evaluationPanel()->setValidationData(p.evaluationValidationData);
}

bool ProjectController::maybeSave()
{
    if (!m_window->isWindowModified())
        return true;
    const QString name = m_path.isEmpty() ? tr("the untitled project") : QFileInfo(m_path).fileName();
    const auto answer = QMessageBox::warning(m_window, tr("LayerCut"),
                                             tr("Save the changes to %1 first?").arg(name),
                                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                             QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return saveProject();
    return answer == QMessageBox::Discard;
}

void ProjectController::newProject()
{
    if (busyRefusal() || !maybeSave())
        return;
    m_path.clear();
    m_demo = false;
    clearRecords();
    // Loading the model afresh clears every result and undoes what healing changed in its weights.
    if (!modelName().isEmpty())
        m_window->openModel(QString::fromStdString(m_window->modelInfo().folder.string()));
    m_window->setWindowModified(false);
    updateTitle();
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
        m_window->showError(tr("The project could not be opened."), QString::fromUtf8(e.what()));
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_path = absolute;
    m_demo = false;
    clearRecords();
    m_lossBefore = p.lossBefore;
    m_lossAfter = p.lossAfter;
    m_heldOut = p.heldOut;
    m_runs = p.healingRuns;
    m_evaluation = p.evaluation;
    m_recentMenu->add(absolute);
    settings::lastProjectDir.setValue(QFileInfo(absolute).absolutePath());
    m_stage = Stage::LoadingModel;  // from here until the results are back, nothing marks the project
    setDataPaths(p);
    m_window->setLoadOptions(p.load);
    m_pending = std::move(p);
    m_window->setWindowModified(false);
    updateTitle();
    m_window->openModel(m_pending->modelFolder);
    return true;
}

void ProjectController::onModelLoaded()
{
    if (m_stage == Stage::LoadingModel) {
        m_stage = Stage::ModelLoaded;
    } else {
        // A model opened by hand: the results so far belonged to the previous one.
        clearRecords();
        m_demo = false;
        if (!m_path.isEmpty())
            m_window->setWindowModified(true);  // the project's model changed
    }
    updateTitle();
}

void ProjectController::onIdle()
{
    switch (m_stage) {
    case Stage::Idle: return;
    case Stage::LoadingModel:
        // The model did not load (the window has said why): keep the project's results for a save.
        if (m_pending)
            m_unrestored = m_pending;
        finishRestore();
        return;
    case Stage::ModelLoaded:
        if (m_pending) {
            restoreResults();
            return;
        }
        // The demo: land on its heatmap.
        m_stage = Stage::MeasuringDemo;
        if (!m_window->analysisPanel()->dataFile().isEmpty())
            m_window->measureDistances();
        if (!m_window->computeThread()->isBusy())
            finishRestore();
        return;
    case Stage::ApplyingPlan:
        if (restoreHealing())
            return;
        finishRestore();
        return;
    case Stage::RestoringHealing:
        // Healing shows its chart; the project's tab comes back, and the run's curves are the project's.
        if (m_pending)
            m_window->analysisTabs()->setCurrentIndex(m_pending->currentTab);
        finishRestore();
        return;
    case Stage::MeasuringDemo: finishRestore(); return;
    }
}

void ProjectController::restoreResults()
{
    const Project &p = *m_pending;
    const int64_t layers = m_window->modelInfo().config.numLayers;
    const QString model = modelName();
    bool fits = true;
    if (!p.distances.empty()) {
        if (p.distances.numLayers == layers) {
            m_window->heatmap()->setDistances(p.distances);
            m_window->layerStrip()->setScores(p.distances.blockInfluence);
            m_window->analysisPanel()->setStatus(
                tr("%1 samples, %2 tokens (from the project).").arg(p.distances.samples).arg(p.distances.tokens));
        } else {
            fits = false;
        }
    }
    if (p.selectionFirst >= 0 && p.selectionLast < layers)
        m_window->selectBlock(p.selectionFirst, p.selectionLast);
    if (!p.healingRuns.empty()) {
        const ProjectHealingRun &run = p.healingRuns.back();
        LossChart *chart = m_window->lossChart();
        chart->reset(run.config.steps);
        chart->setHistory(run.steps, run.validation);
        chart->setTitle(ResultTitles::healingTitle(model, run.dropped, run.config, run.trainableParameters));
        chart->setFinished(true);
    }
    if (p.evaluation)
        m_window->evaluationTable()->setResult(
            p.evaluation->result, ResultTitles::modelDescription(model, p.evaluation->dropped, p.evaluation->healed));
    if (p.sweep) {
        SweepChart *chart = m_window->sweepChart();
        chart->reset(layers);
        chart->setTitle(ResultTitles::sweepTitle(model, p.sweep->options.healSteps));
        chart->setResult(p.sweep->result);
        m_window->setSweepOptions(p.sweep->options);
    }
    if (p.importance) {
        ImportanceChart *chart = m_window->importanceChart();
        chart->reset(layers);
        chart->setTitle(ResultTitles::importanceTitle(model));
        for (const lc::SweepPoint &point : p.importance->result.points)
            chart->addPoint(point);
        m_window->setSweepOptions(p.importance->options);
    }
    m_window->analysisTabs()->setCurrentIndex(p.currentTab);
    m_window->refreshActions();
    if (!fits || (p.plan.prunesAnything() && p.plan.sourceLayers != layers))
        m_window->statusBar()->showMessage(
            tr("Some results of the project were left out: the model now has another number of layers."), 15000);
    if (p.plan.prunesAnything() && p.plan.sourceLayers == layers) {
        // Applied without the loss check (its numbers come from the project), so nothing is measured again.
        m_stage = Stage::ApplyingPlan;
        m_window->computeThread()->pruneModel(p.plan, QString(), {}, 0, 1);
        if (m_window->computeThread()->isBusy())
            return;
    }
    if (restoreHealing())
        return;
    finishRestore();
}

bool ProjectController::restoreHealing()
{
    if (!m_pending || m_pending->healingRuns.empty())
        return false;
    const ProjectHealingRun &run = m_pending->healingRuns.back();
    // Only a finished run on the layers the model runs with now: a cancelled one's checkpoint would train on.
    if (run.cancelled || run.checkpoint.isEmpty() || run.dropped != m_window->prunePlan().dropped())
        return false;
    // Reading it back prepares the run's data again (the layers are wrapped as the run wrapped them).
    QStringList needed = {run.checkpoint + QStringLiteral("/trainer_state.json"),
                          QString::fromStdString(run.config.trainData.string())};
    if (!run.config.validationData.empty())
        needed << QString::fromStdString(run.config.validationData.string());
    for (const QString &file : needed)
        if (!QFileInfo::exists(file)) {
            m_window->statusBar()->showMessage(
                tr("The model runs unhealed: %1, which its healing needs, is gone.").arg(QDir::toNativeSeparators(file)),
                15000);
            return false;
        }
    // Resuming a finished run trains no step: it quantises and wraps the layers as the run did and reads the
    // weights and curves back. Nothing is written (no output folder).
    lc::HealingConfig config = run.config;
    config.resumeFrom = run.checkpoint.toStdString();
    config.outputDir.clear();
    m_stage = Stage::RestoringHealing;
    m_window->startHealingWith(config);
    return m_window->computeThread()->isBusy();
}

void ProjectController::finishRestore()
{
    m_stage = Stage::Idle;
    m_pending.reset();
    m_window->setWindowModified(false);
    updateTitle();
    emit restored();
}

bool ProjectController::saveProject()
{
    return m_path.isEmpty() ? saveProjectAs() : saveProjectTo(m_path);
}

bool ProjectController::saveProjectAs()
{
    const QString name = m_path.isEmpty() ? (m_demo ? tr("demo") : modelName()) : QFileInfo(m_path).completeBaseName();
    const QString suggested = QDir(projectFolder()).filePath(name + QLatin1Char('.') + project_file::kSuffix);
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save Project"), suggested,
                                                tr("LayerCut projects (*.layercut)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix() != QLatin1String(project_file::kSuffix))
        path += QLatin1Char('.') + QLatin1String(project_file::kSuffix);
    return saveProjectTo(path);
}

bool ProjectController::saveProjectTo(const QString &path)
{
    if (isRestoring()) {
        m_window->statusBar()->showMessage(tr("The project is still opening; save it once it is open."), 5000);
        return false;
    }
    try {
        project_file::write(path, currentProject());
    } catch (const std::exception &e) {
        m_window->showError(tr("The project could not be saved."), QString::fromUtf8(e.what()));
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_demo = false;
    m_recentMenu->add(m_path);
    settings::lastProjectDir.setValue(QFileInfo(m_path).absolutePath());
    m_window->setWindowModified(false);
    updateTitle();
    m_window->statusBar()->showMessage(tr("Saved %1.").arg(QDir::toNativeSeparators(m_path)), 5000);
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
        m_window->showError(tr("The demo could not be found."),
                            tr("LayerCut looked for a folder holding model/config.json in:\n%1").arg(places.join('\n')));
        return;
    }
    m_path.clear();
    clearRecords();
    m_demo = true;
    m_stage = Stage::LoadingModel;
    const auto existing = [](const QString &path) { return QFileInfo::exists(path) ? path : QString(); };
    Project p;
    p.analysisData = p.healingTrainData = existing(demo.trainData());
    p.healingValidationData = p.evaluationValidationData = existing(demo.validationData());
    p.evaluationMmlu = existing(demo.mmlu());
    p.evaluationBoolq = existing(demo.boolq());
    setDataPaths(p);
    m_window->setWindowModified(false);
    updateTitle();
    m_window->openModel(demo.modelFolder());
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
        m_window->openModel(argument);  // a folder, or the core's error naming what is wrong with it
}
