// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "chart_exports.h"
#include "dialogs/export_model_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "format.h"
#include "jobs/compute_thread.h"
#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/sweep.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "panels/model_summary_panel.h"
#include "panels/selection_panel.h"
#include "plots/importance_chart.h"
#include "plots/layer_strip.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/sweep_chart.h"
#include "project/project_controller.h"
#include "result_titles.h"
#include "settings/app_settings.h"
#include "widgets/evaluation_table.h"
#include "widgets/recent_files_menu.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

namespace {
enum Page { WelcomePage = 0, AnalysisPage = 1 };
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_compute(new lc::ComputeThread(this))
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/layercut.svg")));
    resize(1280, 800);

    // Welcome page: what to do first.
    auto *welcome = new QWidget(this);
    auto *welcomeLayout = new QVBoxLayout(welcome);
    auto *hint = new QLabel(tr("<h2>LayerCut</h2><p>Open a Hugging Face checkpoint folder (Llama, Mistral, Qwen2, "
                               "Qwen3; safetensors) to see which of its layers can be dropped.</p>"),
                            welcome);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    auto *openButton = new QPushButton(tr("Open Model Folder…"), welcome);
    connect(openButton, &QPushButton::clicked, this, &MainWindow::chooseModelFolder);
    welcomeLayout->addStretch(1);
    welcomeLayout->addWidget(hint);
    welcomeLayout->addWidget(openButton, 0, Qt::AlignCenter);
    welcomeLayout->addStretch(2);

    // Analysis page: the heatmap above the layer strip.
    auto *analysisPage = new QWidget(this);
    auto *analysisLayout = new QVBoxLayout(analysisPage);
    m_heatmap = new SimilarityHeatmap(analysisPage);
    m_strip = new LayerStrip(analysisPage);
    analysisLayout->addWidget(m_heatmap, 1);
    analysisLayout->addWidget(m_strip);
    connect(m_heatmap, &SimilarityHeatmap::blockSelected, this, &MainWindow::onBlockSelected);
    connect(m_strip, &LayerStrip::rangeSelected, this, &MainWindow::selectBlock);

    // The analysis page's tabs: the distances, and the loss curves of healing.
    m_lossChart = new LossChart(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(analysisPage, tr("Distances"));
    m_tabs->addTab(m_lossChart, tr("Healing"));
    // Evaluation: one run's table, the sweep's curves, the importance scan's bars.
    m_evaluationTable = new EvaluationTable(this);
    m_sweepChart = new SweepChart(this);
    m_importanceChart = new ImportanceChart(this);
    m_tabs->addTab(m_evaluationTable, tr("Evaluation"));
    m_tabs->addTab(m_sweepChart, tr("Sweep"));
    m_tabs->addTab(m_importanceChart, tr("Importance"));

    m_pages = new QStackedWidget(this);
    m_pages->insertWidget(WelcomePage, welcome);
    m_pages->insertWidget(AnalysisPage, m_tabs);
    setCentralWidget(m_pages);

    // Status bar: stage, progress and cancel while the compute thread works.
    m_stage = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(320);
    m_progress->setRange(0, 1000);
    m_cancel = new QPushButton(tr("Cancel"), this);
    connect(m_cancel, &QPushButton::clicked, m_compute, &lc::ComputeThread::cancel);
    statusBar()->addWidget(m_stage, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    lc::ModelWorker *worker = m_compute->worker();
    connect(worker, &lc::ModelWorker::progressChanged, this, &MainWindow::onProgress);
    connect(worker, &lc::ModelWorker::modelLoaded, this, &MainWindow::onLoaded);
    connect(worker, &lc::ModelWorker::distancesReady, this, &MainWindow::onDistances);
    connect(worker, &lc::ModelWorker::pruned, this, &MainWindow::onPruned);
    connect(worker, &lc::ModelWorker::exported, this, &MainWindow::onExported);
    connect(worker, &lc::ModelWorker::healingStarted, this, &MainWindow::onHealingStarted);
    connect(worker, &lc::ModelWorker::healingStep, this, &MainWindow::onHealingStep);
    connect(worker, &lc::ModelWorker::healingValidated, m_lossChart, &LossChart::addValidation);
    connect(worker, &lc::ModelWorker::healed, this, &MainWindow::onHealed);
    connect(worker, &lc::ModelWorker::evaluated, this, &MainWindow::onEvaluated);
    connect(worker, &lc::ModelWorker::sweepPoint, this, &MainWindow::onSweepPoint);
    connect(worker, &lc::ModelWorker::sweepFinished, this, &MainWindow::onSweepFinished);
    connect(worker, &lc::ModelWorker::failed, this, &MainWindow::onFailed);
    connect(worker, &lc::ModelWorker::cancelled, this, [this] {
        m_stage->clear();
        statusBar()->showMessage(tr("Cancelled."), 5000);
    });
    connect(m_compute, &lc::ComputeThread::busyChanged, this, &MainWindow::setBusy);
    connect(m_compute, &lc::ComputeThread::pausedChanged, this, &MainWindow::onPausedChanged);

    createDocks();
    // After the window's own connections, so the project sees each result once the window shows it.
    m_project = new ProjectController(this);
    m_chartExports = new ChartExports(this);
    createActions();
    setBusy(false);

    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value());
}

MainWindow::~MainWindow() = default;

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
    m_healing->setDefaultDataFile(m_analysis->dataFile());
    m_evaluation = new EvaluationPanel(this);
    m_evaluation->setDefaultDataFile(m_analysis->dataFile());
    dock(m_analysis, tr("Analysis"), "analysisDock");
    // Below the analysis, in the order of the work: select and drop, heal; and the model's summary.
    QDockWidget *selection = dock(m_selection, tr("Selection"), "selectionDock");
    QDockWidget *healing = dock(m_healing, tr("Healing"), "healingDock");
    QDockWidget *evaluation = dock(m_evaluation, tr("Evaluation"), "evaluationDock");
    QDockWidget *model = dock(m_summary, tr("Model"), "modelDock");
    tabifyDockWidget(selection, healing);
    tabifyDockWidget(healing, evaluation);
    tabifyDockWidget(evaluation, model);
    selection->raise();

