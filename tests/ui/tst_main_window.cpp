// SPDX-License-Identifier: GPL-3.0-or-later
// The main window opens a model folder in the background and shows its summary; errors show a dialog.
#include <QMessageBox>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>

#include "jobs/compute_thread.h"
#include "main_window.h"
#include "panels/model_summary_panel.h"

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void opensAModel()
    {
        MainWindow window;
        window.show();
        QSignalSpy loaded(window.computeThread()->worker(), &lc::ModelWorker::modelLoaded);
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/qwen2_tied_f16");
        QVERIFY(loaded.wait(30000));
        QTRY_COMPARE(window.summaryPanel()->fieldText("layers"), QString("6"));
        QVERIFY(window.summaryPanel()->isVisible());
        QVERIFY(window.summaryPanel()->fieldText("tied").size() > 0);
        QVERIFY(window.summaryPanel()->fieldText("tokenizer").contains("BPE"));
        QVERIFY(window.windowTitle().contains("qwen2_tied_f16"));
    }

    void showsLoadErrors()
    {
        MainWindow window;
        window.show();
        QSignalSpy failed(window.computeThread()->worker(), &lc::ModelWorker::failed);
        window.openModel("/nonexistent/folder");
        QVERIFY(failed.wait(10000));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>("loadErrorBox")) != nullptr);
        QVERIFY(box->informativeText().contains("/nonexistent/folder"));
        box->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
