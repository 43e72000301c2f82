// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "format.h"
#include "jobs/compute_thread.h"
#include "panels/model_summary_panel.h"
#include "settings/app_settings.h"

namespace {
enum Page { WelcomePage = 0, SummaryPage = 1 };
}

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_compute(new lc::ComputeThread(this))
{
    setWindowTitle(tr("LayerCut"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/layercut.svg")));
    resize(1100, 720);

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

    m_summary = new ModelSummaryPanel(this);
    m_pages = new QStackedWidget(this);
    m_pages->insertWidget(WelcomePage, welcome);
    m_pages->insertWidget(SummaryPage, m_summary);
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
    setBusy(false);

    createActions();

    lc::ModelWorker *worker = m_compute->worker();
    connect(worker, &lc::ModelWorker::progressChanged, this, &MainWindow::onProgress);
    connect(worker, &lc::ModelWorker::modelLoaded, this, &MainWindow::onLoaded);
    connect(worker, &lc::ModelWorker::failed, this, &MainWindow::onFailed);
    connect(worker, &lc::ModelWorker::loadCancelled, this, [this] {
        statusBar()->showMessage(tr("Loading cancelled."), 5000);
    });
    connect(m_compute, &lc::ComputeThread::busyChanged, this, &MainWindow::setBusy);

    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value());
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(QIcon::fromTheme("document-open"), tr("&Open Model Folder…"), this,
                                   &MainWindow::chooseModelFolder);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

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
    m_stage->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_pendingFolder)));
    m_progress->setValue(0);
    m_compute->loadModel(m_pendingFolder, options);
}

QString MainWindow::stageText(const QString &stage) const
{
    // Core stage names are English identifiers; show them translated.
    if (stage == QLatin1String("opening checkpoint"))
        return tr("Opening checkpoint…");
    if (stage == QLatin1String("loading weights"))
        return tr("Loading weights…");
    return stage;
}

void MainWindow::onProgress(const QString &stage, qint64 current, qint64 total)
{
    m_progress->setValue(total > 0 ? static_cast<int>(1000 * current / total) : 0);
    m_stage->setText(total > 1 ? tr("%1 %2 of %3").arg(stageText(stage), format::bytes(static_cast<quint64>(current)),
                                                        format::bytes(static_cast<quint64>(total)))
                               : stageText(stage));
}

void MainWindow::onLoaded(const lc::ModelInfo &info)
{
    m_summary->showInfo(info);
    m_pages->setCurrentIndex(SummaryPage);
    setWindowTitle(tr("%1 — LayerCut").arg(QString::fromStdString(info.folder.filename().string())));
    addRecent(m_pendingFolder);
    m_stage->clear();
    statusBar()->showMessage(tr("Model loaded."), 5000);
}

void MainWindow::onFailed(const QString &message)
{
    m_stage->clear();
    // Non-modal, so the event loop (and the compute thread's signals) keep flowing.
    auto *box = new QMessageBox(QMessageBox::Critical, tr("LayerCut"), tr("The model could not be opened."),
                                QMessageBox::Ok, this);
    box->setObjectName("loadErrorBox");
    box->setInformativeText(message);  // the core's English message names the file and the problem
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (m_openAction)
        m_openAction->setEnabled(!busy);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    m_compute->cancel();
    QMainWindow::closeEvent(event);
}