    connect(m_analysis, &AnalysisPanel::runRequested, this, &MainWindow::measureDistances);
    connect(m_analysis, &AnalysisPanel::metricChanged, this, [this](int metric) {
        m_heatmap->setMetric(static_cast<SimilarityHeatmap::Metric>(metric));
        if (m_heatmap->selectedSize() > 0)
            onBlockSelected(m_heatmap->selectedStart(), m_heatmap->selectedStart() + m_heatmap->selectedSize() - 1);
    });
    connect(m_analysis, &AnalysisPanel::normalizeRowsChanged, m_heatmap, &SimilarityHeatmap::setNormalizeRows);
    connect(m_analysis, &AnalysisPanel::dataFileChanged, m_healing, &HealingPanel::setDefaultDataFile);
    connect(m_healing, &HealingPanel::startRequested, this, &MainWindow::startHealing);
    connect(m_healing, &HealingPanel::pauseRequested, this, &MainWindow::setHealingPaused);
    connect(m_healing, &HealingPanel::cancelRequested, m_compute, &lc::ComputeThread::cancel);
    connect(m_analysis, &AnalysisPanel::dataFileChanged, m_evaluation, &EvaluationPanel::setDefaultDataFile);
    connect(m_evaluation, &EvaluationPanel::evaluateRequested, this, &MainWindow::evaluateModel);
    connect(m_evaluation, &EvaluationPanel::sweepRequested, this, &MainWindow::runSweep);
    connect(m_evaluation, &EvaluationPanel::importanceRequested, this, &MainWindow::runImportanceScan);
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_project->addFileActions(file);
    file->addSeparator();
    m_openAction = file->addAction(QIcon::fromTheme("document-open"), tr("&Open Model Folder…"), this,
                                   &MainWindow::chooseModelFolder);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = new RecentFilesMenu(tr("Open &Recent"), settings::recentModels, this);
    connect(m_recentMenu, &RecentFilesMenu::chosen, this, &MainWindow::openModel);
    file->addMenu(m_recentMenu);
    file->addSeparator();
    m_exportActions << file->addAction(tr("Export Heatmap &Image…"), m_chartExports, &ChartExports::heatmapImage);
    m_exportActions << file->addAction(tr("Export Heatmap &Data…"), m_chartExports, &ChartExports::heatmapData);
    m_exportModelAction = file->addAction(tr("Export &Pruned Model…"), this, &MainWindow::exportPrunedModel);
    m_exportModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportModelAction->setToolTip(tr("Write the model without the dropped layers as a folder that transformers loads"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    m_measureAction = analysis->addAction(tr("&Measure Distances"), this, &MainWindow::measureDistances);
    m_measureAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));

    QMenu *prune = menuBar()->addMenu(tr("&Prune"));
    m_dropAction = prune->addAction(tr("&Drop Selected Block"), this, &MainWindow::dropSelectedBlock);
    m_dropAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_dropAction->setToolTip(tr("Run the model without the selected layers and compare the held-out loss"));
    m_restoreAction = prune->addAction(tr("&Restore All Layers"), this, &MainWindow::restoreAllLayers);
    prune->addSeparator();
    prune->addAction(m_exportModelAction);
    m_selection->setActions(m_dropAction, m_restoreAction, m_exportModelAction);

