// SPDX-License-Identifier: GPL-3.0-or-later
// The main window opens a model folder in the background and shows its summary; errors show a dialog.
#include <QMessageBox>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "jobs/compute_thread.h"
#include "main_window.h"
#include "panels/analysis_panel.h"
#include "panels/model_summary_panel.h"
#include "panels/selection_panel.h"
#include "plots/layer_strip.h"
#include "plots/similarity_heatmap.h"

namespace {

/**
 * Waits until the compute thread is idle again. Its busy flag lives on this thread and drops only when
 * jobFinished() arrives (queued) after the job's result signals, so spies on the worker can be read
 * safely afterwards; QSignalSpy::wait() on a signal emitted from another thread can miss its wake-up.
 */
bool waitIdle(const lc::ComputeThread *compute, int ms = 30000)
{
    return QTest::qWaitFor([compute] { return !compute->isBusy(); }, ms);
}

} // namespace

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
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(loaded.count(), 1);
        QTRY_COMPARE(window.summaryPanel()->fieldText("layers"), QString("6"));
        QVERIFY(window.summaryPanel()->isVisible());
        QVERIFY(window.summaryPanel()->fieldText("tied").size() > 0);
        QVERIFY(window.summaryPanel()->fieldText("tokenizer").contains("BPE"));
        QVERIFY(window.windowTitle().contains("qwen2_tied_f16"));
    }

    void measuresAndSelects()
    {
        MainWindow window;
        window.show();
        QSignalSpy loaded(window.computeThread()->worker(), &lc::ModelWorker::modelLoaded);
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic");
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(loaded.count(), 1);
        QSignalSpy ready(window.computeThread()->worker(), &lc::ModelWorker::distancesReady);
        window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        window.measureDistances();
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(window.heatmap()->distances().numLayers, int64_t(6));
        // The best single layer is preselected and described in the selection panel and on the strip.
        const int best = static_cast<int>(window.heatmap()->distances().optimalStart(1));
        QTRY_COMPARE(window.layerStrip()->selectedFirst(), best);
        QVERIFY(window.selectionPanel()->droppedText().startsWith(QString::number(best)));
        // Selecting on the strip moves the heatmap's selection.
        emit window.layerStrip()->rangeSelected(1, 3);
        QCOMPARE(window.heatmap()->selectedStart(), 1);
        QCOMPARE(window.heatmap()->selectedSize(), 3);
        QVERIFY(window.selectionPanel()->keptText().startsWith("0, 4–5"));
        // A second run on the same model and data comes from the cache.
        ready.clear();
        window.measureDistances();
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(ready.count(), 1);
        QVERIFY(ready.first().at(1).toBool());
    }

    void dropsABlockAndExports()
    {
        MainWindow window;
        window.show();
        window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm");
        QVERIFY(waitIdle(window.computeThread()));
        window.measureDistances();  // (from the cache if an earlier run measured it)
        QVERIFY(waitIdle(window.computeThread()));
        // Select layers 2–3 by dragging on the strip, then drop them.
        LayerStrip *strip = window.layerStrip();
        QTest::mousePress(strip, Qt::LeftButton, {}, strip->layerCenter(2));
        QTest::mouseMove(strip, strip->layerCenter(3));
        QTest::mouseRelease(strip, Qt::LeftButton, {}, strip->layerCenter(3));
        QCOMPARE(window.heatmap()->selectedStart(), 2);
        QSignalSpy pruned(window.computeThread()->worker(), &lc::ModelWorker::pruned);
        window.dropSelectedBlock();
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(pruned.count(), 1);
        QCOMPARE(window.prunePlan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(strip->dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(window.selectionPanel()->prunedText().contains("2–3"));
        QVERIFY2(window.selectionPanel()->lossText().contains("before"), qPrintable(window.selectionPanel()->lossText()));
        const auto before = pruned.first().at(1).value<lc::LossResult>();
        const auto after = pruned.first().at(2).value<lc::LossResult>();
        QVERIFY(before.tokens > 0 && before.tokens == after.tokens && before.loss != after.loss);
        // The analysis (200 samples) used all 24 documents, so the check says its data overlaps it.
        QVERIFY(!pruned.first().at(3).toBool());
        QVERIFY(window.selectionPanel()->lossText().contains("overlap"));
        // Export in the background; the folder appears only when complete.
        QTemporaryDir dir;
        const QString out = dir.filePath("qwen3-pruned");
        QSignalSpy exported(window.computeThread()->worker(), &lc::ModelWorker::exported);
        window.exportPrunedModelTo(out, {});
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(exported.count(), 1);
        QVERIFY(QFile::exists(out + "/model.safetensors") && QFile::exists(out + "/layercut.json"));
        QFile config(out + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(config.readAll().contains("\"num_hidden_layers\": 4"));
        // Restoring runs every layer again.
        window.restoreAllLayers();
        QVERIFY(waitIdle(window.computeThread()));
        QVERIFY(!window.prunePlan().prunesAnything());
        QVERIFY(strip->dropped().empty());
    }

    void showsLoadErrors()
    {
        MainWindow window;
        window.show();
        QSignalSpy failed(window.computeThread()->worker(), &lc::ModelWorker::failed);
        window.openModel("/nonexistent/folder");
        QVERIFY(waitIdle(window.computeThread()));
        QCOMPARE(failed.count(), 1);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>("errorBox")) != nullptr);
        QVERIFY(box->informativeText().contains("/nonexistent/folder"));
        box->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
