// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <cmath>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "dialogs/export_model_dialog.h"
#include "format.h"
#include "jobs/compute_thread.h"
#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "panels/analysis_panel.h"
#include "panels/model_summary_panel.h"
#include "panels/selection_panel.h"
#include "plots/chart_exporter.h"
#include "plots/layer_strip.h"
#include "plots/similarity_heatmap.h"
#include "settings/app_settings.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

namespace {
enum Page { WelcomePage = 0, AnalysisPage = 1 };

QString duration(double seconds)
{
    const int s = static_cast<int>(std::lround(seconds));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_compute(new lc::ComputeThread(this))
{
    setWindowTitle(tr("LayerCut"));
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
    connect(m_strip, &LayerStrip::rangeSelected, this, [this](int first, int last) {
        if (m_heatmap->distances().empty())
            onBlockSelected(first, last);          // no heatmap yet: the strip alone selects
        else
            m_heatmap->selectBlock(first, last - first + 1);
    });

    m_pages = new QStackedWidget(this);
    m_pages->insertWidget(WelcomePage, welcome);
    m_pages->insertWidget(AnalysisPage, analysisPage);
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

    createDocks();
    createActions();
    setBusy(false);

    lc::ModelWorker *worker = m_compute->worker();
    connect(worker, &lc::ModelWorker::progressChanged, this, &MainWindow::onProgress);
    connect(worker, &lc::ModelWorker::modelLoaded, this, &MainWindow::onLoaded);
    connect(worker, &lc::ModelWorker::distancesReady, this, &MainWindow::onDistances);
    connect(worker, &lc::ModelWorker::pruned, this, &MainWindow::onPruned);
    connect(worker, &lc::ModelWorker::exported, this, &MainWindow::onExported);
    connect(worker, &lc::ModelWorker::failed, this, &MainWindow::onFailed);
    connect(worker, &lc::ModelWorker::cancelled, this, [this] {
        m_stage->clear();
        statusBar()->showMessage(tr("Cancelled."), 5000);
    });
    connect(m_compute, &lc::ComputeThread::busyChanged, this, &MainWindow::setBusy);

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
    dock(m_analysis, tr("Analysis"), "analysisDock");
    QDockWidget *selection = dock(m_selection, tr("Selection"), "selectionDock");
    QDockWidget *model = dock(m_summary, tr("Model"), "modelDock");
    tabifyDockWidget(selection, model);
    selection->raise();
    connect(m_analysis, &AnalysisPanel::runRequested, this, &MainWindow::measureDistances);
    connect(m_analysis, &AnalysisPanel::metricChanged, this, [this](int metric) {
        m_heatmap->setMetric(static_cast<SimilarityHeatmap::Metric>(metric));
        if (m_heatmap->selectedSize() > 0)
            onBlockSelected(m_heatmap->selectedStart(), m_heatmap->selectedStart() + m_heatmap->selectedSize() - 1);
    });
    connect(m_analysis, &AnalysisPanel::normalizeRowsChanged, m_heatmap, &SimilarityHeatmap::setNormalizeRows);
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(QIcon::fromTheme("document-open"), tr("&Open Model Folder…"), this,
                                   &MainWindow::chooseModelFolder);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    m_exportActions << file->addAction(tr("Export Heatmap &Image…"), this, &MainWindow::exportHeatmapImage);
    m_exportActions << file->addAction(tr("Export Heatmap &Data…"), this, &MainWindow::exportHeatmapData);
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

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
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
    bar->addSeparator();
    bar->addAction(m_measureAction);
    bar->addAction(m_dropAction);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = settings::recentModels.value();
    for (const QString &folder : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(folder), this, [this, folder] { openModel(folder); });
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            settings::recentModels.setValue({});
            rebuildRecentMenu();
        });
    }
}

void MainWindow::addRecent(const QString &folder)
{
    QStringList recent = settings::recentModels.value();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > settings::kMaxRecentModels)
        recent.removeLast();
    settings::recentModels.setValue(recent);
    rebuildRecentMenu();
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
    lc::LoadOptions options;
    options.device = m_device->currentData().toString().toStdString();
    if (const QString dtype = m_dtype->currentData().toString(); !dtype.isEmpty())
        options.dtype = lc::parseDType(dtype.toStdString());
    m_pendingFolder = QDir(folder).absolutePath();
    m_failureHeadline = tr("The model could not be opened.");
    m_stage->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_pendingFolder)));
    m_progress->setValue(0);
    m_jobClock.start();
    m_compute->loadModel(m_pendingFolder, options);
}

QString MainWindow::cacheDir() const
{
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
    return stage;
}

void MainWindow::onProgress(const QString &stage, qint64 current, qint64 total, qint64 tokens)
{
    m_progress->setValue(total > 0 ? static_cast<int>(1000 * current / total) : 0);
    if (stage == QLatin1String("measuring distances") && total > 0) {
        const double seconds = m_jobClock.elapsed() / 1000.0;
        const double rate = seconds > 0 ? tokens / seconds : 0;
        const double left = current > 0 ? seconds * (total - current) / current : 0;
        m_stage->setText(tr("%1 %2 of %3 samples, %4 tokens/s, %5 left")
                             .arg(stageText(stage))
                             .arg(current)
                             .arg(total)
                             .arg(QLocale().toString(rate, 'f', 0), duration(left)));
        return;
    }
    if (stage == QLatin1String("measuring loss")) {
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
    m_summary->showInfo(info);
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
    setWindowTitle(tr("%1 — LayerCut").arg(QString::fromStdString(info.folder.filename().string())));
    addRecent(m_pendingFolder);
    m_stage->clear();
    statusBar()->showMessage(tr("Model loaded in %1 s.").arg(QLocale().toString(m_jobClock.elapsed() / 1000.0, 'f', 1)),
                             5000);
    m_analysis->setStatus(tr("Choose a dataset and press Measure Distances."));
    // A result cached for this model and data opens at once.
    const QString data = m_analysis->dataFile();
    if (!data.isEmpty() &&
        std::filesystem::exists(lc::distancesCachePath(cacheDir().toStdString(), info.folder, data.toStdString(),
                                                       m_analysis->datasetOptions(), info.computeDtype)))
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
    // Start with the most redundant single layer selected.
    if (const int64_t best = distances.optimalStart(1); best >= 0)
        m_heatmap->selectBlock(static_cast<int>(best), 1);
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
    if (o.metric.empty() && m_plan.distance >= 0)
        o.metric = m_heatmap->metric() == SimilarityHeatmap::Metric::LastToken ? "angular_distance" : "all_token_distance";
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

void MainWindow::exportHeatmapImage()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Heatmap Image"), QStringLiteral("heatmap.png"),
                                                      tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    try {
        chart_exporter::saveImage(m_heatmap->plot(), path);
        statusBar()->showMessage(tr("Saved %1.").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const std::exception &e) {
        showError(tr("The image could not be saved."), QString::fromUtf8(e.what()));
    }
}

void MainWindow::exportHeatmapData()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Heatmap Data"), QStringLiteral("distances.csv"),
                                                      tr("CSV table (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    try {
        const lc::LayerDistances &d = m_heatmap->distances();
        chart_exporter::saveText(path, path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
                                           ? lc::distancesToJson(d).dump(1) + "\n"
                                           : lc::distancesToCsv(d));
        statusBar()->showMessage(tr("Saved %1.").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const std::exception &e) {
        showError(tr("The data could not be saved."), QString::fromUtf8(e.what()));
    }
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
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    m_compute->cancel();
    QMainWindow::closeEvent(event);
}