    QMenu *heal = menuBar()->addMenu(tr("&Heal"));
    m_healAction = heal->addAction(tr("&Start Healing"), this, &MainWindow::startHealing);
    m_healAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    m_healAction->setToolTip(tr("Train the pruned model to recover, with the Healing dock's settings"));
    m_pauseAction = heal->addAction(tr("&Pause Healing"));
    m_pauseAction->setCheckable(true);
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::setHealingPaused);
    heal->addSeparator();
    m_exportHealedAction = heal->addAction(tr("Export &Healed Model…"), this, &MainWindow::exportHealedModel);
    m_exportHealedAction->setToolTip(tr("Merge what healing learnt into the weights and write a folder that "
                                        "transformers loads"));
    heal->addSeparator();
    m_lossExportActions << heal->addAction(tr("Export Loss Chart &Image…"), m_chartExports, &ChartExports::lossChartImage);
    m_lossExportActions << heal->addAction(tr("Export Loss &Data…"), m_chartExports, &ChartExports::lossData);

    QMenu *evaluate = menuBar()->addMenu(tr("&Evaluate"));
    m_evaluateAction = evaluate->addAction(tr("&Evaluate Model"), this, &MainWindow::evaluateModel);
    m_evaluateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_evaluateAction->setToolTip(tr("Score the model as it is now on MMLU, BoolQ and the held-out loss"));
    m_sweepAction = evaluate->addAction(tr("Run &Sweep"), this, &MainWindow::runSweep);
    m_sweepAction->setToolTip(tr("Evaluate the model with growing fractions of its layers dropped"));
    m_importanceAction = evaluate->addAction(tr("Per-&Layer Importance"), this, &MainWindow::runImportanceScan);
    m_importanceAction->setToolTip(tr("Drop each layer alone and measure what it costs"));
    evaluate->addSeparator();
    m_sweepExportActions << evaluate->addAction(tr("Export Sweep Chart &Image…"), m_chartExports,
                                                &ChartExports::sweepChartImage);
    m_sweepExportActions << evaluate->addAction(tr("Export Sweep &Data…"), m_chartExports, &ChartExports::sweepData);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences)->setShortcut(QKeySequence::Preferences);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_project->openDemoAction());
    help->addAction(tr("&About LayerCut"), this, [this] {
        QMessageBox::about(this, tr("About LayerCut"),
                           tr("<b>LayerCut %1</b><p>Explore layer pruning of large language models: angular "
                              "distances between layers, pruning, QLoRA healing and evaluation.</p>"
                              "<p>Licensed under the GNU GPL, version 3 or later.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Model"));
    bar->setObjectName("modelToolBar");
    bar->addAction(m_openAction);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr("Device:") + QLatin1Char(' '), bar));
    m_device = new QComboBox(bar);
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (lc::ModelSession::cudaAvailable())
        m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(settings::device.value())));
    bar->addWidget(m_device);
    bar->addWidget(new QLabel(QLatin1Char(' ') + tr("Precision:") + QLatin1Char(' '), bar));
    m_dtype = new QComboBox(bar);
    m_dtype->addItem(tr("Automatic"), QString());
    m_dtype->addItem(QStringLiteral("float32"), QStringLiteral("float32"));
    m_dtype->addItem(QStringLiteral("bfloat16"), QStringLiteral("bfloat16"));
    m_dtype->addItem(QStringLiteral("float16"), QStringLiteral("float16"));
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(settings::dtype.value())));
    m_dtype->setToolTip(tr("Automatic: float32 on the CPU, the checkpoint's own type on a GPU"));
    bar->addWidget(m_dtype);
    m_nf4 = new QCheckBox(tr("NF4 weights"), bar);
    m_nf4->setToolTip(tr("Quantise the linear weights to NF4 while loading, as QLoRA's base: about a quarter of "
                         "their memory. LoRA healing then trains on it; dense LoRA and fine-tuning need it off."));
    m_nf4->setChecked(settings::nf4.value());
    bar->addWidget(m_nf4);
    bar->addSeparator();
    bar->addAction(m_measureAction);
    bar->addAction(m_dropAction);
    bar->addAction(m_healAction);
}

void MainWindow::chooseModelFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"),
                                                             settings::lastModelDir.value());
    if (!folder.isEmpty())
        openModel(folder);
}

void MainWindow::openModel(const QString &folder)
{
    if (m_compute->isBusy())
        return;
    settings::lastModelDir.setValue(QFileInfo(folder).absolutePath());
    settings::device.setValue(m_device->currentData().toString());
    settings::dtype.setValue(m_dtype->currentData().toString());
    settings::nf4.setValue(m_nf4->isChecked());
    const lc::LoadOptions options = loadOptions();
    m_pendingFolder = QDir(folder).absolutePath();
    m_failureHeadline = tr("The model could not be opened.");
    m_stage->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_pendingFolder)));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->loadModel(m_pendingFolder, options);
}

QString MainWindow::cacheDir() const
{
    if (!m_distancesCacheDir.isEmpty())
        return m_distancesCacheDir;
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/distances");
}

void MainWindow::measureDistances()
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    const QString data = m_analysis->dataFile();
    if (data.isEmpty()) {
        showError(tr("Choose a dataset first."), tr("The analysis needs text to run through the model: a text "
                                                   "file, JSON Lines, or a C4 .json.gz file."));
        return;
    }
    m_analysis->rememberSettings();
    m_failureHeadline = tr("The distances could not be measured.");
    m_stage->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(data)));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->measureDistances(data, m_analysis->datasetOptions(), m_analysis->batchSize(), cacheDir());
}

QString MainWindow::stageText(const QString &stage) const
{
    // Core stage names are English identifiers; show them translated.
    if (stage == QLatin1String("opening checkpoint"))
        return tr("Opening checkpoint…");
    if (stage == QLatin1String("loading weights"))
        return tr("Loading weights…");
    if (stage == QLatin1String("reading data"))
        return tr("Reading and tokenising the data…");
    if (stage == QLatin1String("measuring distances"))
        return tr("Measuring distances…");
    if (stage == QLatin1String("measuring loss"))
        return tr("Measuring the held-out loss…");
    if (stage == QLatin1String("exporting"))
        return tr("Exporting…");
    if (stage == QLatin1String("quantizing"))
        return tr("Quantising the base to NF4…");
    if (stage == QLatin1String("writing checkpoint"))
        return tr("Writing a checkpoint…");
    if (stage == QLatin1String("evaluating"))
        return tr("Evaluating…");
    if (stage == QLatin1String("sweep"))
        return tr("Sweeping…");
    return stage;
}

