// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include "analysis_tabs.h"
#include "chart_exports.h"
#include "dialogs/export_model_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "export_folder.h"
#include "jobs/job_messages.h"
#include "jobs/job_questions.h"
#include "jobs/job_requests.h"
#include "jobs/script_exports.h"
#include "jobs/job_status_bar.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "panels/model_summary_panel.h"
#include "panels/selection_panel.h"
#include "plots/importance_chart.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/sweep_chart.h"
#include "project/project_controller.h"
#include "result_titles.h"
#include "settings/app_settings.h"
#include "widgets/error_box.h"
#include "widgets/load_options_bar.h"
#include "widgets/recent_files_menu.h"
#include "widgets/welcome_page.h"

#include <qcustomplot.h>

namespace {
enum Page { WelcomePageIndex = 0, AnalysisPageIndex = 1 };

void raiseDock(QMainWindow *window, const char *name)
{
    if (auto *dock = window->findChild<QDockWidget *>(QLatin1String(name)))
        dock->raise();
}
}  // namespace

MainWindow::MainWindow(lc::Session *session, QWidget *parent)
    : QMainWindow(parent), m_session(session), m_questions(std::make_unique<JobQuestions>(this))
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/layercut.svg")));
    resize(1280, 800);
    createPages();
    createDocks();
    m_chartExports = new ChartExports(session,
                                      {m_tabs->heatmap()->plot(), m_tabs->lossChart()->plot(),
                                       m_tabs->sweepChart()->plot(), m_tabs->importanceChart()->plot(),
                                       [this] { return m_tabs->currentWidget() == m_tabs->importanceChart(); }},
                                      this);
    connect(m_chartExports, &ChartExports::saved, this, [this](const QString &path) {
        statusBar()->showMessage(tr("Saved %1.").arg(QDir::toNativeSeparators(path)), 5000);
    });
    m_scripts = new ScriptExports(session, {m_analysis, m_healing, m_evaluation, m_tabs->generationView()}, this);
    connect(m_scripts, &ScriptExports::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    createActions();
    m_jobStatus = new JobStatusBar(session, this);
    statusBar()->addPermanentWidget(m_jobStatus);  // its own width: messages keep the rest
    connectSession();
    pushInputs();
    m_session->setView({m_analysis->metric(), m_analysis->normalizeRows(), m_tabs->currentIndex()});
    updateActions();
    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value());
}

MainWindow::~MainWindow() = default;

void MainWindow::createPages()
{
    auto *welcome = new WelcomePage(this);
    connect(welcome, &WelcomePage::openRequested, this, &MainWindow::chooseModelFolder);
    m_tabs = new AnalysisTabs(m_session, this);
    m_pages = new QStackedWidget(this);
    m_pages->insertWidget(WelcomePageIndex, welcome);
    m_pages->insertWidget(AnalysisPageIndex, m_tabs);
    setCentralWidget(m_pages);
}

void MainWindow::createDocks()
{
    auto dock = [this](QWidget *content, const QString &title, const char *name) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(QLatin1String(name));
        d->setWidget(content);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(Qt::RightDockWidgetArea, d);
        return d;
    };
    m_analysis = new AnalysisPanel(this);
    m_selection = new SelectionPanel(this);
    m_summary = new ModelSummaryPanel(this);
    m_healing = new HealingPanel(this);
    m_evaluation = new EvaluationPanel(this);
    m_healing->setDefaultDataFile(m_analysis->dataFile());
    m_evaluation->setDefaultDataFile(m_analysis->dataFile());
    dock(m_analysis, tr("Analysis"), "analysisDock");
    // Below the analysis, in the order of the work: select and drop, heal, evaluate; and the model's summary.
    QDockWidget *selection = dock(m_selection, tr("Selection"), "selectionDock");
    QDockWidget *healing = dock(m_healing, tr("Healing"), "healingDock");
    QDockWidget *evaluation = dock(m_evaluation, tr("Evaluation"), "evaluationDock");
    QDockWidget *model = dock(m_summary, tr("Model"), "modelDock");
    tabifyDockWidget(selection, healing);
    tabifyDockWidget(healing, evaluation);
    tabifyDockWidget(evaluation, model);
    selection->raise();
}

QAction *MainWindow::action(const QString &name) const
{
    return findChild<QAction *>(name);
}

