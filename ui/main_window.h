// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

namespace lc {
class ComputeThread;
struct ModelInfo;
}
class ModelSummaryPanel;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;

/**
 * LayerCut's main window. It presents data and raises user intent; the model lives on the compute
 * thread, reached through lc::ComputeThread.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ModelSummaryPanel *summaryPanel() const { return m_summary; }
    lc::ComputeThread *computeThread() const { return m_compute; }

public slots:
    /** Loads `folder` in the background with the device and dtype chosen in the toolbar. */
    void openModel(const QString &folder);
    void chooseModelFolder();

protected:
    void closeEvent(class QCloseEvent *event) override;

private:
    void createActions();
    void rebuildRecentMenu();
    void addRecent(const QString &folder);
    void onProgress(const QString &stage, qint64 current, qint64 total);
    void onLoaded(const lc::ModelInfo &info);
    void onFailed(const QString &message);
    void setBusy(bool busy);
    QString stageText(const QString &stage) const;

    lc::ComputeThread *m_compute = nullptr;
    QStackedWidget *m_pages = nullptr;
    ModelSummaryPanel *m_summary = nullptr;
    QComboBox *m_device = nullptr;
    QComboBox *m_dtype = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_stage = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QAction *m_openAction = nullptr;
    QString m_pendingFolder;
};