void MainWindow::onProgress(const QString &stage, qint64 current, qint64 total, qint64 tokens)
{
    if (m_sweepRunning) {
        // The bar counts the sweep's points; a point's own stages (distances, evaluation, healing) fill it in.
        if (stage == QLatin1String("sweep")) {
            m_sweepIndex = current;
            m_sweepTotal = total;
        }
        const double inner = stage == QLatin1String("evaluating") && total > 0 ? double(current) / double(total) : 0.0;
        if (m_sweepTotal > 0) {
            m_progress->setValue(static_cast<int>(1000 * (double(m_sweepIndex) + inner) / double(m_sweepTotal)));
            m_stage->setText(tr("Sweep point %1 of %2: %3").arg(m_sweepIndex + 1).arg(m_sweepTotal).arg(stageText(stage)));
        } else {
            m_progress->setValue(total > 0 ? static_cast<int>(1000 * current / total) : 0);
            m_stage->setText(stageText(stage));
        }
        return;
    }
    // Once healing steps run, the progress bar counts steps; a checkpoint's progress shows as text only.
    const bool stepping = m_healingRunning && !m_lossChart->steps().empty();
    if (m_healingRunning && stage != QLatin1String("reading data")) {
        m_stage->setText(stageText(stage));
        if (!stepping)
            m_progress->setValue(total > 0 ? static_cast<int>(1000 * current / total) : 0);
        return;
    }
    if (!stepping)
        m_progress->setValue(total > 0 ? static_cast<int>(1000 * current / total) : 0);
    if (stage == QLatin1String("measuring distances") && total > 0) {
        const double seconds = m_jobClock.elapsed() / 1000.0;
        const double rate = seconds > 0 ? tokens / seconds : 0;
        const double left = current > 0 ? seconds * (total - current) / current : 0;
        m_stage->setText(tr("%1 %2 of %3 samples, %4 tokens/s, %5 left")
                             .arg(stageText(stage))
                             .arg(current)
                             .arg(total)
                             .arg(QLocale().toString(rate, 'f', 0), format::duration(left)));
        return;
    }
    if (stage == QLatin1String("measuring loss") || stage == QLatin1String("evaluating")) {
        m_stage->setText(tr("%1 %2 of %3 sequences").arg(stageText(stage)).arg(current).arg(total));
        return;
    }
    m_stage->setText(total > 1 ? tr("%1 %2 of %3").arg(stageText(stage), format::bytes(static_cast<quint64>(current)),
                                                        format::bytes(static_cast<quint64>(total)))
                               : stageText(stage));
}

void MainWindow::onLoaded(const lc::ModelInfo &info)
{
    m_info = info;
    m_healed = false;
    m_summary->showInfo(info);
    m_healing->setModel(info);
    m_healing->setStatus(QString());
    m_lossChart->reset(0);
    m_evaluationTable->clear();
    m_sweepChart->reset(info.config.numLayers);
    m_importanceChart->reset(info.config.numLayers);
    m_evaluation->setModelName(QString::fromStdString(info.folder.filename().string()));
    m_evaluation->setStatus(QString());
    m_selection->setModel(info);
    m_strip->setLayerCount(static_cast<int>(info.config.numLayers));
    m_strip->setScores({});
    m_heatmap->setDistances({});
    m_plan = lc::PrunePlan::keepAll(info.config.numLayers);
    m_strip->setDropped({});
    m_selection->setPruneResult(m_plan, {}, {}, false);
    m_pages->setCurrentIndex(AnalysisPage);
    if (auto *modelDock = findChild<QDockWidget *>(QStringLiteral("modelDock")))
        modelDock->raise();  // show what was loaded; the selection tab takes over once a block is chosen
    m_recentMenu->add(m_pendingFolder);
    m_stage->clear();
    statusBar()->showMessage(tr("Model loaded in %1 s.").arg(QLocale().toString(m_jobClock.elapsed() / 1000.0, 'f', 1)),
                             5000);
    m_analysis->setStatus(tr("Choose a dataset and press Measure Distances."));
    // A result cached for this model and data opens at once (a project being opened brings its own).
    const QString data = m_analysis->dataFile();
    if (!m_project->isRestoring() && !data.isEmpty() &&
        std::filesystem::exists(lc::distancesCachePath(cacheDir().toStdString(), info.folder, data.toStdString(),
                                                       m_analysis->datasetOptions(), info.computeDtype,
                                                       info.weightStorage)))
        QMetaObject::invokeMethod(this, &MainWindow::measureDistances, Qt::QueuedConnection);
}

void MainWindow::onDistances(const lc::LayerDistances &distances, bool fromCache)
{
    m_heatmap->setDistances(distances);
    m_strip->setScores(distances.blockInfluence);
    m_stage->clear();
    m_analysis->setStatus(fromCache ? tr("%1 samples, %2 tokens (from the cache).").arg(distances.samples).arg(distances.tokens)
                                    : tr("%1 samples, %2 tokens, measured in %3 s.")
                                          .arg(distances.samples)
                                          .arg(distances.tokens)
                                          .arg(QLocale().toString(m_jobClock.elapsed() / 1000.0, 'f', 1)));
    // Start with the most redundant single layer selected, by the metric the heatmap shows.
    if (const int best = m_heatmap->optimalStart(1); best >= 0)
        m_heatmap->selectBlock(best, 1);
    m_heatmap->setFocus();
}