void MainWindow::createActions()
{
    // Every action is named, so enablement (updateActions) and tests find it by name.
    auto add = [this](QMenu *menu, const QString &text, const char *name, auto slot, QKeySequence key = {}) {
        QAction *a = menu->addAction(text);
        a->setObjectName(QLatin1String(name));
        a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *open =
        add(m_fileMenu, tr("&Open Model Folder…"), "openAction", &MainWindow::chooseModelFolder, QKeySequence::Open);
    open->setIcon(QIcon::fromTheme("document-open"));
    m_recentModels = new RecentFilesMenu(tr("Open &Recent"), settings::recentModels, this);
    connect(m_recentModels, &RecentFilesMenu::chosen, this, &MainWindow::openModel);
    m_fileMenu->addMenu(m_recentModels);
    m_fileMenu->addSeparator();
    add(m_fileMenu, tr("Export Heatmap &Image…"), "heatmapImageAction", [this] { m_chartExports->heatmapImage(); });
    add(m_fileMenu, tr("Export Heatmap &Data…"), "heatmapDataAction", [this] { m_chartExports->heatmapData(); });
    QAction *exportModel =
        add(m_fileMenu, tr("Export &Pruned Model…"), "exportModelAction", [this] { this->exportModel(false); });
    exportModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportModel->setToolTip(tr("Write the model without the dropped layers as a folder that transformers loads"));
    m_fileMenu->addSeparator();
    add(m_fileMenu, tr("&Quit"), "quitAction", [this] { close(); })->setShortcut(QKeySequence::Quit);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    QAction *measure = add(analysis, tr("&Measure Distances"), "measureAction", &MainWindow::measureDistances,
                           QKeySequence(Qt::CTRL | Qt::Key_R));

    QMenu *prune = menuBar()->addMenu(tr("&Prune"));
    QAction *drop = add(prune, tr("&Drop Selected Layers"), "dropAction", &MainWindow::dropSelectedLayers,
                        QKeySequence(Qt::CTRL | Qt::Key_D));
    drop->setToolTip(tr("Run the model without the selected layers and compare the held-out loss"));
    QAction *restore = add(prune, tr("&Restore All Layers"), "restoreAction", &MainWindow::restoreAllLayers);
    prune->addSeparator();
    add(prune, tr("&Insert Block After Selection"), "insertBlockAction",
        [this] {
            pushInputs();
            m_session->insertBlock(m_session->selection().back(), lc::BlockInit::Average);
        })
        ->setToolTip(tr("A new block after the last selected layer, the mean of it and the next (Llama SLayer): the "
                        "identity until trained. Right-click a layer on the strip for more"));
    add(prune, tr("Apply Llama SLayer's &S Strategy"), "sStrategyAction",
        [this] {
            pushInputs();
            m_session->applySStrategy();
        })
        ->setToolTip(tr("New averaged blocks after layers 1, 3, …, L/2 − 1 and the last 2 layers dropped; train them "
                        "with Healing: Inserted blocks only"));
    prune->addSeparator();
    prune->addAction(exportModel);
    add(prune, tr("Export Plan as &mergekit YAML…"), "mergekitAction", [this] {
        m_scripts->mergekitYaml();
    })->setToolTip(tr("Write the layers kept as mergekit's passthrough slices"));
    m_selection->setActions(drop, restore, exportModel);

    QMenu *heal = menuBar()->addMenu(tr("&Heal"));
    QAction *startHeal =
        add(heal, tr("&Start Healing"), "healAction", &MainWindow::startHealing, QKeySequence(Qt::CTRL | Qt::Key_H));
    startHeal->setToolTip(tr("Train the pruned model to recover, with the Healing dock's settings"));
    QAction *pause = add(heal, tr("&Pause Healing"), "pauseAction", [this](bool on) { m_session->setPaused(on); });
    pause->setCheckable(true);
    heal->addSeparator();
    add(heal, tr("Export &Healed Model…"), "exportHealedAction", [this] {
        this->exportModel(true);
    })->setToolTip(tr("Merge what healing learnt into the weights and write a folder that transformers loads"));
    heal->addSeparator();
    add(heal, tr("Export Loss Chart &Image…"), "lossImageAction", [this] { m_chartExports->lossChartImage(); });
    add(heal, tr("Export Loss &Data…"), "lossDataAction", [this] { m_chartExports->lossData(); });

    QMenu *evaluate = menuBar()->addMenu(tr("&Evaluate"));
    add(evaluate, tr("&Evaluate Model"), "evaluateAction", &MainWindow::evaluateModel,
        QKeySequence(Qt::CTRL | Qt::Key_E))
        ->setToolTip(tr("Score the model as it is now on MMLU, BoolQ, GSM8K and the held-out loss"));
    add(evaluate, tr("Run &Sweep"), "sweepAction", [this] {
        runSweep(false);
    })->setToolTip(tr("Evaluate the model with growing fractions of its layers dropped"));
    add(evaluate, tr("Per-&Layer Importance"), "importanceAction", [this] { runSweep(true); })
        ->setToolTip(tr("Drop each layer alone and measure what it costs; with injection steps set in the Evaluation "
                        "dock, also insert and train a block after each layer"));
    evaluate->addSeparator();
    add(evaluate, tr("Export Sweep Chart &Image…"), "sweepImageAction", [this] { m_chartExports->sweepChartImage(); });
    add(evaluate, tr("Export Sweep &Data…"), "sweepDataAction", [this] { m_chartExports->sweepData(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addMenu(m_scripts->commandMenu(this));
    tools->addSeparator();
    add(tools, tr("&Preferences…"), "preferencesAction", &MainWindow::showPreferences, QKeySequence::Preferences);
    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    add(m_helpMenu, tr("&About LayerCut"), "aboutAction", [this] {
        QMessageBox::about(this, tr("About LayerCut"),
                           tr("<b>LayerCut %1</b><p>Explore layer pruning of large language models: angular "
                              "distances between layers, pruning, QLoRA healing and evaluation.</p>"
                              "<p>Licensed under the GNU GPL, version 3 or later.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Model"));
    bar->setObjectName("modelToolBar");
    bar->addAction(open);
    bar->addSeparator();
    m_loadBar = new LoadOptionsBar(bar);
    bar->addWidget(m_loadBar);
    bar->addSeparator();
    bar->addAction(measure);
    bar->addAction(drop);
    bar->addAction(startHeal);
}

void MainWindow::attachProject(ProjectController *project)
{
    m_project = project;
    QAction *first = m_fileMenu->actions().value(0);
    m_fileMenu->insertActions(first, {project->newAction(), project->openAction()});
    m_fileMenu->insertMenu(first, project->recentMenu());
    m_fileMenu->insertActions(first, {project->saveAction(), project->saveAsAction()});
    m_fileMenu->insertSeparator(first);
    m_helpMenu->insertAction(m_helpMenu->actions().value(0), project->openDemoAction());
    project->setLoadOptionsSource([this] { return m_loadBar->options(); });
    connect(project, &ProjectController::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });
}

void MainWindow::connectSession()
{
    lc::Session *s = m_session;
    connect(s, &lc::Session::busyChanged, this, &MainWindow::updateActions);
    connect(s, &lc::Session::planChanged, this, &MainWindow::updateActions);
    connect(s, &lc::Session::pausedChanged, this, [this](bool paused) {
        const QSignalBlocker blocker(action("pauseAction"));
        action("pauseAction")->setChecked(paused);
        action("pauseAction")->setText(paused ? tr("&Resume Healing") : tr("&Pause Healing"));
        m_healing->setRunning(m_session->job() == lc::JobKind::Heal, paused);
    });
    connect(s, &lc::Session::modelChanged, this, [this] {
        const lc::ModelInfo &info = m_session->modelInfo();
        m_summary->showInfo(info);
        m_healing->setModel(info);
        m_healing->setStatus(QString());
        m_selection->setModel(info);
        m_evaluation->setModelName(m_session->modelName());
        m_evaluation->setStatus(QString());
        m_loadBar->setOptions(m_session->loadOptions());
        m_pages->setCurrentIndex(AnalysisPageIndex);
        m_recentModels->add(QString::fromStdString(info.folder.string()));
        m_analysis->setStatus(tr("Choose a dataset and press Measure Distances."));
        raiseDock(this, "modelDock");  // what was loaded; the selection takes over once a block is chosen
        updateActions();
    });
    connect(s, &lc::Session::distancesChanged, this, [this](lc::DistancesSource from) {
        const lc::LayerDistances &d = m_session->distances();
        const QString source = from == lc::DistancesSource::Project ? tr("from the project")
                               : from == lc::DistancesSource::Cache
                                   ? tr("from the cache")
                                   : tr("measured in %1 s").arg(QLocale().toString(m_session->jobSeconds(), 'f', 1));
        m_analysis->setStatus(tr("%1 samples, %2 tokens (%3).").arg(d.samples).arg(d.tokens).arg(source));
        updateActions();
    });
    connect(s, &lc::Session::selectionChanged, this, [this] {
        const std::vector<int64_t> &layers = m_session->selection();
        m_selection->setSelectedLayers(layers, m_session->selectionDistance());
        if (!layers.empty() && !m_session->isRestoring())
            raiseDock(this, "selectionDock");
        updateActions();
    });
    connect(s, &lc::Session::planChanged, this, [this] {
        const lc::PrunePlan &plan = m_session->plan();
        const lc::PruneCheck &check = m_session->pruneCheck();
        m_selection->setPruneResult(plan, m_session->blocks(), check.before, check.after, check.heldOut);
    });
    connect(s, &lc::Session::healingFinished, this, [this](const lc::HealingResult &result) {
        const QString text = ResultTitles::healingOutcome(result);
        m_healing->setStatus(text);
        statusBar()->showMessage(text, 15000);
    });
    // The evaluation dock says what the last run did; the tabs show it.
    connect(s, &lc::Session::evaluationChanged, this, [this] {
        if (const auto &e = m_session->evaluation(); e && !m_session->isRestoring())
            m_evaluation->setStatus(tr("Evaluated in %1 s.").arg(QLocale().toString(e->result.seconds, 'f', 1)));
    });
    connect(s, &lc::Session::sweepStarted, this, [this] { m_evaluation->setStatus(QString()); });
    connect(s, &lc::Session::sweepPointAdded, this, [this](const lc::SweepPoint &point, bool, bool resumed) {
        if (!resumed)
            m_evaluation->setStatus(point.insertedAfter
                                        ? tr("Measured a block inserted after layer %1 and trained on the new facts.")
                                              .arg(*point.insertedAfter)
                                        : tr("Measured %1, %2 layer(s) dropped%3.")
                                              .arg(SweepChart::strategyText(point.strategy))
                                              .arg(point.dropped.size())
                                              .arg(point.healed ? tr(", healed") : QString()));
        updateActions();
    });
    connect(s, &lc::Session::sweepChanged, this, [this](bool perLayer) {
        const auto &sweep = m_session->sweep(perLayer);
        if (!sweep || m_session->isRestoring())
            return;
        const QString text =
            ResultTitles::sweepOutcome(sweep->result, m_session->jobSeconds(), sweep->options.resultFile);
        m_evaluation->setStatus(text);
        statusBar()->showMessage(text, 10000);
    });
    // The export's folder is where the next export dialog starts.
    connect(s, &lc::Session::exported, this, [](const QString &folder) { export_folder::remember(folder); });
    connect(new JobMessages(s, this), &JobMessages::message, statusBar(), &QStatusBar::showMessage);
    connect(s, &lc::Session::inputsRestored, this, &MainWindow::showInputs);

    // Intents of the plots and docks.
    connect(m_analysis, &AnalysisPanel::runRequested, this, &MainWindow::measureDistances);
    // Each view setting goes to the session on its own, so a tab brought to the front by a restore does not
    // hand back a metric the dock has not shown yet.
    const auto viewSetter = [this](auto member) {
        return [this, member](auto value) {
            lc::ViewState view = m_session->view();
            view.*member = value;
            m_session->setView(view);
        };
    };
    connect(m_analysis, &AnalysisPanel::metricChanged, this, viewSetter(&lc::ViewState::heatmapMetric));
    connect(m_analysis, &AnalysisPanel::normalizeRowsChanged, this, viewSetter(&lc::ViewState::normalizeRows));
    connect(m_tabs, &QTabWidget::currentChanged, this, viewSetter(&lc::ViewState::currentTab));
    connect(m_analysis, &AnalysisPanel::dataFileChanged, this, [this](const QString &path) {
        m_healing->setDefaultDataFile(path);
        m_evaluation->setDefaultDataFile(path);
        pushInputs();
    });
    connect(m_healing, &HealingPanel::dataPathsChanged, this, &MainWindow::pushInputs);
    connect(m_evaluation, &EvaluationPanel::dataPathsChanged, this, &MainWindow::pushInputs);
    connect(m_healing, &HealingPanel::startRequested, this, &MainWindow::startHealing);
    connect(m_healing, &HealingPanel::pauseRequested, s, &lc::Session::setPaused);
    connect(m_healing, &HealingPanel::cancelRequested, s, &lc::Session::cancel);
    connect(m_evaluation, &EvaluationPanel::evaluateRequested, this, &MainWindow::evaluateModel);
    connect(m_evaluation, &EvaluationPanel::sweepRequested, this, [this] { runSweep(false); });
    connect(m_evaluation, &EvaluationPanel::importanceRequested, this, [this] { runSweep(true); });
}

void MainWindow::pushInputs()
{
    if (m_showingInputs)
        return;
    m_session->setAnalysisInputs({m_analysis->dataFile(), m_analysis->datasetOptions(), m_analysis->batchSize()});
    m_session->setInputPaths({m_healing->trainData(), m_healing->validationData(), m_evaluation->mmlu(),
                              m_evaluation->boolq(), m_evaluation->validationData(), m_evaluation->gsm8k(),
                              m_evaluation->gsm8kTrain()});
}

void MainWindow::showInputs()
{
    m_showingInputs = true;
    const lc::InputPaths &paths = m_session->inputPaths();
    const lc::ViewState &view = m_session->view();
    m_analysis->setDataFile(m_session->analysisInputs().dataFile);
    m_analysis->setMetric(view.heatmapMetric);
    m_analysis->setNormalizeRows(view.normalizeRows);
    m_healing->setTrainData(paths.healingTrain);
    m_healing->setValidationData(paths.healingValidation);
    m_evaluation->setMmlu(paths.evaluationMmlu);
    m_evaluation->setBoolq(paths.evaluationBoolq);
    m_evaluation->setValidationData(paths.evaluationValidation);
    m_evaluation->setGsm8k(paths.evaluationGsm8k, paths.evaluationGsm8kTrain);
    m_showingInputs = false;
    pushInputs();  // the dock's own settings (sample size, batch) complete what the project set
}

void MainWindow::updateActions()
{
    const lc::Session &s = *m_session;
    const bool idle = !s.isBusy();
    const bool loaded = idle && s.hasModel();
    const bool healing = s.job() == lc::JobKind::Heal;
    const auto enable = [this](const char *name, bool on) { action(QLatin1String(name))->setEnabled(on); };
    enable("openAction", idle);
    enable("measureAction", loaded);
    m_analysis->setRunEnabled(loaded);
    enable("heatmapImageAction", idle && !s.distances().empty());
    enable("heatmapDataAction", idle && !s.distances().empty());
    enable("dropAction", loaded && !s.selection().empty());
    enable("restoreAction", loaded && s.changesModel());
    enable("exportModelAction", loaded && s.changesModel());
    enable("mergekitAction",
           s.hasModel() && !s.blocks().insertsAnything() && (s.plan().prunesAnything() || !s.selection().empty()));
    // A new block goes after a kept layer with none there yet; a healed model's blocks stay as they trained.
    const std::vector<int64_t> &kept = s.plan().kept, inserted = s.blocks().insertedAfter();
    const bool canInsert = loaded && !s.isHealed() && !s.selection().empty() &&
                           std::binary_search(kept.begin(), kept.end(), s.selection().back()) &&
                           std::find(inserted.begin(), inserted.end(), s.selection().back()) == inserted.end();
    enable("insertBlockAction", canInsert);
    enable("sStrategyAction", loaded && !s.isHealed() && s.modelInfo().config.numLayers >= 4);
    enable("copyCommandMenu", s.hasModel());
    enable("healAction", loaded);
    m_healing->setStartEnabled(loaded);
    m_healing->setRunning(healing, s.isPaused());
    enable("pauseAction", healing && !s.isCancelling());
    enable("exportHealedAction", loaded && s.isHealed());
    const bool curves = !s.healingRuns().empty() && !s.healingRuns().back().steps.empty();
    enable("lossImageAction", curves);
    enable("lossDataAction", curves);
    for (const char *name : {"evaluateAction", "sweepAction", "importanceAction"})
        enable(name, loaded);
    m_evaluation->setStartEnabled(loaded);
    const bool points = (s.sweep(false) && !s.sweep(false)->result.points.empty()) ||
                        (s.sweep(true) && !s.sweep(true)->result.points.empty());
    enable("sweepImageAction", points);
    enable("sweepDataAction", points);
}

bool MainWindow::refused(const std::optional<Refusal> &refusal)
{
    if (refusal)
        showErrorBox(this, refusal->headline, refusal->details);
    return refusal.has_value();
}

// ---- Intents.

void MainWindow::chooseModelFolder()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), settings::lastModelDir.value());
    if (!folder.isEmpty())
        openModel(folder);
}

void MainWindow::openModel(const QString &folder)
{
    m_loadBar->rememberSettings();
    if (m_project)
        m_project->openModel(folder, m_loadBar->options());
    else
        m_session->open(folder, m_loadBar->options());
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted && !m_session->isBusy())
        m_loadBar->setDevice(dialog.device());
}

void MainWindow::measureDistances()
{
    pushInputs();
    if (refused(JobRequests::distances(*m_analysis)))
        return;
    lc::MemorySetup memory;
    memory.sequences = m_analysis->batchSize();
    memory.length = m_analysis->datasetOptions().maxLength;
    if (!m_questions->memory(*m_session, lc::MemoryJob::Distances, memory))
        return;
    m_analysis->rememberSettings();
    m_session->measureDistances();
}

void MainWindow::dropSelectedLayers()
{
    pushInputs();
    try {
        m_session->dropSelection();
    } catch (const std::exception &e) {
        showErrorBox(this, tr("These layers cannot be dropped."), QString::fromUtf8(e.what()));
    }
}

void MainWindow::restoreAllLayers()
{
    pushInputs();
    m_session->restoreAllLayers();
}

void MainWindow::exportModel(bool healed)
{
    const lc::Session &s = *m_session;
    if (s.isBusy() || !(healed ? s.isHealed() : s.changesModel()))
        return;
    const QString kind = healed ? "healed" : s.blocks().insertsAnything() ? "expanded" : "pruned";
    const QString name = QStringLiteral("%1-%2-%3").arg(s.modelName(), kind).arg(s.blocks().size());
    ExportModelDialog dialog(export_folder::suggestedPath(name), QString::fromStdString(s.modelInfo().checkpointDtype),
                             this);
    if (healed)
        dialog.setWindowTitle(tr("Export Healed Model"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (healed)
        m_session->exportHealed(dialog.folder(), dialog.options());
    else
        m_session->exportPruned(dialog.folder(), dialog.options());
}

void MainWindow::startHealing()
{
    const auto request = JobRequests::healing(*m_healing);
    if (m_session->isBusy() || !m_session->hasModel() || refused(request.refusal))
        return;
    lc::HealingConfig config = request.settings;
    lc::MemorySetup memory;
    memory.healing = config;
    if (!m_questions->memory(*m_session, lc::MemoryJob::Healing, memory) || !m_questions->healingOutput(config))
        return;
    m_healing->rememberSettings();
    m_healing->setStatus(QString());
    if (m_session->heal(config))
        raiseDock(this, "healingDock");  // its Pause and Cancel, and the result when done
}

void MainWindow::evaluateModel()
{
    const auto request = JobRequests::evaluation(*m_evaluation);
    if (m_session->isBusy() || !m_session->hasModel() || refused(request.refusal) ||
        !m_questions->memory(*m_session, lc::MemoryJob::Evaluation, lc::evaluationMemorySetup(request.settings)))
        return;
    m_evaluation->rememberSettings();
    m_evaluation->setStatus(QString());
    m_session->evaluate(request.settings);
}

void MainWindow::runSweep(bool perLayer)
{
    if (m_session->isBusy() || !m_session->hasModel())
        return;
    const auto request = JobRequests::sweep(*m_analysis, *m_healing, *m_evaluation, perLayer);
    if (refused(request.refusal))
        return;
    for (const lc::MemoryJobSetup &part : lc::sweepMemorySetups(request.settings))
        if (!m_questions->memory(*m_session, part.job, part.setup))
            return;
    if (!m_questions->sweep(*m_session))
        return;
    m_evaluation->rememberSettings();
    m_session->sweep(request.settings);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_project && !m_project->maybeSave()) {
        event->ignore();
        return;
    }
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    m_session->cancel();
    QMainWindow::closeEvent(event);
}