void MainWindow::onBlockSelected(int first, int last)
{
    if (auto *selectionDock = findChild<QDockWidget *>(QStringLiteral("selectionDock")))
        selectionDock->raise();
    m_strip->setSelection(first, last);
    const double d = m_heatmap->distances().empty() ? std::nan("") : m_heatmap->value(first, last - first + 1);
    m_selection->setSelection(first, last, d);
    setBusy(m_compute->isBusy());  // the drop action follows the selection
}

void MainWindow::dropSelectedBlock()
{
    const int first = m_strip->selectedFirst(), last = m_strip->selectedLast();
    if (m_compute->isBusy() || first < 0 || m_info.config.numLayers == 0)
        return;
    try {
        lc::PrunePlan plan = lc::PrunePlan::dropBlock(m_info.config.numLayers, first, last - first + 1);
        if (!m_heatmap->distances().empty())
            plan.distance = m_heatmap->value(first, last - first + 1);
        applyPlan(plan);
    } catch (const std::exception &e) {
        showError(tr("These layers cannot be dropped."), QString::fromUtf8(e.what()));
    }
}

void MainWindow::restoreAllLayers()
{
    if (!m_compute->isBusy() && m_info.config.numLayers > 0)
        applyPlan(lc::PrunePlan::keepAll(m_info.config.numLayers));
}

void MainWindow::applyPlan(const lc::PrunePlan &plan)
{
    m_failureHeadline = tr("The layers could not be dropped.");
    m_stage->setText(tr("Dropping layers…"));
    m_progress->setValue(0);
    m_jobClock.start();
    // The quick check reads the analysis data: documents the analysis did not sample.
    m_compute->pruneModel(plan, m_analysis->dataFile(), m_analysis->datasetOptions(), 16, m_analysis->batchSize());
}

void MainWindow::onPruned(const lc::PrunePlan &plan, const lc::LossResult &before, const lc::LossResult &after,
                          bool heldOut)
{
    m_plan = plan;
    m_healed = false;  // what healing learnt belonged to the layers it ran with
    m_stage->clear();
    m_strip->setDropped(plan.dropped());
    m_selection->setPruneResult(plan, before, after, heldOut);
    statusBar()->showMessage(plan.prunesAnything()
                                 ? tr("Running %1 of %2 layers.").arg(plan.kept.size()).arg(plan.sourceLayers)
                                 : tr("Running all %1 layers.").arg(plan.sourceLayers),
                             5000);
    setBusy(m_compute->isBusy());
}

void MainWindow::exportPrunedModel()
{
    if (m_compute->isBusy() || !m_plan.prunesAnything())
        return;
    const QString name = QStringLiteral("%1-pruned-%2")
                             .arg(QString::fromStdString(m_info.folder.filename().string()))
                             .arg(m_plan.kept.size());
    ExportModelDialog dialog(QDir(settings::lastModelDir.value()).filePath(name),
                             QString::fromStdString(m_info.checkpointDtype), this);
    if (dialog.exec() == QDialog::Accepted)
        exportPrunedModelTo(dialog.folder(), dialog.options());
}

void MainWindow::exportPrunedModelTo(const QString &folder, const lc::ExportOptions &options)
{
    if (m_compute->isBusy() || !m_plan.prunesAnything())
        return;
    lc::ExportOptions o = options;
    if (!o.metric && m_plan.distance >= 0)
        o.metric = m_heatmap->metric() == SimilarityHeatmap::Metric::LastToken ? lc::DistanceMetric::Angular
                                                                              : lc::DistanceMetric::AllTokens;
    m_failureHeadline = tr("The pruned model could not be exported.");
    m_stage->setText(tr("Exporting to %1…").arg(QDir::toNativeSeparators(folder)));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->exportModel(m_plan, folder, o);
}

void MainWindow::onExported(const QString &folder, int shards, qint64 bytes)
{
    m_stage->clear();
    statusBar()->showMessage(tr("Exported %1 (%2 in %n shard(s)).", nullptr, shards)
                                 .arg(QDir::toNativeSeparators(folder), format::bytes(static_cast<quint64>(bytes))),
                             10000);
}

void MainWindow::onFailed(const QString &message)
{
    m_stage->clear();
    if (m_sweepRunning)
        m_sweepFailed = true;
    showError(m_failureHeadline, message);
}

void MainWindow::showError(const QString &headline, const QString &details)
{
    // Non-modal, so the event loop (and the compute thread's signals) keep flowing.
    auto *box = new QMessageBox(QMessageBox::Critical, tr("LayerCut"), headline, QMessageBox::Ok, this);
    box->setObjectName("errorBox");
    box->setInformativeText(details);  // the core's English message names the file and the problem
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}



void MainWindow::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    m_openAction->setEnabled(!busy);
    m_measureAction->setEnabled(!busy && m_info.config.numLayers > 0);
    m_analysis->setRunEnabled(!busy && m_info.config.numLayers > 0);
    for (QAction *a : m_exportActions)
        a->setEnabled(!busy && !m_heatmap->distances().empty());
    const bool loaded = !busy && m_info.config.numLayers > 0;
    m_dropAction->setEnabled(loaded && m_strip->selectedFirst() >= 0);
    m_restoreAction->setEnabled(loaded && m_plan.prunesAnything());
    m_exportModelAction->setEnabled(loaded && m_plan.prunesAnything());
    if (!busy && m_healingRunning) {
        m_healingRunning = false;  // ended: healed, failed or cancelled
        m_lossChart->setFinished(true);
    }
    m_healAction->setEnabled(loaded);
    m_healing->setStartEnabled(loaded);
    m_healing->setRunning(busy && m_healingRunning, m_compute->isPaused());
    m_pauseAction->setEnabled(busy && m_healingRunning);
    m_exportHealedAction->setEnabled(loaded && m_healed);
    for (QAction *a : m_lossExportActions)
        a->setEnabled(!m_lossChart->steps().empty());
    if (!busy && m_sweepRunning) {
        m_sweepRunning = false;  // ended: finished, failed or cancelled
        resetPlanAfterSweep();
    }
    m_evaluateAction->setEnabled(loaded);
    m_sweepAction->setEnabled(loaded);
    m_importanceAction->setEnabled(loaded);
    m_evaluation->setStartEnabled(loaded);
    for (QAction *a : m_sweepExportActions)
        a->setEnabled(!m_sweepChart->points().empty() || !m_importanceChart->result().points.empty());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_project->maybeSave()) {
        event->ignore();
        return;
    }
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    m_compute->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::startHealing()
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    m_healing->setDefaultDataFile(m_analysis->dataFile());
    const lc::HealingConfig config = m_healing->config();
    if (config.trainData.empty()) {
        showError(tr("Choose training data first."),
                  tr("Healing trains on text: a text file, JSON Lines, or a C4 .json.gz file. Set it in the Healing "
                     "dock, or choose the analysis data."));
        return;
    }
    m_healing->rememberSettings();
    startHealingWith(config);
}

void MainWindow::startHealingWith(const lc::HealingConfig &config)
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    try {
        config.validate();
    } catch (const std::exception &e) {
        showError(tr("These healing settings cannot be used."), QString::fromUtf8(e.what()));
        return;
    }
    m_failureHeadline = tr("The model could not be healed.");
    m_healingRunning = true;
    m_healed = false;
    m_lossChart->reset(config.steps);
    m_tabs->setCurrentWidget(m_lossChart);
    if (auto *healingDock = findChild<QDockWidget *>(QStringLiteral("healingDock")))
        healingDock->raise();  // its Pause and Cancel, and the result when done
    m_healing->setStatus(QString());
    m_stage->setText(tr("Preparing to heal…"));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->heal(config);
    setBusy(m_compute->isBusy());
}

void MainWindow::setHealingPaused(bool paused)
{
    if (m_healingRunning)
        m_compute->setPaused(paused);
    else
        onPausedChanged(false);  // nothing to pause: put the toggles back
}

void MainWindow::onPausedChanged(bool paused)
{
    {
        const QSignalBlocker blocker(m_pauseAction);
        m_pauseAction->setChecked(paused);
    }
    m_pauseAction->setText(paused ? tr("&Resume Healing") : tr("&Pause Healing"));
    m_healing->setRunning(m_healingRunning, paused);
    m_lossChart->setPaused(paused);
    if (m_healingRunning && !m_lossChart->steps().empty()) {
        const lc::HealingStep &last = m_lossChart->steps().back();
        m_stage->setText(paused ? tr("Healing paused after step %1 of %2.").arg(last.step).arg(last.totalSteps)
                                : tr("Healing: step %1 of %2").arg(last.step).arg(last.totalSteps));
    } else if (m_healingRunning && paused) {
        m_stage->setText(tr("Healing will pause before its first step."));
    }
}

void MainWindow::onHealingStarted(const lc::HealingConfig &config, qint64 trainableParameters,
                                  const lc::HealingResult &history)
{
    if (!history.steps.empty() || !history.validation.empty())
        m_lossChart->setHistory(history.steps, history.validation);
    m_lossChart->setTitle(ResultTitles::healingTitle(QString::fromStdString(m_info.folder.filename().string()),
                                                     m_plan.dropped(), config, trainableParameters));
    m_stage->setText(tr("Healing: step %1 of %2").arg(history.steps.empty() ? 0 : history.steps.back().step).arg(config.steps));
    if (!history.validationSource.empty())
        m_healing->setStatus(tr("Validation loss on %1.")
                                 .arg(ResultTitles::lossSample(QString::fromStdString(history.validationSource),
                                                               history.validationDocuments, history.validationExcluded)));
}

void MainWindow::onHealingStep(const lc::HealingStep &step)
{
    m_lossChart->addStep(step);
    for (QAction *a : m_lossExportActions)
        a->setEnabled(true);
    m_progress->setValue(step.totalSteps > 0 ? static_cast<int>(1000 * step.step / step.totalSteps) : 0);
    if (!m_compute->isPaused())
        m_stage->setText(tr("Healing: step %1 of %2").arg(step.step).arg(step.totalSteps));
}

void MainWindow::onHealed(const lc::HealingResult &result)
{
    m_healed = true;
    m_stage->clear();
    QString text;
    const QLocale locale;
    if (result.cancelled) {
        const qint64 done = result.steps.empty() ? 0 : result.steps.back().step;
        const qint64 total = result.steps.empty() ? 0 : result.steps.back().totalSteps;
        text = tr("Healing cancelled after %1 of %2 steps; the model keeps what it learnt.").arg(done).arg(total);
    } else if (!result.steps.empty()) {
        text = tr("Healed in %n step(s): training loss %1", nullptr, static_cast<int>(result.steps.back().step))
                   .arg(locale.toString(result.steps.back().trainLoss, 'f', 3));
        if (!result.validation.empty())
            text += tr(", validation loss %1 on %2")
                        .arg(locale.toString(result.validation.back().loss, 'f', 3),
                             ResultTitles::lossSample(QString::fromStdString(result.validationSource),
                                                      result.validationDocuments, result.validationExcluded));
        text += QLatin1Char('.');
    } else {
        text = tr("Healing finished.");
    }
    if (!result.adapterDir.empty())
        text += QLatin1Char(' ') + tr("Adapters saved in %1.")
                                       .arg(QDir::toNativeSeparators(QString::fromStdString(result.adapterDir.string())));
    m_healing->setStatus(text);
    m_lossChart->setFinished(true);
    statusBar()->showMessage(text, 15000);
}

void MainWindow::exportHealedModel()
{
    if (m_compute->isBusy() || !m_healed)
        return;
    const QString name = QStringLiteral("%1-healed-%2")
                             .arg(QString::fromStdString(m_info.folder.filename().string()))
                             .arg(m_plan.kept.size());
    ExportModelDialog dialog(QDir(settings::lastModelDir.value()).filePath(name),
                             QString::fromStdString(m_info.checkpointDtype), this);
    dialog.setWindowTitle(tr("Export Healed Model"));
    if (dialog.exec() == QDialog::Accepted)
        exportHealedModelTo(dialog.folder(), dialog.options());
}

void MainWindow::exportHealedModelTo(const QString &folder, const lc::ExportOptions &options)
{
    if (m_compute->isBusy() || !m_healed)
        return;
    lc::ExportOptions o = options;
    if (!o.metric && m_plan.distance >= 0)
        o.metric = m_heatmap->metric() == SimilarityHeatmap::Metric::LastToken ? lc::DistanceMetric::Angular
                                                                              : lc::DistanceMetric::AllTokens;
    m_failureHeadline = tr("The healed model could not be exported.");
    m_stage->setText(tr("Merging and exporting to %1…").arg(QDir::toNativeSeparators(folder)));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->exportHealedModel(folder, o);
}



void MainWindow::evaluateModel()
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    m_evaluation->setDefaultDataFile(m_analysis->dataFile());
    const lc::EvalOptions options = m_evaluation->evalOptions();
    if (options.mmlu.empty() && options.boolq.empty() && options.validationData.empty()) {
        showError(tr("Choose what to evaluate first."),
                  tr("Set the MMLU folder or file, the BoolQ file or text for the held-out loss in the Evaluation "
                     "dock."));
        return;
    }
    m_evaluation->rememberSettings();
    evaluateModelWith(options);
}

void MainWindow::evaluateModelWith(const lc::EvalOptions &options)
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    m_failureHeadline = tr("The model could not be evaluated.");
    m_evaluation->setStatus(QString());
    m_stage->setText(tr("Evaluating…"));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->evaluate(options);
    setBusy(m_compute->isBusy());
}

QString MainWindow::modelDescription() const
{
    return ResultTitles::modelDescription(QString::fromStdString(m_info.folder.filename().string()), m_plan.dropped(),
                                          m_healed);
}

void MainWindow::onEvaluated(const lc::EvalResult &result)
{
    m_stage->clear();
    m_evaluationTable->setResult(result, modelDescription());
    m_tabs->setCurrentWidget(m_evaluationTable);
    const QString text = tr("Evaluated in %1 s.").arg(QLocale().toString(result.seconds, 'f', 1));
    m_evaluation->setStatus(text);
    statusBar()->showMessage(text, 5000);
}

void MainWindow::runSweep()
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    m_evaluation->setDefaultDataFile(m_analysis->dataFile());
    m_healing->setDefaultDataFile(m_analysis->dataFile());
    lc::SweepOptions options;
    try {
        options = m_evaluation->sweepOptions(false);
    } catch (const std::exception &e) {
        showError(tr("These sweep settings cannot be used."), QString::fromUtf8(e.what()));
        return;
    }
    const bool similarity = std::find(options.strategies.begin(), options.strategies.end(),
                                      lc::PruneStrategy::Similarity) != options.strategies.end();
    if (similarity) {
        if (m_analysis->dataFile().isEmpty()) {
            showError(tr("Choose a dataset first."),
                      tr("The most similar block is found by measuring distances on the analysis data. Set it in "
                         "the Analysis dock, or leave that strategy out."));
            return;
        }
        options.distanceData = m_analysis->dataFile().toStdString();
        options.distanceOptions = m_analysis->datasetOptions();
    }
    if (options.healSteps > 0) {
        options.healing = m_healing->config();
        if (options.healing.trainData.empty()) {
            showError(tr("Choose training data first."),
                      tr("Healing trains on text: set it in the Healing dock, or choose the analysis data."));
            return;
        }
    }
    m_evaluation->rememberSettings();
    runSweepWith(options);
}

void MainWindow::runImportanceScan()
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    m_evaluation->setDefaultDataFile(m_analysis->dataFile());
    m_evaluation->rememberSettings();
    runSweepWith(m_evaluation->sweepOptions(true));
}

void MainWindow::runSweepWith(const lc::SweepOptions &options)
{
    if (m_compute->isBusy() || m_info.config.numLayers == 0)
        return;
    const lc::EvalOptions &eval = options.eval;
    if (eval.mmlu.empty() && eval.boolq.empty() && eval.validationData.empty()) {
        showError(tr("Choose what to evaluate first."),
                  tr("Set the MMLU folder or file, the BoolQ file or text for the held-out loss in the Evaluation "
                     "dock."));
        return;
    }
    if (options.healSteps > 0 && !options.perLayer) {
        lc::HealingConfig healing = options.healing;
        healing.steps = options.healSteps;
        try {
            healing.validate();
        } catch (const std::exception &e) {
            showError(tr("These healing settings cannot be used."), QString::fromUtf8(e.what()));
            return;
        }
    }
    if (!options.resultFile.empty())
        QDir().mkpath(QFileInfo(QString::fromStdString(options.resultFile.string())).absolutePath());
    const QString model = QString::fromStdString(m_info.folder.filename().string());
    if (options.perLayer) {
        m_importanceOptions = options;
        m_importanceChart->reset(m_info.config.numLayers);
        m_importanceChart->setTitle(ResultTitles::importanceTitle(model));
        m_tabs->setCurrentWidget(m_importanceChart);
        m_failureHeadline = tr("The importance scan could not be run.");
    } else {
        m_sweepOptions = options;
        m_sweepChart->reset(m_info.config.numLayers);
        m_sweepChart->setTitle(ResultTitles::sweepTitle(model, options.healSteps));
        m_tabs->setCurrentWidget(m_sweepChart);
        m_failureHeadline = tr("The sweep could not be run.");
    }
    m_sweepRunning = true;
    m_importanceRunning = options.perLayer;
    m_sweepFailed = false;
    m_sweepIndex = m_sweepTotal = 0;
    m_evaluation->setStatus(QString());
    m_stage->setText(tr("Sweeping…"));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->sweep(options);
    setBusy(m_compute->isBusy());
}

void MainWindow::onSweepPoint(const lc::SweepPoint &point, bool resumed)
{
    if (point.strategy == lc::PruneStrategy::Single)
        m_importanceChart->addPoint(point);
    else
        m_sweepChart->addPoint(point);
    for (QAction *a : m_sweepExportActions)
        a->setEnabled(true);
    if (!resumed)
        m_evaluation->setStatus(tr("Measured %1, %2 layer(s) dropped%3.")
                                    .arg(SweepChart::strategyText(point.strategy))
                                    .arg(point.dropped.size())
                                    .arg(point.healed ? tr(", healed") : QString()));
}

void MainWindow::onSweepFinished(const lc::SweepResult &result)
{
    m_stage->clear();
    if (m_importanceRunning) {
        for (const lc::SweepPoint &p : result.points)
            m_importanceChart->addPoint(p);
    } else {
        m_sweepChart->setResult(result);
    }
    const QString file = QDir::toNativeSeparators(QString::fromStdString(
        (m_importanceRunning ? m_importanceOptions : m_sweepOptions).resultFile.string()));
    const int points = static_cast<int>(result.points.size());
    QString text = result.cancelled ? tr("Cancelled after %n point(s).", nullptr, points)
                                    : tr("Finished: %n point(s) in %1 s.", nullptr, points)
                                          .arg(QLocale().toString(m_jobClock.elapsed() / 1000.0, 'f', 1));
    if (!file.isEmpty())
        text += QLatin1Char(' ') + tr("Saved in %1.").arg(file);
    m_evaluation->setStatus(text);
    statusBar()->showMessage(text, 10000);
}

void MainWindow::resetPlanAfterSweep()
{
    // The worker reloads the checkpoint for every healed point and ends with all layers running, unhealed.
    const lc::PrunePlan all = lc::PrunePlan::keepAll(m_info.config.numLayers);
    m_plan = all;
    m_healed = false;
    m_strip->setDropped({});
    m_selection->setPruneResult(all, {}, {}, false);
    if (m_sweepFailed) {
        // An error may have stopped it with a plan applied: make the model match what the window shows.
        m_sweepFailed = false;
        QMetaObject::invokeMethod(
            this, [this, all] { m_compute->pruneModel(all, QString(), m_analysis->datasetOptions(), 0, 1); },
            Qt::QueuedConnection);
    }
}




lc::LoadOptions MainWindow::loadOptions() const
{
    lc::LoadOptions options;
    options.device = m_device->currentData().toString().toStdString();
    if (const QString dtype = m_dtype->currentData().toString(); !dtype.isEmpty())
        options.dtype = lc::parseDType(dtype.toStdString());
    options.nf4 = m_nf4->isChecked();
    return options;
}

void MainWindow::setLoadOptions(const lc::LoadOptions &options)
{
    m_device->setCurrentIndex(std::max(0, m_device->findData(QString::fromStdString(options.device))));
    m_dtype->setCurrentIndex(
        std::max(0, m_dtype->findData(options.dtype ? QString::fromStdString(lc::dtypeName(*options.dtype)) : QString())));
    m_nf4->setChecked(options.nf4);
}

void MainWindow::setSweepOptions(const lc::SweepOptions &options)
{
    (options.perLayer ? m_importanceOptions : m_sweepOptions) = options;
}

void MainWindow::selectBlock(int first, int last)
{
    if (m_heatmap->distances().empty())
        onBlockSelected(first, last);  // no heatmap yet: the strip alone selects
    else
        m_heatmap->selectBlock(first, last - first + 1);
}

void MainWindow::refreshActions()
{
    setBusy(m_compute->isBusy());
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted && !m_compute->isBusy())
        m_device->setCurrentIndex(std::max(0, m_device->findData(dialog.device())));
}
